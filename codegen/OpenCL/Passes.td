//===- Passes.td - etch OpenCL codegen passes --------------*- tablegen -*-===//
#ifndef ETCH_CODEGEN_OPENCL_PASSES_TD
#define ETCH_CODEGEN_OPENCL_PASSES_TD

include "mlir/Pass/PassBase.td"

def OpenCLSelectStrategyPass
    : Pass<"etch-opencl-select-strategy", "::mlir::ModuleOp"> {
  let summary = "Write a #etch.gpu_schedule on every root linalg op";
  let description = [{
    Runs on the memory-planned module (the `bufferized` phase) of an OpenCL
    compilation and attaches `etch.gpu_schedule` to each linalg op from the
    device preset: multiply-accumulate ops (GEMM, convolution) get a 2-D
    work-group, a rows x vector-width register tile, a reduction slice and
    local-memory staging; depthwise convolutions a 2-D work-group of
    vector-width columns; everything else a 1-D work-group, one output per
    work-item. Ops that already carry a schedule keep it.

    Before:
    ```mlir
    linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x16xf32>)
                  outs(%c : memref<64x16xf32>)
    ```
    After (`mcpu=adreno640`):
    ```mlir
    linalg.matmul {etch.gpu_schedule = #etch.gpu_schedule<workgroup = [8, 8],
        tile = [4, 4], tile_k = 16, local_memory = true>} ins(...) outs(...)
    ```
  }];
  let options = [
    Option<"mcpu", "mcpu", "std::string", /*default=*/"\"generic\"",
           "Device preset: adreno640, adreno740, mali-g76, mali-g710, generic">
  ];
  let dependentDialects = ["::mlir::etch::EtchDialect"];
}

#endif // ETCH_CODEGEN_OPENCL_PASSES_TD
