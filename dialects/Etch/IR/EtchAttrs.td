//===- EtchAttrs.td - etch attributes ----------------------*- tablegen -*-===//

#ifndef ETCH_ATTRS_TD
#define ETCH_ATTRS_TD

include "dialects/Etch/IR/EtchDialect.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def Etch_ActivationKind : I32EnumAttr<"ActivationKind",
    "activation fused into a producer op", [
      I32EnumAttrCase<"None", 0, "none">,
      I32EnumAttrCase<"Relu", 1, "relu">,
      I32EnumAttrCase<"Clip", 2, "clip">,
      I32EnumAttrCase<"Sigmoid", 3, "sigmoid">,
      I32EnumAttrCase<"Tanh", 4, "tanh">,
      I32EnumAttrCase<"HardSigmoid", 5, "hard_sigmoid">,
      I32EnumAttrCase<"HardSwish", 6, "hard_swish">,
      I32EnumAttrCase<"LeakyRelu", 7, "leaky_relu">
    ]> {
  let cppNamespace = "::mlir::etch";
  let genSpecializedAttr = 0;
}

def Etch_ActivationKindAttr : EnumAttr<Etch_Dialect, Etch_ActivationKind,
                                       "activation"> {
  let summary = "Kind of an activation fused into conv/gemm/matmul/add";
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Codegen schedule (#etch.schedule), owned by codegen: below this marker.
//===----------------------------------------------------------------------===//

def Etch_PipelineKind : I32EnumAttr<"PipelineKind",
    "codegen pipeline a schedule selects for its root op", [
      I32EnumAttrCase<"None", 0, "none">,
      I32EnumAttrCase<"Matmul", 1, "matmul">,
      I32EnumAttrCase<"Conv", 2, "conv">,
      I32EnumAttrCase<"Depthwise", 3, "depthwise">,
      I32EnumAttrCase<"Pool", 4, "pool">,
      I32EnumAttrCase<"Elementwise", 5, "elementwise">,
      I32EnumAttrCase<"Reduction", 6, "reduction">
    ]> {
  let cppNamespace = "::mlir::etch";
  let genSpecializedAttr = 0;
}

def Etch_ScheduleAttr : Etch_Attr<"Schedule", "schedule"> {
  let summary = "Tiling/vectorization schedule of one root linalg op";
  let description = [{
    Attached under the discardable name `etch.schedule` to a root linalg op by
    `--etch-llvmcpu-select-strategy` (heuristics or a tuning database) and only
    read by the later codegen passes. All lists are indexed by the loops of
    the op it is attached to (its iteration domain, in `getLoopIteratorTypes`
    order); 0 means "do not tile this loop at this level".

    ```mlir
    #etch.schedule<kind = matmul, tile = [[64, 64, 0], [8, 32, 0], [0, 0, 4]],
                   vector = [8, 32, 4], parallel = [0, 1]>
    ```

    - `tile`: up to three levels. Level 0 ("workgroup") tiles parallel loops
      for cache blocking and fusion (producers and the elementwise consumer
      chain are fused into it); level 1 ("register") tiles parallel loops to
      the register block; level 2 ("reduction") tiles reduction loops inside
      the register block. A loop is tiled at level 1 or level 2, never both.
    - `vector`: vector sizes of the innermost tile (>= its tile sizes).
    - `interchange`: permutation of the level-0 loops (outermost first).
    - `parallel`: loops of level 0 that are safe to run in parallel
      (`etch_parallel_for` later).
    - `unroll`: optional unroll factors per loop of the innermost tile.
  }];
  let parameters = (ins
    EnumParameter<Etch_PipelineKind>:$kind,
    OptionalArrayRefParameter<"int64_t">:$workgroupTiles,
    OptionalArrayRefParameter<"int64_t">:$registerTiles,
    OptionalArrayRefParameter<"int64_t">:$reductionTiles,
    OptionalArrayRefParameter<"int64_t">:$vectorSizes,
    OptionalArrayRefParameter<"int64_t">:$interchange,
    OptionalArrayRefParameter<"int64_t">:$parallelDims,
    OptionalArrayRefParameter<"int64_t">:$unroll
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Number of loops the schedule describes (0 for an empty schedule).
    unsigned getNumLoops() const;
    /// Tile sizes of `level` (0..2), padded with zeros to getNumLoops().
    ::llvm::SmallVector<int64_t> getTileSizes(unsigned level) const;
  }];
}

def Etch_GPUScheduleAttr : Etch_Attr<"GPUSchedule", "gpu_schedule"> {
  let summary = "Work-group mapping of one root linalg op for the OpenCL target";
  let description = [{
    Attached under the discardable name `etch.gpu_schedule` to each root
    linalg op of a memory-planned module by `--etch-opencl-select-strategy`
    (from the `--mcpu` device preset); the OpenCL kernel writers only read it.

    ```mlir
    #etch.gpu_schedule<workgroup = [8, 8], tile = [4, 4], tile_k = 16,
                       local_memory = true>
    ```

    - `workgroup`: work-items per work-group, x first (1 to 3 entries; at
      most 1024 work-items).
    - `tile`: outputs per work-item (rows, columns); columns are the vector
      width of loads and accumulators (1 or 4). Elementwise and generic
      kernels take one output per work-item (`[1, 1]`).
    - `tile_k`: reduction slice staged per step (GEMM and convolution).
    - `local_memory`: stage operand tiles in `__local` memory.
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t">:$workgroup,
    ArrayRefParameter<"int64_t">:$tile,
    "int64_t":$tileK,
    "bool":$localMemory
  );
  let assemblyFormat = [{
    `<` `workgroup` `=` `[` $workgroup `]` `,` `tile` `=` `[` $tile `]` `,`
    `tile_k` `=` $tileK `,` `local_memory` `=` $localMemory `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify(
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError,
        ::llvm::ArrayRef<int64_t> workgroup, ::llvm::ArrayRef<int64_t> tile,
        int64_t tileK, bool localMemory) {
      if (workgroup.empty() || workgroup.size() > 3) {
        return emitError() << "gpu_schedule workgroup needs 1 to 3 sizes, got "
                           << workgroup.size();
      }
      int64_t items = 1;
      for (int64_t w : workgroup) {
        if (w <= 0) {
          return emitError() << "gpu_schedule workgroup sizes must be > 0, got "
                             << w;
        }
        items *= w;
      }
      if (items > 1024) {
        return emitError() << "gpu_schedule workgroup has " << items
                           << " work-items; at most 1024";
      }
      if (tile.size() != 2 || tile[0] <= 0 || (tile[1] != 1 && tile[1] != 4)) {
        return emitError() << "gpu_schedule tile must be [rows > 0, columns "
                              "1 or 4]";
      }
      if (tileK <= 0) {
        return emitError() << "gpu_schedule tile_k must be > 0, got " << tileK;
      }
      return ::mlir::success();
    }
  }];
}

#endif // ETCH_ATTRS_TD
