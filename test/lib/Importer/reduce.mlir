// RUN: etch-import %S/Inputs/reduce.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<2x3x4xf32>
// CHECK: %[[MEAN:.+]] = etch.reduce_mean %[[X]] {axes = array<i64: 1, 2>} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
// Negative axes are normalized and sorted.
// CHECK: %[[MAX:.+]] = etch.reduce_max %[[X]] {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
// ReduceSum-13 takes axes as a constant input.
// CHECK: %[[SUM:.+]] = etch.reduce_sum %[[X]] {axes = array<i64: 1>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
// No axes: reduce all.
// CHECK: %[[ALL:.+]] = etch.reduce_sum %[[X]] {axes = array<i64: 0, 1, 2>} : (tensor<2x3x4xf32>) -> tensor<1x1x1xf32>
// Empty axes with noop_with_empty_axes: the input itself.
// CHECK: return %[[MEAN]], %[[MAX]], %[[SUM]], %[[ALL]], %[[X]]
