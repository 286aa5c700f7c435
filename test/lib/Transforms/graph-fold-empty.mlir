// RUN: etch-opt --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(etch-graph-fold-empty)' %s | FileCheck %s

// An op whose result has no elements is replaced by an empty constant.
// CHECK-LABEL: func.func @empty_result
// CHECK: %[[E:.+]] = etch.constant dense<> : tensor<3x0x5xf32>
// CHECK-NOT: etch.relu
// CHECK: return %[[E]]
func.func @empty_result(%x: tensor<3x0x5xf32>) -> tensor<3x0x5xf32> {
  %0 = etch.relu %x : tensor<3x0x5xf32>
  return %0 : tensor<3x0x5xf32>
}

// -----

// Concat drops its empty inputs; with one input left it disappears.
// CHECK-LABEL: func.func @concat_empty
// CHECK-SAME: (%[[X:.+]]: tensor<2x0xf32>, %[[Y:.+]]: tensor<2x3xf32>)
// CHECK-NOT: etch.concat
// CHECK: return %[[Y]]
func.func @concat_empty(%x: tensor<2x0xf32>, %y: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = etch.concat %x, %y {axis = 1 : i64} : (tensor<2x0xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @concat_two_left
// CHECK: etch.concat %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
func.func @concat_two_left(%x: tensor<2x0xf32>, %y: tensor<2x3xf32>, %z: tensor<2x1xf32>) -> tensor<2x4xf32> {
  %0 = etch.concat %y, %x, %z {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x0xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Reading an empty tensor into a non-empty result is reported, not lowered.
func.func @reduce_empty(%x: tensor<2x0xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'etch.reduce_sum' reads an empty tensor (operand 0, 'tensor<2x0xf32>') and computes a non-empty one}}
  %0 = etch.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x0xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
