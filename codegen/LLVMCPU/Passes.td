//===- Passes.td - LLVMCPU codegen passes ------------------*- tablegen -*-===//

#ifndef ETCH_CODEGEN_LLVMCPU_PASSES_TD
#define ETCH_CODEGEN_LLVMCPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def LLVMCPUSelectStrategyPass
    : Pass<"etch-llvmcpu-select-strategy", "ModuleOp"> {
  let summary = "Attach a #etch.schedule to every root linalg op";
  let description = [{
    Picks one schedule per root op (convolutions, depthwise convolutions,
    pools, matmuls, reductions, and elementwise ops that are not fused into a
    root's consumer chain) from the target's vector width and register count.
    The target comes from the pass options, else from the module's
    `etch.target = {triple = ..., cpu = ..., features = ...}` dictionary,
    else the host. Schedules already present (from a tuner) are verified
    against their op and kept. With `tuning-db`, a root op whose workload
    key (etch/Tuning/WorkloadKey.h) has a record gets the fastest record's
    schedule once the verifiers accept it (else the heuristics; strict: an
    error). This is the only pass that writes `etch.schedule`.

    Before:
    ```mlir
    %0 = linalg.matmul ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>)
                       outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
    ```
    After (AVX-512):
    ```mlir
    %0 = linalg.matmul {etch.schedule = #etch.schedule<kind = matmul,
           tile = [[0, 0, 0], [8, 32, 0], [0, 0, 8]], vector = [8, 32, 8],
           parallel = [0, 1]>} ins(...) outs(...)
    ```
  }];
  let options = [
    Option<"targetTriple", "target-triple", "std::string", "\"\"",
           "Target triple (default: etch.target, else the host)">,
    Option<"targetCPU", "target-cpu", "std::string", "\"\"",
           "Target CPU name, or 'native'">,
    Option<"targetFeatures", "target-features", "std::string", "\"\"",
           "Target features, e.g. '+avx2,+fma'">,
    Option<"tuningDb", "tuning-db", "std::string", "\"\"",
           "JSONL tuning database (etch-tune): a root op whose workload key "
           "has a valid record gets the fastest record's schedule">,
    Option<"tuningDbStrict", "tuning-db-strict", "bool", "false",
           "With tuning-db: a layer without a valid record is an error">,
    Option<"annotateWorkloadKeys", "annotate-workload-keys", "bool", "false",
           "Put each scheduled root op's workload key in etch.workload_key "
           "(always done with tuning-db)">,
    Option<"threads", "threads", "int64_t", "1",
           "Threads the code is compiled for; above 1, each schedule's "
           "`parallel` names the level-0 loop split among them">,
  ];
  let dependentDialects = ["::mlir::etch::EtchDialect"];
}

def LLVMCPUTileAndFusePass
    : Pass<"etch-llvmcpu-tile-and-fuse", "func::FuncOp"> {
  let summary = "Tile root ops by their #etch.schedule and fuse around them";
  let description = [{
    For every op with an `etch.schedule`: tiles its elementwise consumer chain
    (bias add, activation, residual add) at level 0 and fuses the root and
    cheap producers (fills, broadcasts) into those tiles; repeats at level 1
    (register tile) inside each tile; then tiles the root's reduction loops
    (level 2). Every generated loop whose step does not divide its static
    trip count is peeled, so all inner tiles have static shapes.

    Before:
    ```mlir
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> ...
    %m = linalg.matmul {etch.schedule = #etch.schedule<kind = matmul,
           tile = [[0, 0, 0], [4, 8, 0], [0, 0, 2]]>} ins(...) outs(%f ...)
    ```
    After:
    ```mlir
    scf.for %i = %c0 to %c8 step %c4 iter_args(...) {
      scf.for %j = %c0 to %c16 step %c8 iter_args(...) {
        %t = linalg.fill ... -> tensor<4x8xf32>
        scf.for %k = %c0 to %c16 step %c2 iter_args(%acc = %t) {
          linalg.matmul ... -> tensor<4x8xf32>
    ```

    With `threads` > 1, a distribution level comes first: the level-0 tiles
    of the schedule's `parallel` loops become one `scf.forall` (its
    iterations run on different threads after outlining), split where the
    tile does not divide the loop into a forall of whole tiles and one of the
    remainder; level 0 then tiles inside it as usual.
    ```mlir
    %r = scf.forall (%i) = (0) to (64) step (16) shared_outs(%o = %init) {
      ... level-0 scf.for nest, fused ops ...
      scf.forall.in_parallel { tensor.parallel_insert_slice ... }
    }
    ```
  }];
  let options = [
    Option<"threads", "threads", "int64_t", "1",
           "Threads the code is compiled for; above 1, the level-0 tiles of "
           "the `parallel` loops become an scf.forall">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def LLVMCPUVectorizePass : Pass<"etch-llvmcpu-vectorize", "func::FuncOp"> {
  let summary = "Vectorize static inner tiles and lower contractions to FMAs";
  let description = [{
    Rewrites each register tile of a window op (NCHW conv, grouped conv,
    depthwise conv, pool) whose window, batch and output-row extents are 1
    into a linalg.generic over a strided input slice (a small matmul, or an
    elementwise FMA/max), vectorizes every statically shaped linalg op of at
    most `max-vector-elements` iterations with `linalg::vectorize`, turns
    reductions into `vector.contract`, lowers contractions to outer products
    and those to `vector.fma`, and hoists loop-invariant transfer pairs out of
    the reduction loops (on tensors), so accumulators stay in registers.

    Before:
    ```mlir
    %r = linalg.matmul ins(%a, %b : tensor<4x2xf32>, tensor<2x8xf32>)
                       outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
    ```
    After:
    ```mlir
    %va = vector.transfer_read %a ... : tensor<4x2xf32>, vector<4x2xf32>
    ...
    %f = vector.fma %bcast, %row, %acc : vector<8xf32>
    %r = vector.transfer_write ... : vector<4x8xf32>, tensor<4x8xf32>
    ```
  }];
  let options = [
    Option<"maxVectorElements", "max-vector-elements", "int64_t", "16384",
           "Largest iteration space (in elements) vectorized as one op">,
    Option<"lowerContractions", "lower-contractions", "bool", "true",
           "Lower vector.contract to outer products and FMAs">,
    Option<"report", "report", "bool", "false",
           "Emit a remark per root op (its ONNX node's location): the "
           "schedule and whether it was vectorized; and one per op left "
           "for scalar loops, with the reason">,
  ];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def LLVMCPUPointwiseConvToMatmulPass
    : Pass<"etch-llvmcpu-pointwise-conv-to-matmul", "func::FuncOp"> {
  let summary = "Run 1x1 NCHW convolutions as matmuls over the flattened map";
  let description = [{
    A batch-1 `linalg.conv_2d_nchw_fchw` with a 1x1 kernel and unit strides
    on floats is `out[f, p] = sum_c w[f, c] * in[c, p]` over the H*W
    positions `p`, which are contiguous in NCHW. It becomes a
    `linalg.matmul` on collapsed views ([F, C] x [C, H*W] -> [F, H*W]; a
    broadcast bias or a fill as its init is rebuilt on the 2-D shape), with
    one `tensor.expand_shape` back to NCHW after it; the elementwise ops
    that follow (bias, activation, residual add) are collapsed onto the same
    2-D iteration space by upstream's reshape-by-collapsing patterns, so
    they stay fused in the matmul's tiles. The matmul's vectors run along
    H*W instead of one output row (a 7x7 map filled 7 of 16 lanes; 49 =
    3 x 16 + 1 fills 49 of 52).

    Convolutions whose result (after its elementwise chain) is padded for
    the next window op are left alone when `keep-padded` is set: a padded
    interior cannot be a collapsed view, so the pad would be a copy again.
  }];
  let options = [
    Option<"keepPadded", "keep-padded", "bool", "false",
           "Leave convolutions whose elementwise chain ends in a tensor.pad">,
  ];
  let dependentDialects = ["::mlir::tensor::TensorDialect",
                           "::mlir::linalg::LinalgDialect"];
}

#endif // ETCH_CODEGEN_LLVMCPU_PASSES_TD
