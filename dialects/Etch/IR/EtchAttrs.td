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

#endif // ETCH_ATTRS_TD
