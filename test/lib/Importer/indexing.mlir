// Compress, ReverseSequence and EyeLike with compile-time values become
// constant index tensors for etch.gather, or constants (ImportIndexing.cpp).
// RUN: etch-import %S/Inputs/indexing.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<2x3xf32>
// Compress keeps columns 0 and 2.
// CHECK: %[[KEEP:.+]] = etch.constant dense<[0, 2]> : tensor<2xi64>
// CHECK: %[[C:.+]] = etch.gather %[[X]], %[[KEEP]] {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x2xf32>
// ReverseSequence: row 0 reverses 3 steps, row 1 its first 2.
// CHECK: %[[ROW0:.+]] = etch.slice %[[X]] {starts = array<i64: 0, 0>
// CHECK: %[[I0:.+]] = etch.constant dense<[2, 1, 0]> : tensor<3xi64>
// CHECK: %[[G0:.+]] = etch.gather %[[ROW0]], %[[I0]] {axis = 1 : i64}
// CHECK: %[[ROW1:.+]] = etch.slice %[[X]] {starts = array<i64: 1, 0>
// CHECK: %[[I1:.+]] = etch.constant dense<[1, 0, 2]> : tensor<3xi64>
// CHECK: %[[G1:.+]] = etch.gather %[[ROW1]], %[[I1]] {axis = 1 : i64}
// CHECK: %[[R:.+]] = etch.concat %[[G0]], %[[G1]] {axis = 0 : i64}
// EyeLike with k = -1.
// CHECK: %[[E:.+]] = etch.constant dense<{{\[}}[0.000000e+00, 0.000000e+00, 0.000000e+00], [1.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x3xf32>
// CHECK: return %[[C]], %[[R]], %[[E]]
