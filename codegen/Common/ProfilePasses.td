//===- ProfilePasses.td - etch-compile --profile passes ----*- tablegen -*-===//
//
// Included by Passes.td: the passes that make a per-layer profiling object.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_COMMON_PROFILEPASSES
#define ETCH_CODEGEN_COMMON_PROFILEPASSES

include "mlir/Pass/PassBase.td"

def CommonProfileInstrumentPass
    : Pass<"etch-common-profile-instrument", "ModuleOp"> {
  let summary = "Time each layer of the bufferized entry with runtime calls";
  let description = [{
    Runs on the memory-planned module (`bufferized` phase), before the LLVM
    lowering. The top-level ops of the entry function are grouped into
    layers by ONNX node name (the first `NameLoc` of a `loc`): a top-level
    op (a tiled loop nest, say) is named after the node with the most FLOPs
    among its own and its nested ops' names, so a conv that tile-and-fuse
    computed inside the loops of the residual Add after it is the conv's
    layer, the Add listed as fused. A node's FLOPs count in the layer that
    holds most of the ops named after it (where its payload was computed).
    Consecutive ops of one
    layer form a group; ops without a name (views, constants) join the next
    group. After the
    last op of each group the pass calls `etch_profile_mark(profile, layer)`;
    the entry starts with `etch_profile_begin` and ends with
    `etch_profile_end` (runtime/src/profile.c). The object gets one
    `etch_profile_t` (runtime/include/etch/etch.h) named after the model:
    layer names, ops, FLOP counts (from `etch.profile.nodes`, see
    `etch-common-profile-layers`) and fused nodes as constants, the time
    counters zeroed.
    A layer split into several groups (e.g. a pad, then the conv) adds all
    its groups' times to one counter.

    Before:
    ```mlir
    func.func @main(%x: memref<8xf32>, %y: memref<8xf32>, %arena: memref<64xi8>) {
      linalg.exp ins(%x : memref<8xf32>) outs(%y : memref<8xf32>) loc("exp0")
      return
    }
    ```
    After (abridged):
    ```mlir
    llvm.mlir.global internal @etch_profile_m(...) : !llvm.struct<...>
    func.func @main(...) {
      %p = llvm.mlir.addressof @etch_profile_m : !llvm.ptr
      call @etch_profile_begin(%p) : (!llvm.ptr) -> ()
      linalg.exp ins(%x : memref<8xf32>) outs(%y : memref<8xf32>) loc("exp0")
      %c0 = arith.constant 0 : i32
      call @etch_profile_mark(%p, %c0) : (!llvm.ptr, i32) -> ()
      call @etch_profile_end(%p) : (!llvm.ptr) -> ()
      return
    }
    ```
  }];
  let options = [
    Option<"modelName", "model-name", "std::string", /*default=*/"\"model\"",
           "The model's --name, under which the runtime finds the profile">,
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "The function to instrument">,
  ];
  let dependentDialects = ["arith::ArithDialect", "func::FuncDialect",
                           "LLVM::LLVMDialect"];
}

def CommonProfileLayersPass : Pass<"etch-common-profile-layers", "ModuleOp"> {
  let summary = "Note each ONNX node's op and FLOPs for the per-layer profile";
  let description = [{
    Records, per ONNX node name (the first `NameLoc` of an op's `loc`), what
    the profile table of `etch-common-profile-instrument` reports, in the
    module attribute `etch.profile.nodes = {name = {op, flops}}`:
    - on the `import` phase's graph, the op: the name of the first `etch`
      dialect op of the node, without the dialect prefix (`conv`, `gemm`);
    - on linalg on tensors (before tiling), the FLOPs of one run: for each
      linalg op with static loop ranges, the product of its ranges times
      the floating-point ops in its payload (`math.fma` counts 2, any other
      float `arith`/`math` op 1), summed over the node's linalg ops. A conv
      or matmul gives the usual 2*M*N*K.
    Run after import and again after the linalg phase; each run keeps what
    the other recorded.

    Before:
    ```mlir
    %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>)
                       outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32> loc("mm")
    ```
    After: the module gets
    `etch.profile.nodes = {mm = {flops = 1024 : i64, op = "matmul"}}`.
  }];
}

#endif // ETCH_CODEGEN_COMMON_PROFILEPASSES
