// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-convert-etch-to-linalg))' --mlir-print-local-scope %s | FileCheck %s

// Mean: sum over the axis, divide by its size, keepdims as expand_shape.
// CHECK-LABEL: func.func @reduce_mean_keep
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<2x4xf32>)
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]} {{.*}} outs(%[[INIT]] : tensor<2x4xf32>)
// CHECK:   arith.addf
// CHECK: %[[THREE:.+]] = arith.constant 3.000000e+00 : f32
// CHECK: %[[MEAN:.+]] = linalg.generic {{.*}} outs(%[[SUM]] : tensor<2x4xf32>)
// CHECK:   arith.divf %{{.+}}, %[[THREE]]
// CHECK: tensor.expand_shape %[[MEAN]] {{\[}}[0], [1, 2]] output_shape [2, 1, 4]
func.func @reduce_mean_keep(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xf32> {
  %0 = etch.reduce_mean %x {axes = array<i64: 1>, keepdims = true} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  return %0 : tensor<2x1x4xf32>
}

// -----

// Reducing everything without keepdims gives a 0-d tensor.
// CHECK-LABEL: func.func @reduce_max_all
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.+}} : tensor<f32>)
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>], iterator_types = ["reduction", "reduction"]}
// CHECK:   arith.maximumf
// CHECK: return %[[R]] : tensor<f32>
func.func @reduce_max_all(%x: tensor<2x3xf32>) -> tensor<f32> {
  %0 = etch.reduce_max %x {axes = array<i64: 0, 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @reduce_sum
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d1)>], iterator_types = ["reduction", "parallel", "reduction"]}
// CHECK:   arith.addf
// CHECK-NOT: arith.divf
func.func @reduce_sum(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %0 = etch.reduce_sum %x {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Numerically stable softmax: max, exp(x - max), sum, divide.
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.+]]: tensor<2x5xf32>)
// CHECK: %[[MAX:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<2x5xf32>)
// CHECK:   arith.maximumf
// CHECK: %[[EXP:.+]] = linalg.generic {{.*}} ins(%[[X]], %[[MAX]] : tensor<2x5xf32>, tensor<2xf32>)
// CHECK:   arith.subf
// CHECK:   math.exp
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[EXP]] : tensor<2x5xf32>)
// CHECK:   arith.addf
// CHECK: %[[R:.+]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<2xf32>) outs(%[[EXP]] : tensor<2x5xf32>)
// CHECK:   arith.divf
// CHECK: return %[[R]]
func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = etch.softmax %x {axis = 1 : i64} : tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// An int32 sum of int8 values (a quantized global average pool): the
// reduction extends each element as it adds it, so no int32 copy of the
// input is left for tiling to store next to it (the extension's own generic
// is dead).
// CHECK-LABEL: func.func @reduce_sum_of_extension
// CHECK-SAME: %[[X:.+]]: tensor<1x8x5x7xi8>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%[[X]] : tensor<1x8x5x7xi8>) outs(%{{.+}} : tensor<1x8xi32>)
// CHECK: ^bb0(%[[IN:.+]]: i8, %[[ACC:.+]]: i32):
// CHECK:   %[[E:.+]] = arith.extsi %[[IN]] : i8 to i32
// CHECK:   arith.addi %[[ACC]], %[[E]] : i32
func.func @reduce_sum_of_extension(%x: tensor<1x8x5x7xi8>) -> tensor<1x8x1x1xi32> {
  %w = etch.cast %x : (tensor<1x8x5x7xi8>) -> tensor<1x8x5x7xi32>
  %0 = etch.reduce_sum %w {axes = array<i64: 2, 3>, keepdims = true} : (tensor<1x8x5x7xi32>) -> tensor<1x8x1x1xi32>
  return %0 : tensor<1x8x1x1xi32>
}
