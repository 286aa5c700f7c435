// Resize (opset 13) and Upsample (opset 7) (ImportResize.cpp).
// RUN: etch-import %S/Inputs/resize.onnx | FileCheck %s
// RUN: etch-import %S/Inputs/upsample_opset7.onnx | FileCheck %s --check-prefix=UPSAMPLE
// RUN: not etch-import %S/Inputs/resize_bad_mode.onnx 2>&1 | FileCheck %s --check-prefix=BADMODE

// Constant scales and sizes (out / in) become static_scales; run-time scales
// stay an operand.
// CHECK-LABEL: func.func @main(
// CHECK: etch.resize %arg0 {coordinate_transformation_mode = "align_corners", mode = "linear", static_scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<1x1x2x4xf32>) -> tensor<1x1x4x8xf32>
// CHECK: etch.resize %arg0 {coordinate_transformation_mode = "half_pixel", mode = "nearest", nearest_mode = "ceil", static_scales = array<f32: 1.000000e+00, 1.000000e+00, 1.500000e+00, 7.500000e-01>} : (tensor<1x1x2x4xf32>) -> tensor<1x1x3x3xf32>
// CHECK: etch.resize %arg0 scales %arg1 {coordinate_transformation_mode = "half_pixel", cubic_coeff_a = -5.000000e-01 : f32, exclude_outside = true, mode = "cubic"} : (tensor<1x1x2x4xf32>, tensor<4xf32>) -> tensor<1x1x4x8xf32>

// Upsample: asymmetric, floor for nearest, 'bilinear' is linear.
// UPSAMPLE: etch.resize %arg0 {coordinate_transformation_mode = "asymmetric", mode = "linear", nearest_mode = "floor", static_scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>

// BADMODE: loc("resize_bad"): node 'resize_bad' (Resize): attribute 'mode' = 'area' is not supported; supported: nearest, linear, cubic

// Sizes from shape arithmetic ONNX inference does not follow (Slice): the
// folded constant gives the result shape.
// RUN: etch-import %S/Inputs/resize_folded_sizes.onnx | FileCheck %s --check-prefix=FOLDED
// FOLDED: etch.resize %arg0 {coordinate_transformation_mode = "half_pixel", mode = "nearest", static_scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<1x2x3x4xf32>) -> tensor<1x2x6x8xf32>
