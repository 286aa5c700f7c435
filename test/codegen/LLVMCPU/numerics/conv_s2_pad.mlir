// RUN: %python %S/check.py %s --etch-opt=etch-opt --tools=%mlir_tools_dir --libs=%mlir_lib_dir --workdir=%t --target='target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512' | FileCheck %s
// RUN: %python %S/check.py %s --etch-opt=etch-opt --tools=%mlir_tools_dir --libs=%mlir_lib_dir --workdir=%t --target='target-triple=thumbv7em-none-eabihf target-cpu=cortex-m7' | FileCheck %s
// CHECK: NUMERICS-OK

#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bias = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @kernel(%in: tensor<1x5x13x13xf32>, %w: tensor<12x5x3x3xf32>, %b: tensor<12xf32>) -> tensor<1x12x7x7xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %in low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b2: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x5x13x13xf32> to tensor<1x5x15x15xf32>
  %e = tensor.empty() : tensor<1x12x7x7xf32>
  %bb = linalg.generic {indexing_maps = [#bias, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%b : tensor<12xf32>) outs(%e : tensor<1x12x7x7xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  } -> tensor<1x12x7x7xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%p, %w : tensor<1x5x15x15xf32>, tensor<12x5x3x3xf32>) outs(%bb : tensor<1x12x7x7xf32>) -> tensor<1x12x7x7xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%c : tensor<1x12x7x7xf32>) outs(%e : tensor<1x12x7x7xf32>) {
  ^bb0(%x: f32, %o: f32):
    %lo = arith.constant 0.0 : f32
    %hi = arith.constant 6.0 : f32
    %m = arith.maximumf %x, %lo : f32
    %n = arith.minimumf %m, %hi : f32
    linalg.yield %n : f32
  } -> tensor<1x12x7x7xf32>
  return %r : tensor<1x12x7x7xf32>
}
