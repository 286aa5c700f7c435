// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-graph-fold-constants{resource-threshold=6})' %s | FileCheck %s

// A transposed weight becomes a new resource blob (6 elements here, at the
// resource threshold) holding the transposed data.
// CHECK-LABEL: func.func @transpose_resource
// CHECK-NEXT: %[[C:.+]] = etch.constant dense_resource<[[BLOB:wt_folded[_0-9]*]]> : tensor<3x2xf32>
// CHECK-NEXT: return %[[C]]
// 1, 4, 2, 5, 3, 6:
// CHECK: [[BLOB]]: "0x100000000000803F00008040000000400000A040000040400000C040"
func.func @transpose_resource() -> tensor<3x2xf32> {
  %w = etch.constant dense_resource<w> : tensor<2x3xf32>
  %t = etch.transpose %w {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32> loc("wt")
  return %t : tensor<3x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

// -----

// Reshapes (also chains of them) reuse the blob: no copy.
// CHECK-LABEL: func.func @reshape_shares_blob
// CHECK-NEXT: %[[C:.+]] = etch.constant dense_resource<w> : tensor<6x1xf32>
// CHECK-NEXT: return %[[C]]
func.func @reshape_shares_blob() -> tensor<6x1xf32> {
  %w = etch.constant dense_resource<w> : tensor<2x3xf32>
  %r = etch.reshape %w : (tensor<2x3xf32>) -> tensor<6xf32>
  %u = etch.reshape %r : (tensor<6xf32>) -> tensor<6x1xf32>
  return %u : tensor<6x1xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

// -----

// Binary ops broadcast like NumPy; chains fold completely.
// CHECK-LABEL: func.func @binary_chain
// CHECK-NEXT: %[[C:.+]] = etch.constant dense<{{\[}}[2.000000e+00, 3.000000e+00], [1.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @binary_chain() -> tensor<2x2xf32> {
  %a = etch.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = etch.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %c = etch.constant dense<[[1.0], [-2.0]]> : tensor<2x1xf32>
  %s = etch.add %a, %b : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %m = etch.mul %s, %c : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x2xf32>
  %d = etch.div %m, %c : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x2xf32>
  %e = etch.sub %d, %b : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %x = etch.max %e, %c : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x2xf32>
  %y = etch.min %x, %a : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %z = etch.add %y, %c : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x2xf32>
  %h = etch.constant dense<0.5> : tensor<f32>
  %w = etch.mul %z, %h : (tensor<2x2xf32>, tensor<f32>) -> tensor<2x2xf32>
  %q = etch.add %w, %w : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %q : tensor<2x2xf32>
}

// -----

// Integer shape arithmetic; concat and unsqueeze (reshape) of constants.
// CHECK-LABEL: func.func @int_concat
// CHECK-NEXT: %[[C:.+]] = etch.constant dense<{{\[}}[2, 6, 10, 3]]> : tensor<1x4xi64>
// CHECK-NEXT: return %[[C]]
func.func @int_concat() -> tensor<1x4xi64> {
  %a = etch.constant dense<[1, 3, 5]> : tensor<3xi64>
  %two = etch.constant dense<2> : tensor<1xi64>
  %m = etch.mul %a, %two : (tensor<3xi64>, tensor<1xi64>) -> tensor<3xi64>
  %b = etch.constant dense<[7]> : tensor<1xi64>
  %q = etch.div %b, %two : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %c = etch.concat %m, %q {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<4xi64>
  %u = etch.reshape %c : (tensor<4xi64>) -> tensor<1x4xi64>
  return %u : tensor<1x4xi64>
}

// -----

// Activations and identity on constants.
// CHECK-LABEL: func.func @unary
// CHECK-NEXT: %[[C:.+]] = etch.constant dense<[0.000000e+00, 5.000000e-01, 1.000000e+00]> : tensor<3xf32>
// CHECK-NEXT: return %[[C]]
func.func @unary() -> tensor<3xf32> {
  %a = etch.constant dense<[-1.0, 0.5, 3.0]> : tensor<3xf32>
  %i = etch.identity %a : tensor<3xf32>
  %r = etch.relu %i : tensor<3xf32>
  %c = etch.clip %r {max = 1.0 : f32} : tensor<3xf32>
  return %c : tensor<3xf32>
}

// -----

// Not folded: a non-constant operand, and a broadcast that would grow the
// data beyond max-elements (1024).
// CHECK-LABEL: func.func @not_folded
// CHECK: %[[A:.+]] = etch.add %arg0
// CHECK: %[[B:.+]] = etch.add %{{.+}}, %{{.+}} : (tensor<40x1xf32>, tensor<1x40xf32>) -> tensor<40x40xf32>
// CHECK: return %[[A]], %[[B]]
func.func @not_folded(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<40x40xf32>) {
  %a = etch.constant dense<1.0> : tensor<2xf32>
  %s = etch.add %x, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %c = etch.constant dense<1.0> : tensor<40x1xf32>
  %r = etch.constant dense<2.0> : tensor<1x40xf32>
  %b = etch.add %c, %r : (tensor<40x1xf32>, tensor<1x40xf32>) -> tensor<40x40xf32>
  return %s, %b : tensor<2xf32>, tensor<40x40xf32>
}
