//===- GraphImporter.h - state shared by the ONNX op importers --*- C++ -*-===//
//
// Private to lib/Importer. One GraphImporter walks the (topologically sorted)
// ONNX graph; per node it dispatches to an OpImportFn registered by one of
// the Import*.cpp files, which reads inputs/attributes through the helpers
// below and records the node's outputs.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_LIB_IMPORTER_GRAPHIMPORTER_H
#define ETCH_LIB_IMPORTER_GRAPHIMPORTER_H

#include "etch/Importer/OnnxImporter.h"
#include "etch/dialects/Etch/IR/EtchOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include "onnx/onnx_pb.h"

#include <deque>
#include <functional>
#include <optional>
#include <string>

namespace mlir::etch::importer {

class GraphImporter;

/// Imports one node; reports user errors via GraphImporter::error().
using OpImportFn = LogicalResult (*)(GraphImporter &, const onnx::NodeProto &);
using OpTable = llvm::StringMap<OpImportFn>;

void registerCompositeOps(OpTable &table); // ImportComposite.cpp
void registerConvPoolOps(OpTable &table);
void registerDataOps(OpTable &table); // ImportData.cpp
void registerElementwiseOps(OpTable &table);
void registerShapeOps(OpTable &table);
void registerMathOps(OpTable &table); // ImportMath*.cpp
void registerModernOps(OpTable &table); // ImportModern.cpp
void registerDeformConvOps(OpTable &table); // ImportDeformConv.cpp
void registerNarrowTypeOps(OpTable &table); // ImportNarrowTypes.cpp
void registerStatefulOps(OpTable &table);   // ImportStateful.cpp
void registerAttentionOps(OpTable &table); // ImportAttention.cpp
void registerMicrosoftOps(OpTable &table); // ImportMicrosoft.cpp
void registerTrainingOps(OpTable &table);  // ImportTraining.cpp
void registerMLOps(OpTable &table);         // ImportML.cpp
void registerTreeEnsembleOps(OpTable &table); // ImportTreeEnsemble.cpp
void registerTfIdfOps(OpTable &table);     // ImportTfIdf.cpp
void registerGroupQueryAttentionOps(OpTable &table);
void registerInt4Ops(OpTable &table);      // ImportInt4.cpp
/// Fallbacks for ops only supported when folded; registered last, adds only
/// missing entries.
void registerTensorFoldOps(OpTable &table);
void registerTensorOps(OpTable &table);
void registerResizeOps(OpTable &table); // ImportResize.cpp
void registerQuantOps(OpTable &table);  // ImportQuant.cpp
void registerRecurrentOps(OpTable &table); // ImportRecurrent.cpp
void registerControlFlowOps(OpTable &table); // ImportControlFlow.cpp
void registerSequenceOps(OpTable &table); // ImportSequence.cpp
void registerIndexingOps(OpTable &table); // ImportIndexing.cpp
void registerSpectralOps(OpTable &table); // ImportSpectral.cpp

/// Evaluates `node` at import when its inputs are small constants (or, for
/// Shape/Size, statically shaped) and records its outputs as constants.
/// Returns whether it folded. (ImportTensorFold.cpp)
FailureOr<bool> tryFoldNode(GraphImporter &im, const onnx::NodeProto &node);

/// For models below opset 7 (LegacyOpsets.cpp): checks `node` against what
/// the importer supports of its op's old form (error naming the node, op and
/// attribute otherwise). Returns whether the import-time folder may evaluate
/// it (it knows only the opset-7+ forms).
FailureOr<bool> checkLegacyNode(GraphImporter &im, const onnx::NodeProto &node);

/// Opset-1..6 binary elementwise ops: with broadcast=1 and `axis`, reshapes
/// `rhs` with trailing ones so that NumPy broadcasting aligns it at `axis`;
/// without broadcast=1 the shapes must match. Returns `rhs` from opset 7 on.
FailureOr<Value> legacyBroadcastRhs(GraphImporter &im, Value lhs, Value rhs);

/// PRelu-1/6's slope (one value, one per channel at dim 1, or one per
/// element) reshaped for NumPy broadcasting against `x`.
FailureOr<Value> legacyPReluSlope(GraphImporter &im, Value x, Value slope);

/// Passes input `input` of the current node on as output `output`, whether
/// it is a tensor, a sequence or an absent optional (ImportSequence.cpp).
LogicalResult forwardAnyValue(GraphImporter &im, unsigned input,
                              unsigned output);

/// An etch.conv of the current node's Conv attributes (kernel_shape, pads,
/// auto_pad, strides, dilations, group) with result element type
/// `resultElement` and the shape ONNX inferred for output 0.
FailureOr<Value> buildConv(GraphImporter &im, Value x, Value w, Value bias,
                           Type resultElement);

/// Errors if `node` has an unsigned integer input or output and its op is
/// not one that imports them correctly (integer tensors are signless).
LogicalResult checkUnsignedSupport(GraphImporter &im,
                                   const onnx::NodeProto &node);

/// Imports `node` with `import`. Ops whose results depend only on the order
/// of values (MaxPool, ReduceMax, ArgMin, TopK, ...) also take unsigned
/// integers: flipping the sign bit maps unsigned onto signed order, so
/// input 0 is flipped before and unsigned outputs are flipped back after.
LogicalResult importNode(GraphImporter &im, const onnx::NodeProto &node,
                         OpImportFn import);

/// Replaces nodes whose op has no importer but an ONNX function body (at
/// `opset`) by the body's nodes, recursively; whether it changed the model.
/// (ExpandFunctions.cpp)
bool expandFunctionOps(onnx::ModelProto &model, int64_t opset);

/// Rewrites QDQ groups (DequantizeLinear inputs -> op -> QuantizeLinear)
/// into QOperator nodes, as ONNX Runtime's QDQ transformers do; whether it
/// changed the graph. Runs after shape inference. (QdqFusion.cpp)
bool fuseQdqGroups(MLIRContext &ctx, onnx::GraphProto &graph);
/// Rewrites blocked int4/uint4 DequantizeLinear of an initializer feeding
/// MatMul/Gemm as B into com.microsoft MatMulNBits, whose weights stay
/// packed; whether it changed the graph. (Int4MatMulRewrite.cpp)
bool rewriteInt4MatMuls(MLIRContext &ctx, onnx::GraphProto &graph,
                        StringRef modelDir);

/// The full dispatch table (built once).
const OpTable &getOpTable();

/// The key of `node`'s importer in the table: its op type, prefixed with
/// "<domain>." for the ops of other domains than the default one
/// ("com.microsoft.Gelu", "ai.onnx.ml.Binarizer").
std::string opTableKey(const onnx::NodeProto &node);

//===----------------------------------------------------------------------===//
// Tensors (Tensors.cpp)
//===----------------------------------------------------------------------===//

/// TensorProto::DataType values newer than libonnx 1.12's enum.
enum : int32_t {
  kOnnxFloat8E4M3FN = 17,
  kOnnxFloat8E4M3FNUZ = 18,
  kOnnxFloat8E5M2 = 19,
  kOnnxFloat8E5M2FNUZ = 20,
  kOnnxUInt4 = 21,
  kOnnxInt4 = 22,
  kOnnxFloat4E2M1 = 23,
  kOnnxFloat8E8M0 = 24,
  kOnnxUInt2 = 25,
  kOnnxInt2 = 26,
};

/// Maps an ONNX TensorProto::DataType to an MLIR element type; null if
/// unsupported.
Type convertElementType(MLIRContext *ctx, int32_t onnxType);
/// Whether a TensorProto::DataType is UINT8/16/32/64 (imported signless).
bool isUnsignedType(int32_t onnxType);
/// 4 or 2 for the sub-byte types (int4, uint4, float4e2m1, int2, uint2),
/// which compute as one i8 per element and are packed in initializers and at
/// the C ABI; 0 for the others.
unsigned narrowTypeBits(int32_t onnxType);
/// etch.cast's `input_storage`/`output_storage` name of a sub-byte type
/// ("i4", "ui4", "f4E2M1FN", "i2", "ui2"); empty for the others.
StringRef narrowStorageName(int32_t onnxType);
/// The float8 types, float8e8m0 and float4e2m1.
bool isNewerFloatType(int32_t onnxType);
/// Bytes of `numel` elements of `bits` (4 or 2) packed ONNX's way.
int64_t packedBytes(int64_t numel, unsigned bits);
/// A packed i8 tensor as one i8 per element of `shape` (ImportNarrowTypes).
Value unpackNarrow(GraphImporter &im, Value packed, int32_t onnxType,
                   ArrayRef<int64_t> shape);
/// One i8 per element packed ONNX's way into a 1-D i8 tensor.
Value packNarrow(GraphImporter &im, Value v, int32_t onnxType);
/// `etch.dtype`'s value for a graph input/output of a sub-byte type ("int4").
std::string abiDTypeName(int32_t onnxType);
/// Errors unless `node`'s op takes the float8/float4/int4/int2 tensors it
/// has.
LogicalResult checkNarrowTypeSupport(GraphImporter &im,
                                     const onnx::NodeProto &node);
/// The ONNX name of a TensorProto::DataType, for messages.
std::string onnxTypeName(int32_t onnxType);

/// A constant tensor's elements as integers / as floats (integers convert).
FailureOr<SmallVector<int64_t>> tensorToInts(const onnx::TensorProto &tensor,
                                             StringRef modelDir, Location loc);
FailureOr<SmallVector<double>> tensorToFloats(const onnx::TensorProto &tensor,
                                              StringRef modelDir,
                                              Location loc);

/// Builds the attribute for an initializer/Constant: a resource blob (one
/// copy of the bytes) for large tensors, DenseElementsAttr for small ones.
FailureOr<ElementsAttr> convertTensor(const onnx::TensorProto &tensor,
                                      StringRef modelDir, Location loc);

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

class GraphImporter {
public:
  GraphImporter(MLIRContext &ctx, StringRef modelDir, int64_t opset);

  MLIRContext *getContext() { return &ctx; }
  OpBuilder &getBuilder() { return builder; }
  int64_t getOpset() const { return opset; }
  StringRef getModelDir() const { return modelDir; }
  /// Bound on the bytes of any static type the importer creates
  /// (--max-model-bytes): shape inference can derive absurd shapes
  /// (Expand, Tile, ConstantOfShape of constants) from small inputs.
  void setMaxTensorBytes(int64_t bytes) { maxTensorBytes = bytes; }
  /// How quantized ops requantize (--requant).
  void setRequantMode(RequantMode mode) { requantMode = mode; }
  RequantMode getRequantMode() const { return requantMode; }
  /// OnnxImportOptions::unsignedActivations.
  void setUnsignedActivations(bool v) { unsignedActivations = v; }
  bool getUnsignedActivations() const { return unsignedActivations; }
  /// Errors (naming the current node) unless a tensor of `shape` and
  /// `elem` fits that bound: for shapes an importer derives from attribute
  /// or constant values before it builds anything of that size.
  LogicalResult checkDerivedShape(ArrayRef<int64_t> shape, Type elem);

  //--- Graph-level bookkeeping (used by the driver) -----------------------//
  void setValue(StringRef name, Value v) { values[name] = v; }
  /// Registers a constant tensor (initializer or Constant node output); it is
  /// materialized as an etch.constant at its first use.
  void addConstant(StringRef name, const onnx::TensorProto *tensor,
                   Location loc);
  /// Takes ownership of a TensorProto made by the importer (Constant nodes).
  const onnx::TensorProto *keepTensor(onnx::TensorProto tensor);
  void addValueInfo(const onnx::ValueInfoProto &info) {
    valueInfos[info.name()] = &info.type();
  }
  /// Whether `name` is a graph input of the function (not a constant).
  bool isGraphInput(StringRef name) const {
    auto it = values.find(name);
    return it != values.end() && isa<BlockArgument>(it->second);
  }
  /// The hint for a value that must be constant: how to fix a graph input
  /// (--input-value), empty for a computed value.
  std::string constantHint(StringRef name) const;
  bool isKnown(StringRef name) const {
    return values.count(name) || constants.count(name) ||
           sequences.count(name) || absent.contains(name);
  }
  /// What a name stands for: a tensor, a constant, a sequence or an absent
  /// optional (for binding subgraph inputs: If, Loop, SequenceMap).
  struct Bound {
    Value value;
    const onnx::TensorProto *constant = nullptr;
    std::optional<SmallVector<Value>> sequence;
    bool absent = false;
  };
  /// The current binding of `name` (failure with an error if unknown).
  FailureOr<Bound> capture(StringRef name, Location loc);
  /// Makes `name` stand for `bound`, replacing whatever it stood for.
  void bind(StringRef name, const Bound &bound);
  /// An optional value without an element (an absent optional input,
  /// Optional() without input).
  void setAbsent(StringRef name) { absent.insert(name); }
  bool isAbsent(StringRef name) const { return absent.contains(name); }
  /// ONNX sequences exist only at import time, as lists of tensor values
  /// (their lengths and positions must be static).
  void setSequence(StringRef name, SmallVector<Value> elements) {
    sequences[name] = std::move(elements);
  }
  const SmallVector<Value> *lookupSequence(StringRef name) const {
    auto it = sequences.find(name);
    return it == sequences.end() ? nullptr : &it->second;
  }
  /// The tensor of constant `name` (initializer, Constant node or a node
  /// folded at import), or null.
  const onnx::TensorProto *constantTensor(StringRef name) const {
    auto it = constants.find(name);
    return it == constants.end() ? nullptr : it->second.tensor;
  }
  /// Records that a node or the graph's outputs read `name`.
  void markUsed(StringRef name) { usedValues.insert(name); }
  /// How many constants are known (grows as nodes fold).
  size_t numConstants() const { return constants.size(); }
  /// Whether ONNX shape inference gave `name` a fully static shape.
  bool hasStaticShape(StringRef name) const;
  /// The value named `name`, materializing a constant if needed.
  FailureOr<Value> lookup(StringRef name, Location useLoc);
  /// Static tensor type of a value info, or failure (message in `why`).
  FailureOr<RankedTensorType> typeOfValueInfo(StringRef name,
                                              std::string &why);

  //--- Per-node context ---------------------------------------------------//
  void beginNode(const onnx::NodeProto &node, Location loc) {
    current = &node;
    currentLoc = loc;
    inputOverrides.clear();
  }
  /// Imports the nodes of a subgraph (an If branch) into the current scope.
  using SubgraphImporter = std::function<LogicalResult(const onnx::GraphProto &)>;
  void setSubgraphImporter(SubgraphImporter fn) {
    subgraphImporter = std::move(fn);
  }
  LogicalResult importSubgraph(const onnx::GraphProto &graph) {
    return subgraphImporter(graph);
  }
  /// Registers the name of a graph input (a function argument).
  void markGraphInput(StringRef name) { graphInputNames.insert(name); }
  /// Records which graph inputs `node`'s outputs are computed from (for
  /// constantHint on values derived from them).
  void recordGraphInputDeps(const onnx::NodeProto &node);
  /// Drops the types inferCurrentNode learned: a Loop or SequenceMap body
  /// is re-imported per iteration with inputs of other shapes.
  void forgetInferredTypes() {
    for (const onnx::ValueInfoProto &info : inferredTypes) {
      valueInfos.erase(info.name());
    }
    inferredTypes.clear();
  }
  /// Makes input(i) return `v` for the rest of the current node.
  void overrideInput(unsigned i, Value v) { inputOverrides[i] = v; }
  /// Records the ONNX type of output `i` (a com.microsoft op's, which ONNX
  /// inference skips) so that its users see it, e.g. that it is uint8.
  void recordOutputType(unsigned i, ArrayRef<int64_t> shape,
                        int32_t onnxElementType) {
    onnx::ValueInfoProto info;
    info.set_name(current->output(i));
    auto *tensor = info.mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnxElementType);
    auto *dims = tensor->mutable_shape();
    for (int64_t d : shape) {
      dims->add_dim()->set_dim_value(d);
    }
    recordedTypes.push_back(std::move(info));
    addValueInfo(recordedTypes.back());
  }
  Location getLoc() const { return currentLoc; }
  /// Where ops created outside a node go (the graph's inputs and outputs).
  void setLoc(Location loc) { currentLoc = loc; }
  const onnx::NodeProto &getNode() const { return *current; }

  /// emitError at the node, prefixed "node '<name>' (<Op>): ".
  InFlightDiagnostic error();

  /// Whether input `i` is present (ONNX marks absent optional inputs "").
  bool hasInput(unsigned i) const;
  /// The value of input `i`; the input must be present.
  FailureOr<Value> input(unsigned i);
  /// The tensor behind input `i` if it is an initializer or Constant output.
  const onnx::TensorProto *constantInput(unsigned i) const;
  /// Constant input `i` as integers/floats; `what` names it in the error
  /// when it is not a constant.
  FailureOr<SmallVector<int64_t>> constantInts(unsigned i, StringRef what);
  FailureOr<SmallVector<double>> constantFloats(unsigned i, StringRef what);

  /// The ONNX element type (TensorProto::DataType) of the value `name`, from
  /// its value info or constant; UNDEFINED (0) when unknown.
  int32_t onnxElementType(StringRef name) const;
  /// Whether input/output `i` of the current node has an unsigned ONNX
  /// integer type (the MLIR type is signless).
  bool isUnsignedInput(unsigned i) const;
  bool isUnsignedOutput(unsigned i) const;

  /// The statically shaped type ONNX shape inference gave output `i`.
  FailureOr<RankedTensorType> outputType(unsigned i);
  /// Creates an etch op at the node's location through the generic builder
  /// (attributes left out take their ODS defaults).
  template <typename OpTy>
  Value create(Type type, ValueRange operands,
               ArrayRef<NamedAttribute> attrs = {}) {
    return OpTy::create(builder, currentLoc, TypeRange{type}, operands, attrs)
        ->getResult(0);
  }
  NamedAttribute namedAttr(StringRef name, Attribute value) {
    return builder.getNamedAttr(name, value);
  }

  /// Records output `i` of the current node.
  void setOutput(unsigned i, Value v);
  /// Gives the (already set) output `i` the ONNX element type `onnxType`
  /// where ONNX inference typed it not at all: libonnx 1.12 does not
  /// propagate the element types it has no name for (float8, int4, ...),
  /// which later nodes read through onnxElementType.
  void noteOutputType(unsigned i, int32_t onnxType);
  /// Errors if output `i` (i >= first) is present: for outputs etch does not
  /// support, e.g. MaxPool's Indices.
  LogicalResult rejectOutputsFrom(unsigned first, StringRef what);

  //--- Attributes ---------------------------------------------------------//
  const onnx::AttributeProto *attr(StringRef name) const;
  int64_t attrInt(StringRef name, int64_t dflt) const;
  float attrFloat(StringRef name, float dflt) const;
  std::string attrString(StringRef name, StringRef dflt) const;
  std::optional<SmallVector<int64_t>> attrInts(StringRef name) const;
  /// Error for an attribute value etch does not handle.
  LogicalResult unsupportedAttr(StringRef name, StringRef value,
                                StringRef supported);

private:
  MLIRContext &ctx;
  OpBuilder builder;
  std::string modelDir;
  int64_t opset;
  int64_t maxTensorBytes = INT64_MAX;
  RequantMode requantMode = RequantMode::Float;
  bool unsignedActivations = false;

  struct Constant {
    const onnx::TensorProto *tensor;
    Location loc;
    Value value;
  };
  llvm::StringMap<Value> values;
  llvm::StringMap<Constant> constants;
  llvm::StringMap<SmallVector<Value>> sequences;
  llvm::StringSet<> absent;
  llvm::StringSet<> usedValues;
  llvm::StringMap<const onnx::TypeProto *> valueInfos;
  std::deque<onnx::TensorProto> ownedTensors;

  const onnx::NodeProto *current = nullptr;
  Location currentLoc;
  llvm::SmallDenseMap<unsigned, Value> inputOverrides;
  /// Value infos learned by inferCurrentNode (valueInfos points into them).
  std::deque<onnx::ValueInfoProto> inferredTypes;
  /// Types importers gave outputs that ONNX inference cannot type
  /// (recordOutputType).
  std::deque<onnx::ValueInfoProto> recordedTypes;
  /// ONNX shape inference of the current node alone, with its inputs'
  /// current types; adds what it learns to valueInfos.
  void inferCurrentNode();
  SubgraphImporter subgraphImporter;
  llvm::StringMap<SmallVector<std::string, 2>> graphInputDeps;
  llvm::StringSet<> graphInputNames;
};

/// Normalizes a possibly negative axis against `rank`; failure (with an
/// error at the node) if out of range.
FailureOr<int64_t> normalizeAxis(GraphImporter &im, int64_t axis,
                                 int64_t rank, StringRef what);

} // namespace mlir::etch::importer

#endif // ETCH_LIB_IMPORTER_GRAPHIMPORTER_H
