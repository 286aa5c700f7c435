// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-graph-fold-batch-norm)' --mlir-print-debuginfo --mlir-print-local-scope %s | FileCheck %s

// s = gamma / sqrt(var + eps) = [2, 3], shift = beta - mean * s = [0, -3]:
// W' = W * s per output channel, b' = b * s + shift (b = 0 when absent).
// CHECK-LABEL: func.func @conv_bn
// CHECK-DAG: %[[W:.+]] = etch.constant dense<{{\[}}[{{\[}}[2.000000e+00]]], [{{\[}}[6.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.+]] = etch.constant dense<[0.000000e+00, -3.000000e+00]> : tensor<2xf32>
// CHECK: %[[C:.+]] = etch.conv %{{.+}}, %[[W]], %[[B]] {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : {{.*}} loc(fused["conv", "bn"])
// CHECK-NOT: etch.batch_norm
// CHECK: return %[[C]]
func.func @conv_bn(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = etch.constant dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> loc("conv")
  %g = etch.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %b = etch.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %m = etch.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %v = etch.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %1 = etch.batch_norm %0, %g, %b, %m, %v {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc("bn")
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// Existing bias: b' = b * s + shift = [1 * 2 + 0, 2 * 3 - 3].
// CHECK-LABEL: func.func @conv_bias_bn
// CHECK: %[[B:.+]] = etch.constant dense<[2.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK: etch.conv %{{.+}}, %{{.+}}, %[[B]]
// CHECK-NOT: etch.batch_norm
func.func @conv_bias_bn(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = etch.constant dense<1.0> : tensor<2x2x1x1xf32>
  %cb = etch.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %0 = etch.conv %x, %w, %cb {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %g = etch.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %b = etch.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %m = etch.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %v = etch.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %1 = etch.batch_norm %0, %g, %b, %m, %v {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// Gemm + BN over the columns: B's columns scale by s, C' = s * beta * C + shift
// and beta becomes 1.
// CHECK-LABEL: func.func @gemm_bn
// CHECK-DAG: %[[B:.+]] = etch.constant dense<{{\[}}[2.000000e+00, 6.000000e+00], [6.000000e+00, 1.200000e+01]]> : tensor<2x2xf32>
// CHECK-DAG: %[[C:.+]] = etch.constant dense<[4.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK: etch.gemm %{{.+}}, %[[B]], %[[C]] : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>)
// CHECK-NOT: etch.batch_norm
func.func @gemm_bn(%a: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %bw = etch.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %c = etch.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %0 = etch.gemm %a, %bw, %c {beta = 2.0 : f32} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %g = etch.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %b = etch.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %m = etch.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %v = etch.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %1 = etch.batch_norm %0, %g, %b, %m, %v {epsilon = 1.0 : f32} : (tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %1 : tensor<1x2xf32>
}

// -----

// 2-D MatMul + BN becomes a Gemm: B's columns scale by s, C = shift.
// CHECK-LABEL: func.func @matmul_bn
// CHECK-DAG: %[[B:.+]] = etch.constant dense<{{\[}}[2.000000e+00, 6.000000e+00], [6.000000e+00, 1.200000e+01]]> : tensor<2x2xf32>
// CHECK-DAG: %[[C:.+]] = etch.constant dense<[0.000000e+00, -3.000000e+00]> : tensor<2xf32>
// CHECK: etch.gemm %{{.+}}, %[[B]], %[[C]] : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc(fused["mm", "bn"])
// CHECK-NOT: etch.batch_norm
// CHECK-NOT: etch.matmul
func.func @matmul_bn(%a: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %bw = etch.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %0 = etch.matmul %a, %bw : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32> loc("mm")
  %g = etch.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %b = etch.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %m = etch.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %v = etch.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %1 = etch.batch_norm %0, %g, %b, %m, %v {epsilon = 1.0 : f32} : (tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc("bn")
  return %1 : tensor<1x2xf32>
}

// -----

// Not folded: the conv has another use, a fused activation, or non-constant
// weights; a standalone batch_norm stays.
// CHECK-LABEL: func.func @not_folded
// CHECK-COUNT-4: etch.batch_norm
func.func @not_folded(%x: tensor<1x2x4x4xf32>, %wx: tensor<2x2x1x1xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = etch.constant dense<1.0> : tensor<2x2x1x1xf32>
  %g = etch.constant dense<[4.0, 3.0]> : tensor<2xf32>
  %b = etch.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %m = etch.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %v = etch.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = etch.batch_norm %0, %g, %b, %m, %v : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %2 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, activation = #etch.activation<relu>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %3 = etch.batch_norm %2, %g, %b, %m, %v : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %4 = etch.conv %x, %wx {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %5 = etch.batch_norm %4, %g, %b, %m, %v : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %6 = etch.batch_norm %x, %g, %b, %m, %v : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %0, %1, %3, %5, %6 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
