//===- ImportControlFlow.h - helpers shared by Loop/Scan importers -*- C++ -*-//
#ifndef ETCH_LIB_IMPORTER_IMPORTCONTROLFLOW_H
#define ETCH_LIB_IMPORTER_IMPORTCONTROLFLOW_H

#include "GraphImporter.h"

namespace mlir::etch::importer {

constexpr int64_t kMaxUnrolledIterations = 4096;

/// The body's value infos, and every outer value it reads marked used.
void prepareBody(GraphImporter &im, const onnx::GraphProto &body);

/// Stacks per-iteration tensors along a new axis 0 (Loop/Scan outputs).
FailureOr<Value> stack(GraphImporter &im, ArrayRef<Value> parts,
                       StringRef what);

/// A Scan body run `steps` times (ImportControlFlow.cpp): per step the body
/// sees the states and element t (or steps - 1 - t where inDirs says
/// reverse) of every scan input along its axis. Returns the final states
/// and, per scan output, its per-step values in step order. The current
/// node is the Scan node again afterwards.
struct ScanRun {
  SmallVector<GraphImporter::Bound> states;
  SmallVector<SmallVector<Value>> outs;
};
FailureOr<ScanRun> runScanBody(GraphImporter &im, const onnx::GraphProto &body,
                               SmallVector<GraphImporter::Bound> states,
                               ArrayRef<Value> scanIn, ArrayRef<int64_t> inAxes,
                               ArrayRef<int64_t> inDirs, int64_t steps,
                               int64_t numScanOut);

/// Scan-8 (ImportScan8.cpp): batched, with optional sequence_lens.
LogicalResult importScan8(GraphImporter &im, const onnx::NodeProto &node);

} // namespace mlir::etch::importer

#endif // ETCH_LIB_IMPORTER_IMPORTCONTROLFLOW_H
