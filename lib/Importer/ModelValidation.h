//===- ModelValidation.h - check a parsed ModelProto at the door -*- C++ -*-===//
//
// Everything after parsing (libonnx function expansion and shape inference,
// the importer, the passes) trusts the model's structure. This check runs on
// the freshly parsed ModelProto before any of them and turns every structural
// defect a hostile or broken model can carry into a user error naming the
// node or tensor:
//  - tensors: valid data type, non-negative dims, element count and byte
//    size computed with overflow checks and bounded by --max-model-bytes,
//    raw_data / typed data / external-data length equal to dims x dtype;
//  - declared shapes of graph inputs, outputs and value_info within the
//    limit;
//  - nodes: input/output counts within the op schema at the model's opset;
//    window attributes (strides, dilations, kernel_shape, pads, group,
//    blocksize) in range; axes in range where the input's rank is declared;
//  - graphs: names defined before use (no dangling or cyclic references), no
//    value produced twice, no duplicate graph inputs, outputs or
//    initializers.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_LIB_IMPORTER_MODELVALIDATION_H
#define ETCH_LIB_IMPORTER_MODELVALIDATION_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include "onnx/onnx_pb.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir::etch::importer {

/// Reports the first defect of `model` (imports default-domain `opset`) at a
/// NameLoc of the node or tensor, or at `modelLoc`; `maxBytes` bounds every
/// tensor's byte size, every declared shape's and the sum of all weights.
LogicalResult validateModel(const onnx::ModelProto &model, int64_t opset,
                            uint64_t maxBytes, Location modelLoc);

/// The byte bound of one model: per tensor and shape, and for all tensors
/// together (`totalBytes` so far).
struct ByteBudget {
  int64_t maxBytes;
  int64_t totalBytes = 0;
};

/// Checks one tensor (TensorValidation.cpp): a valid data type, non-negative
/// dims, its byte size within the budget (and added to it), its raw_data,
/// typed data or external-data length equal to dims x dtype. `what` names it
/// in messages ("initializer 'w'").
LogicalResult validateTensor(const onnx::TensorProto &t,
                             const std::string &what, Location loc,
                             ByteBudget &budget);
/// A sparse tensor: its dims, values and indices.
LogicalResult validateSparseTensor(const onnx::SparseTensorProto &t,
                                   const std::string &what, Location loc,
                                   ByteBudget &budget);
/// A declared type (graph input/output, value_info): its known dims within
/// the per-tensor bound.
LogicalResult validateDeclaredType(const onnx::TypeProto &type,
                                   const std::string &what, Location loc,
                                   const ByteBudget &budget);

/// Bytes of a tensor of `dims` with `elementBytes`-byte elements where zero
/// dims count as one (so that every partial product of the dims, which
/// shape arithmetic computes, is bounded too); nullopt on a negative dim or
/// overflow.
std::optional<int64_t> boundedBytes(ArrayRef<int64_t> dims,
                                    int64_t elementBytes);

/// Checks every statically shaped result in `module` against `maxBytes`
/// (boundedBytes): shapes the importer derived itself (Concat, Tile,
/// Expand, folded constants) get the same bound as the model's own, so that
/// no later stage's shape arithmetic can overflow. Reports at the op.
LogicalResult checkTypeSizes(ModuleOp module, uint64_t maxBytes);

} // namespace mlir::etch::importer

#endif // ETCH_LIB_IMPORTER_MODELVALIDATION_H
