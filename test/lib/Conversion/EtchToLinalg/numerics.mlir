// Numerics of the lowering, executed with upstream mlir-opt + mlir-runner.
// Expected values come from ONNX Runtime 1.32 on the same inputs.
// REQUIRES: mlir-runner
// RUN: etch-opt --etch-convert-etch-to-linalg %s \
// RUN: | %mlir_opt --one-shot-bufferize=bufferize-function-boundaries \
// RUN:     --convert-linalg-to-loops --lower-affine --convert-scf-to-cf \
// RUN:     --expand-strided-metadata --finalize-memref-to-llvm \
// RUN:     --convert-math-to-llvm --convert-arith-to-llvm --convert-func-to-llvm \
// RUN:     --convert-cf-to-llvm --reconcile-unrealized-casts \
// RUN: | %mlir_runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils \
// RUN: | FileCheck %s

// AveragePool 3x3/2, pads 1, ceil_mode, count_include_pad=0: divisor = real elements in the window.
// CHECK: sizes = [1, 1, 4, 4]
// CHECK-NEXT: {{\[\[\[\[}}-1.25,     -1.5,     0.5,     1.5],
// CHECK-NEXT: {{\[}}1.33333,     -0.666667,     -1,     0],
// CHECK-NEXT: {{\[}}0.5,     1.22222,     -0.666667,     -2],
// CHECK-NEXT: {{\[}}-0.5,     1,     0.666667,     -3]]]]
// AveragePool, same with count_include_pad=1: the ceil_mode window past the end padding counts only up to it.
// CHECK: sizes = [1, 1, 4, 4]
// CHECK-NEXT: {{\[\[\[\[}}-0.555556,     -1,     0.333333,     0.5],
// CHECK-NEXT: {{\[}}0.888889,     -0.666667,     -1,     0],
// CHECK-NEXT: {{\[}}0.333333,     1.22222,     -0.666667,     -1],
// CHECK-NEXT: {{\[}}-0.166667,     0.5,     0.333333,     -0.75]]]]
// MaxPool 2x2/2, end pads 1, ceil_mode.
// CHECK: sizes = [1, 1, 3, 3]
// CHECK-NEXT: {{\[\[\[\[}}3,     0,     2],
// CHECK-NEXT: {{\[}}3,     3,     0],
// CHECK-NEXT: {{\[}}1,     3,     3]]]]
// Conv group=2 with bias and asymmetric pads (conv_2d_ngchw_gfchw).
// CHECK: sizes = [2, 6, 4, 4]
// CHECK-NEXT: {{\[\[\[\[}}0,     -1,     -2,     -1],
// CHECK-NEXT: {{\[}}8,     2,     1,     -2],
// CHECK-NEXT: {{\[}}-6,     8,     2,     -1],
// CHECK-NEXT: {{\[}}-5,     -6,     8,     0]],
// CHECK-NEXT: {{\[\[}}-1,     0,     1,     3],
// CHECK-NEXT: {{\[}}-2,     -2,     -2,     1],
// CHECK-NEXT: {{\[}}13,     -2,     -2,     0],
// CHECK-NEXT: {{\[}}-2,     13,     -2,     -1]],
// CHECK-NEXT: {{\[\[}}4,     4,     4,     1],
// CHECK-NEXT: {{\[}}-3,     3,     4,     4],
// CHECK-NEXT: {{\[}}-4,     -3,     3,     4],
// CHECK-NEXT: {{\[}}10,     -4,     -3,     4]],
// CHECK-NEXT: {{\[\[}}1,     0,     9,     2],
// CHECK-NEXT: {{\[}}4,     -2,     -3,     9],
// CHECK-NEXT: {{\[}}5,     4,     -2,     0],
// CHECK-NEXT: {{\[}}11,     5,     4,     1]],
// CHECK-NEXT: {{\[\[}}4,     10,     1,     3],
// CHECK-NEXT: {{\[}}1,     1,     16,     1],
// CHECK-NEXT: {{\[}}1,     1,     1,     10],
// CHECK-NEXT: {{\[}}1,     1,     1,     4]],
// CHECK-NEXT: {{\[\[}}7,     2,     2,     7],
// CHECK-NEXT: {{\[}}7,     13,     -1,     2],
// CHECK-NEXT: {{\[}}6,     7,     13,     2],
// CHECK-NEXT: {{\[}}0,     6,     7,     7]]],
// CHECK-NEXT: {{\[\[\[}}6,     0,     -1,     -1],
// CHECK-NEXT: {{\[}}-6,     8,     2,     -1],
// CHECK-NEXT: {{\[}}-5,     -6,     8,     0],
// CHECK-NEXT: {{\[}}1,     -5,     -6,     6]],
// CHECK-NEXT: {{\[\[}}-2,     -1,     0,     2],
// CHECK-NEXT: {{\[}}13,     -2,     -2,     0],
// CHECK-NEXT: {{\[}}-2,     13,     -2,     -1],
// CHECK-NEXT: {{\[}}-2,     -2,     13,     -2]],
// CHECK-NEXT: {{\[\[}}-1,     4,     4,     2],
// CHECK-NEXT: {{\[}}-4,     -3,     3,     4],
// CHECK-NEXT: {{\[}}10,     -4,     -3,     4],
// CHECK-NEXT: {{\[}}4,     10,     -4,     -1]],
// CHECK-NEXT: {{\[\[}}2,     1,     0,     7],
// CHECK-NEXT: {{\[}}5,     4,     -2,     0],
// CHECK-NEXT: {{\[}}11,     5,     4,     1],
// CHECK-NEXT: {{\[}}-3,     11,     5,     2]],
// CHECK-NEXT: {{\[\[}}3,     4,     10,     2],
// CHECK-NEXT: {{\[}}1,     1,     1,     10],
// CHECK-NEXT: {{\[}}1,     1,     1,     4],
// CHECK-NEXT: {{\[}}16,     1,     1,     3]],
// CHECK-NEXT: {{\[\[}}7,     7,     2,     3],
// CHECK-NEXT: {{\[}}6,     7,     13,     2],
// CHECK-NEXT: {{\[}}0,     6,     7,     7],
// CHECK-NEXT: {{\[}}-1,     0,     6,     7]]]]
// Depthwise Conv with channel multiplier 2, stride 2 (grouped path).
// CHECK: sizes = [1, 8, 2, 2]
// CHECK-NEXT: {{\[\[\[\[}}9.5,     -4.5],
// CHECK-NEXT: {{\[}}-6,     16.5]],
// CHECK-NEXT: {{\[\[}}-1.5,     0.5],
// CHECK-NEXT: {{\[}}-2,     -2.5]],
// CHECK-NEXT: {{\[\[}}0,     5.5],
// CHECK-NEXT: {{\[}}-3,     -4]],
// CHECK-NEXT: {{\[\[}}-4,     0.5],
// CHECK-NEXT: {{\[}}13,     -8]],
// CHECK-NEXT: {{\[\[}}-2,     -2],
// CHECK-NEXT: {{\[}}10,     -4]],
// CHECK-NEXT: {{\[\[}}2,     -6],
// CHECK-NEXT: {{\[}}-2,     4]],
// CHECK-NEXT: {{\[\[}}4,     -7],
// CHECK-NEXT: {{\[}}-1.5,     12]],
// CHECK-NEXT: {{\[\[}}0,     -3],
// CHECK-NEXT: {{\[}}-4.5,     0]]]]

func.func @main() {
  %c0 = etch.constant dense<[[[[-3.0, -2.0, -1.0, 0.0, 1.0, 2.0], [3.0, -3.0, -2.0, -1.0, 0.0, 1.0], [2.0, 3.0, -3.0, -2.0, -1.0, 0.0], [1.0, 2.0, 3.0, -3.0, -2.0, -1.0], [0.0, 1.0, 2.0, 3.0, -3.0, -2.0], [-1.0, 0.0, 1.0, 2.0, 3.0, -3.0]]]]> : tensor<1x1x6x6xf32>
  %avg_ceil_excl = etch.average_pool %c0 {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, ceil_mode = true} : (tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32>
  %c1 = etch.constant dense<[[[[-3.0, -2.0, -1.0, 0.0, 1.0, 2.0], [3.0, -3.0, -2.0, -1.0, 0.0, 1.0], [2.0, 3.0, -3.0, -2.0, -1.0, 0.0], [1.0, 2.0, 3.0, -3.0, -2.0, -1.0], [0.0, 1.0, 2.0, 3.0, -3.0, -2.0], [-1.0, 0.0, 1.0, 2.0, 3.0, -3.0]]]]> : tensor<1x1x6x6xf32>
  %avg_ceil_incl = etch.average_pool %c1 {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, ceil_mode = true, count_include_pad = true} : (tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32>
  %c2 = etch.constant dense<[[[[-3.0, -2.0, -1.0, 0.0, 1.0, 2.0], [3.0, -3.0, -2.0, -1.0, 0.0, 1.0], [2.0, 3.0, -3.0, -2.0, -1.0, 0.0], [1.0, 2.0, 3.0, -3.0, -2.0, -1.0], [0.0, 1.0, 2.0, 3.0, -3.0, -2.0], [-1.0, 0.0, 1.0, 2.0, 3.0, -3.0]]]]> : tensor<1x1x6x6xf32>
  %max_ceil = etch.max_pool %c2 {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>, dilations = array<i64: 1, 1>, ceil_mode = true} : (tensor<1x1x6x6xf32>) -> tensor<1x1x3x3xf32>
  %c3 = etch.constant dense<[[[[-2.0, -1.0, 0.0, 1.0], [2.0, -2.0, -1.0, 0.0], [1.0, 2.0, -2.0, -1.0], [0.0, 1.0, 2.0, -2.0]], [[-1.0, 0.0, 1.0, 2.0], [-2.0, -1.0, 0.0, 1.0], [2.0, -2.0, -1.0, 0.0], [1.0, 2.0, -2.0, -1.0]], [[0.0, 1.0, 2.0, -2.0], [-1.0, 0.0, 1.0, 2.0], [-2.0, -1.0, 0.0, 1.0], [2.0, -2.0, -1.0, 0.0]], [[1.0, 2.0, -2.0, -1.0], [0.0, 1.0, 2.0, -2.0], [-1.0, 0.0, 1.0, 2.0], [-2.0, -1.0, 0.0, 1.0]]], [[[2.0, -2.0, -1.0, 0.0], [1.0, 2.0, -2.0, -1.0], [0.0, 1.0, 2.0, -2.0], [-1.0, 0.0, 1.0, 2.0]], [[-2.0, -1.0, 0.0, 1.0], [2.0, -2.0, -1.0, 0.0], [1.0, 2.0, -2.0, -1.0], [0.0, 1.0, 2.0, -2.0]], [[-1.0, 0.0, 1.0, 2.0], [-2.0, -1.0, 0.0, 1.0], [2.0, -2.0, -1.0, 0.0], [1.0, 2.0, -2.0, -1.0]], [[0.0, 1.0, 2.0, -2.0], [-1.0, 0.0, 1.0, 2.0], [-2.0, -1.0, 0.0, 1.0], [2.0, -2.0, -1.0, 0.0]]]]> : tensor<2x4x4x4xf32>
  %c4 = etch.constant dense<[[[[-1.0, 0.0], [1.0, -1.0]], [[0.0, 1.0], [-1.0, 0.0]]], [[[1.0, -1.0], [0.0, 1.0]], [[-1.0, 0.0], [1.0, -1.0]]], [[[0.0, 1.0], [-1.0, 0.0]], [[1.0, -1.0], [0.0, 1.0]]], [[[-1.0, 0.0], [1.0, -1.0]], [[0.0, 1.0], [-1.0, 0.0]]], [[[1.0, -1.0], [0.0, 1.0]], [[-1.0, 0.0], [1.0, -1.0]]], [[[0.0, 1.0], [-1.0, 0.0]], [[1.0, -1.0], [0.0, 1.0]]]]> : tensor<6x2x2x2xf32>
  %c5 = etch.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]> : tensor<6xf32>
  %conv_grouped = etch.conv %c3, %c4, %c5 {group = 2 : i64, strides = array<i64: 1, 1>, pads = array<i64: 1, 0, 0, 1>, dilations = array<i64: 1, 1>} : (tensor<2x4x4x4xf32>, tensor<6x2x2x2xf32>, tensor<6xf32>) -> tensor<2x6x4x4xf32>
  %c6 = etch.constant dense<[[[[-2.0, -1.0, 0.0, 1.0], [2.0, -2.0, -1.0, 0.0], [1.0, 2.0, -2.0, -1.0], [0.0, 1.0, 2.0, -2.0]], [[-1.0, 0.0, 1.0, 2.0], [-2.0, -1.0, 0.0, 1.0], [2.0, -2.0, -1.0, 0.0], [1.0, 2.0, -2.0, -1.0]], [[0.0, 1.0, 2.0, -2.0], [-1.0, 0.0, 1.0, 2.0], [-2.0, -1.0, 0.0, 1.0], [2.0, -2.0, -1.0, 0.0]], [[1.0, 2.0, -2.0, -1.0], [0.0, 1.0, 2.0, -2.0], [-1.0, 0.0, 1.0, 2.0], [-2.0, -1.0, 0.0, 1.0]]]]> : tensor<1x4x4x4xf32>
  %c7 = etch.constant dense<[[[[-1.5, -0.5, 0.5], [1.5, -1.5, -0.5], [0.5, 1.5, -1.5]]], [[[-0.5, 0.5, 1.5], [-1.5, -0.5, 0.5], [1.5, -1.5, -0.5]]], [[[0.5, 1.5, -1.5], [-0.5, 0.5, 1.5], [-1.5, -0.5, 0.5]]], [[[1.5, -1.5, -0.5], [0.5, 1.5, -1.5], [-0.5, 0.5, 1.5]]], [[[-1.5, -0.5, 0.5], [1.5, -1.5, -0.5], [0.5, 1.5, -1.5]]], [[[-0.5, 0.5, 1.5], [-1.5, -0.5, 0.5], [1.5, -1.5, -0.5]]], [[[0.5, 1.5, -1.5], [-0.5, 0.5, 1.5], [-1.5, -0.5, 0.5]]], [[[1.5, -1.5, -0.5], [0.5, 1.5, -1.5], [-0.5, 0.5, 1.5]]]]> : tensor<8x1x3x3xf32>
  %conv_depthwise_m2 = etch.conv %c6, %c7 {group = 4 : i64, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x2x2xf32>
  %avg_ceil_excl_m = bufferization.to_buffer %avg_ceil_excl : tensor<1x1x4x4xf32> to memref<1x1x4x4xf32>
  %avg_ceil_excl_u = memref.cast %avg_ceil_excl_m : memref<1x1x4x4xf32> to memref<*xf32>
  func.call @printMemrefF32(%avg_ceil_excl_u) : (memref<*xf32>) -> ()
  %avg_ceil_incl_m = bufferization.to_buffer %avg_ceil_incl : tensor<1x1x4x4xf32> to memref<1x1x4x4xf32>
  %avg_ceil_incl_u = memref.cast %avg_ceil_incl_m : memref<1x1x4x4xf32> to memref<*xf32>
  func.call @printMemrefF32(%avg_ceil_incl_u) : (memref<*xf32>) -> ()
  %max_ceil_m = bufferization.to_buffer %max_ceil : tensor<1x1x3x3xf32> to memref<1x1x3x3xf32>
  %max_ceil_u = memref.cast %max_ceil_m : memref<1x1x3x3xf32> to memref<*xf32>
  func.call @printMemrefF32(%max_ceil_u) : (memref<*xf32>) -> ()
  %conv_grouped_m = bufferization.to_buffer %conv_grouped : tensor<2x6x4x4xf32> to memref<2x6x4x4xf32>
  %conv_grouped_u = memref.cast %conv_grouped_m : memref<2x6x4x4xf32> to memref<*xf32>
  func.call @printMemrefF32(%conv_grouped_u) : (memref<*xf32>) -> ()
  %conv_depthwise_m2_m = bufferization.to_buffer %conv_depthwise_m2 : tensor<1x8x2x2xf32> to memref<1x8x2x2xf32>
  %conv_depthwise_m2_u = memref.cast %conv_depthwise_m2_m : memref<1x8x2x2xf32> to memref<*xf32>
  func.call @printMemrefF32(%conv_depthwise_m2_u) : (memref<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(memref<*xf32>)
