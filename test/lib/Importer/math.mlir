// RUN: etch-import %S/Inputs/math_elementwise.onnx | FileCheck %s
// RUN: etch-import %S/Inputs/math_decomposed.onnx | FileCheck %s --check-prefix=DECOMP

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<2x3xf32> {etch.name = "x"}, %[[Y:.+]]: tensor<3xf32> {etch.name = "y"}
// CHECK: %[[ERF:.+]] = etch.erf %[[X]] : tensor<2x3xf32>
// CHECK: etch.elu %[[ERF]] {alpha = 5.000000e-01 : f32} : tensor<2x3xf32>
// CHECK: %[[LT:.+]] = etch.less %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
// CHECK: %[[NOT:.+]] = etch.not %[[LT]] : tensor<2x3xi1>
// CHECK: etch.where %[[NOT]], %[[X]], %[[Y]] : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: etch.cast %[[LT]] : (tensor<2x3xi1>) -> tensor<2x3xi64>
// Pow's integer exponent is cast to the base type.
// CHECK: %[[P:.+]] = etch.constant dense<2> : tensor<1xi64>
// CHECK: %[[PF:.+]] = etch.cast %[[P]] : (tensor<1xi64>) -> tensor<1xf32>
// CHECK: etch.pow %[[X]], %[[PF]]
// Mean = sum / count.
// CHECK: %[[SUM:.+]] = etch.add %[[X]], %[[Y]]
// CHECK: %[[TWO:.+]] = etch.constant dense<2.000000e+00> : tensor<f32>
// CHECK: etch.div %[[SUM]], %[[TWO]]
// CHECK: etch.arg_max %[[X]] {axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<2x3xf32>) -> tensor<2xi64>

// DECOMP-LABEL: func.func @main(
// ReduceL2 = sqrt(sum(x * x)).
// DECOMP: %[[SQ:.+]] = etch.mul %[[X:.+]], %[[X]]
// DECOMP: %[[S:.+]] = etch.reduce_sum %[[SQ]] {axes = array<i64: 1>, keepdims = false}
// DECOMP: etch.sqrt %[[S]] : tensor<2xf32>
// LogSoftmax = (x - max) - log(sum(exp(x - max))).
// DECOMP: %[[MAX:.+]] = etch.reduce_max %[[X]] {axes = array<i64: 1>}
// DECOMP: %[[D:.+]] = etch.sub %[[X]], %[[MAX]]
// DECOMP: %[[E:.+]] = etch.exp %[[D]]
// DECOMP: %[[ES:.+]] = etch.reduce_sum %[[E]] {axes = array<i64: 1>}
// DECOMP: %[[L:.+]] = etch.log %[[ES]]
// DECOMP: etch.sub %[[D]], %[[L]]
// LayerNormalization over the last axis, epsilon 1e-3.
// DECOMP: etch.reduce_mean
// DECOMP: etch.reduce_mean
// DECOMP: etch.constant dense<1.000000e-03> : tensor<f32>
// DECOMP: etch.sqrt
// DECOMP: etch.div
// DECOMP: etch.mul
// Trilu(lower): where(mask, x, 0).
// DECOMP: %[[MASK:.+]] = etch.constant dense<{{\[\[}}true, false, false], [true, true, false]]> : tensor<2x3xi1>
// DECOMP: %[[ZERO:.+]] = etch.constant dense<0.000000e+00> : tensor<f32>
// DECOMP: etch.where %[[MASK]], %[[X]], %[[ZERO]]
