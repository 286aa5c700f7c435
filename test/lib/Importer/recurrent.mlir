// LSTM/GRU/RNN are unrolled over the static sequence (ImportRecurrent.cpp):
// one matmul of the whole sequence with W^T plus Wb, then per step the
// recurrent matmul with R^T plus Rb, the gates (LSTM order i, o, f, c) and
// the state update; Y concatenates the steps' hidden states.
// RUN: etch-import %S/Inputs/lstm.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<2x1x3xf32>
// CHECK: %[[WT:.+]] = etch.transpose %{{.+}} {perm = array<i64: 1, 0>} : (tensor<8x3xf32>) -> tensor<3x8xf32>
// CHECK: %[[RT:.+]] = etch.transpose %{{.+}} {perm = array<i64: 1, 0>} : (tensor<8x2xf32>) -> tensor<2x8xf32>
// CHECK: %[[XW:.+]] = etch.matmul %[[X]], %[[WT]] : (tensor<2x1x3xf32>, tensor<3x8xf32>) -> tensor<2x1x8xf32>
// CHECK: %[[XWB:.+]] = etch.add %[[XW]], %{{.+}} : (tensor<2x1x8xf32>, tensor<8xf32>)
// Step 0 from the zero state: no recurrent matmul.
// CHECK-NOT: etch.matmul %{{.+}}, %[[RT]]
// C = f * c + i * g, H = o * tanh(C):
// CHECK: %[[C0:.+]] = etch.add %{{.+}}, %{{.+}} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
// CHECK: %[[O:.+]] = etch.sigmoid
// CHECK: %[[TC:.+]] = etch.tanh %[[C0]]
// CHECK: %[[H0:.+]] = etch.mul %[[O]], %[[TC]]
// Step 1.
// CHECK: etch.matmul %[[H0]], %[[RT]] : (tensor<1x2xf32>, tensor<2x8xf32>) -> tensor<1x8xf32>
// CHECK: %[[Y:.+]] = etch.concat %{{.+}}, %{{.+}} {axis = 0 : i64} : (tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>) -> tensor<2x1x1x2xf32>
// CHECK: return %[[Y]], %{{.+}}, %{{.+}} : tensor<2x1x1x2xf32>, tensor<1x1x2xf32>, tensor<1x1x2xf32>
