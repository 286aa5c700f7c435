// The integer kernels of quantized models (ImportQuant.cpp): with a constant
// int8 weight the matmul runs on the 8-bit operands themselves into i32 (a
// uint8 activation becomes int8 by x - 128, its zero point with it; here
// 128 - 128 = 0, so no zero-point correction is left), then a float
// requantization to the output's zero point and range.
// RUN: etch-import %S/Inputs/qlinear_matmul.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[A:.+]]: tensor<2x3xi8> {etch.name = "a", etch.unsigned}
// CHECK: %[[B:.+]] = etch.constant dense<{{.+}}> : tensor<3x4xi8>
// CHECK: %[[FLIP:.+]] = etch.constant dense<-128> : tensor<i8>
// CHECK: %[[AS:.+]] = etch.add %[[A]], %[[FLIP]] : (tensor<2x3xi8>, tensor<i8>) -> tensor<2x3xi8>
// CHECK: %[[ACC:.+]] = etch.matmul %[[AS]], %[[B]] : (tensor<2x3xi8>, tensor<3x4xi8>) -> tensor<2x4xi32>
// CHECK-NOT: etch.add %[[ACC]]
// CHECK: %[[F:.+]] = etch.cast %[[ACC]] : (tensor<2x4xi32>) -> tensor<2x4xf32>
// b's scale is per column: [1, N].
// CHECK: %[[T:.+]] = etch.mul %[[F]], %{{.+}} : (tensor<2x4xf32>, tensor<1x4xf32>)
// CHECK: %[[R:.+]] = etch.round %[[T]]
// CHECK: etch.max
// CHECK: etch.min
// CHECK: etch.cast %{{.+}} {unsigned_output = true} : (tensor<2x4xf32>) -> tensor<2x4xi8>
