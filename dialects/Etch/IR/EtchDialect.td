//===- EtchDialect.td - etch graph dialect -----------------*- tablegen -*-===//
//
// The etch graph dialect: one op per ONNX operator, ONNX semantics, static
// shapes, value semantics on ranked tensors.
//
//===----------------------------------------------------------------------===//

#ifndef ETCH_DIALECT_TD
#define ETCH_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Etch_Dialect : Dialect {
  let name = "etch";
  let summary = "Graph-level dialect of the etch ahead-of-time tensor compiler";
  let description = [{
    Each op models one ONNX operator with ONNX semantics on statically shaped
    ranked tensors. Locations carry the ONNX node names. Attribute forms are
    normalized by the importer (explicit pads instead of auto_pad, constant
    axes instead of axis inputs, ...), so passes never see ONNX opset quirks.
  }];
  let cppNamespace = "::mlir::etch";
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

class Etch_Op<string mnemonic, list<Trait> traits = []>
    : Op<Etch_Dialect, mnemonic, traits>;

class Etch_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Etch_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // ETCH_DIALECT_TD
