// CausalConvWithState and LinearAttention (opset 27, ImportStateful.cpp):
// compositions of etch ops that return the updated state too.
// Models: gen_stateful_models.py.
// RUN: etch-import %S/Inputs/causal_conv_27.onnx | FileCheck %s --check-prefix=CONV
// RUN: etch-import %S/Inputs/causal_conv_short_27.onnx | FileCheck %s --check-prefix=SHORT
// RUN: etch-import %S/Inputs/linear_attention_27.onnx | FileCheck %s --check-prefix=LA
// RUN: not etch-import %S/Inputs/linear_attention_no_beta_27.onnx 2>&1 | FileCheck %s --check-prefix=NOBETA

// The past state prepended, a depthwise conv summed in f32 and rounded to
// f16, SiLU in f32; the present state is the last k - 1 = 2 positions.
// CONV-LABEL: func.func @main(
// CONV: %[[PAD:.+]] = etch.concat %arg3, %arg0 {axis = 2 : i64} : (tensor<1x2x2xf16>, tensor<1x2x4xf16>) -> tensor<1x2x6xf16>
// CONV: %[[X:.+]] = etch.cast %[[PAD]] : (tensor<1x2x6xf16>) -> tensor<1x2x6xf32>
// CONV: %[[W:.+]] = etch.cast %arg1 : (tensor<2x1x3xf16>) -> tensor<2x1x3xf32>
// CONV: %[[B:.+]] = etch.cast %arg2 : (tensor<2xf16>) -> tensor<2xf32>
// CONV: %[[C:.+]] = etch.conv %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1>, group = 2 : i64, pads = array<i64: 0, 0>, strides = array<i64: 1>} : (tensor<1x2x6xf32>, tensor<2x1x3xf32>, tensor<2xf32>) -> tensor<1x2x4xf32>
// CONV: %[[C16:.+]] = etch.cast %[[C]] : (tensor<1x2x4xf32>) -> tensor<1x2x4xf16>
// CONV: %[[C32:.+]] = etch.cast %[[C16]] : (tensor<1x2x4xf16>) -> tensor<1x2x4xf32>
// CONV: %[[S:.+]] = etch.sigmoid %[[C32]] : tensor<1x2x4xf32>
// CONV: %[[M:.+]] = etch.mul %[[C32]], %[[S]]
// CONV: %[[Y:.+]] = etch.cast %[[M]] : (tensor<1x2x4xf32>) -> tensor<1x2x4xf16>
// CONV: %[[P:.+]] = etch.slice %[[PAD]] {starts = array<i64: 0, 0, 4>, steps = array<i64: 1, 1, 1>} : (tensor<1x2x6xf16>) -> tensor<1x2x2xf16>
// CONV: return %[[Y]], %[[P]]

// Without a past state: k - 1 = 3 zeros; the input (length 1) is shorter,
// so the present state keeps two of them.
// SHORT-LABEL: func.func @main(
// SHORT: %[[Z:.+]] = etch.constant dense<0.000000e+00> : tensor<1x2x3xf32>
// SHORT: %[[PAD:.+]] = etch.concat %[[Z]], %arg0 {axis = 2 : i64} : (tensor<1x2x3xf32>, tensor<1x2x1xf32>) -> tensor<1x2x4xf32>
// SHORT: %[[Y:.+]] = etch.conv %[[PAD]], %arg1 {{.+}} -> tensor<1x2x1xf32>
// SHORT: %[[P:.+]] = etch.slice %[[PAD]] {starts = array<i64: 0, 0, 1>, steps = array<i64: 1, 1, 1>} : (tensor<1x2x4xf32>) -> tensor<1x2x3xf32>
// SHORT: return %[[Y]], %[[P]]

// gated_delta, 4 query heads on 2 KV heads (d_k = 3, d_v = 5), per-head
// decay and beta, unrolled over T = 2. Token 0 shown in full; token 1
// continues from its state.
// LA-LABEL: func.func @main(
// LA: %[[Q:.+]] = etch.transpose %{{.+}} {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x4x3xf32>) -> tensor<1x4x2x3xf32>
// LA: %[[K:.+]] = etch.transpose %{{.+}} {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32>
// LA: %[[V:.+]] = etch.transpose %{{.+}} {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x2x5xf32>) -> tensor<1x2x2x5xf32>
// LA: %[[G:.+]] = etch.exp %{{.+}} : tensor<1x2x2x1xf32>
// LA: %[[BETA:.+]] = etch.transpose %{{.+}} : (tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
// LA: %[[K0:.+]] = etch.slice %[[K]] {starts = array<i64: 0, 0, 0, 0>, {{.+}} -> tensor<1x2x1x3xf32>
// LA: %[[V0:.+]] = etch.slice %[[V]] {starts = array<i64: 0, 0, 0, 0>, {{.+}} -> tensor<1x2x1x5xf32>
// LA: %[[G0:.+]] = etch.slice %[[G]] {starts = array<i64: 0, 0, 0, 0>, {{.+}} -> tensor<1x2x1x1xf32>
// LA: %[[S0:.+]] = etch.mul %arg3, %[[G0]] : (tensor<1x2x3x5xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x3x5xf32>
// LA: %[[R0:.+]] = etch.matmul %[[K0]], %[[S0]] : (tensor<1x2x1x3xf32>, tensor<1x2x3x5xf32>) -> tensor<1x2x1x5xf32>
// LA: %[[D0:.+]] = etch.sub %[[V0]], %[[R0]]
// LA: %[[B0:.+]] = etch.slice %[[BETA]] {starts = array<i64: 0, 0, 0, 0>, {{.+}} -> tensor<1x2x1x1xf32>
// LA: %[[U0:.+]] = etch.mul %[[B0]], %[[D0]] : (tensor<1x2x1x1xf32>, tensor<1x2x1x5xf32>) -> tensor<1x2x1x5xf32>
// LA: %[[KT0:.+]] = etch.reshape %[[K0]] : (tensor<1x2x1x3xf32>) -> tensor<1x2x3x1xf32>
// LA: %[[OUT0:.+]] = etch.mul %[[KT0]], %[[U0]] : (tensor<1x2x3x1xf32>, tensor<1x2x1x5xf32>) -> tensor<1x2x3x5xf32>
// LA: %[[S1:.+]] = etch.add %[[S0]], %[[OUT0]]
// LA: %[[Q0:.+]] = etch.slice %[[Q]] {starts = array<i64: 0, 0, 0, 0>, {{.+}} -> tensor<1x4x1x3xf32>
// LA: %[[QG0:.+]] = etch.reshape %[[Q0]] : (tensor<1x4x1x3xf32>) -> tensor<1x2x2x3xf32>
// LA: %[[O0:.+]] = etch.matmul %[[QG0]], %[[S1]] : (tensor<1x2x2x3xf32>, tensor<1x2x3x5xf32>) -> tensor<1x2x2x5xf32>
// LA: %[[Y0:.+]] = etch.reshape %[[O0]] : (tensor<1x2x2x5xf32>) -> tensor<1x4x1x5xf32>
// LA: etch.mul %[[S1]], %{{.+}} : (tensor<1x2x3x5xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x3x5xf32>
// LA: %[[S2:.+]] = etch.add
// LA: %[[Y1:.+]] = etch.reshape %{{.+}} : (tensor<1x2x2x5xf32>) -> tensor<1x4x1x5xf32>
// LA: %[[YS:.+]] = etch.concat %[[Y0]], %[[Y1]] {axis = 2 : i64} : (tensor<1x4x1x5xf32>, tensor<1x4x1x5xf32>) -> tensor<1x4x2x5xf32>
// LA: %[[SCALE:.+]] = etch.constant dense<5.000000e-01> : tensor<f32>
// LA: %[[YSC:.+]] = etch.mul %[[YS]], %[[SCALE]]
// LA: %[[YT:.+]] = etch.transpose %[[YSC]] {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x4x2x5xf32>) -> tensor<1x2x4x5xf32>
// LA: %[[Y:.+]] = etch.reshape %[[YT]] : (tensor<1x2x4x5xf32>) -> tensor<1x2x20xf32>
// LA: return %[[Y]], %[[S2]]

// NOBETA: node 'la_no_beta' (LinearAttention): update_rule 'delta' requires beta
