//===- Passes.td - etch common codegen passes --------------*- tablegen -*-===//
//
// Target-independent codegen: bufferization, static memory planning, and the
// lowering of the bufferized program to the LLVM dialect.
//
//===----------------------------------------------------------------------===//
#ifndef ETCH_CODEGEN_COMMON_PASSES
#define ETCH_CODEGEN_COMMON_PASSES

include "mlir/Pass/PassBase.td"

def CommonApproximateMathPass
    : Pass<"etch-common-approximate-math", "func::FuncOp"> {
  let summary = "Expand math ops into arith so no libm call is ever emitted";
  let description = [{
    Generated objects link with nothing but the C library, so every `math`
    op whose LLVM lowering would become a libm call (`expf`, `tanhf`,
    `logf`, `erff`, `floorf`, `powf`, ...) is rewritten into arith ops:
    algebraic expansions (`tanh`, `powf`, `floor`, `ceil`, `round`, ...)
    followed by the upstream polynomial approximations (`exp`, `log`,
    `erf`, `sin`, `cos`, `atan`, ...). `arith.remf` (LLVM `frem`, a `fmodf`
    call) is expanded too. Ops that lower to instructions (`sqrt`, `absf`,
    `fma`, `copysign`) are kept.

    Before:
    ```mlir
    %1 = math.exp %0 : vector<8xf32>
    ```
    After (abridged):
    ```mlir
    %c = arith.constant dense<1.44269502> : vector<8xf32>
    %1 = math.fma ... : vector<8xf32>
    ... arith.shli / arith.bitcast ... // 2^k * p(x)
    ```
  }];
  let options = [
    Option<"nativeRounding", "native-rounding", "bool", "false",
           "The target rounds f32/f64 to integral values in one instruction "
           "(x86 SSE4.1 `roundps`/AVX-512 `vrndscaleps`, AArch64 `frint*`): "
           "keep math.roundeven/floor/ceil/trunc for LLVM to select">
  ];
  let dependentDialects = ["arith::ArithDialect", "math::MathDialect",
                           "vector::VectorDialect"];
}

def CommonBufferizePass : Pass<"etch-common-bufferize", "ModuleOp"> {
  let summary = "One-shot bufferize @main; results become caller-owned out-params";
  let description = [{
    Runs One-Shot Module Bufferize with function-boundary bufferization and
    identity layouts at the boundary. Inputs are marked non-writable so they
    are never updated in place. Afterwards every memref result becomes an
    out-parameter appended to the arguments (in result order), keeping the
    result's `etch.name`; a result buffer allocated inside the function is
    replaced by the out-parameter itself, so outputs are computed directly
    into the caller's memory. Constant tensors become private constant
    `memref.global`s (read-only data).

    Before:
    ```mlir
    func.func @main(%x: tensor<4xf32> {etch.name = "x"})
        -> (tensor<4xf32> {etch.name = "y"}) {
      %e = tensor.empty() : tensor<4xf32>
      %y = linalg.exp ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
      return %y : tensor<4xf32>
    }
    ```
    After:
    ```mlir
    func.func @main(%x: memref<4xf32> {etch.name = "x"},
                    %y: memref<4xf32> {etch.name = "y"}) {
      linalg.exp ins(%x : memref<4xf32>) outs(%y : memref<4xf32>)
      return
    }
    ```
  }];
  let dependentDialects = ["bufferization::BufferizationDialect",
                           "memref::MemRefDialect"];
}

def CommonDecomposePadsPass
    : Pass<"etch-common-decompose-pads", "func::FuncOp"> {
  let summary = "Rewrite function-level tensor.pad into border fills and an "
                "insert_slice of the source";
  let description = [{
    A constant-valued `tensor.pad` bufferizes to a fill of the whole padded
    buffer and a copy of its source. This pass writes the padded tensor as
    fills of its border strips (each element outside the interior exactly
    once) plus a `tensor.insert_slice` of the source into the interior, built
    before the source's producer, so that empty-tensor elimination makes the
    strip fills and the producer write into the padded buffer in place: no
    full-buffer fill and no copy.

    Before:
    ```mlir
    %p = tensor.pad %x low[0, 1] high[0, 1] { tensor.yield %zero : f32 }
        : tensor<2x4xf32> to tensor<2x6xf32>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<2x6xf32>
    %l = linalg.fill ins(%zero : f32) outs(tensor.empty() : tensor<2x1xf32>)
    %0 = tensor.insert_slice %l into %e[0, 0] [2, 1] [1, 1]
    %h = linalg.fill ins(%zero : f32) outs(tensor.empty() : tensor<2x1xf32>)
    %1 = tensor.insert_slice %h into %0[0, 5] [2, 1] [1, 1]
    %p = tensor.insert_slice %x into %1[0, 1] [2, 4] [1, 1]
    ```
  }];
  let dependentDialects = ["linalg::LinalgDialect", "tensor::TensorDialect"];
}

def CommonFlattenGathersPass
    : Pass<"etch-common-flatten-gathers", "func::FuncOp"> {
  let summary = "Give every n-D vector.gather on a tensor a 1-D base";
  let description = [{
    Linalg's vectorizer turns a `tensor.extract` from a k-D tensor into a
    `vector.gather` at base indices [0, ..., 0] whose index vector is the
    row-major linear offset of each element: a flat offset that only means
    the right element while the buffer is contiguous with an identity
    layout (the gather's own definition lets the index vary within the
    innermost dimension only; its LLVM lowering adds the flat offset to the
    base pointer). Bufferization, however, may give the gathered tensor any
    strided buffer: a subview of a padded buffer or of a concatenation once
    empty-tensor elimination lets its producer write there in place. The
    gather then reads the wrong elements.

    This pass collapses each such base to rank 1 (`tensor.collapse_shape`,
    placed right after the base is defined so that it is shared and out of
    loops) and folds the base indices into the gather's single offset.
    Bufferization then keeps the gather correct for any layout: a
    contiguous buffer is collapsed in place (a view), a non-contiguous one
    is copied once into a contiguous buffer.

    Before:
    ```mlir
    %g = vector.gather %t[%c0, %c0] [%idx], %mask, %pass
        : tensor<4x6xf32>, vector<8xindex>, vector<8xi1>, vector<8xf32>
          into vector<8xf32>
    ```
    After:
    ```mlir
    %flat = tensor.collapse_shape %t [[0, 1]] : tensor<4x6xf32> into tensor<24xf32>
    %g = vector.gather %flat[%c0] [%idx], %mask, %pass
        : tensor<24xf32>, vector<8xindex>, vector<8xi1>, vector<8xf32>
          into vector<8xf32>
    ```
  }];
  let dependentDialects = ["arith::ArithDialect", "tensor::TensorDialect"];
}

def CommonFlattenGlobalsPass
    : Pass<"etch-common-flatten-globals", "ModuleOp"> {
  let summary = "Make constant memref globals 1-D and 64-byte aligned";
  let description = [{
    The LLVM IR translation builds one constant object per innermost row of
    an n-D initializer; a 1x1 convolution's [Cout, Cin, 1, 1] weights would
    become Cout*Cin one-element arrays. Flattening every constant
    `memref.global` to rank 1 makes its initializer one raw
    `ConstantDataArray` (no per-element work, even for millions of weights;
    `dense_resource` blobs are re-typed, never copied). `memref.get_global`
    users get a `memref.expand_shape` back to the original shape. Globals
    also get `alignment = 64` so vector loads from them are aligned.

    Before:
    ```mlir
    memref.global "private" constant @w : memref<2x3xf32> = dense_resource<w>
    %0 = memref.get_global @w : memref<2x3xf32>
    ```
    After:
    ```mlir
    memref.global "private" constant @w : memref<6xf32> = dense_resource<w> {alignment = 64 : i64}
    %1 = memref.get_global @w : memref<6xf32>
    %0 = memref.expand_shape %1 [[0, 1]] output_shape [2, 3] : memref<6xf32> into memref<2x3xf32>
    ```
  }];
  let dependentDialects = ["memref::MemRefDialect"];
}

def CommonLowerCopiesPass : Pass<"etch-common-lower-copies", "func::FuncOp"> {
  let summary = "Rewrite memref.copy as a linalg.generic copy";
  let description = [{
    The LLVM lowering of `memref.copy` calls `memrefCopy` from the MLIR
    runtime library whenever a layout is not contiguous; generated objects
    may not depend on it. Every `memref.copy` becomes a `linalg.generic`
    copy, which later lowers to plain loops (that LLVM turns into `memcpy`
    or vector moves where it can).

    Before:
    ```mlir
    memref.copy %a, %b : memref<4xf32> to memref<4xf32>
    ```
    After:
    ```mlir
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%a : memref<4xf32>) outs(%b : memref<4xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    }
    ```
  }];
  let dependentDialects = ["linalg::LinalgDialect"];
}

def CommonLowerParallelLaunchPass
    : Pass<"etch-common-lower-parallel-launch", "ModuleOp"> {
  let summary = "Turn outlined-forall launches into etch_parallel_for_tid calls";
  let description = [{
    Runs on the LLVM dialect after `etch-common-lower-to-llvm`. Each call to
    a declaration marked `etch.parallel_launch = {body = @f, count = n}`
    (made by `etch-common-outline-forall`) becomes: the call's operands (bare
    pointers and integers) stored into a context struct on the caller's
    stack, and a call `etch_parallel_for_tid(n, @f_thunk, ctx, max_threads)`
    of the runtime (etch.h). `@f_thunk(ctx, begin, end, tid)` loads the
    operands back and calls `@f(operands..., begin, end, tid)`.

    Before:
    ```mlir
    llvm.func @main_forall0_launch(!llvm.ptr, !llvm.ptr)
        attributes {etch.parallel_launch = {body = @main_forall0, count = 4}}
    llvm.call @main_forall0_launch(%x, %y) : (!llvm.ptr, !llvm.ptr) -> ()
    ```
    After:
    ```mlir
    %ctx = llvm.alloca %c1 x !llvm.struct<(ptr, ptr)> : (i64) -> !llvm.ptr
    llvm.store %x, ... ; llvm.store %y, ...
    %fn = llvm.mlir.addressof @main_forall0_thunk : !llvm.ptr
    llvm.call @etch_parallel_for_tid(%c4, %fn, %ctx, %c2)
    ```
  }];
  let options = [
    Option<"threads", "threads", "int64_t", "2",
           "Largest thread count the code was planned for (max_threads)">,
  ];
  let dependentDialects = ["LLVM::LLVMDialect"];
}

def CommonLowerToLLVMPass : Pass<"etch-common-lower-to-llvm", "ModuleOp"> {
  let summary = "Convert the loop/vector/memref program to the LLVM dialect";
  let description = [{
    The final conversion, done as one dialect conversion with one
    `LLVMTypeConverter` so that every pattern (arith, math, cf, func, memref,
    vector, index, ub) agrees on the index bitwidth. The index width comes
    from `index-bitwidth`, or else from the pointer size of the `triple` in
    the module's `etch.target` attribute (32 on Cortex-M), or else 64.
    Functions use the bare-pointer calling convention: each statically shaped
    memref argument is one pointer. Expects scf, affine, linalg and n-D
    vector transfers to be lowered already (see
    `etch-common-lower-to-llvm-pipeline`).

    bf16 arithmetic is done in f32 (each op's operands extended, its result
    rounded back, as LLVM's own promotion does), and every f32 -> bf16
    truncation and bf16 -> f32 extension becomes integer shifts and adds
    (round to nearest even, NaN kept NaN): left to LLVM, the truncation is a
    call to compiler-rt's `__truncsfbf2`, which the object may not need.

    Before:
    ```mlir
    func.func @main(%a: memref<4xf32>, %b: memref<4xf32>) {
      %c0 = arith.constant 0 : index
      %v = memref.load %a[%c0] : memref<4xf32>
      memref.store %v, %b[%c0] : memref<4xf32>
      return
    }
    ```
    After:
    ```mlir
    llvm.func @main(%a: !llvm.ptr, %b: !llvm.ptr) {
      %v = llvm.load %a : !llvm.ptr -> f32
      llvm.store %v, %b : f32, !llvm.ptr
      llvm.return
    }
    ```
  }];
  let options = [
    Option<"indexBitwidth", "index-bitwidth", "unsigned", /*default=*/"0",
           "Bitwidth of the index type; 0 derives it from etch.target">,
  ];
  let dependentDialects = ["LLVM::LLVMDialect"];
}

def CommonLowerVectorsPass
    : Pass<"etch-common-lower-vectors", "func::FuncOp"> {
  let summary = "Progressively lower high-level vector ops to LLVM-ready ones";
  let description = [{
    Contractions become outer products and FMAs, multi-reductions become
    elementwise ops and 1-D reductions, transposes become shuffles,
    broadcast/shape_cast/mask ops are lowered, and 1-D transfers become
    (masked) loads and stores, so that `etch-common-lower-to-llvm` only sees
    ops with a direct LLVM counterpart.

    Before:
    ```mlir
    %r = vector.contract {...} %a, %b, %acc
        : vector<4x8xf32>, vector<8x16xf32> into vector<4x16xf32>
    ```
    After (abridged):
    ```mlir
    %t = vector.transpose %a, [1, 0] : vector<4x8xf32> to vector<8x4xf32>
    %a0 = vector.extract %t[0] : vector<4xf32> from vector<8x4xf32>
    %r0 = vector.outerproduct %a0, %b0, %acc {kind = #vector.kind<add>}
    ...
    ```
  }];
  let dependentDialects = ["vector::VectorDialect", "arith::ArithDialect",
                           "memref::MemRefDialect", "scf::SCFDialect"];
}

def CommonOutlineForallPass : Pass<"etch-common-outline-forall", "ModuleOp"> {
  let summary = "Outline each top-level scf.forall of the bufferized program";
  let description = [{
    Each `scf.forall` not nested in another one (the distribution level of
    `etch-llvmcpu-tile-and-fuse` with `--threads` > 1) moves into a new
    function `@<func>_forall<k>(captured..., %begin, %end, %tid)` that runs
    the linearized iterations [begin, end) (`%tid`, the thread's index,
    replaces `etch.thread_index` placeholders of per-thread scratch). Pure
    ops the body uses (constants, globals, views of the arena) are cloned
    into it, so what is captured is mostly the entry's own pointer
    arguments; those keep their `noalias` (and, for inputs, `readonly`)
    facts as `llvm.noalias`/`llvm.readonly`. The forall becomes a call of a
    declaration marked `etch.parallel_launch`, lowered after the LLVM
    conversion by `etch-common-lower-parallel-launch`.

    Before:
    ```mlir
    scf.forall (%i) = (0) to (64) step (16) {
      %v = memref.subview %out[%i] [16] [1] : ...
      ...
    }
    ```
    After:
    ```mlir
    func.call @main_forall0_launch(%out) : (memref<64xf32>) -> ()
    func.func private @main_forall0_launch(memref<64xf32>)
        attributes {etch.parallel_launch = {body = @main_forall0, count = 4}}
    func.func private @main_forall0(%out: memref<64xf32> {llvm.noalias},
                                    %begin: index, %end: index, %tid: index) {
      scf.for %n = %begin to %end step %c1 {
        %i = arith.muli %n, %c16 : index
        ...
      }
    }
    ```
  }];
  let dependentDialects = ["scf::SCFDialect", "arith::ArithDialect",
                           "func::FuncDialect", "LLVM::LLVMDialect",
                           "memref::MemRefDialect", "vector::VectorDialect"];
}

def CommonPlanMemoryPass : Pass<"etch-common-plan-memory", "ModuleOp"> {
  let summary = "Place every buffer of @main at a static offset in one arena";
  let description = [{
    Every static `memref.alloc` in the entry function becomes a
    `memref.view` into one arena argument `memref<Nxi8>` appended to the
    arguments (`{etch.arena}`). Offsets come from liveness intervals (first
    definition to last use in program order; a use inside a loop or region
    keeps the buffer live for the whole op at the buffer's own nesting level;
    views, casts, reshapes and loop-carried values count as uses) and
    best-fit placement (`MemoryPlanner.h`). Allocs inside loops are hoisted
    (each iteration reuses the same bytes). The arena size and alignment are
    recorded as `etch.arena_size` / `etch.arena_align` on the function, with
    `etch.arena_lower_bound`: the most bytes simultaneously live for this op
    order (no placement can need less).
    Deallocs are removed. A dynamically shaped alloc is an error.

    Before:
    ```mlir
    func.func @main(%x: memref<16xf32>, %y: memref<16xf32>) {
      %a = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
      ...
    }
    ```
    After:
    ```mlir
    func.func @main(%x: memref<16xf32>, %y: memref<16xf32>,
                    %arena: memref<64xi8> {etch.arena})
        attributes {etch.arena_align = 64 : i64,
                    etch.arena_lower_bound = 64 : i64,
                    etch.arena_size = 64 : i64} {
      %c0 = arith.constant 0 : index
      %a = memref.view %arena[%c0][] : memref<64xi8> to memref<16xf32>
      ...
    }
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "Name of the function whose buffers are planned">,
    Option<"alignment", "alignment", "unsigned", /*default=*/"64",
           "Minimum alignment in bytes of every buffer and of the arena">,
    Option<"threads", "threads", "int64_t", /*default=*/"1",
           "Threads the code runs on: a buffer allocated inside an "
           "scf.forall gets this many copies, one per thread">,
  ];
  let statistics = [
    Statistic<"numBuffers", "num-buffers", "Buffers placed in the arena">,
    Statistic<"arenaBytes", "arena-bytes", "Arena size in bytes">,
    Statistic<"lowerBoundBytes", "lower-bound-bytes",
              "Most bytes live at one program point (no plan can be smaller)">,
  ];
  let dependentDialects = ["memref::MemRefDialect", "arith::ArithDialect"];
}

include "ProfilePasses.td"

#endif // ETCH_CODEGEN_COMMON_PASSES
