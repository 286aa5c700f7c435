// RUN: etch-opt --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(etch-convert-etch-to-linalg))' %s

// arith has no unsigned integer types: a clear error instead of invalid IR.
func.func @unsigned_add(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  // expected-error @+1 {{'etch.add' on unsigned integer tensors ('tensor<4xui8>') is not supported by the linalg lowering}}
  %0 = etch.add %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}
