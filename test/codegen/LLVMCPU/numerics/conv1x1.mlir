// RUN: %python %S/check.py %s --etch-opt=etch-opt --tools=%mlir_tools_dir --libs=%mlir_lib_dir --workdir=%t --target='target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512' | FileCheck %s
// RUN: %python %S/check.py %s --etch-opt=etch-opt --tools=%mlir_tools_dir --libs=%mlir_lib_dir --workdir=%t --target='target-triple=thumbv7em-none-eabihf target-cpu=cortex-m7' | FileCheck %s
// CHECK: NUMERICS-OK

func.func @kernel(%in: tensor<1x24x14x14xf32>, %w: tensor<40x24x1x1xf32>) -> tensor<1x40x14x14xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x40x14x14xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x40x14x14xf32>) -> tensor<1x40x14x14xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x24x14x14xf32>, tensor<40x24x1x1xf32>) outs(%f : tensor<1x40x14x14xf32>) -> tensor<1x40x14x14xf32>
  return %c : tensor<1x40x14x14xf32>
}
