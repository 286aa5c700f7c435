//===- ImportML.h - helpers of the ai.onnx.ml and TfIdf importers -*- C++ -*-//
#ifndef ETCH_LIB_IMPORTER_IMPORTML_H
#define ETCH_LIB_IMPORTER_IMPORTML_H

#include "ImportMath.h"

namespace mlir::etch::importer {

/// An etch.constant of `shape` and `elem` (float, integer or i1) holding
/// `values` (converted to `elem`).
Value constantOf(GraphImporter &im, ArrayRef<int64_t> shape, Type elem,
                 ArrayRef<double> values);
Value constantOf(GraphImporter &im, ArrayRef<int64_t> shape, Type elem,
                 ArrayRef<int64_t> values);

/// A TENSOR attribute's elements as floats / integers (failure with an error
/// naming the attribute when it cannot be read).
FailureOr<SmallVector<double>> attrTensorFloats(GraphImporter &im,
                                                StringRef name);
FailureOr<SmallVector<int64_t>> attrTensorInts(GraphImporter &im,
                                               StringRef name);

} // namespace mlir::etch::importer

#endif // ETCH_LIB_IMPORTER_IMPORTML_H
