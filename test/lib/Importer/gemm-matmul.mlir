// RUN: etch-import %S/Inputs/gemm_matmul.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[A:.+]]: tensor<2x3xf32> {etch.name = "a"}, %[[X:.+]]: tensor<4x2x3xf32> {etch.name = "x"}
// CHECK: %[[B:.+]] = etch.constant dense<{{.*}}> : tensor<5x3xf32>
// CHECK: %[[C:.+]] = etch.constant dense<{{.*}}> : tensor<5xf32>
// CHECK: %[[G:.+]] = etch.gemm %[[A]], %[[B]], %[[C]] {alpha = 5.000000e-01 : f32, beta = 2.000000e+00 : f32, trans_b = true} : (tensor<2x3xf32>, tensor<5x3xf32>, tensor<5xf32>) -> tensor<2x5xf32>
// CHECK: %[[M:.+]] = etch.constant dense_resource<m> : tensor<3x6xf32>
// CHECK: %[[MM:.+]] = etch.matmul %[[X]], %[[M]] : (tensor<4x2x3xf32>, tensor<3x6xf32>) -> tensor<4x2x6xf32>
// A float_data (not raw_data) initializer.
// CHECK: %[[V:.+]] = etch.constant dense<[-0.800770163, 0.890603065, 0.738977075]> : tensor<3xf32>
// CHECK: %[[MV:.+]] = etch.matmul %[[X]], %[[V]] : (tensor<4x2x3xf32>, tensor<3xf32>) -> tensor<4x2xf32>
// CHECK: return %[[G]], %[[MM]], %[[MV]]
