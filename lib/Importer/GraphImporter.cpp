//===- GraphImporter.cpp - per-node helpers of the ONNX importer ----------===//
#include "GraphImporter.h"
#include "ImportMath.h"
#include "ModelValidation.h"

#include "etch/Support/CheckedMath.h"
#include "ShapeInference.h"

#include "mlir/IR/BuiltinAttributes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

GraphImporter::GraphImporter(MLIRContext &ctx, StringRef modelDir,
                             int64_t opset)
    : ctx(ctx), builder(&ctx), modelDir(modelDir.str()), opset(opset),
      currentLoc(UnknownLoc::get(&ctx)) {}

const OpTable &importer::getOpTable() {
  static const OpTable table = [] {
    OpTable t;
    registerConvPoolOps(t);
    registerElementwiseOps(t);
    registerShapeOps(t);
    registerMathOps(t);
    registerTensorOps(t);
    registerDataOps(t);
    registerResizeOps(t);
    registerQuantOps(t);
    registerRecurrentOps(t);
    registerControlFlowOps(t);
    registerSequenceOps(t);
    registerIndexingOps(t);
    registerSpectralOps(t);
    registerCompositeOps(t);
    registerModernOps(t);
    registerDeformConvOps(t);
    registerNarrowTypeOps(t);
    registerStatefulOps(t);
    registerAttentionOps(t);
    registerMicrosoftOps(t);
    registerTrainingOps(t);
    registerMLOps(t);
    registerTreeEnsembleOps(t);
    registerTfIdfOps(t);
    registerGroupQueryAttentionOps(t);
    registerInt4Ops(t);
    registerTensorFoldOps(t); // keep last: fills only missing entries
    return t;
  }();
  return table;
}

std::string importer::opTableKey(const onnx::NodeProto &node) {
  if (node.domain().empty() || node.domain() == "ai.onnx") {
    return node.op_type();
  }
  return node.domain() + "." + node.op_type();
}

void GraphImporter::addConstant(StringRef name,
                                const onnx::TensorProto *tensor,
                                Location loc) {
  values.erase(name);
  constants.insert_or_assign(name, Constant{tensor, loc, Value()});
}

FailureOr<GraphImporter::Bound> GraphImporter::capture(StringRef name,
                                                       Location loc) {
  Bound bound;
  if (absent.contains(name)) {
    bound.absent = true;
  } else if (auto it = sequences.find(name); it != sequences.end()) {
    bound.sequence = it->second;
  } else if (auto c = constants.find(name); c != constants.end()) {
    bound.constant = c->second.tensor;
  } else if (auto v = values.find(name); v != values.end()) {
    bound.value = v->second;
  } else {
    return emitError(loc) << "value '" << name << "' is not defined";
  }
  return bound;
}

void GraphImporter::bind(StringRef name, const Bound &bound) {
  values.erase(name);
  constants.erase(name);
  sequences.erase(name);
  absent.erase(name);
  if (bound.absent) {
    absent.insert(name);
  } else if (bound.sequence) {
    sequences[name] = *bound.sequence;
  } else if (bound.constant) {
    addConstant(name, bound.constant, currentLoc);
  } else {
    values[name] = bound.value;
  }
}

const onnx::TensorProto *GraphImporter::keepTensor(onnx::TensorProto tensor) {
  ownedTensors.push_back(std::move(tensor));
  return &ownedTensors.back();
}

FailureOr<Value> GraphImporter::lookup(StringRef name, Location useLoc) {
  if (auto it = values.find(name); it != values.end()) {
    return it->second;
  }
  auto it = constants.find(name);
  if (it == constants.end()) {
    if (absent.contains(name)) {
      return emitError(useLoc) << "value '" << name
                               << "' is an optional without an element";
    }
    if (sequences.count(name)) {
      return emitError(useLoc)
             << "value '" << name
             << "' is a sequence; sequences are supported as values between "
                "the Sequence* ops, SplitToSequence and ConcatFromSequence "
                "only (not as tensors, graph inputs or graph outputs)";
    }
    return emitError(useLoc) << "value '" << name << "' is not defined";
  }
  Constant &c = it->second;
  if (!c.value) {
    FailureOr<ElementsAttr> attr = convertTensor(*c.tensor, modelDir, c.loc);
    if (failed(attr)) {
      return failure();
    }
    // Nodes are imported in order at the end of the one block, so the first
    // use's position dominates every later use.
    c.value = ConstantOp::create(builder, c.loc, *attr).getResult();
  }
  return c.value;
}

FailureOr<RankedTensorType>
GraphImporter::typeOfValueInfo(StringRef name, std::string &why) {
  auto it = valueInfos.find(name);
  if (it == valueInfos.end() || !it->second->has_tensor_type()) {
    why = "ONNX shape inference found no tensor type";
    return failure();
  }
  const onnx::TypeProto_Tensor &tt = it->second->tensor_type();
  Type elem = convertElementType(&ctx, tt.elem_type());
  if (!elem) {
    why = "its element type " + onnxTypeName(tt.elem_type()) +
          " is not supported";
    return failure();
  }
  if (!tt.has_shape()) {
    why = "ONNX shape inference found no shape";
    return failure();
  }
  SmallVector<int64_t> shape;
  for (const auto &dim : tt.shape().dim()) {
    if (!dim.has_dim_value() || dim.dim_value() < 0) {
      why = "ONNX shape inference found no static shape";
      return failure();
    }
    shape.push_back(dim.dim_value());
  }
  std::optional<int64_t> bytes =
      boundedBytes(shape, std::max<int64_t>(elem.getIntOrFloatBitWidth() / 8, 1));
  if (!bytes || *bytes > maxTensorBytes) {
    why = "its shape " +
          llvm::join(llvm::map_range(shape,
                                     [](int64_t d) { return std::to_string(d); }),
                     "x") +
          " holds more than the " +
          std::to_string(maxTensorBytes) + " bytes --max-model-bytes allows";
    return failure();
  }
  return RankedTensorType::get(shape, elem);
}

LogicalResult GraphImporter::checkDerivedShape(ArrayRef<int64_t> shape,
                                               Type elem) {
  std::optional<int64_t> bytes = boundedBytes(
      shape, std::max<int64_t>(elem.getIntOrFloatBitWidth() / 8, 1));
  if (bytes && *bytes <= maxTensorBytes) {
    return success();
  }
  return error() << "the result shape "
                 << llvm::join(llvm::map_range(shape,
                                               [](int64_t d) {
                                                 return std::to_string(d);
                                               }),
                               "x")
                 << " holds more than the " << maxTensorBytes
                 << " bytes --max-model-bytes allows";
}

bool GraphImporter::hasStaticShape(StringRef name) const {
  auto it = valueInfos.find(name);
  if (it == valueInfos.end() || !it->second->has_tensor_type() ||
      !it->second->tensor_type().has_shape()) {
    return false;
  }
  return llvm::all_of(it->second->tensor_type().shape().dim(),
                      [](const auto &d) {
                        return d.has_dim_value() && d.dim_value() >= 0;
                      });
}

InFlightDiagnostic GraphImporter::error() {
  InFlightDiagnostic diag = emitError(currentLoc);
  // The location's name: the node name, or "<Op>_<index>" for unnamed nodes.
  StringRef name = current->name();
  if (auto nameLoc = dyn_cast<NameLoc>(currentLoc)) {
    name = nameLoc.getName().getValue();
  }
  diag << "node '" << name << "' (" << current->op_type() << "): ";
  return diag;
}

bool GraphImporter::hasInput(unsigned i) const {
  return static_cast<int>(i) < current->input_size() &&
         !current->input(i).empty();
}

FailureOr<Value> GraphImporter::input(unsigned i) {
  if (!hasInput(i)) {
    return error() << "missing required input #" << i;
  }
  if (auto it = inputOverrides.find(i); it != inputOverrides.end()) {
    return it->second;
  }
  return lookup(current->input(i), currentLoc);
}

const onnx::TensorProto *GraphImporter::constantInput(unsigned i) const {
  if (!hasInput(i)) {
    return nullptr;
  }
  auto it = constants.find(current->input(i));
  return it == constants.end() ? nullptr : it->second.tensor;
}

FailureOr<SmallVector<int64_t>> GraphImporter::constantInts(unsigned i,
                                                            StringRef what) {
  const onnx::TensorProto *t = constantInput(i);
  if (!t) {
    return error() << "the '" << what << "' input ('" << current->input(i)
                   << "') must be a constant (initializer or Constant node"
                   << constantHint(current->input(i)) << ")";
  }
  return tensorToInts(*t, modelDir, currentLoc);
}

std::string GraphImporter::constantHint(StringRef name) const {
  if (graphInputNames.contains(name)) {
    return ("; fix a graph input's value with --input-value " + name +
            "=v0,v1,...")
        .str();
  }
  // Computed from graph inputs: fixing them makes it foldable.
  auto it = graphInputDeps.find(name);
  if (it == graphInputDeps.end() || it->second.empty()) {
    return "";
  }
  std::string text = "; it is computed from graph input";
  text += it->second.size() > 1 ? "s " : " ";
  for (auto [i, in] : llvm::enumerate(it->second)) {
    text += (i ? ", '" : "'") + in + "'";
  }
  return text + ": fix a graph input's value with --input-value " +
         it->second.front() + "=v0,v1,...";
}

void GraphImporter::recordGraphInputDeps(const onnx::NodeProto &node) {
  SmallVector<std::string, 2> deps;
  for (const std::string &in : node.input()) {
    if (in.empty() || constants.count(in)) {
      continue;
    }
    if (graphInputNames.contains(in)) {
      if (!llvm::is_contained(deps, in)) {
        deps.push_back(in);
      }
      continue;
    }
    if (auto it = graphInputDeps.find(in); it != graphInputDeps.end()) {
      for (const std::string &d : it->second) {
        if (!llvm::is_contained(deps, d)) {
          deps.push_back(d);
        }
      }
    }
  }
  for (const std::string &out : node.output()) {
    if (!out.empty()) {
      graphInputDeps[out] = deps;
    }
  }
}

FailureOr<SmallVector<double>> GraphImporter::constantFloats(unsigned i,
                                                             StringRef what) {
  const onnx::TensorProto *t = constantInput(i);
  if (!t) {
    return error() << "the '" << what << "' input ('" << current->input(i)
                   << "') must be a constant (initializer or Constant node"
                   << constantHint(current->input(i)) << ")";
  }
  return tensorToFloats(*t, modelDir, currentLoc);
}

int32_t GraphImporter::onnxElementType(StringRef name) const {
  if (auto it = constants.find(name); it != constants.end()) {
    return it->second.tensor->data_type();
  }
  auto it = valueInfos.find(name);
  if (it == valueInfos.end() || !it->second->has_tensor_type()) {
    return onnx::TensorProto::UNDEFINED;
  }
  return it->second->tensor_type().elem_type();
}

bool GraphImporter::isUnsignedInput(unsigned i) const {
  return hasInput(i) && isUnsignedType(onnxElementType(current->input(i)));
}

bool GraphImporter::isUnsignedOutput(unsigned i) const {
  return static_cast<int>(i) < current->output_size() &&
         isUnsignedType(onnxElementType(current->output(i)));
}

/// The ONNX element type of an MLIR element type (signless integers as
/// signed unless `onnxHint` says otherwise).
static int32_t onnxElementTypeOf(Type type, int32_t onnxHint) {
  if (onnxHint != onnx::TensorProto::UNDEFINED) {
    return onnxHint;
  }
  if (type.isF32()) {
    return onnx::TensorProto::FLOAT;
  }
  if (type.isF64()) {
    return onnx::TensorProto::DOUBLE;
  }
  if (type.isF16()) {
    return onnx::TensorProto::FLOAT16;
  }
  if (type.isBF16()) {
    return onnx::TensorProto::BFLOAT16;
  }
  if (isa<Float8E4M3FNType>(type)) {
    return kOnnxFloat8E4M3FN;
  }
  if (isa<Float8E4M3FNUZType>(type)) {
    return kOnnxFloat8E4M3FNUZ;
  }
  if (isa<Float8E5M2Type>(type)) {
    return kOnnxFloat8E5M2;
  }
  if (isa<Float8E5M2FNUZType>(type)) {
    return kOnnxFloat8E5M2FNUZ;
  }
  if (isa<Float8E8M0FNUType>(type)) {
    return kOnnxFloat8E8M0;
  }
  switch (type.getIntOrFloatBitWidth()) {
  case 1:
    return onnx::TensorProto::BOOL;
  case 8:
    return onnx::TensorProto::INT8;
  case 16:
    return onnx::TensorProto::INT16;
  case 32:
    return onnx::TensorProto::INT32;
  default:
    return onnx::TensorProto::INT64;
  }
}

void GraphImporter::inferCurrentNode() {
  // A model of this node alone, its inputs typed with the shapes etch has
  // computed (inside a Loop or SequenceMap body these are known only now)
  // and small constants as initializers, for ONNX's shape inference.
  onnx::ModelProto model;
  model.set_ir_version(8);
  onnx::OperatorSetIdProto *op = model.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  onnx::GraphProto &graph = *model.mutable_graph();
  graph.set_name("node");
  *graph.add_node() = *current;
  llvm::StringSet<> seen;
  for (const std::string &in : current->input()) {
    if (in.empty() || !seen.insert(in).second) {
      continue;
    }
    if (auto c = constants.find(in); c != constants.end()) {
      const auto &dims = c->second.tensor->dims();
      std::optional<int64_t> elements =
          shapeBound(SmallVector<int64_t>(dims.begin(), dims.end()));
      if (elements && *elements <= 4096) {
        // Under the node's name for it: a Loop/Scan body input bound to an
        // outer constant shares the tensor, which keeps the outer name.
        onnx::TensorProto *init = graph.add_initializer();
        *init = *c->second.tensor;
        init->set_name(in);
        continue;
      }
    }
    FailureOr<Value> v = lookup(in, currentLoc);
    if (failed(v)) {
      return;
    }
    auto type = dyn_cast<RankedTensorType>(v->getType());
    if (!type) {
      return;
    }
    onnx::ValueInfoProto *info = graph.add_input();
    info->set_name(in);
    onnx::TypeProto_Tensor *tt = info->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(
        onnxElementTypeOf(type.getElementType(), onnxElementType(in)));
    tt->mutable_shape(); // rank 0 is a shape too (absent means unknown rank)
    for (int64_t d : type.getShape()) {
      tt->mutable_shape()->add_dim()->set_dim_value(d);
    }
  }
  for (const std::string &out : current->output()) {
    if (!out.empty()) {
      graph.add_output()->set_name(out);
    }
  }
  std::string error;
  if (!inferShapes(model, error)) {
    return;
  }
  for (const onnx::ValueInfoProto &info : model.graph().output()) {
    if (info.type().has_tensor_type()) {
      inferredTypes.push_back(info);
      addValueInfo(inferredTypes.back());
    }
  }
}

FailureOr<RankedTensorType> GraphImporter::outputType(unsigned i) {
  std::string why;
  FailureOr<RankedTensorType> type = typeOfValueInfo(current->output(i), why);
  if (failed(type)) {
    // ONNX inferred no static type over the whole model (a Loop or
    // SequenceMap body, data it could not propagate): infer this node
    // alone from the types its inputs have now.
    inferCurrentNode();
    std::string again;
    type = typeOfValueInfo(current->output(i), again);
  }
  if (failed(type)) {
    return error() << "output '" << current->output(i) << "': " << why;
  }
  return type;
}

void GraphImporter::setOutput(unsigned i, Value v) {
  StringRef name = current->output(i);
  constants.erase(name);
  values[name] = v;
}

void GraphImporter::noteOutputType(unsigned i, int32_t onnxType) {
  const std::string &name = current->output(i);
  auto it = values.find(name);
  if (valueInfos.contains(name) || it == values.end()) {
    return;
  }
  auto type = dyn_cast<RankedTensorType>(it->second.getType());
  if (!type) {
    return;
  }
  onnx::ValueInfoProto info;
  info.set_name(name);
  onnx::TypeProto_Tensor *tt = info.mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnxType);
  for (int64_t d : type.getShape()) {
    tt->mutable_shape()->add_dim()->set_dim_value(d);
  }
  inferredTypes.push_back(std::move(info));
  addValueInfo(inferredTypes.back());
}

LogicalResult GraphImporter::rejectOutputsFrom(unsigned first,
                                               StringRef what) {
  for (int i = first; i < current->output_size(); ++i) {
    // An output no node and no graph output reads (e.g. the mask of an
    // inference-mode Dropout in exported models) may stay undefined.
    if (!current->output(i).empty() &&
        usedValues.contains(current->output(i))) {
      return error() << "the " << what << " output ('" << current->output(i)
                     << "') is not supported; only the first output is";
    }
  }
  return success();
}

const onnx::AttributeProto *GraphImporter::attr(StringRef name) const {
  for (const auto &a : current->attribute()) {
    if (a.name() == name) {
      return &a;
    }
  }
  return nullptr;
}

int64_t GraphImporter::attrInt(StringRef name, int64_t dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : dflt;
}

float GraphImporter::attrFloat(StringRef name, float dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string GraphImporter::attrString(StringRef name, StringRef dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : dflt.str();
}

std::optional<SmallVector<int64_t>>
GraphImporter::attrInts(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a) {
    return std::nullopt;
  }
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

LogicalResult GraphImporter::unsupportedAttr(StringRef name, StringRef value,
                                             StringRef supported) {
  return error() << "attribute '" << name << "' = " << value
                 << " is not supported; supported: " << supported;
}

FailureOr<int64_t> importer::normalizeAxis(GraphImporter &im, int64_t axis,
                                           int64_t rank, StringRef what) {
  if (axis < -rank || axis >= rank) {
    return im.error() << what << " " << axis << " is out of range [" << -rank
                      << ", " << rank << ")";
  }
  return axis < 0 ? axis + rank : axis;
}

/// Ops that import unsigned integer tensors correctly: their results do not
/// depend on signedness (data movement, wrapping add/sub/mul, equality), or
/// their importer records it (`is_unsigned`, Cast's unsigned_input/output).
/// An op not listed here gets a clear error for unsigned tensors instead of
/// silently signed arithmetic; list an op once its importer and lowering
/// handle unsigned operands.
static bool acceptsUnsigned(StringRef op) {
  static const llvm::StringSet<> ops = {
      // Signedness-free.
      "Add", "Sub", "Mul", "Sum", "Equal", "Not", "And", "Or", "Xor", "Where",
      "Identity", "Dropout", "Constant", "ConstantOfShape", "Shape", "Size",
      "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat",
      "Slice", "Gather", "GatherElements", "Expand", "Tile", "Split", "Pad",
      "Trilu", "DepthToSpace", "SpaceToDepth", "BitShift", "BitwiseAnd",
      "BitwiseOr", "BitwiseXor", "BitwiseNot", "CenterCropPad", "CumProd",
      "BitCast",
      // Signedness recorded by the importer.
      "Div", "Max", "Min", "Less", "LessOrEqual", "Greater", "GreaterOrEqual",
      "Cast", "CastLike", "Pow", "Clip", "Abs", "Mod", "QuantizeLinear",
      "DequantizeLinear", "DynamicQuantizeLinear", "MatMulInteger",
      "ConvInteger", "QLinearMatMul", "QLinearConv", "QLinearAdd", "QLinearMul",
      "QLinearConcat", "QLinearGlobalAveragePool", "QGemm", "MatMulNBits"};
  return ops.contains(op);
}

/// Ops whose results depend only on the order of their input's values.
static bool isOrderOnly(StringRef op) {
  static const llvm::StringSet<> ops = {"MaxPool", "GlobalMaxPool",
                                        "ReduceMax", "ReduceMin", "ArgMax",
                                        "ArgMin", "TopK"};
  return ops.contains(op);
}

/// x + INT_MIN of its width (wrapping): flips the sign bit, which maps
/// unsigned order onto signed order and back.
static Value flipSignBit(GraphImporter &im, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  Value bias = createScalarConstant(im, type.getElementType(),
                                    -std::ldexp(1.0, width - 1));
  return createBinary<AddOp>(im, x, bias);
}

/// Outputs that ONNX inference left untyped (users of com.microsoft ops,
/// which it skips) take input 0's unsigned type through the ops that only
/// move or order its values (MaxPool, Reshape, Flatten, ...), so that their
/// users still see uint8.
static void inheritUnsignedTypes(GraphImporter &im,
                                 const onnx::NodeProto &node) {
  if (node.input_size() == 0 || node.input(0).empty() ||
      !(acceptsUnsigned(node.op_type()) || isOrderOnly(node.op_type()))) {
    return;
  }
  int32_t inType = im.onnxElementType(node.input(0));
  // (Constants are typed by their tensors; looking them up would
  // materialize them.)
  FailureOr<Value> in = im.isKnown(node.input(0)) &&
                                !im.constantTensor(node.input(0))
                            ? im.lookup(node.input(0), im.getLoc())
                            : FailureOr<Value>(failure());
  if (!isUnsignedType(inType) || failed(in)) {
    return;
  }
  auto inTensor = dyn_cast<RankedTensorType>(in->getType());
  for (int i = 0; i < node.output_size(); ++i) {
    const std::string &name = node.output(i);
    if (!inTensor || name.empty() || !im.isKnown(name) ||
        im.onnxElementType(name) != onnx::TensorProto::UNDEFINED ||
        im.lookupSequence(name) || im.constantTensor(name)) {
      continue;
    }
    FailureOr<Value> out = im.lookup(name, im.getLoc());
    auto type = succeeded(out) ? dyn_cast<RankedTensorType>(out->getType())
                               : RankedTensorType();
    if (type && type.getElementType() == inTensor.getElementType()) {
      im.recordOutputType(i, type.getShape(), inType);
    }
  }
}

LogicalResult importer::importNode(GraphImporter &im,
                                   const onnx::NodeProto &node,
                                   OpImportFn import) {
  bool flip = isOrderOnly(node.op_type()) && node.input_size() > 0 &&
              isUnsignedType(im.onnxElementType(node.input(0)));
  if (flip) {
    FailureOr<Value> x = im.input(0);
    if (failed(x)) {
      return failure();
    }
    im.overrideInput(0, flipSignBit(im, *x));
  }
  if (failed(import(im, node))) {
    return failure();
  }
  inheritUnsignedTypes(im, node);
  if (flip) {
    for (int i = 0; i < node.output_size(); ++i) {
      const std::string &name = node.output(i);
      if (name.empty() || !isUnsignedType(im.onnxElementType(name)) ||
          !im.isKnown(name)) {
        continue;
      }
      FailureOr<Value> y = im.lookup(name, im.getLoc());
      if (failed(y)) {
        return failure();
      }
      im.setOutput(i, flipSignBit(im, *y));
    }
  }
  return success();
}

LogicalResult importer::checkUnsignedSupport(GraphImporter &im,
                                             const onnx::NodeProto &node) {
  if (acceptsUnsigned(node.op_type()) || isOrderOnly(node.op_type())) {
    return success();
  }
  auto check = [&](const std::string &name) -> LogicalResult {
    int32_t type = im.onnxElementType(name);
    if (name.empty() || !isUnsignedType(type)) {
      return success();
    }
    return im.error() << "unsigned integer tensors (" << onnxTypeName(type)
                      << " '" << name << "') are not supported by "
                      << node.op_type();
  };
  for (const std::string &name : node.input()) {
    if (failed(check(name))) {
      return failure();
    }
  }
  for (const std::string &name : node.output()) {
    if (failed(check(name))) {
      return failure();
    }
  }
  return success();
}
