// Ops without an importer but with an ONNX function body are replaced by the
// body (ExpandFunctions.cpp); the body's nodes are named <node>/<...>.
// RUN: etch-import %S/Inputs/function_ops.onnx --mlir-print-debuginfo | FileCheck %s
// RUN: not etch-import %S/Inputs/function_unsupported.onnx 2>&1 | FileCheck %s --check-prefix=BERNOULLI

// NegativeLogLikelihoodLoss, reduction "sum", no ignore_index: gather the
// target's score, negate, sum; nothing masks class 0.
// CHECK-LABEL: func.func @main(
// CHECK-NOT: etch.equal
// CHECK: %[[T:.+]] = etch.reshape %arg1 : (tensor<3xi64>) -> tensor<3x1xi64>
// CHECK: %[[G:.+]] = etch.gather_elements %arg0, %[[T]] {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x1xi64>) -> tensor<3x1xf32>
// CHECK: etch.neg %[[G]]
// CHECK: etch.reduce_sum %{{.+}} {axes = array<i64: 0>, keepdims = false} : (tensor<3xf32>) -> tensor<f32>
// MeanVarianceNormalization with the schema's default axes [0, 2, 3].
// CHECK: %[[MEAN:.+]] = etch.reduce_mean %arg2 {axes = array<i64: 0, 2, 3>} : (tensor<2x3x2x2xf32>) -> tensor<1x3x1x1xf32>
// CHECK: etch.sqrt
// CHECK: etch.div
// CHECK: loc("nll/Unsqueeze
// CHECK: loc("nll/GatherElements
// CHECK: loc("mvn/ReduceMean

// Bernoulli's body needs RandomUniformLike: not expanded, reported as is.
// BERNOULLI: loc("bernoulli"): node 'bernoulli': unsupported op 'Bernoulli' (opset {{[0-9]+}}); supported ops:
