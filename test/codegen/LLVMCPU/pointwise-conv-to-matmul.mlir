// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-llvmcpu-pointwise-conv-to-matmul{keep-padded=true}))' %s | FileCheck %s
// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-llvmcpu-pointwise-conv-to-matmul))' %s | FileCheck %s --check-prefix=ALL

// A 1x1 conv with a bias and a ReLU: [F, C] x [C, H*W] with the bias
// broadcast along H*W as the init, the ReLU collapsed onto the same 2-D
// space, one expand_shape back to NCHW at the end.
// CHECK-LABEL: func.func @pointwise_bias_relu
// CHECK-DAG: %[[X:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2, 3]] : tensor<1x32x7x7xf32> into tensor<32x49xf32>
// CHECK-DAG: %[[W:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2, 3]] : tensor<64x32x1x1xf32> into tensor<64x32xf32>
// CHECK-DAG: %[[B:.+]] = linalg.broadcast ins(%{{.+}} : tensor<64xf32>) outs(%{{.+}} : tensor<64x49xf32>) dimensions = [1]
// CHECK: %[[M:.+]] = linalg.matmul ins(%[[W]], %[[X]] : tensor<64x32xf32>, tensor<32x49xf32>) outs(%[[B]] : tensor<64x49xf32>)
// CHECK: %[[R:.+]] = linalg.generic {{.*}} ins(%[[M]] : tensor<64x49xf32>) outs(%{{.+}} : tensor<64x49xf32>)
// CHECK: %[[E:.+]] = tensor.expand_shape %[[R]] {{\[}}[0, 1], [2, 3]] output_shape [1, 64, 7, 7]
// CHECK: return %[[E]]
func.func @pointwise_bias_relu(%x: tensor<1x32x7x7xf32>, %w: tensor<64x32x1x1xf32>, %bias: tensor<64xf32>) -> tensor<1x64x7x7xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x64x7x7xf32>
  %b = linalg.broadcast ins(%bias : tensor<64xf32>) outs(%e : tensor<1x64x7x7xf32>) dimensions = [0, 2, 3]
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x32x7x7xf32>, tensor<64x32x1x1xf32>) outs(%b : tensor<1x64x7x7xf32>) -> tensor<1x64x7x7xf32>
  %e2 = tensor.empty() : tensor<1x64x7x7xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%c : tensor<1x64x7x7xf32>) outs(%e2 : tensor<1x64x7x7xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x64x7x7xf32>
  return %r : tensor<1x64x7x7xf32>
}

// -----

// The result is padded for a 3x3 window: with keep-padded the conv stays
// (the pad's interior is written in place by an NCHW producer); without it,
// it is converted and the pad reads the expand_shape.
// CHECK-LABEL: func.func @pointwise_then_pad
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK-NOT: linalg.matmul
// ALL-LABEL: func.func @pointwise_then_pad
// ALL: linalg.matmul
// ALL: tensor.expand_shape
// ALL: tensor.pad
func.func @pointwise_then_pad(%x: tensor<1x16x8x8xf32>, %w: tensor<32x16x1x1xf32>) -> tensor<1x32x10x10xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x32x8x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) outs(%f : tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %p = tensor.pad %c low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x32x8x8xf32> to tensor<1x32x10x10xf32>
  return %p : tensor<1x32x10x10xf32>
}

// -----

// Left alone: a strided 1x1 conv (not a contiguous map), batch 2, a 3x3
// kernel, an int8 conv with i32 accumulators.
// ALL-LABEL: func.func @not_pointwise
// ALL-COUNT-4: linalg.conv_2d_nchw_fchw
// ALL-NOT: linalg.matmul
func.func @not_pointwise(%x: tensor<1x16x8x8xf32>, %w: tensor<32x16x1x1xf32>, %x2: tensor<2x16x8x8xf32>,
                         %w3: tensor<32x16x3x3xf32>, %xi: tensor<1x16x8x8xi8>, %wi: tensor<32x16x1x1xi8>)
    -> (tensor<1x32x4x4xf32>, tensor<2x32x8x8xf32>, tensor<1x32x6x6xf32>, tensor<1x32x8x8xi32>) {
  %zero = arith.constant 0.0 : f32
  %zi = arith.constant 0 : i32
  %e1 = tensor.empty() : tensor<1x32x4x4xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x32x4x4xf32>) -> tensor<1x32x4x4xf32>
  %s = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%x, %w : tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) outs(%f1 : tensor<1x32x4x4xf32>) -> tensor<1x32x4x4xf32>
  %e2 = tensor.empty() : tensor<2x32x8x8xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x32x8x8xf32>) -> tensor<2x32x8x8xf32>
  %b = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x2, %w : tensor<2x16x8x8xf32>, tensor<32x16x1x1xf32>) outs(%f2 : tensor<2x32x8x8xf32>) -> tensor<2x32x8x8xf32>
  %e3 = tensor.empty() : tensor<1x32x6x6xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x32x6x6xf32>) -> tensor<1x32x6x6xf32>
  %k = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w3 : tensor<1x16x8x8xf32>, tensor<32x16x3x3xf32>) outs(%f3 : tensor<1x32x6x6xf32>) -> tensor<1x32x6x6xf32>
  %e4 = tensor.empty() : tensor<1x32x8x8xi32>
  %f4 = linalg.fill ins(%zi : i32) outs(%e4 : tensor<1x32x8x8xi32>) -> tensor<1x32x8x8xi32>
  %q = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%xi, %wi : tensor<1x16x8x8xi8>, tensor<32x16x1x1xi8>) outs(%f4 : tensor<1x32x8x8xi32>) -> tensor<1x32x8x8xi32>
  return %s, %b, %k, %q : tensor<1x32x4x4xf32>, tensor<2x32x8x8xf32>, tensor<1x32x6x6xf32>, tensor<1x32x8x8xi32>
}
