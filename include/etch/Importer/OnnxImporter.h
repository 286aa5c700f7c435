//===- OnnxImporter.h - ONNX protobuf to the etch dialect -------*- C++ -*-===//
//
// The `import` phase: an ONNX model file becomes a module with one
// `func.func @main` of etch ops on statically shaped tensors.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_IMPORTER_ONNXIMPORTER_H
#define ETCH_IMPORTER_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace mlir::etch {

/// Default bound on any one tensor, declared shape and all weights together.
inline constexpr uint64_t kDefaultMaxModelBytes = uint64_t(4) << 30;

/// How quantized ops requantize their int32 accumulators (`--requant`).
enum class RequantMode {
  /// float32 scale, round half to even: ONNX Runtime's (MLAS) arithmetic,
  /// bit-exact with it.
  Float,
  /// int32 fixed-point multiplier and shift with gemmlowp's rounding, as
  /// TensorFlow Lite and CMSIS-NN compute it: no floating point.
  FixedPoint,
};

struct OnnxImportOptions {
  /// Graph input name -> static shape. Pins symbolic/unknown dims of graph
  /// inputs (`--input-shape name=1x3x224x224`); the rank must match the
  /// model's where the model declares one.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Graph input name -> its values, row-major (`--input-value
  /// shape=1,3,-1`): the input becomes a constant of the model (and leaves
  /// the C signature), so inputs that decide shapes (Reshape's shape,
  /// reduction axes, Pad's pads, ...) can be fixed at compile time.
  llvm::StringMap<llvm::SmallVector<std::string>> inputValues;
  /// Sequence graph input name -> its elements' shapes (`--input-shape
  /// name=[2x3;4x5]`, `name=[]` for an empty sequence): each element becomes
  /// a tensor argument `name.<i>` of the C signature.
  llvm::StringMap<llvm::SmallVector<llvm::SmallVector<int64_t>>> inputSequences;
  /// Optional graph inputs that are absent (`--input-shape name=none`).
  llvm::StringSet<> absentInputs;
  /// Bound in bytes on every tensor and static shape of the model and on all
  /// its weights together (`--max-model-bytes`); larger is a user error.
  uint64_t maxModelBytes = kDefaultMaxModelBytes;
  RequantMode requant = RequantMode::Float;
  /// uint8 activations of int8 convolutions and matmuls stay uint8 (the
  /// contraction zero-extends them: etch.conv/etch.matmul `unsigned_input`)
  /// instead of becoming int8 as x - 128: for targets whose int8 dot product
  /// multiplies unsigned by signed bytes (x86 VNNI `vpdpbusd`).
  bool unsignedActivations = false;
};

/// Parses one `--input-value` value, `name=v0,v1,...` (numbers in the
/// input's element type; a scalar is one value), into `opts`.
llvm::Error addInputValueSpec(OnnxImportOptions &opts, llvm::StringRef spec);

/// Parses one `--input-shape` value, `name=d0xd1x...` (a scalar is `name=`;
/// a sequence `name=[d0xd1;d0xd1]`, `scalar` for a 0-d element, `[]` when
/// empty; an absent optional `name=none`), into
/// `opts`. Several specs may be joined with commas. Returns a user-facing
/// message on malformed input.
llvm::Error addInputShapeSpec(OnnxImportOptions &opts, llvm::StringRef spec);

/// Loads the model at `path` (external-data files resolved relative to the
/// model's directory), pins input shapes, runs ONNX shape inference and
/// builds the module: `func.func @main` whose arguments/results carry
/// `{etch.name = "<onnx name>"}`, ops located at `NameLoc("<node name>")`,
/// weights as `etch.constant` over `DenseResourceElementsAttr` blobs (small
/// ones as `DenseElementsAttr`). User errors (unreadable model, unsupported
/// op or attribute, unpinned dynamic input, ...) are reported through the
/// context's diagnostic engine at the node's (or the model file's) location,
/// and the result is failure. Loads the etch and func dialects into `ctx`.
FailureOr<OwningOpRef<ModuleOp>>
importOnnxModel(MLIRContext &ctx, llvm::StringRef path,
                const OnnxImportOptions &opts);

/// The ONNX op types (default domain) the importer handles, sorted.
llvm::SmallVector<llvm::StringRef> getSupportedOnnxOps();

} // namespace mlir::etch

#endif // ETCH_IMPORTER_ONNXIMPORTER_H
