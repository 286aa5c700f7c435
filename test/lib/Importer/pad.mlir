// RUN: etch-import %S/Inputs/pad.onnx | FileCheck %s
// RUN: etch-import %S/Inputs/pad_opset7.onnx | FileCheck %s --check-prefix=OPSET7
// RUN: etch-import %S/Inputs/pad_reflect.onnx | FileCheck %s --check-prefix=REFLECT
// RUN: not etch-import %S/Inputs/pad_negative.onnx 2>&1 | FileCheck %s --check-prefix=NEGATIVE

// Opset 11+: pads and constant_value are constant inputs.
// CHECK-LABEL: func.func @main(
// CHECK: etch.pad %{{.*}} {pads = array<i64: 0, 1, 2, 0, 0, 1>, value = 5.000000e-01 : f32} : (tensor<1x2x3xf32>) -> tensor<1x3x6xf32>

// OPSET7: etch.pad %{{.*}} {pads = array<i64: 1, 0, 0, 1>, value = -1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<3x4xf32>

// reflect (and edge): a gather with constant indices per padded axis; the
// border element is not repeated.
// REFLECT-LABEL: func.func @main(
// REFLECT-SAME: %[[X:.+]]: tensor<2x3xf32>
// REFLECT: %[[IDX:.+]] = etch.constant dense<[1, 0, 1, 2, 1]> : tensor<5xi64>
// REFLECT: etch.gather %[[X]], %[[IDX]] {axis = 1 : i64} : (tensor<2x3xf32>, tensor<5xi64>) -> tensor<2x5xf32>
// NEGATIVE: loc("pad_neg"): node 'pad_neg' (Pad): negative pads (cropping) are not supported
