// Opsets 1-6: the old forms of the ops, or an error naming what is not
// supported.
// RUN: etch-import %S/Inputs/legacy_broadcast.onnx | FileCheck %s
// RUN: etch-import %S/Inputs/legacy_opset1.onnx | FileCheck %s --check-prefix=OPSET1
// RUN: not etch-import %S/Inputs/legacy_bad_attr.onnx 2>&1 | FileCheck %s --check-prefix=BADATTR
// RUN: not etch-import %S/Inputs/legacy_bad_broadcast.onnx 2>&1 | FileCheck %s --check-prefix=NOBCAST
// RUN: not etch-import %S/Inputs/legacy_training_bn.onnx 2>&1 | FileCheck %s --check-prefix=TRAINING
// RUN: etch-import %S/Inputs/legacy_prelu.onnx | FileCheck %s --check-prefix=PRELU
// RUN: not etch-import %S/Inputs/legacy_upsample.onnx 2>&1 | FileCheck %s --check-prefix=UPSAMPLE

// broadcast=1 with axis=1: B [3, 4] is aligned at A's dim 1 by a reshape to
// [3, 4, 1]; without axis, B matches A's trailing dims (NumPy's rule).
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[A:.+]]: tensor<2x3x4x5xf32> {etch.name = "a"}, %[[B:.+]]: tensor<3x4xf32> {etch.name = "b"}, %[[C:.+]]: tensor<5xf32> {etch.name = "c"}, %[[X:.+]]: tensor<2x4xf32> {etch.name = "x"}
// CHECK: %[[B3:.+]] = etch.reshape %[[B]] : (tensor<3x4xf32>) -> tensor<3x4x1xf32>
// CHECK: %[[S:.+]] = etch.add %[[A]], %[[B3]] : (tensor<2x3x4x5xf32>, tensor<3x4x1xf32>) -> tensor<2x3x4x5xf32>
// CHECK: %[[M:.+]] = etch.mul %[[S]], %[[C]] : (tensor<2x3x4x5xf32>, tensor<5xf32>) -> tensor<2x3x4x5xf32>
// CHECK: %[[D:.+]] = etch.sub %[[M]], %[[A]]
// Gemm's broadcast: C broadcasts as from opset 7 on.
// CHECK: %[[G:.+]] = etch.gemm %[[X]], %{{.*}}, %{{.*}} {trans_b = true}
// BatchNormalization with is_test=1: inference.
// CHECK: %[[BN:.+]] = etch.batch_norm %[[A]]
// CHECK: return %[[D]], %[[G]], %[[BN]]

// Opset 1: consumed_inputs ignored (a memory-reuse hint), Reshape's shape and
// Pad's paddings attributes, Concat's default axis 1, Cast's type name.
// OPSET1-LABEL: func.func @main(
// OPSET1-SAME: -> (tensor<3x8xi32> {etch.name = "i"})
// OPSET1: %[[R:.+]] = etch.relu
// OPSET1: %[[RS:.+]] = etch.reshape %[[R]] : (tensor<2x3xf32>) -> tensor<3x2xf32>
// OPSET1: %[[P:.+]] = etch.pad %[[RS]] {pads = array<i64: 0, 1, 0, 1>, value = 2.000000e+00 : f32} : (tensor<3x2xf32>) -> tensor<3x4xf32>
// OPSET1: %[[CC:.+]] = etch.concat %[[P]], %[[P]] {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x8xf32>
// OPSET1: etch.cast %[[CC]] : (tensor<3x8xf32>) -> tensor<3x8xi32>

// BADATTR: loc("add_bad"): node 'add_bad' (Add): attribute 'foo' of Add-6 is not supported (opset 6)
// NOBCAST: loc("add_nobcast"): node 'add_nobcast' (Add): inputs of shapes 'tensor<2x3xf32>' and 'tensor<3xf32>' need broadcast=1 (opset 6)
// TRAINING: loc("bn_train"): node 'bn_train' (BatchNormalization): attribute 'is_test' = 0 (default) is not supported; supported: 1 (inference)
// PRelu-6: one slope per channel (dim 1).
// PRELU-LABEL: func.func @main(
// PRELU-SAME: %[[X:.+]]: tensor<2x3x4xf32> {etch.name = "a"}, %[[S:.+]]: tensor<3xf32> {etch.name = "s"}
// PRELU: %[[S1:.+]] = etch.reshape %[[S]] : (tensor<3xf32>) -> tensor<3x1xf32>
// PRELU: etch.prelu %[[X]], %[[S1]] : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
// An old op form etch has not reviewed is an error.
// UPSAMPLE: loc("upsample_1"): node 'upsample_1' (Upsample): the opset-1 form of Upsample (Upsample-1) is not supported; supported: Upsample-7 and later (opset >= 7)
