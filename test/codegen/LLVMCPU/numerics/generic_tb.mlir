// RUN: %python %S/check.py %s --etch-opt=etch-opt --tools=%mlir_tools_dir --libs=%mlir_lib_dir --workdir=%t --target='target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512' | FileCheck %s
// RUN: %python %S/check.py %s --etch-opt=etch-opt --tools=%mlir_tools_dir --libs=%mlir_lib_dir --workdir=%t --target='target-triple=thumbv7em-none-eabihf target-cpu=cortex-m7' | FileCheck %s
// CHECK: NUMERICS-OK

// A generic contraction reading B transposed (`ij,kj->ik`): upstream's
// generic-to-named specialization turns it into a linalg.matmul with the
// default maps; etch keeps it generic.
#a = affine_map<(i, k, j) -> (i, j)>
#b = affine_map<(i, k, j) -> (k, j)>
#c = affine_map<(i, k, j) -> (i, k)>
func.func @kernel(%x: tensor<4x8xf32>, %y: tensor<6x8xf32>) -> tensor<4x6xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x6xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x6xf32>) -> tensor<4x6xf32>
  %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %y : tensor<4x8xf32>, tensor<6x8xf32>) outs(%f : tensor<4x6xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x6xf32>
  return %r : tensor<4x6xf32>
}
