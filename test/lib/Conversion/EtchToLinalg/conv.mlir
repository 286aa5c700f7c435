// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-convert-etch-to-linalg))' --mlir-print-debuginfo --mlir-print-local-scope %s | FileCheck %s

// Plain 2-D conv: zero padding, bias broadcast as the accumulator init,
// strides/dilations on the named op, fused relu as a trailing in-place generic.
// CHECK-LABEL: func.func @conv2d_bias_relu
// CHECK-SAME: (%[[X:[a-z0-9]+]]: tensor<1x3x9x9xf32>{{.*}}, %[[W:[a-z0-9]+]]: tensor<4x3x3x3xf32>{{.*}}, %[[B:[a-z0-9]+]]: tensor<4xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32 loc("conv0")
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1, 2] high[0, 0, 1, 0]
// CHECK:   tensor.yield %[[ZERO]]
// CHECK: } : tensor<1x3x9x9xf32> to tensor<1x3x11x11xf32> loc("conv0")
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<1x4x5x4xf32>
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[B]] : tensor<4xf32>) outs(%[[EMPTY]] : tensor<1x4x5x4xf32>) dimensions = [0, 2, 3]
// CHECK: %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {dilations = dense<[1, 2]> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[PAD]], %[[W]] : tensor<1x3x11x11xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<1x4x5x4xf32>) -> tensor<1x4x5x4xf32> loc("conv0")
// CHECK: %[[ACT:.+]] = linalg.generic {{.*}} outs(%[[CONV]] : tensor<1x4x5x4xf32>)
// CHECK:   arith.maximumf {{.*}} loc("conv0")
// CHECK: } -> tensor<1x4x5x4xf32> loc("conv0")
// CHECK: return %[[ACT]]
func.func @conv2d_bias_relu(%x: tensor<1x3x9x9xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x5x4xf32> {
  %0 = etch.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 2, 1, 0>, dilations = array<i64: 1, 2>, activation = #etch.activation<relu>} : (tensor<1x3x9x9xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x5x4xf32> loc("conv0")
  return %0 : tensor<1x4x5x4xf32>
}

// -----

// No bias, no padding: a zero-filled init, no tensor.pad, no activation.
// CHECK-LABEL: func.func @conv2d_no_bias
// CHECK-NOT: tensor.pad
// CHECK: %[[FILL:.+]] = linalg.fill
// CHECK: %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
// CHECK-SAME: outs(%[[FILL]] :
// CHECK-NOT: linalg.generic
// CHECK: return %[[CONV]]
func.func @conv2d_no_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// Depthwise with multiplier 1: the weight drops its unit dim.
// CHECK-LABEL: func.func @depthwise
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<8x1x3x3xf32>
// CHECK: %[[F:.+]] = tensor.collapse_shape %[[W]] {{.+}} : tensor<8x1x3x3xf32> into tensor<8x3x3xf32>
// CHECK: linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME: ins(%{{.+}}, %[[F]] : tensor<1x8x10x10xf32>, tensor<8x3x3xf32>)
// CHECK: arith.minimumf
func.func @depthwise(%x: tensor<1x8x8x8xf32>, %w: tensor<8x1x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x8x8xf32> {
  %0 = etch.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 8 : i64, activation = #etch.activation<clip>, act_alpha = 0.0 : f32, act_beta = 6.0 : f32} : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

// Grouped: channels split into [G, C/G] on input, weight, bias and output.
// CHECK-LABEL: func.func @grouped
// CHECK-SAME: (%[[X:[a-z0-9]+]]: tensor<1x4x6x6xf32>{{.*}}, %[[W:[a-z0-9]+]]: tensor<6x2x3x3xf32>{{.*}}, %[[B:[a-z0-9]+]]: tensor<6xf32>
// CHECK-DAG: %[[XG:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 6, 6]
// CHECK-DAG: %[[WG:.+]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3]
// CHECK-DAG: %[[BG:.+]] = tensor.expand_shape %[[B]] {{\[}}[0, 1]] output_shape [2, 3]
// CHECK: %[[INIT:.+]] = linalg.broadcast ins(%[[BG]] : tensor<2x3xf32>) outs(%{{.+}} : tensor<1x2x3x4x4xf32>) dimensions = [0, 3, 4]
// CHECK: %[[CONV:.+]] = linalg.conv_2d_ngchw_gfchw {{.*}} ins(%[[XG]], %[[WG]] : tensor<1x2x2x6x6xf32>, tensor<2x3x2x3x3xf32>) outs(%[[INIT]]
// CHECK: %[[OUT:.+]] = tensor.collapse_shape %[[CONV]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x3x4x4xf32> into tensor<1x6x4x4xf32>
// CHECK: return %[[OUT]]
func.func @grouped(%x: tensor<1x4x6x6xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x4x4xf32> {
  %0 = etch.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x4x6x6xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// -----

// 1-D conv: a generic over (n, g, f, o, c, k) with strided/dilated input map.
// CHECK-LABEL: func.func @conv1d
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4, d3 * 2 + d5 * 3)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK:   arith.mulf
// CHECK:   arith.addf
// CHECK: tensor.collapse_shape {{.*}} : tensor<2x1x4x4xf32> into tensor<2x4x4xf32>
func.func @conv1d(%x: tensor<2x3x11xf32>, %w: tensor<4x3x3xf32>) -> tensor<2x4x4xf32> {
  %0 = etch.conv %x, %w {strides = array<i64: 2>, pads = array<i64: 1, 1>, dilations = array<i64: 3>} : (tensor<2x3x11xf32>, tensor<4x3x3xf32>) -> tensor<2x4x4xf32>
  return %0 : tensor<2x4x4xf32>
}
