// RUN: etch-import %S/Inputs/pad.onnx | FileCheck %s
// RUN: etch-import %S/Inputs/pad_opset7.onnx | FileCheck %s --check-prefix=OPSET7
// RUN: not etch-import %S/Inputs/pad_reflect.onnx 2>&1 | FileCheck %s --check-prefix=REFLECT
// RUN: not etch-import %S/Inputs/pad_negative.onnx 2>&1 | FileCheck %s --check-prefix=NEGATIVE

// Opset 11+: pads and constant_value are constant inputs.
// CHECK-LABEL: func.func @main(
// CHECK: etch.pad %{{.*}} {pads = array<i64: 0, 1, 2, 0, 0, 1>, value = 5.000000e-01 : f32} : (tensor<1x2x3xf32>) -> tensor<1x3x6xf32>

// OPSET7: etch.pad %{{.*}} {pads = array<i64: 1, 0, 0, 1>, value = -1.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<3x4xf32>

// REFLECT: loc("pad_reflect"): node 'pad_reflect' (Pad): attribute 'mode' = 'reflect' is not supported; supported: 'constant'
// NEGATIVE: loc("pad_neg"): node 'pad_neg' (Pad): negative pads (cropping) are not supported
