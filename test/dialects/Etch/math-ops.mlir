// RUN: etch-opt %s | etch-opt | FileCheck %s
// Round trip of the math, logic, Where/Cast/BitCast and extra reduction ops.

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: etch.sqrt %{{.*}} : tensor<2x3xf32>
  %0 = etch.sqrt %x : tensor<2x3xf32>
  // CHECK: etch.erf
  %1 = etch.erf %0 : tensor<2x3xf32>
  // CHECK: etch.round
  %2 = etch.round %1 : tensor<2x3xf32>
  // CHECK: etch.selu %{{.*}} {alpha = 2.000000e+00 : f32, gamma = 3.000000e+00 : f32}
  %3 = etch.selu %2 {alpha = 2.0 : f32, gamma = 3.0 : f32} : tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @logic
func.func @logic(%a: tensor<2x3xi64>, %b: tensor<3xi64>, %x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: etch.less %{{.*}}, %{{.*}} : (tensor<2x3xi64>, tensor<3xi64>) -> tensor<2x3xi1>
  %0 = etch.less %a, %b : (tensor<2x3xi64>, tensor<3xi64>) -> tensor<2x3xi1>
  // CHECK: etch.not
  %1 = etch.not %0 : tensor<2x3xi1>
  // CHECK: etch.xor
  %2 = etch.xor %0, %1 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK: etch.cast %{{.*}} : (tensor<2x3xi1>) -> tensor<2x3xf32>
  %3 = etch.cast %2 : (tensor<2x3xi1>) -> tensor<2x3xf32>
  // CHECK: etch.bitcast %{{.*}} : (tensor<2x3xf32>) -> tensor<2x3xi32>
  %bits = etch.bitcast %3 : (tensor<2x3xf32>) -> tensor<2x3xi32>
  // CHECK: etch.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %c = etch.constant dense<0.0> : tensor<f32>
  %4 = etch.where %1, %3, %c : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %4 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<2x3x4xf32>) -> (tensor<2x4xf32>, tensor<2x1x4xi64>) {
  // CHECK: etch.reduce_min %{{.*}} {axes = array<i64: 1>, keepdims = false}
  %0 = etch.reduce_min %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
  // CHECK: etch.arg_max %{{.*}} {axis = 1 : i64, select_last_index = true}
  %1 = etch.arg_max %x {axis = 1 : i64, select_last_index = true} : (tensor<2x3x4xf32>) -> tensor<2x1x4xi64>
  return %0, %1 : tensor<2x4xf32>, tensor<2x1x4xi64>
}
