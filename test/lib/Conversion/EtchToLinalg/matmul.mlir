// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-convert-etch-to-linalg))' --mlir-print-local-scope %s | FileCheck %s

// Gemm transB: the transpose is the matmul's B indexing map; beta * C
// broadcast over rows is the accumulator init.
// CHECK-LABEL: func.func @gemm_trans_b
// CHECK-SAME: (%[[A:.+]]: tensor<3x4xf32>, %[[B:.+]]: tensor<5x4xf32>, %[[C:.+]]: tensor<5xf32>)
// CHECK: %[[INIT:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK-SAME: ins(%[[C]] : tensor<5xf32>)
// CHECK:   %[[HALF:.+]] = arith.constant 5.000000e-01 : f32
// CHECK:   arith.mulf %{{.+}}, %[[HALF]]
// CHECK: %[[MM:.+]] = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<3x4xf32>, tensor<5x4xf32>) outs(%[[INIT]] : tensor<3x5xf32>)
// CHECK: return %[[MM]]
func.func @gemm_trans_b(%a: tensor<3x4xf32>, %b: tensor<5x4xf32>, %c: tensor<5xf32>) -> tensor<3x5xf32> {
  %0 = etch.gemm %a, %b, %c {trans_b = true, beta = 0.5 : f32} : (tensor<3x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// alpha != 1: zero init, then one epilogue alpha * AB + C (+ activation).
// CHECK-LABEL: func.func @gemm_alpha_act
// CHECK: %[[FILL:.+]] = linalg.fill
// CHECK: %[[MM:.+]] = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
// CHECK-SAME: outs(%[[FILL]] : tensor<3x5xf32>)
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK-SAME: ins(%[[MM]], %{{.+}} : tensor<3x5xf32>, tensor<3x1xf32>)
// CHECK:   %[[TWO:.+]] = arith.constant 2.000000e+00 : f32
// CHECK:   %[[S:.+]] = arith.mulf %{{.+}}, %[[TWO]]
// CHECK:   %[[Y:.+]] = arith.addf %[[S]], %{{.+}}
// CHECK:   %[[N:.+]] = arith.negf %[[Y]]
// CHECK:   %[[E:.+]] = math.exp %[[N]]
// CHECK:   %[[D:.+]] = arith.addf %{{.+}}, %[[E]]
// CHECK:   %[[R:.+]] = arith.divf %{{.+}}, %[[D]]
// CHECK:   linalg.yield %[[R]]
func.func @gemm_alpha_act(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>, %c: tensor<3x1xf32>) -> tensor<3x5xf32> {
  %0 = etch.gemm %a, %b, %c {trans_a = true, alpha = 2.0 : f32, activation = #etch.activation<sigmoid>} : (tensor<4x3xf32>, tensor<4x5xf32>, tensor<3x1xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_2d
// CHECK: %[[MM:.+]] = linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<3x4xf32>, tensor<4x5xf32>)
// CHECK: linalg.generic {{.*}} outs(%[[MM]] : tensor<3x5xf32>)
// CHECK:   arith.maximumf
func.func @matmul_2d(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %0 = etch.matmul %a, %b {activation = #etch.activation<relu>} : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// A 2-D right operand: the left operand's batch dims fold into M.
// CHECK-LABEL: func.func @matmul_3d_2d
// CHECK: %[[A2:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[A2]], %{{.+}} : tensor<6x4xf32>, tensor<4x5xf32>)
// CHECK: %[[R:.+]] = tensor.expand_shape %[[MM]] {{\[}}[0, 1], [2]] output_shape [2, 3, 5]
// CHECK: return %[[R]]
func.func @matmul_3d_2d(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<2x3x5xf32> {
  %0 = etch.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_batch
// CHECK: linalg.batch_matmul ins(%{{.+}}, %{{.+}} : tensor<2x3x4xf32>, tensor<2x4x5xf32>)
func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %0 = etch.matmul %a, %b : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// Broadcast batch dims: a contraction generic, size-1 batch dims read index 0.
// CHECK-LABEL: func.func @matmul_broadcast
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK:   arith.mulf
// CHECK:   arith.addf
func.func @matmul_broadcast(%a: tensor<2x1x3x4xf32>, %b: tensor<3x4x5xf32>) -> tensor<2x3x3x5xf32> {
  %0 = etch.matmul %a, %b : (tensor<2x1x3x4xf32>, tensor<3x4x5xf32>) -> tensor<2x3x3x5xf32>
  return %0 : tensor<2x3x3x5xf32>
}

// -----

// A 1-D left operand is a row vector.
// CHECK-LABEL: func.func @matmul_vec
// CHECK: %[[ROW:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0, 1]] output_shape [1, 4] : tensor<4xf32> into tensor<1x4xf32>
// CHECK: %[[MM:.+]] = linalg.matmul ins(%[[ROW]], %{{.+}} : tensor<1x4xf32>, tensor<4x5xf32>)
// CHECK: tensor.collapse_shape %[[MM]] {{\[}}[0, 1]] : tensor<1x5xf32> into tensor<5xf32>
func.func @matmul_vec(%a: tensor<4xf32>, %b: tensor<4x5xf32>) -> tensor<5xf32> {
  %0 = etch.matmul %a, %b : (tensor<4xf32>, tensor<4x5xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}
