// RUN: etch-import %S/Inputs/elementwise.onnx | FileCheck %s
// RUN: etch-import %S/Inputs/clip_opset7.onnx | FileCheck %s --check-prefix=CLIP7
// RUN: etch-import %S/Inputs/clip_opset13.onnx | FileCheck %s --check-prefix=CLIP13
// RUN: etch-import %S/Inputs/clip_dynamic_min.onnx | FileCheck %s --check-prefix=CLIPDYN

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<2x3xf32>
// CHECK: %[[BIAS:.+]] = etch.constant dense<{{.*}}> : tensor<3xf32>
// CHECK: %[[ADD:.+]] = etch.add %[[X]], %[[BIAS]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: %[[SUB:.+]] = etch.sub %[[ADD]], %[[X]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[ROW:.+]] = etch.constant dense<{{.*}}> : tensor<2x1xf32>
// CHECK: %[[MUL:.+]] = etch.mul %[[SUB]], %[[ROW]] : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
// CHECK: %[[DIV:.+]] = etch.div %[[MUL]], %[[X]]
// Variadic Max: a chain of binary ops.
// CHECK: %[[MAX0:.+]] = etch.max %[[DIV]], %[[X]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[MAX1:.+]] = etch.max %[[MAX0]], %[[ROW]] : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
// Single-input Min is its input.
// CHECK-NOT: etch.min
// CHECK: %[[RELU:.+]] = etch.relu %[[MAX1]] : tensor<2x3xf32>
// CHECK: %[[SIG:.+]] = etch.sigmoid %[[RELU]]
// CHECK: %[[TANH:.+]] = etch.tanh %[[SIG]]
// CHECK: %[[HSIG:.+]] = etch.hard_sigmoid %[[TANH]] {alpha = 2.500000e-01 : f32, beta = 3.750000e-01 : f32}
// CHECK: %[[HSW:.+]] = etch.hard_swish %[[HSIG]]
// CHECK: %[[LEAKY:.+]] = etch.leaky_relu %[[HSW]] {alpha = 1.250000e-01 : f32}
// CHECK: return %[[LEAKY]]

// Clip before opset 11: min/max attributes.
// CLIP7: etch.clip %{{.*}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : tensor<4xf32>

// Clip from opset 11: constant min/max inputs (Constant node or initializer);
// an absent bound is +-inf, the default.
// CLIP13: %[[C0:.+]] = etch.clip %{{.*}} {max = 6.000000e+00 : f32, min = -1.000000e+00 : f32}
// CLIP13: %[[C1:.+]] = etch.clip %[[C0]] {max = 6.000000e+00 : f32} : tensor<4xf32>
// CLIP13: %[[C2:.+]] = etch.clip %[[C1]] : tensor<4xf32>
// CLIP13: return %[[C2]]

// A bound computed at run time (here a graph input) stays an operand: max
// with the lower bound (then min with the upper one).
// CLIPDYN-LABEL: func.func @main(
// CLIPDYN-SAME: %[[X:.+]]: tensor<4xf32> {etch.name = "x"}, %[[LO:.+]]: tensor<f32> {etch.name = "lo"}
// CLIPDYN: %[[Y:.+]] = etch.max %[[X]], %[[LO]] : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
// CLIPDYN-NOT: etch.clip
// CLIPDYN: return %[[Y]]
