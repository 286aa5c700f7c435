// The integer kernels of quantized models (ImportQuant.cpp): operands
// widened to i32 minus their zero points, an i32 matmul/conv, then a float
// requantization to the output's zero point and range.
// RUN: etch-import %S/Inputs/qlinear_matmul.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[A:.+]]: tensor<2x3xi8> {etch.name = "a", etch.unsigned}
// CHECK: %[[AW:.+]] = etch.cast %[[A]] {unsigned_input = true} : (tensor<2x3xi8>) -> tensor<2x3xi32>
// CHECK: %[[AC:.+]] = etch.sub %[[AW]], %{{.+}} : (tensor<2x3xi32>, tensor<i32>)
// b's zero point is per column: [1, N].
// CHECK: %[[BC:.+]] = etch.sub %{{.+}}, %{{.+}} : (tensor<3x4xi32>, tensor<1x4xi32>)
// CHECK: %[[ACC:.+]] = etch.matmul %[[AC]], %[[BC]] : (tensor<2x3xi32>, tensor<3x4xi32>) -> tensor<2x4xi32>
// CHECK: %[[F:.+]] = etch.cast %[[ACC]] : (tensor<2x4xi32>) -> tensor<2x4xf32>
// CHECK: %[[T:.+]] = etch.mul %[[F]], %{{.+}} : (tensor<2x4xf32>, tensor<1x4xf32>)
// CHECK: %[[R:.+]] = etch.round %[[T]]
// CHECK: etch.max
// CHECK: etch.min
// CHECK: etch.cast %{{.+}} {unsigned_output = true} : (tensor<2x4xf32>) -> tensor<2x4xi8>
