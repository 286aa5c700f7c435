//===- Passes.td - etch graph passes -----------------------*- tablegen -*-===//
//
// Graph-level passes on the etch dialect (the `graph` phase).
//
//===----------------------------------------------------------------------===//

#ifndef ETCH_TRANSFORMS_PASSES_TD
#define ETCH_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def GraphFoldBatchNormPass : Pass<"etch-graph-fold-batch-norm"> {
  let summary = "Fold inference BatchNormalization into a preceding Conv/Gemm";
  let description = [{
    A `etch.batch_norm` whose input is the single use of an `etch.conv` (or
    a 2-D `etch.gemm`/`etch.matmul`, whose columns are the BN channels; a
    MatMul becomes a Gemm with the new bias) without a fused activation, and whose
    weight, bias and BN parameters are all constants, is folded into the
    producer: with `s = scale / sqrt(var + eps)`, the weights are scaled per
    output channel by `s` and the bias becomes `(b - mean) * s + bias`. The new
    weights are computed at compile time (f32) and stored as resource blobs.

    Before:
    ```mlir
    %y = etch.conv %x, %w, %b {...} : (...) -> tensor<1x8x6x6xf32>
    %z = etch.batch_norm %y, %s, %bb, %m, %v {epsilon = 1.0e-05 : f32} : ...
    ```
    After:
    ```mlir
    %w2 = etch.constant dense_resource<w_bn> : tensor<8x3x3x3xf32>
    %b2 = etch.constant dense<...> : tensor<8xf32>
    %z = etch.conv %x, %w2, %b2 {...} : (...) -> tensor<1x8x6x6xf32>
    ```
    A BatchNorm without such a producer is left alone (it is lowered as a
    per-channel affine op).
  }];
  let dependentDialects = ["::mlir::etch::EtchDialect"];
}

def GraphFoldConstantsPass : Pass<"etch-graph-fold-constants"> {
  let summary = "Evaluate etch ops whose operands are all constants";
  let description = [{
    Replaces reshape, transpose, concat, elementwise binary (with NumPy
    broadcasting) and unary activation ops whose operands are all
    `etch.constant`s by a new `etch.constant`, as long as the result is no
    larger than its inputs together or than `max-elements`. Reshapes of
    resource blobs share the blob (no copy); other results at least
    `resource-threshold` elements large become new resource blobs.

    Before:
    ```mlir
    %w = etch.constant dense_resource<w> : tensor<16x8xf32>
    %t = etch.transpose %w {perm = array<i64: 1, 0>} : ...
    ```
    After:
    ```mlir
    %t = etch.constant dense_resource<w_t> : tensor<8x16xf32>
    ```
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", "1024",
           "Fold ops whose result is larger than their inputs only up to "
           "this many elements">,
    Option<"resourceThreshold", "resource-threshold", "int64_t", "64",
           "Results with at least this many elements become resource blobs">,
  ];
  let dependentDialects = ["::mlir::etch::EtchDialect"];
}

def GraphFuseActivationsPass : Pass<"etch-graph-fuse-activations"> {
  let summary = "Fuse activations into the conv/gemm/matmul/add producing them";
  let description = [{
    A Relu, Clip, Sigmoid, Tanh, HardSigmoid, HardSwish or LeakyRelu whose
    input is the single use of an `etch.conv`, `etch.gemm`, `etch.matmul` or
    `etch.add` without an activation sets that op's `activation`,
    `act_alpha` and `act_beta` attributes (Clip: alpha = min, beta = max) and
    disappears. The producer's location becomes a FusedLoc of both nodes.

    Before:
    ```mlir
    %y = etch.conv %x, %w {...} : (...) -> tensor<1x8x6x6xf32> loc("conv")
    %z = etch.relu %y : tensor<1x8x6x6xf32> loc("relu")
    ```
    After:
    ```mlir
    %z = etch.conv %x, %w {activation = #etch.activation<relu>, ...}
        : (...) -> tensor<1x8x6x6xf32> loc(fused["conv", "relu"])
    ```
  }];
  let dependentDialects = ["::mlir::etch::EtchDialect"];
}

def GraphFoldEmptyPass : Pass<"etch-graph-fold-empty"> {
  let summary = "Replace tensors with no elements by constants";
  let description = [{
    ONNX allows dimensions of size 0 (a Split part of size 0, a Slice that
    selects nothing, a Trilu of a 3x0x5 tensor). Such a tensor holds no data,
    so every op result with a 0-sized dimension becomes an empty
    `etch.constant` and the ops computing them disappear before the linalg
    lowering, which tiles and bufferizes only non-empty tensors. Concat drops
    empty inputs. Any other op that reads an empty tensor but produces a
    non-empty result is reported as unsupported (with its node name) rather
    than lowered.

    Before:
    ```mlir
    %y = etch.trilu %x {upper = false, k = 6} : tensor<3x0x5xi64> -> tensor<3x0x5xi64>
    ```
    After:
    ```mlir
    %y = etch.constant dense<> : tensor<3x0x5xi64>
    ```
  }];
  let dependentDialects = ["::mlir::etch::EtchDialect"];
}

#endif // ETCH_TRANSFORMS_PASSES_TD
