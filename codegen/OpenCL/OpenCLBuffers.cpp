//===- OpenCLBuffers.cpp - Memrefs as device buffer accesses --------------===//
#include "OpenCLBuffers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>

namespace mlir::etch::opencl {

namespace {
constexpr int64_t kWeightAlign = 64;

int64_t elementBytes(Type type) {
  if (type.isIndex()) {
    return 4;
  }
  unsigned bits = type.getIntOrFloatBitWidth();
  return bits == 1 ? 1 : bits / 8;
}
} // namespace

int64_t BufferView::beginByte() const {
  int64_t lo = offset;
  for (auto [size, stride] : llvm::zip(shape, strides)) {
    if (size > 0 && stride < 0) {
      lo += (size - 1) * stride;
    }
  }
  return byteOffset + lo * elementBytes(elementType);
}

int64_t BufferView::endByte() const {
  int64_t hi = offset;
  for (auto [size, stride] : llvm::zip(shape, strides)) {
    if (size == 0) {
      return beginByte();
    }
    if (stride > 0) {
      hi += (size - 1) * stride;
    }
  }
  return byteOffset + (hi + 1) * elementBytes(elementType);
}

LogicalResult BufferResolver::init(func::FuncOp entry, OpenCLProgram &prog) {
  entryFunc = entry;
  program = &prog;
  uint32_t nextIO = kFirstIOSlot;
  // Inputs first, then outputs, as the ABI orders them.
  for (bool outputs : {false, true}) {
    for (BlockArgument arg : entryFunc.getArguments()) {
      unsigned i = arg.getArgNumber();
      if (entryFunc.getArgAttr(i, "etch.arena")) {
        if (!outputs) {
          argSlots[arg] = kArenaSlot;
        }
        continue;
      }
      if (!isa<MemRefType>(arg.getType())) {
        return entryFunc.emitError() << "argument " << i << " is not a memref";
      }
      if (static_cast<bool>(entryFunc.getArgAttr(i, "etch.output")) == outputs) {
        argSlots[arg] = nextIO++;
      }
    }
  }
  return success();
}

FailureOr<int64_t> BufferResolver::weightOffset(Operation *user,
                                                llvm::StringRef name) {
  auto it = weightOffsets.find(name);
  if (it != weightOffsets.end()) {
    return it->second;
  }
  auto module = entryFunc->getParentOfType<ModuleOp>();
  auto global = module.lookupSymbol<memref::GlobalOp>(name);
  if (!global || !global.getConstant() || !global.getInitialValue()) {
    return user->emitError() << "'" << name
                             << "' is not a constant global; OpenCL kernels "
                                "read only constant weights";
  }
  MemRefType type = global.getType();
  Type elem = type.getElementType();
  int64_t count = type.getNumElements();
  int64_t bytes = count * elementBytes(elem);
  std::vector<char> &blob = program->weights;
  int64_t offset =
      (static_cast<int64_t>(blob.size()) + kWeightAlign - 1) / kWeightAlign *
      kWeightAlign;
  blob.resize(offset + bytes, 0);
  char *dst = blob.data() + offset;
  Attribute init = *global.getInitialValue();
  if (auto dense = dyn_cast<DenseElementsAttr>(init)) {
    if (elem.isInteger(1)) {
      int64_t i = 0;
      for (bool v : dense.getValues<bool>()) {
        dst[i++] = v ? 1 : 0;
      }
    } else if (dense.isSplat()) {
      llvm::ArrayRef<char> raw = dense.getRawData();
      for (int64_t i = 0; i < count; ++i) {
        std::memcpy(dst + i * raw.size(), raw.data(), raw.size());
      }
    } else {
      llvm::ArrayRef<char> raw = dense.getRawData();
      std::memcpy(dst, raw.data(), std::min<size_t>(raw.size(), bytes));
    }
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(init)) {
    AsmResourceBlob *blobHandle = resource.getRawHandle().getBlob();
    if (!blobHandle) {
      return user->emitError() << "weights '" << name << "' have no data";
    }
    llvm::ArrayRef<char> raw = blobHandle->getData();
    if (static_cast<int64_t>(raw.size()) < bytes) {
      return user->emitError() << "weights '" << name << "' are truncated";
    }
    std::memcpy(dst, raw.data(), bytes);
  } else {
    return user->emitError() << "weights '" << name
                             << "' have an initializer OpenCL cannot upload";
  }
  weightOffsets[name] = offset;
  return offset;
}

FailureOr<BufferView> BufferResolver::resolve(Value memref, Operation *user) {
  auto type = dyn_cast<MemRefType>(memref.getType());
  if (!type || !type.hasStaticShape()) {
    return user->emitError() << "OpenCL kernels need statically shaped "
                                "memrefs, got "
                             << memref.getType();
  }
  BufferView view;
  view.elementType = type.getElementType();
  view.shape.assign(type.getShape().begin(), type.getShape().end());
  if (failed(type.getStridesAndOffset(view.strides, view.offset)) ||
      ShapedType::isDynamic(view.offset) ||
      llvm::any_of(view.strides, ShapedType::isDynamic)) {
    return user->emitError() << "OpenCL kernels need static strides, got "
                             << type;
  }
  // Walk to the origin: the layout of every view op's result is relative to
  // the base pointer it shares with its source, so only memref.view and
  // get_global move the base.
  Value current = memref;
  while (true) {
    if (auto arg = dyn_cast<BlockArgument>(current)) {
      auto it = argSlots.find(arg);
      if (it == argSlots.end()) {
        return user->emitError() << "memref argument of an unexpected block";
      }
      view.slot = it->second;
      return view;
    }
    Operation *def = current.getDefiningOp();
    if (auto v = dyn_cast<memref::ViewOp>(def)) {
      std::optional<int64_t> shift =
          getConstantIntValue(v.getByteShift());
      if (!shift) {
        return user->emitError() << "arena view at a dynamic offset";
      }
      view.byteOffset += *shift;
      current = v.getSource();
      continue;
    }
    if (auto g = dyn_cast<memref::GetGlobalOp>(def)) {
      FailureOr<int64_t> offset = weightOffset(user, g.getName());
      if (failed(offset)) {
        return failure();
      }
      view.slot = kWeightsSlot;
      view.byteOffset += *offset;
      return view;
    }
    if (isa<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp,
            memref::CastOp, memref::ReinterpretCastOp,
            memref::AssumeAlignmentOp>(def)) {
      current = def->getOperand(0);
      continue;
    }
    return user->emitError() << "OpenCL kernels cannot address a memref "
                                "made by '"
                             << def->getName() << "'";
  }
}

std::string clTypeName(Type type, bool fp16) {
  if (type.isF32()) {
    return fp16 ? "half" : "float";
  }
  if (type.isF16()) {
    return "half";
  }
  if (type.isF64()) {
    return "double";
  }
  if (type.isIndex()) {
    return "int";
  }
  if (auto i = dyn_cast<IntegerType>(type)) {
    switch (i.getWidth()) {
    case 1:
      return "uchar";
    case 8:
      return i.isUnsigned() ? "uchar" : "char";
    case 16:
      return i.isUnsigned() ? "ushort" : "short";
    case 32:
      return i.isUnsigned() ? "uint" : "int";
    case 64:
      return i.isUnsigned() ? "ulong" : "long";
    default:
      return "";
    }
  }
  return "";
}

FailureOr<std::string> clLiteral(Attribute value, bool fp16) {
  if (auto f = dyn_cast<FloatAttr>(value)) {
    double d = f.getValueAsDouble();
    std::string suffix = f.getType().isF64() ? "" : "f";
    std::string text;
    if (std::isnan(d)) {
      text = "NAN";
    } else if (std::isinf(d)) {
      text = d > 0 ? "INFINITY" : "(-INFINITY)";
    } else {
      char buffer[64];
      std::snprintf(buffer, sizeof(buffer), "%a", d);
      text = std::string("(") + buffer + suffix + ")";
    }
    if (fp16 || f.getType().isF16()) {
      return "((half)" + text + ")";
    }
    return text;
  }
  if (auto i = dyn_cast<IntegerAttr>(value)) {
    if (i.getType().isInteger(1)) {
      return std::string(i.getValue().isZero() ? "((uchar)0)" : "((uchar)1)");
    }
    int64_t v = i.getType().isIndex() ? i.getInt()
                                      : i.getValue().getSExtValue();
    std::string type = clTypeName(i.getType());
    if (v == INT64_MIN) {
      return "((" + type + ")(-9223372036854775807L - 1))";
    }
    return "((" + type + ")" + std::to_string(v) + "L)";
  }
  return failure();
}

std::string clAffineExpr(AffineExpr expr, llvm::ArrayRef<std::string> dims) {
  switch (expr.getKind()) {
  case AffineExprKind::DimId:
    return dims[cast<AffineDimExpr>(expr).getPosition()];
  case AffineExprKind::Constant:
    return std::to_string(cast<AffineConstantExpr>(expr).getValue());
  case AffineExprKind::SymbolId:
    return "0";
  default:
    break;
  }
  auto bin = cast<AffineBinaryOpExpr>(expr);
  std::string lhs = clAffineExpr(bin.getLHS(), dims);
  std::string rhs = clAffineExpr(bin.getRHS(), dims);
  switch (expr.getKind()) {
  case AffineExprKind::Add:
    return "(" + lhs + " + " + rhs + ")";
  case AffineExprKind::Mul:
    return "(" + lhs + " * " + rhs + ")";
  case AffineExprKind::FloorDiv:
    return "etch_floordiv(" + lhs + ", " + rhs + ")";
  case AffineExprKind::CeilDiv:
    return "etch_ceildiv(" + lhs + ", " + rhs + ")";
  case AffineExprKind::Mod:
    return "etch_mod(" + lhs + ", " + rhs + ")";
  default:
    return "0";
  }
}

} // namespace mlir::etch::opencl
