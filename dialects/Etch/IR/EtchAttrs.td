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

#endif // ETCH_ATTRS_TD
