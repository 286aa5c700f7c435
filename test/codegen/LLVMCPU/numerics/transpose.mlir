// RUN: %python %S/check.py %s --etch-opt=etch-opt --tools=%mlir_tools_dir --libs=%mlir_lib_dir --workdir=%t --target='target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512' | FileCheck %s
// RUN: %python %S/check.py %s --etch-opt=etch-opt --tools=%mlir_tools_dir --libs=%mlir_lib_dir --workdir=%t --target='target-triple=thumbv7em-none-eabihf target-cpu=cortex-m7' | FileCheck %s
// CHECK: NUMERICS-OK

func.func @kernel(%a: tensor<6x35x18xf32>) -> tensor<18x6x35xf32> {
  %e = tensor.empty() : tensor<18x6x35xf32>
  %r = linalg.transpose ins(%a : tensor<6x35x18xf32>) outs(%e : tensor<18x6x35xf32>) permutation = [2, 0, 1]
  return %r : tensor<18x6x35xf32>
}
