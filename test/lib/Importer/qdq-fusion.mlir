// QDQ groups become integer ops before import (QdqFusion.cpp), as ONNX
// Runtime's QDQ transformers do: DQ -> Conv(+bias DQ) -> Relu -> Q is one
// QLinearConv (the Relu is dropped: the Q's zero point 0 is the lowest
// uint8), DQ -> MaxPool -> Q with equal parameters is MaxPool on the
// integers, DQ -> Add -> Q is QLinearAdd, DQ -> GlobalAveragePool -> Q is
// QLinearGlobalAveragePool. No float tensor is left between the groups.
// RUN: etch-import %S/Inputs/qdq_fusion.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<1x2x4x4xi8> {etch.name = "x", etch.unsigned}
// The uint8 input as int8 (x - 128), its zero point 100 - 128 = -28.
// CHECK: %[[W:.+]] = etch.constant {{.+}} : tensor<3x2x3x3xi8>
// CHECK: %[[XS:.+]] = etch.add %[[X]], %{{.+}} : (tensor<1x2x4x4xi8>, tensor<i8>) -> tensor<1x2x4x4xi8>
// bias - zx * sum(w) per output channel: 50 + 28 * 2, -20 + 28 * -7, 7 + 28 * 6.
// CHECK: %[[BIAS:.+]] = etch.constant dense<[106, -216, 175]> : tensor<3xi32>
// The padding is the zero point.
// CHECK: %[[PAD:.+]] = etch.pad %[[XS]] {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, value = -2.800000e+01 : f32}
// CHECK: %[[ACC:.+]] = etch.conv %[[PAD]], %[[W]], %[[BIAS]] {{.+}}pads = array<i64: 0, 0, 0, 0>{{.+}} : (tensor<1x2x6x6xi8>, tensor<3x2x3x3xi8>, tensor<3xi32>) -> tensor<1x3x4x4xi32>
// CHECK: etch.cast %[[ACC]] : (tensor<1x3x4x4xi32>) -> tensor<1x3x4x4xf32>
// CHECK: %[[C:.+]] = etch.cast %{{.+}} {unsigned_output = true} : (tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xi8>
// CHECK-NOT: etch.relu
// MaxPool on uint8 through the sign-bit flip.
// CHECK: %[[CF:.+]] = etch.add %[[C]], %{{.+}} : (tensor<1x3x4x4xi8>, tensor<i8>)
// CHECK: %[[P:.+]] = etch.max_pool %[[CF]] {{.+}} : (tensor<1x3x4x4xi8>) -> tensor<1x3x2x2xi8>
// CHECK: %[[PU:.+]] = etch.add %[[P]], %{{.+}} : (tensor<1x3x2x2xi8>, tensor<i8>)
// QLinearAdd: (zc - (rA za + rB zb)) + a rA + b rB, rA = rB = 0.05 / 0.1.
// CHECK: etch.cast %[[PU]] {unsigned_input = true} : (tensor<1x3x2x2xi8>) -> tensor<1x3x2x2xf32>
// CHECK: %[[S:.+]] = etch.cast %{{.+}} {unsigned_output = true} : (tensor<1x3x2x2xf32>) -> tensor<1x3x2x2xi8>
// QLinearGlobalAveragePool: an i32 sum, requantized by 0.1 / (0.08 * 4).
// CHECK: %[[SW:.+]] = etch.cast %[[S]] {unsigned_input = true} : (tensor<1x3x2x2xi8>) -> tensor<1x3x2x2xi32>
// CHECK: etch.reduce_sum %[[SW]] {axes = array<i64: 2, 3>} : (tensor<1x3x2x2xi32>) -> tensor<1x3x1x1xi32>
// CHECK: etch.constant dense<3.125000e-01> : tensor<f32>
// CHECK: %[[Y:.+]] = etch.cast %{{.+}} {unsigned_output = true} : (tensor<1x3x1x1xf32>) -> tensor<1x3x1x1xi8>
// CHECK: return %[[Y]]
