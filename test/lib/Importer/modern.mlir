// Opsets 18 to 28: op versions whose inputs or attributes changed after
// opset 17 (libonnx 1.12's newest), new ops, and their errors.
// Models: gen_modern_models.py.
// RUN: etch-import %S/Inputs/reduce_mean_18.onnx | FileCheck %s --check-prefix=REDUCE
// RUN: etch-import %S/Inputs/reduce_noop_18.onnx | FileCheck %s --check-prefix=NOOP
// RUN: etch-import %S/Inputs/split_18.onnx | FileCheck %s --check-prefix=SPLIT
// RUN: etch-import %S/Inputs/pad_19.onnx | FileCheck %s --check-prefix=WRAP
// RUN: etch-import %S/Inputs/gelu_20.onnx | FileCheck %s --check-prefix=GELU
// RUN: etch-import %S/Inputs/resize_antialias_18.onnx | FileCheck %s --check-prefix=ANTIALIAS
// RUN: not etch-import %S/Inputs/image_decoder_20.onnx 2>&1 | FileCheck %s --check-prefix=NEWOP
// RUN: etch-import %S/Inputs/col2im_18.onnx | FileCheck %s --check-prefix=COL2IM
// RUN: not etch-import %S/Inputs/dim_minus_one.onnx 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// RUN: etch-import %S/Inputs/dim_minus_one.onnx --input-shape x=5x3 | FileCheck %s --check-prefix=PINNED
// RUN: etch-import %S/Inputs/ms_bias_add.onnx | FileCheck %s --check-prefix=BIASADD

// ReduceMean-18 reads its axes from the constant input; the Relu after it
// gets the reduced shape.
// REDUCE-LABEL: func.func @main(
// REDUCE: %[[M:.+]] = etch.reduce_mean %{{.+}} {axes = array<i64: 1>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
// REDUCE: etch.relu %[[M]] : tensor<2x4xf32>

// NOOP-LABEL: func.func @main(
// NOOP-SAME: %[[X:.+]]: tensor<2x3xf32>
// NOOP-NOT: etch.reduce_max
// NOOP: return %[[X]]

// 7 split into num_outputs = 3 parts of ceil(7 / 3) = 3, the last smaller.
// SPLIT-LABEL: func.func @main(
// SPLIT-SAME: -> (tensor<2x3xf32> {etch.name = "a"}, tensor<2x3xf32> {etch.name = "b"}, tensor<2x1xf32> {etch.name = "c"})

// Pad-18 axes (the last axis only) and Pad-19 wrap: indices modulo 3.
// WRAP-LABEL: func.func @main(
// WRAP: etch.constant dense<[2, 0, 1, 2, 0, 1]> : tensor<6xi64>
// WRAP: etch.gather {{.*}} {axis = 1 : i64} : (tensor<2x3xf32>, tensor<6xi64>) -> tensor<2x6xf32>

// GELU-LABEL: func.func @main(
// GELU: etch.tanh
// GELU: -> tensor<4xf32>

// ANTIALIAS: etch.resize %{{.+}} {antialias = true, coordinate_transformation_mode = "half_pixel", mode = "linear", static_scales = array<f32: 1.000000e+00, 1.000000e+00, 5.000000e-01, 5.000000e-01>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
// NEWOP: node 'imagedecoder20': unsupported op 'ImageDecoder' (opset 20); supported ops:
// COL2IM-LABEL: func.func @main(
// COL2IM: etch.reshape {{.*}} : (tensor<1x4x9xf32>) -> tensor<1x4x3x3xf32>
// COL2IM: etch.conv_transpose {{.*}} {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x3x3xf32>, tensor<4x1x2x2xf32>) -> tensor<1x1x4x4xf32>
// DYNAMIC: error: graph input 'x' has a dynamic shape [x_dim0x3]; pin it with --input-shape x=<d0>x3
// PINNED: func.func @main(%{{.*}}: tensor<5x3xf32> {etch.name = "x"}) -> (tensor<5x3xf32> {etch.name = "y"})

// com.microsoft BiasAdd: X + bias + skip.
// BIASADD-LABEL: func.func @main(
// BIASADD-SAME: %[[X:.+]]: tensor<2x3x4xf32> {etch.name = "x"}, %[[S:.+]]: tensor<2x3x4xf32> {etch.name = "s"}
// BIASADD: %[[B:.+]] = etch.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
// BIASADD: %[[XB:.+]] = etch.add %[[X]], %[[B]] : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
// BIASADD: %[[Y:.+]] = etch.add %[[XB]], %[[S]] : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
// BIASADD: return %[[Y]]
