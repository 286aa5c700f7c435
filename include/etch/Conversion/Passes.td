//===- Passes.td - etch conversion passes ------------------*- tablegen -*-===//
//
// The `linalg` phase: etch graph ops to Linalg on tensors, and the contract
// check at its end.
//
//===----------------------------------------------------------------------===//

#ifndef ETCH_CONVERSION_PASSES_TD
#define ETCH_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertEtchToLinalgPass : Pass<"etch-convert-etch-to-linalg"> {
  let summary = "Lower every etch op to Linalg/tensor/arith/math on tensors";
  let description = [{
    Each etch op becomes named Linalg ops where they exist
    (`linalg.conv_2d_nchw_fchw`, `linalg.depthwise_conv_2d_nchw_chw`,
    `linalg.conv_2d_ngchw_gfchw`, `linalg.matmul`, `linalg.batch_matmul`,
    `linalg.pooling_nchw_max/sum`, `linalg.transpose`, `linalg.broadcast`)
    and `linalg.generic` otherwise, with exact ONNX numerics. Layouts stay
    NCHW as in ONNX. Convolution/Gemm outputs are initialized with the
    broadcast bias and accumulate into it; a fused activation is a trailing
    elementwise `linalg.generic`. Every created op keeps the location of the
    etch op it comes from.

    Before:
    ```mlir
    %r = etch.relu %x : tensor<4xf32>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<4xf32>
    %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %c0 = arith.constant 0.0 : f32
      %m = arith.maximumf %in, %c0 : f32
      linalg.yield %m : f32
    } -> tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
  let options = [
    Option<"packInt8Weights", "pack-int8-weights", "bool", /*default=*/"false",
           "Lower int8 x int8 convolutions with a constant weight as a "
           "generic on the weight repacked [F, KH, KW, C] at compile time "
           "(the input channels one dot-product lane reduces contiguous): "
           "for targets with AArch64 sdot/udot">,
  ];
}

def VerifyLinalgContractPass : Pass<"etch-verify-linalg-contract",
                                    "::mlir::ModuleOp"> {
  let summary = "Check that only Linalg-on-tensors IR with static shapes is left";
  let description = [{
    Fails with an error on the first op outside the builtin, func, linalg,
    tensor, arith, math and bufferization dialects, and on any value with a
    dynamically shaped or unranked type. Guards the `linalg` phase boundary:
    codegen assumes this contract.

    Accepted:
    ```mlir
    func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
      %0 = math.tanh %x : tensor<4xf32>
      return %0 : tensor<4xf32>
    }
    ```
    Rejected: any `etch.*` op, `tensor<?xf32>`, `scf.for`, ...
  }];
}

#endif // ETCH_CONVERSION_PASSES_TD
