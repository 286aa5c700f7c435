//===- ImportScan8.cpp - Scan-8: batched, with sequence_lens --------------===//
//
// Scan-8 scans a batch: its states are [B, ...], its scan inputs
// [B, seq, ...], and the body sees one batch element at a time. The importer
// runs the Scan body (runScanBody, shared with Scan-9) once per batch
// element, for that element's sequence length: all of `seq` without
// sequence_lens, else its constant entry (shorter sequences leave their
// scan outputs zero-padded to `seq`). Final states and scan outputs are
// stacked over the batch.
//
//===----------------------------------------------------------------------===//
#include "ImportControlFlow.h"
#include "ImportMath.h"

using namespace mlir;
using namespace mlir::etch;
using namespace mlir::etch::importer;

/// x[b] without the batch axis.
static Value batchElement(GraphImporter &im, Value x, int64_t b) {
  RankedTensorType type = typeOf(x);
  return reshapeTo(im, slice(im, x, 0, b, 1), type.getShape().drop_front());
}

LogicalResult importer::importScan8(GraphImporter &im,
                                    const onnx::NodeProto &node) {
  const onnx::AttributeProto *bodyAttr = im.attr("body");
  if (!bodyAttr || !bodyAttr->has_g()) {
    return im.error() << "has no 'body' graph";
  }
  const onnx::GraphProto &body = bodyAttr->g();
  int64_t numScanIn = im.attrInt("num_scan_inputs", 0);
  int64_t numStates = node.input_size() - 1 - numScanIn;
  int64_t numScanOut = body.output_size() - numStates;
  if (numScanIn < 1 || numStates < 0 || numScanOut < 0 ||
      body.input_size() != node.input_size() - 1) {
    return im.error() << "body inputs/outputs do not match " << numStates
                      << " states and " << numScanIn << " scan inputs";
  }
  SmallVector<int64_t> dirs =
      im.attrInts("directions").value_or(SmallVector<int64_t>(numScanIn, 0));
  dirs.resize(numScanIn, 0);
  SmallVector<Value> states, scans;
  for (int64_t k = 0; k < numStates + numScanIn; ++k) {
    FailureOr<Value> v = im.input(1 + k);
    if (failed(v)) {
      return failure();
    }
    (k < numStates ? states : scans).push_back(*v);
  }
  // Batch and sequence lengths.
  auto batchOf = [](Value v) { return typeOf(v).getDimSize(0); };
  int64_t batch = batchOf(scans.front());
  int64_t seq = typeOf(scans.front()).getRank() >= 2
                    ? typeOf(scans.front()).getDimSize(1)
                    : -1;
  for (Value v : llvm::concat<Value>(states, scans)) {
    if (typeOf(v).getRank() < 1 || batchOf(v) != batch) {
      return im.error() << "states and scan inputs must share the batch "
                           "axis 0 (of "
                        << batch << ")";
    }
  }
  for (Value v : scans) {
    if (typeOf(v).getRank() < 2 || typeOf(v).getDimSize(1) != seq) {
      return im.error() << "scan inputs must be [batch, sequence, ...] of "
                           "one sequence length";
    }
  }
  SmallVector<int64_t> lengths(batch, seq);
  if (im.hasInput(0)) {
    FailureOr<SmallVector<int64_t>> lens = im.constantInts(0, "sequence_lens");
    if (failed(lens)) {
      return failure();
    }
    if (static_cast<int64_t>(lens->size()) != batch ||
        llvm::any_of(*lens, [&](int64_t l) { return l < 1 || l > seq; })) {
      return im.error() << "sequence_lens must hold " << batch
                        << " lengths in [1, " << seq << "]";
    }
    lengths = *lens;
  }

  Location loc = im.getLoc();
  prepareBody(im, body);
  SmallVector<SmallVector<Value>> finals(numStates), outs(numScanOut);
  SmallVector<int64_t> axes(numScanIn, 0);
  for (int64_t b = 0; b < batch; ++b) {
    SmallVector<GraphImporter::Bound> bState;
    for (Value s : states) {
      GraphImporter::Bound bound;
      bound.value = batchElement(im, s, b);
      bState.push_back(bound);
    }
    SmallVector<Value> bScan;
    for (Value x : scans) {
      bScan.push_back(slice(im, batchElement(im, x, b), 0, 0, lengths[b]));
    }
    FailureOr<ScanRun> run = runScanBody(im, body, bState, bScan, axes, dirs,
                                         lengths[b], numScanOut);
    if (failed(run)) {
      return failure();
    }
    for (int64_t k = 0; k < numStates; ++k) {
      if (!run->states[k].value) {
        return im.error() << "state " << k << " must be a tensor";
      }
      finals[k].push_back(run->states[k].value);
    }
    for (int64_t j = 0; j < numScanOut; ++j) {
      FailureOr<Value> part = stack(im, run->outs[j], "scan output");
      if (failed(part)) {
        return failure();
      }
      Value full = *part;
      if (lengths[b] < seq) {
        RankedTensorType type = typeOf(full);
        SmallVector<int64_t> padShape(type.getShape()), fullShape(padShape);
        padShape[0] = seq - lengths[b];
        fullShape[0] = seq;
        Value zeros = im.create<ExpandOp>(
            type.clone(padShape),
            {createScalarConstant(im, type.getElementType(), 0)});
        full = im.create<ConcatOp>(
            type.clone(fullShape), ValueRange{full, zeros},
            {im.namedAttr("axis", im.getBuilder().getI64IntegerAttr(0))});
      }
      outs[j].push_back(full);
    }
  }
  im.beginNode(node, loc);
  for (int64_t k = 0; k < numStates + numScanOut; ++k) {
    if (k >= node.output_size() || node.output(k).empty()) {
      continue;
    }
    FailureOr<Value> v =
        stack(im, k < numStates ? finals[k] : outs[k - numStates],
              k < numStates ? "scan state" : "scan output");
    if (failed(v)) {
      return failure();
    }
    im.setOutput(k, *v);
  }
  return success();
}
