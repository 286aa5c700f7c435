// DFT as matmuls with constant cosine and sine bases (ImportSpectral.cpp).
// RUN: etch-import %S/Inputs/dft.onnx | FileCheck %s

// A 4-point onesided DFT of a real signal: 3 bins, quarter turns exact.
// CHECK-LABEL: func.func @main(
// CHECK: %[[RE:.+]] = etch.reshape %{{.+}} : (tensor<2x4x1xf32>) -> tensor<2x4xf32>
// CHECK: %[[C:.+]] = etch.constant dense<{{\[}}[1.000000e+00, 1.000000e+00, 1.000000e+00], [1.000000e+00, 0.000000e+00, -1.000000e+00], [1.000000e+00, -1.000000e+00, 1.000000e+00], [1.000000e+00, 0.000000e+00, -1.000000e+00]]> : tensor<4x3xf32>
// CHECK: %[[S:.+]] = etch.constant dense<{{\[}}[0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, -1.000000e+00, 0.000000e+00]]> : tensor<4x3xf32>
// CHECK: %[[YR:.+]] = etch.matmul %[[RE]], %[[C]] : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[RS:.+]] = etch.matmul %[[RE]], %[[S]]
// CHECK: %[[YI:.+]] = etch.neg %[[RS]]
// CHECK: etch.concat %{{.+}}, %{{.+}} {axis = 2 : i64} : (tensor<2x3x1xf32>, tensor<2x3x1xf32>) -> tensor<2x3x2xf32>
