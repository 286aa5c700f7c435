// Einsum (ImportComposite.cpp): one or two operands without diagonals become
// reduce_sum/transpose/reshape/etch.matmul; a diagonal stays one etch.einsum
// whose labels are character codes (ellipsis dims 1000 + k).
// RUN: etch-import %S/Inputs/einsum.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x3x4xf32>
// CHECK-SAME: %[[B:[^:]+]]: tensor<2x4x5xf32>
// CHECK-SAME: %[[C:[^:]+]]: tensor<2x3x3xf32>
// CHECK-SAME: %[[D:[^:]+]]: tensor<6x4xf32>
// "...ij, ...jk -> ...ik": already [batch, M, K] x [batch, K, N].
// CHECK: %[[Y:.+]] = etch.matmul %[[A]], %[[B]] : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
// "bii->bi": a repeated label reads the diagonal.
// CHECK: %[[DIAG:.+]] = etch.einsum %[[C]] {input_labels = [array<i64: 98, 105, 105>], output_labels = array<i64: 98, 105>} : (tensor<2x3x3xf32>) -> tensor<2x3xf32>
// "bij,kj": implicit output "bik" (labels used once, sorted); b and i are
// both free in the first operand, j is contracted.
// CHECK: %[[A2:.+]] = etch.reshape %[[A]] : (tensor<2x3x4xf32>) -> tensor<1x6x4xf32>
// CHECK: %[[DT:.+]] = etch.transpose %[[D]] {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
// CHECK: %[[D2:.+]] = etch.reshape %[[DT]] : (tensor<4x6xf32>) -> tensor<1x4x6xf32>
// CHECK: %[[MM:.+]] = etch.matmul %[[A2]], %[[D2]] : (tensor<1x6x4xf32>, tensor<1x4x6xf32>) -> tensor<1x6x6xf32>
// CHECK: %[[Z:.+]] = etch.reshape %[[MM]] : (tensor<1x6x6xf32>) -> tensor<2x3x6xf32>
// CHECK: return %[[Y]], %[[DIAG]], %[[Z]]
