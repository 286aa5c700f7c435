// RUN: %python %S/check.py %s --etch-opt=etch-opt --tools=%mlir_tools_dir --libs=%mlir_lib_dir --workdir=%t --target='target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512' | FileCheck %s
// RUN: %python %S/check.py %s --etch-opt=etch-opt --tools=%mlir_tools_dir --libs=%mlir_lib_dir --workdir=%t --target='target-triple=thumbv7em-none-eabihf target-cpu=cortex-m7' | FileCheck %s
// CHECK: NUMERICS-OK

#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bc = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, d3)>
func.func @kernel(%a: tensor<2x5x9x33xf32>, %b: tensor<1x5x1x33xf32>) -> tensor<2x5x9x33xf32> {
  %e = tensor.empty() : tensor<2x5x9x33xf32>
  %r = linalg.generic {indexing_maps = [#map, #bc, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%a, %b : tensor<2x5x9x33xf32>, tensor<1x5x1x33xf32>) outs(%e : tensor<2x5x9x33xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.mulf %x, %y : f32
    %t = arith.addf %s, %x : f32
    linalg.yield %t : f32
  } -> tensor<2x5x9x33xf32>
  return %r : tensor<2x5x9x33xf32>
}
