// RUN: etch-import %S/Inputs/pools.onnx | FileCheck %s
// RUN: etch-import %S/Inputs/maxpool_indices.onnx | FileCheck %s --check-prefix=INDICES
// RUN: etch-import %S/Inputs/batchnorm.onnx | FileCheck %s --check-prefix=BN
// RUN: etch-import %S/Inputs/batchnorm_training.onnx | FileCheck %s --check-prefix=BNTRAIN
// RUN: etch-import %S/Inputs/softmax_opset11.onnx | FileCheck %s --check-prefix=SOFTMAX11
// RUN: etch-import %S/Inputs/softmax_opset13.onnx | FileCheck %s --check-prefix=SOFTMAX13

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<1x2x5x5xf32>
// CHECK: etch.max_pool %[[X]] {ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
// CHECK: etch.max_pool %[[X]] {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
// CHECK: etch.average_pool %[[X]] {count_include_pad = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
// CHECK: etch.global_average_pool %[[X]] : (tensor<1x2x5x5xf32>) -> tensor<1x2x1x1xf32>

// MaxPool's Indices output is a second op over the same input.
// INDICES-LABEL: func.func @main(
// INDICES-SAME: %[[X:.+]]: tensor<1x2x4x4xf32>
// INDICES: %[[Y:.+]] = etch.max_pool %[[X]]
// INDICES: %[[I:.+]] = etch.max_pool_indices %[[X]] {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x3x3xi64>
// INDICES: return %[[Y]], %[[I]]

// BN-LABEL: func.func @main(
// BN-SAME: %[[X:.+]]: tensor<1x3x4x4xf32>
// BN: %[[S:.+]] = etch.constant
// BN: %[[B:.+]] = etch.constant
// BN: %[[M:.+]] = etch.constant
// BN: %[[V:.+]] = etch.constant dense<1.000000e+00> : tensor<3xf32>
// BN: etch.batch_norm %[[X]], %[[S]], %[[B]], %[[M]], %[[V]] {epsilon = 1.000000e-03 : f32} : (tensor<1x3x4x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>

// training_mode = 1 normalizes with the batch's mean and biased variance.
// BNTRAIN-LABEL: func.func @main(
// BNTRAIN-SAME: %[[X:.+]]: tensor<1x3x4x4xf32>
// BNTRAIN: %[[MEAN:.+]] = etch.reduce_mean %[[X]] {axes = array<i64: 0, 2, 3>} : (tensor<1x3x4x4xf32>) -> tensor<1x3x1x1xf32>
// BNTRAIN: %[[D:.+]] = etch.sub %[[X]], %[[MEAN]]
// BNTRAIN: %[[SQ:.+]] = etch.mul %[[D]], %[[D]]
// BNTRAIN: %[[VAR:.+]] = etch.reduce_mean %[[SQ]] {axes = array<i64: 0, 2, 3>}
// BNTRAIN: %[[VE:.+]] = etch.add %[[VAR]], %{{.+}}
// BNTRAIN: %[[SD:.+]] = etch.sqrt %[[VE]]
// BNTRAIN: %[[N:.+]] = etch.div %[[D]], %[[SD]]
// BNTRAIN-NOT: etch.batch_norm

// Opset 11 coerces to 2-D at the axis; a last-axis softmax needs no reshape.
// SOFTMAX11-LABEL: func.func @main(
// SOFTMAX11-SAME: %[[X:.+]]: tensor<2x3x4xf32>
// SOFTMAX11: %[[FLAT:.+]] = etch.reshape %[[X]] : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
// SOFTMAX11: %[[S:.+]] = etch.softmax %[[FLAT]] {axis = 1 : i64} : tensor<2x12xf32>
// SOFTMAX11: %[[Y:.+]] = etch.reshape %[[S]] : (tensor<2x12xf32>) -> tensor<2x3x4xf32>
// SOFTMAX11: %[[Z:.+]] = etch.softmax %[[X]] {axis = 2 : i64} : tensor<2x3x4xf32>
// SOFTMAX11: return %[[Y]], %[[Z]]

// Opset 13: one axis, normalized.
// SOFTMAX13-LABEL: func.func @main(
// SOFTMAX13-NOT: etch.reshape
// SOFTMAX13: etch.softmax %{{.*}} {axis = 1 : i64} : tensor<2x3x4xf32>
// SOFTMAX13: etch.softmax %{{.*}} {axis = 2 : i64} : tensor<2x3x4xf32>
