// RUN: %python %S/check.py %s --etch-opt=etch-opt --tools=%mlir_tools_dir --libs=%mlir_lib_dir --workdir=%t --target='target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512' | FileCheck %s
// RUN: %python %S/check.py %s --etch-opt=etch-opt --tools=%mlir_tools_dir --libs=%mlir_lib_dir --workdir=%t --target='target-triple=thumbv7em-none-eabihf target-cpu=cortex-m7' | FileCheck %s
// CHECK: NUMERICS-OK

func.func @kernel(%a: tensor<3x9x17xf32>, %b: tensor<3x17x21xf32>) -> tensor<3x9x21xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x9x21xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<3x9x21xf32>) -> tensor<3x9x21xf32>
  %c = linalg.batch_matmul ins(%a, %b : tensor<3x9x17xf32>, tensor<3x17x21xf32>) outs(%f : tensor<3x9x21xf32>) -> tensor<3x9x21xf32>
  return %c : tensor<3x9x21xf32>
}
