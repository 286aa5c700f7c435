// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-common-lower-vectors))' %s | FileCheck %s

// Contractions become FMAs on 1-D vectors; nothing n-D is left.
// CHECK-LABEL: func.func @matmul
// CHECK-NOT: vector.contract
// CHECK-NOT: vector.outerproduct
// CHECK: vector.fma {{.*}} : vector<4xf32>
// CHECK: return
func.func @matmul(%a: vector<2x3xf32>, %b: vector<3x4xf32>, %c: vector<2x4xf32>) -> vector<2x4xf32> {
  %0 = vector.contract {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
                        iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>}
      %a, %b, %c : vector<2x3xf32>, vector<3x4xf32> into vector<2x4xf32>
  return %0 : vector<2x4xf32>
}

// -----

// Multi-reductions, transposes and n-D shape_casts go away.
// CHECK-LABEL: func.func @reduce
// CHECK-NOT: vector.multi_reduction
// CHECK-NOT: vector.transpose
// CHECK-NOT: vector.shape_cast
// CHECK: return
func.func @reduce(%a: vector<4x8xf32>, %acc: vector<8xf32>) -> (vector<8xf32>, vector<8x4xf32>, vector<32xf32>) {
  %0 = vector.multi_reduction <add>, %a, %acc [0] : vector<4x8xf32> to vector<8xf32>
  %1 = vector.transpose %a, [1, 0] : vector<4x8xf32> to vector<8x4xf32>
  %2 = vector.shape_cast %a : vector<4x8xf32> to vector<32xf32>
  return %0, %1, %2 : vector<8xf32>, vector<8x4xf32>, vector<32xf32>
}
