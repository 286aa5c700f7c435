// RUN: etch-opt %s | etch-opt | FileCheck %s
// Round trip of every etch op.

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<2xf32>, tensor<3xi64>) {
  // CHECK: etch.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  %0 = etch.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // CHECK: etch.constant dense_resource<blob1> : tensor<3xi64>
  %1 = etch.constant dense_resource<blob1> : tensor<3xi64>
  return %0, %1 : tensor<2xf32>, tensor<3xi64>
}

// CHECK-LABEL: func.func @identity
func.func @identity(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: etch.identity %{{.*}} : tensor<2x3xf32>
  %0 = etch.identity %arg0 : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @conv
func.func @conv(%x: tensor<1x8x9x9xf32>, %w: tensor<16x4x3x3xf32>, %b: tensor<16xf32>,
                %dw: tensor<8x1x3x3xf32>) -> (tensor<1x16x5x5xf32>, tensor<1x8x5x5xf32>) {
  // CHECK: etch.conv %{{.*}}, %{{.*}}, %{{.*}} {activation = #etch.activation<relu>, dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x9x9xf32>, tensor<16x4x3x3xf32>, tensor<16xf32>) -> tensor<1x16x5x5xf32>
  %0 = etch.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 2 : i64, activation = #etch.activation<relu>} : (tensor<1x8x9x9xf32>, tensor<16x4x3x3xf32>, tensor<16xf32>) -> tensor<1x16x5x5xf32>
  // CHECK: etch.conv %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, group = 8 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x9x9xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x5x5xf32>
  %1 = etch.conv %x, %dw {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 2>, group = 8 : i64} : (tensor<1x8x9x9xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x5x5xf32>
  return %0, %1 : tensor<1x16x5x5xf32>, tensor<1x8x5x5xf32>
}

// CHECK-LABEL: func.func @gemm_matmul
func.func @gemm_matmul(%a: tensor<4x3xf32>, %b: tensor<5x3xf32>, %c: tensor<5xf32>,
                       %x: tensor<2x1x4x3xf32>, %y: tensor<6x3x7xf32>, %v: tensor<3xf32>)
    -> (tensor<4x5xf32>, tensor<2x6x4x7xf32>, tensor<4xf32>) {
  // CHECK: etch.gemm %{{.*}}, %{{.*}}, %{{.*}} {alpha = 5.000000e-01 : f32, trans_b = true} : (tensor<4x3xf32>, tensor<5x3xf32>, tensor<5xf32>) -> tensor<4x5xf32>
  %0 = etch.gemm %a, %b, %c {alpha = 0.5 : f32, trans_b = true} : (tensor<4x3xf32>, tensor<5x3xf32>, tensor<5xf32>) -> tensor<4x5xf32>
  // CHECK: etch.matmul %{{.*}}, %{{.*}} : (tensor<2x1x4x3xf32>, tensor<6x3x7xf32>) -> tensor<2x6x4x7xf32>
  %1 = etch.matmul %x, %y : (tensor<2x1x4x3xf32>, tensor<6x3x7xf32>) -> tensor<2x6x4x7xf32>
  // CHECK: etch.matmul %{{.*}}, %{{.*}} : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4xf32>
  %2 = etch.matmul %a, %v : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4xf32>
  return %0, %1, %2 : tensor<4x5xf32>, tensor<2x6x4x7xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @binary
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %i: tensor<4xi64>) -> tensor<2x3xf32> {
  // CHECK: etch.add %{{.*}}, %{{.*}} {act_beta = 6.000000e+00 : f32, activation = #etch.activation<clip>} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = etch.add %a, %b {activation = #etch.activation<clip>, act_beta = 6.0 : f32} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: etch.sub %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = etch.sub %0, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: etch.mul %{{.*}}, %{{.*}} : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = etch.mul %b, %1 : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: etch.div
  %3 = etch.div %2, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: etch.max
  %4 = etch.max %3, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: etch.min
  %5 = etch.min %4, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: etch.add %{{.*}}, %{{.*}} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %6 = etch.add %i, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %5 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @unary
func.func @unary(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: etch.relu %{{.*}} : tensor<2x3xf32>
  %0 = etch.relu %x : tensor<2x3xf32>
  // CHECK: etch.sigmoid %{{.*}} : tensor<2x3xf32>
  %1 = etch.sigmoid %0 : tensor<2x3xf32>
  // CHECK: etch.tanh %{{.*}} : tensor<2x3xf32>
  %2 = etch.tanh %1 : tensor<2x3xf32>
  // CHECK: etch.hard_swish %{{.*}} : tensor<2x3xf32>
  %3 = etch.hard_swish %2 : tensor<2x3xf32>
  // CHECK: etch.clip %{{.*}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : tensor<2x3xf32>
  %4 = etch.clip %3 {min = 0.0 : f32, max = 6.0 : f32} : tensor<2x3xf32>
  // CHECK: etch.clip %{{.*}} : tensor<2x3xf32>
  %5 = etch.clip %4 : tensor<2x3xf32>
  // CHECK: etch.hard_sigmoid %{{.*}} {alpha = 1.000000e-01 : f32} : tensor<2x3xf32>
  %6 = etch.hard_sigmoid %5 {alpha = 0.1 : f32} : tensor<2x3xf32>
  // CHECK: etch.leaky_relu %{{.*}} {alpha = 2.000000e-01 : f32} : tensor<2x3xf32>
  %7 = etch.leaky_relu %6 {alpha = 0.2 : f32} : tensor<2x3xf32>
  return %7 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @pools
func.func @pools(%x: tensor<1x4x7x7xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x3x3xf32>, tensor<1x4x1x1xf32>) {
  // CHECK: etch.max_pool %{{.*}} {ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x7x7xf32>) -> tensor<1x4x4x4xf32>
  %0 = etch.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : (tensor<1x4x7x7xf32>) -> tensor<1x4x4x4xf32>
  // CHECK: etch.average_pool %{{.*}} {count_include_pad = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 3, 3>} : (tensor<1x4x7x7xf32>) -> tensor<1x4x3x3xf32>
  %1 = etch.average_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, count_include_pad = true} : (tensor<1x4x7x7xf32>) -> tensor<1x4x3x3xf32>
  // CHECK: etch.global_average_pool %{{.*}} : (tensor<1x4x7x7xf32>) -> tensor<1x4x1x1xf32>
  %2 = etch.global_average_pool %x : (tensor<1x4x7x7xf32>) -> tensor<1x4x1x1xf32>
  return %0, %1, %2 : tensor<1x4x4x4xf32>, tensor<1x4x3x3xf32>, tensor<1x4x1x1xf32>
}

// CHECK-LABEL: func.func @norm
func.func @norm(%x: tensor<1x4x7x7xf32>, %c: tensor<4xf32>) -> (tensor<1x4x7x7xf32>, tensor<1x4x7x7xf32>) {
  // CHECK: etch.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32} : (tensor<1x4x7x7xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x7x7xf32>
  %0 = etch.batch_norm %x, %c, %c, %c, %c {epsilon = 1.0e-3 : f32} : (tensor<1x4x7x7xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x7x7xf32>
  // CHECK: etch.softmax %{{.*}} {axis = 1 : i64} : tensor<1x4x7x7xf32>
  %1 = etch.softmax %0 {axis = 1 : i64} : tensor<1x4x7x7xf32>
  return %0, %1 : tensor<1x4x7x7xf32>, tensor<1x4x7x7xf32>
}

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<2x3x4xf32>) -> (tensor<2x1x1xf32>, tensor<3xf32>, tensor<f32>) {
  // CHECK: etch.reduce_mean %{{.*}} {axes = array<i64: 1, 2>} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  %0 = etch.reduce_mean %x {axes = array<i64: 1, 2>} : (tensor<2x3x4xf32>) -> tensor<2x1x1xf32>
  // CHECK: etch.reduce_max %{{.*}} {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  %1 = etch.reduce_max %x {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  // CHECK: etch.reduce_sum %{{.*}} {axes = array<i64: 0, 1, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<f32>
  %2 = etch.reduce_sum %x {axes = array<i64: 0, 1, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<f32>
  return %0, %1, %2 : tensor<2x1x1xf32>, tensor<3xf32>, tensor<f32>
}

// CHECK-LABEL: func.func @shapes
func.func @shapes(%x: tensor<2x3x4xf32>, %y: tensor<2x5x4xf32>)
    -> (tensor<6x4xf32>, tensor<4x2x3xf32>, tensor<2x8x4xf32>, tensor<2x6x5xf32>) {
  // CHECK: etch.reshape %{{.*}} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  %0 = etch.reshape %x : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  // CHECK: etch.transpose %{{.*}} {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %1 = etch.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  // CHECK: etch.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  %2 = etch.concat %x, %y {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  // CHECK: etch.pad %{{.*}} {pads = array<i64: 0, 1, 0, 0, 2, 1>, value = 1.500000e+00 : f32} : (tensor<2x3x4xf32>) -> tensor<2x6x5xf32>
  %3 = etch.pad %x {pads = array<i64: 0, 1, 0, 0, 2, 1>, value = 1.5 : f32} : (tensor<2x3x4xf32>) -> tensor<2x6x5xf32>
  return %0, %1, %2, %3 : tensor<6x4xf32>, tensor<4x2x3xf32>, tensor<2x8x4xf32>, tensor<2x6x5xf32>
}

{-#
  dialect_resources: {
    builtin: {
      blob1: "0x08000000010000000000000002000000000000000300000000000000"
    }
  }
#-}

// Quantized models: i8 operands into an i32 result (and i32 bias).
// CHECK-LABEL: func.func @integer_conv_matmul
func.func @integer_conv_matmul(%x: tensor<1x4x6x6xi8>, %w: tensor<8x4x3x3xi8>, %b: tensor<8xi32>,
                               %a: tensor<2x5xi8>, %m: tensor<5x3xi8>) -> (tensor<1x8x4x4xi32>, tensor<2x3xi32>) {
  // CHECK: etch.conv %{{.*}}, %{{.*}}, %{{.*}} {{.*}} : (tensor<1x4x6x6xi8>, tensor<8x4x3x3xi8>, tensor<8xi32>) -> tensor<1x8x4x4xi32>
  %0 = etch.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x4x6x6xi8>, tensor<8x4x3x3xi8>, tensor<8xi32>) -> tensor<1x8x4x4xi32>
  // CHECK: etch.matmul %{{.*}}, %{{.*}} : (tensor<2x5xi8>, tensor<5x3xi8>) -> tensor<2x3xi32>
  %1 = etch.matmul %a, %m : (tensor<2x5xi8>, tensor<5x3xi8>) -> tensor<2x3xi32>
  return %0, %1 : tensor<1x8x4x4xi32>, tensor<2x3xi32>
}
