//===- ModelSignature.cpp - Model I/O signature and generated header ------===//
#include "etch/codegen/Common/EmitObject.h"
#include "etch/codegen/Common/Parallel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::etch {

namespace {

/// etch_dtype_t values (runtime/include/etch/etch.h).
enum EtchDType : int32_t {
  kF32 = 0,
  kF16,
  kBF16,
  kI8,
  kU8,
  kI16,
  kI32,
  kI64,
  kBool,
  kF64,
  kU16,
  kU32,
  kU64,
  kF8E4M3FN,
  kF8E4M3FNUZ,
  kF8E5M2,
  kF8E5M2FNUZ,
  kF8E8M0,
  kI4,
  kU4,
  kF4E2M1,
  kI2,
  kU2
};

struct DTypeInfo {
  int32_t dtype;
  const char *cType;
  const char *onnxName;
  uint32_t bytes; ///< sizeof(cType)
};

/// The dtype of an element type; integer tensors are signless, so
/// `isUnsigned` (the argument's etch.unsigned) picks the unsigned dtype.
std::optional<DTypeInfo> getDType(Type type, bool isUnsigned) {
  if (type.isF32()) {
    return DTypeInfo{kF32, "float", "float32", 4};
  }
  if (type.isF64()) {
    return DTypeInfo{kF64, "double", "float64", 8};
  }
  if (type.isF16()) {
    return DTypeInfo{kF16, "uint16_t", "float16", 2};
  }
  if (type.isBF16()) {
    return DTypeInfo{kBF16, "uint16_t", "bfloat16", 2};
  }
  // Float8: one byte per element, the format's bits.
  if (isa<Float8E4M3FNType>(type)) {
    return DTypeInfo{kF8E4M3FN, "uint8_t", "float8e4m3fn", 1};
  }
  if (isa<Float8E4M3FNUZType>(type)) {
    return DTypeInfo{kF8E4M3FNUZ, "uint8_t", "float8e4m3fnuz", 1};
  }
  if (isa<Float8E5M2Type>(type)) {
    return DTypeInfo{kF8E5M2, "uint8_t", "float8e5m2", 1};
  }
  if (isa<Float8E5M2FNUZType>(type)) {
    return DTypeInfo{kF8E5M2FNUZ, "uint8_t", "float8e5m2fnuz", 1};
  }
  if (isa<Float8E8M0FNUType>(type)) {
    return DTypeInfo{kF8E8M0, "uint8_t", "float8e8m0", 1};
  }
  auto intType = dyn_cast<IntegerType>(type);
  if (!intType) {
    return std::nullopt;
  }
  isUnsigned |= intType.isUnsigned();
  switch (intType.getWidth()) {
  case 1:
    return DTypeInfo{kBool, "uint8_t", "bool", 1};
  case 8:
    return isUnsigned ? DTypeInfo{kU8, "uint8_t", "uint8", 1}
                      : DTypeInfo{kI8, "int8_t", "int8", 1};
  case 16:
    return isUnsigned ? DTypeInfo{kU16, "uint16_t", "uint16", 2}
                      : DTypeInfo{kI16, "int16_t", "int16", 2};
  case 32:
    return isUnsigned ? DTypeInfo{kU32, "uint32_t", "uint32", 4}
                      : DTypeInfo{kI32, "int32_t", "int32", 4};
  case 64:
    return isUnsigned ? DTypeInfo{kU64, "uint64_t", "uint64", 8}
                      : DTypeInfo{kI64, "int64_t", "int64", 8};
  default:
    return std::nullopt;
  }
}

/// The sub-byte dtypes, packed at the ABI (the argument's `etch.dtype`, the
/// importer's name of the ONNX type); bits per element in `packedBits`.
std::optional<DTypeInfo> getPackedDType(StringRef name, uint32_t &packedBits) {
  static const struct {
    const char *name;
    int32_t dtype;
    uint32_t bits;
  } table[] = {{"int4", kI4, 4},
               {"uint4", kU4, 4},
               {"float4e2m1", kF4E2M1, 4},
               {"int2", kI2, 2},
               {"uint2", kU2, 2}};
  for (const auto &row : table) {
    if (name == row.name) {
      packedBits = row.bits;
      return DTypeInfo{row.dtype, "uint8_t", row.name, 1};
    }
  }
  return std::nullopt;
}

const char *dtypeName(int32_t dtype) {
  static const char *names[] = {
      "float32",        "float16",      "bfloat16",       "int8",
      "uint8",          "int16",        "int32",          "int64",
      "bool",           "float64",      "uint16",         "uint32",
      "uint64",         "float8e4m3fn", "float8e4m3fnuz", "float8e5m2",
      "float8e5m2fnuz", "float8e8m0",   "int4",           "uint4",
      "float4e2m1",     "int2",         "uint2"};
  return dtype >= 0 && dtype <= kU2 ? names[dtype] : "?";
}

bool isCKeyword(llvm::StringRef word) {
  static const char *keywords[] = {
      "auto",     "break",    "case",     "char",     "const",
      "continue", "default",  "do",       "double",   "else",
      "enum",     "extern",   "float",    "for",      "goto",
      "if",       "inline",   "int",      "long",     "register",
      "restrict", "return",   "short",    "signed",   "sizeof",
      "static",   "struct",   "switch",   "typedef",  "union",
      "unsigned", "void",     "volatile", "while",    "_Bool",
      "_Complex", "_Imaginary", "bool",   "true",     "false",
      "class",    "new",      "delete",   "this",     "template",
      "arena"}; // `arena` is the wrapper's own parameter.
  return llvm::is_contained(keywords, word);
}

} // namespace

std::string sanitizeCIdentifier(llvm::StringRef text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (char c : text) {
    out.push_back(llvm::isAlnum(c) || c == '_' ? c : '_');
  }
  if (out.empty() || llvm::isDigit(out.front())) {
    out.insert(0, "t_");
  }
  if (isCKeyword(out)) {
    out.push_back('_');
  }
  return out;
}

FailureOr<ModelSignature> readModelSignature(ModuleOp module,
                                             llvm::StringRef modelName,
                                             llvm::StringRef entry) {
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func) {
    return module.emitError() << "no entry function @" << entry;
  }
  auto sizeAttr = func->getAttrOfType<IntegerAttr>("etch.arena_size");
  auto alignAttr = func->getAttrOfType<IntegerAttr>("etch.arena_align");
  if (!sizeAttr || !alignAttr) {
    return func.emitOpError() << "has no arena (etch.arena_size / "
                                 "etch.arena_align): run memory planning first";
  }

  ModelSignature sig;
  sig.name = modelName.str();
  sig.arenaSize = sizeAttr.getInt();
  sig.arenaAlign = alignAttr.getInt();
  if (auto bound = func->getAttrOfType<IntegerAttr>("etch.arena_lower_bound")) {
    sig.arenaLowerBound = bound.getInt();
  }
  if (auto threads = module->getAttrOfType<IntegerAttr>(kThreadsAttrName)) {
    sig.threads = threads.getInt();
  }
  llvm::StringSet<> usedCNames;
  bool sawArena = false;
  for (BlockArgument arg : func.getArguments()) {
    unsigned i = arg.getArgNumber();
    if (func.getArgAttr(i, "etch.arena")) {
      sawArena = true;
      continue;
    }
    auto type = dyn_cast<MemRefType>(arg.getType());
    if (!type || !type.hasStaticShape()) {
      return func.emitOpError() << "argument #" << i
                                << " is not a statically shaped memref: "
                                << arg.getType();
    }
    uint32_t packedBits = 0;
    std::optional<DTypeInfo> dtype;
    auto packedName = func.getArgAttrOfType<StringAttr>(i, "etch.dtype");
    auto packedShape =
        func.getArgAttrOfType<DenseI64ArrayAttr>(i, "etch.shape");
    if (packedName) {
      dtype = getPackedDType(packedName.getValue(), packedBits);
      if (!dtype || !packedShape) {
        return func.emitOpError()
               << "argument #" << i << ": etch.dtype " << packedName
               << " needs a sub-byte dtype and etch.shape";
      }
    } else {
      dtype = getDType(type.getElementType(),
                       func.getArgAttr(i, "etch.unsigned") != nullptr);
    }
    if (!dtype) {
      return func.emitOpError()
             << "argument #" << i << " has element type "
             << type.getElementType()
             << ", which the etch C ABI has no dtype for (supported: f32, "
                "f64, f16, bf16, float8, i1 and 8/16/32/64-bit integers)";
    }
    bool isOutput = static_cast<bool>(func.getArgAttr(i, "etch.output"));
    std::vector<TensorInfo> &list = isOutput ? sig.outputs : sig.inputs;
    TensorInfo info;
    if (auto name = func.getArgAttrOfType<StringAttr>(i, "etch.name")) {
      info.name = name.str();
    } else {
      info.name = (isOutput ? "output" : "input") + std::to_string(list.size());
    }
    std::string base = sanitizeCIdentifier(info.name);
    info.cName = base;
    for (unsigned n = 1; usedCNames.contains(info.cName); ++n) {
      info.cName = base + "_" + std::to_string(n);
    }
    usedCNames.insert(info.cName);
    info.dtype = dtype->dtype;
    info.cType = dtype->cType;
    info.elementBytes = dtype->bytes;
    info.packedBits = packedBits;
    if (packedShape) {
      info.shape.assign(packedShape.asArrayRef().begin(),
                        packedShape.asArrayRef().end());
      if (info.byteSize() != static_cast<uint64_t>(type.getNumElements())) {
        return func.emitOpError()
               << "argument #" << i << " holds " << type.getNumElements()
               << " bytes, not the packed etch.shape's " << info.byteSize();
      }
    } else {
      info.shape.assign(type.getShape().begin(), type.getShape().end());
    }
    list.push_back(std::move(info));
  }
  if (!sawArena) {
    return func.emitOpError() << "has no argument marked etch.arena";
  }
  return sig;
}

std::string emitModelHeader(const ModelSignature &sig,
                            llvm::StringRef sourceDescription) {
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string upper = llvm::StringRef(sig.name).upper();
  auto describe = [&](const TensorInfo &t) {
    os << " *   " << t.cName << ": " << dtypeName(t.dtype) << "[";
    llvm::interleaveComma(t.shape, os);
    os << "]";
    if (t.cName != t.name) {
      os << "  (ONNX name \"" << t.name << "\")";
    }
    os << "\n";
  };

  os << "/* " << sig.name << ".h - generated by etch-compile";
  if (!sourceDescription.empty()) {
    os << " from " << sourceDescription;
  }
  os << ". Do not edit.\n *\n";
  os << " * Inputs (in ONNX graph order):\n";
  for (const TensorInfo &t : sig.inputs) {
    describe(t);
  }
  os << " * Outputs:\n";
  for (const TensorInfo &t : sig.outputs) {
    describe(t);
  }
  os << " *\n"
     << " * Tensors are dense and row-major. Inputs and outputs must not "
        "overlap\n"
     << " * each other or the arena. The arena holds " << upper
     << "_ARENA_SIZE bytes aligned to\n"
     << " * " << upper
     << "_ARENA_ALIGN; it may be NULL when the size is 0. Calls return "
        "ETCH_OK\n"
     << " * or an error status; they never abort.\n";
  if (llvm::any_of(
          llvm::concat<const TensorInfo>(sig.inputs, sig.outputs),
          [](const TensorInfo &t) {
            return t.packedBits != 0 ||
                   llvm::StringRef(dtypeName(t.dtype)).starts_with("float8");
          })) {
    os << " *\n"
       << " * float8 tensors hold one byte per element (the format's bits). "
          "int4,\n"
       << " * uint4 and float4e2m1 are packed two per byte, int2 and uint2 "
          "four per\n"
       << " * byte, the first element in the lowest bits (as ONNX packs them), "
          "the\n"
       << " * last byte padded with zeros.\n";
  }
  if (sig.threads > 1) {
    os << " *\n"
       << " * Compiled with --threads=" << sig.threads
       << ": layers split their work over up to " << sig.threads
       << " threads\n"
       << " * through etch_parallel_for_tid. Link libetch_runtime_threads.a "
          "before\n"
       << " * libetch_runtime.a, then -lpthread (without the pool it runs on "
          "one thread).\n";
  } else {
    os << " *\n"
       << " * Compiled with --threads=1: single-threaded, needs only the C "
          "library.\n";
  }
  os << " */\n";
  os << "#ifndef ETCH_MODEL_" << upper << "_H\n";
  os << "#define ETCH_MODEL_" << upper << "_H\n\n";
  os << "#include \"etch/etch.h\"\n\n";
  os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  os << "#define " << upper << "_ARENA_SIZE " << sig.arenaSize << "\n";
  os << "#define " << upper << "_ARENA_ALIGN " << sig.arenaAlign << "\n";
  os << "#define " << upper << "_THREADS " << sig.threads << "\n\n";
  os << "extern const etch_model_t " << sig.name << "_model;\n\n";
  os << "etch_status_t " << sig.name << "_run(";
  for (const TensorInfo &t : sig.inputs) {
    os << "const " << t.cType << " *" << t.cName << ", ";
  }
  for (const TensorInfo &t : sig.outputs) {
    os << t.cType << " *" << t.cName << ", ";
  }
  os << "void *arena);\n\n";
  os << "#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n";
  os << "#endif /* ETCH_MODEL_" << upper << "_H */\n";
  return text;
}

} // namespace mlir::etch
