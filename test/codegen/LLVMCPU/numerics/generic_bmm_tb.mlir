// RUN: %python %S/check.py %s --etch-opt=etch-opt --tools=%mlir_tools_dir --libs=%mlir_lib_dir --workdir=%t --target='target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512' | FileCheck %s
// CHECK: NUMERICS-OK

// Two batch dimensions and B transposed (`bcij,bckj->bcik`).
#a = affine_map<(b, c, i, k, j) -> (b, c, i, j)>
#b = affine_map<(b, c, i, k, j) -> (b, c, k, j)>
#c = affine_map<(b, c, i, k, j) -> (b, c, i, k)>
func.func @kernel(%x: tensor<2x3x4x8xf32>, %y: tensor<2x3x6x8xf32>) -> tensor<2x3x4x6xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3x4x6xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3x4x6xf32>) -> tensor<2x3x4x6xf32>
  %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%x, %y : tensor<2x3x4x8xf32>, tensor<2x3x6x8xf32>) outs(%f : tensor<2x3x4x6xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x3x4x6xf32>
  return %r : tensor<2x3x4x6xf32>
}
