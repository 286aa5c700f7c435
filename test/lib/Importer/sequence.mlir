// Sequences with static lengths and positions are lists of tensors while
// importing (ImportSequence.cpp); no sequence reaches the etch dialect.
// RUN: etch-import %S/Inputs/sequence.onnx | FileCheck %s
// RUN: etch-import %S/Inputs/sequence_output.onnx | FileCheck %s --check-prefix=OUT
// RUN: etch-import %S/Inputs/identity_sequence.onnx --input-shape 'x=[2x3;4]' | FileCheck %s --check-prefix=IN
// RUN: etch-import %S/Inputs/identity_sequence.onnx --input-shape 'x=[scalar;4]' | FileCheck %s --check-prefix=SCALAR
// RUN: not etch-import %S/Inputs/identity_sequence.onnx 2>&1 | FileCheck %s --check-prefix=ERR

// rows = split(x) = [r0, r1, r2, r3]; erase 1 twice -> [r0, r3];
// insert r1 at the end -> [r0, r3, r1]; stacked along a new axis 0.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<4x3xf32>
// CHECK: %[[S0:.+]] = etch.slice %[[X]] {starts = array<i64: 0, 0>
// CHECK: %[[R0:.+]] = etch.reshape %[[S0]] : (tensor<1x3xf32>) -> tensor<3xf32>
// CHECK: %[[S1:.+]] = etch.slice %[[X]] {starts = array<i64: 1, 0>
// CHECK: %[[R1:.+]] = etch.reshape %[[S1]]
// CHECK: %[[S3:.+]] = etch.slice %[[X]] {starts = array<i64: 3, 0>
// CHECK: %[[R3:.+]] = etch.reshape %[[S3]]
// CHECK: %[[U0:.+]] = etch.reshape %[[R0]] : (tensor<3xf32>) -> tensor<1x3xf32>
// CHECK: %[[U3:.+]] = etch.reshape %[[R3]]
// CHECK: %[[U1:.+]] = etch.reshape %[[R1]]
// CHECK: %[[Y:.+]] = etch.concat %[[U0]], %[[U3]], %[[U1]] {axis = 0 : i64} {{.*}} -> tensor<3x3xf32>
// SequenceLength is a constant.
// CHECK: %[[N:.+]] = etch.constant dense<3> : tensor<i64>
// CHECK: return %[[Y]], %[[N]]

// A sequence graph output is one result per element, named <name>.<i>.
// OUT: func.func @main(%{{.+}}: tensor<4x3xf32> {etch.name = "x"}) -> (tensor<1x3xf32> {etch.name = "rows.0"}, tensor<1x3xf32> {etch.name = "rows.1"}, tensor<1x3xf32> {etch.name = "rows.2"}, tensor<1x3xf32> {etch.name = "rows.3"})

// A sequence graph input, its element shapes pinned, is one argument per
// element.
// IN: func.func @main(%[[A:.+]]: tensor<2x3xf32> {etch.name = "x.0"}, %[[B:.+]]: tensor<4xf32> {etch.name = "x.1"}) -> (tensor<2x3xf32> {etch.name = "y.0"}, tensor<4xf32> {etch.name = "y.1"})
// IN: return %[[A]], %[[B]]

// SCALAR: func.func @main(%{{.+}}: tensor<f32> {etch.name = "x.0"}, %{{.+}}: tensor<4xf32> {etch.name = "x.1"})

// ERR: error: graph input 'x' is a sequence of tensors: give its elements' shapes with --input-shape x=[2x3;2x3] ([] for an empty sequence); each element becomes a tensor argument
