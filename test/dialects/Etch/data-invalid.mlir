// RUN: etch-opt --split-input-file --verify-diagnostics %s
// One case per verifier rule of the gather/resize/scan/ConvTranspose ops.

func.func @expand_not_broadcastable(%x: tensor<3x2xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{input shape [3x2] does not broadcast to the result shape [3x4]}}
  %0 = etch.expand %x : (tensor<3x2xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @gather_elements_index_type(%x: tensor<3x4xf32>, %i: tensor<3x2xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{indices must be i32 or i64, got 'f32'}}
  %0 = etch.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @gather_elements_shape(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>) -> tensor<3x3xf32> {
  // expected-error @+1 {{result shape [3x3] differs from the indices shape [3x2]}}
  %0 = etch.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @gather_nd_too_deep(%x: tensor<2x3xf32>, %i: tensor<2x3xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{the last indices dimension (3) must be in [1, input rank - batch_dims]}}
  %0 = etch.gather_nd %x, %i : (tensor<2x3xf32>, tensor<2x3xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @cumsum_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis 2 out of range [0, 2)}}
  %0 = etch.cumsum %x {axis = 2 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @cumprod_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis -1 out of range [0, 2)}}
  %0 = etch.cumprod %x {axis = -1 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @topk_k(%x: tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xi64>) {
  // expected-error @+1 {{k = 4 must be in [0, 3]}}
  %v, %i = etch.topk %x {axis = 1 : i64, k = 4 : i64} : (tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<2x4xi64>)
  return %v, %i : tensor<2x4xf32>, tensor<2x4xi64>
}

// -----

func.func @topk_index_type(%x: tensor<2x3xf32>) -> (tensor<2x2xf32>, tensor<2x2xi32>) {
  // expected-error @+1 {{indices result must be i64}}
  %v, %i = etch.topk %x {axis = 1 : i64, k = 2 : i64} : (tensor<2x3xf32>) -> (tensor<2x2xf32>, tensor<2x2xi32>)
  return %v, %i : tensor<2x2xf32>, tensor<2x2xi32>
}

// -----

func.func @mod_float_needs_fmod(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{floating-point Mod requires fmod = true}}
  %0 = etch.mod %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @resize_bad_mode(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{mode 'area' is not one of nearest, linear, cubic}}
  %0 = etch.resize %x {coordinate_transformation_mode = "asymmetric", mode = "area", static_scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize_linear_int(%x: tensor<1x1x2x2xi32>) -> tensor<1x1x4x4xi32> {
  // expected-error @+1 {{mode 'linear' needs a floating-point input}}
  %0 = etch.resize %x {coordinate_transformation_mode = "asymmetric", mode = "linear", static_scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x2xi32>) -> tensor<1x1x4x4xi32>
  return %0 : tensor<1x1x4x4xi32>
}

// -----

func.func @resize_no_scales(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{needs exactly one of the scales operand and static_scales}}
  %0 = etch.resize %x {coordinate_transformation_mode = "asymmetric", mode = "nearest"} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize_crop_without_roi(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{tf_crop_and_resize needs a roi}}
  %0 = etch.resize %x {coordinate_transformation_mode = "tf_crop_and_resize", mode = "nearest", static_scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @resize_bad_nearest_mode(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{nearest_mode 'round' is not supported}}
  %0 = etch.resize %x {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "round", static_scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @conv_transpose_size(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x9x9xf32> {
  // expected-error @+1 {{spatial dim 0: result size 9 is not 7 plus an output padding smaller than the stride or dilation}}
  %0 = etch.conv_transpose %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x9x9xf32>
  return %0 : tensor<1x1x9x9xf32>
}

// -----

func.func @conv_transpose_channels(%x: tensor<1x2x3x3xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32> {
  // expected-error @+1 {{channels: input [1x2x3x3], weight [1x1x3x3], group 1 and result [1x1x5x5] do not fit}}
  %0 = etch.conv_transpose %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}

// -----

func.func @max_pool_indices_type(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xi32> {
  // expected-error @+1 {{expects an input of rank >= 3 and an i64 result of the same rank}}
  %0 = etch.max_pool_indices %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xi32>
  return %0 : tensor<1x1x2x2xi32>
}

// -----

func.func @einsum_label_sizes(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{label 106 has sizes 3 and 4}}
  %0 = etch.einsum %a, %b {input_labels = [array<i64: 105, 106>, array<i64: 106, 107>], output_labels = array<i64: 105, 107>} : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @einsum_unknown_output(%a: tensor<2x3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{output label 120 labels no operand dimension}}
  %0 = etch.einsum %a {input_labels = [array<i64: 105, 106>], output_labels = array<i64: 105, 120>} : (tensor<2x3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @scatter_bad_reduction(%x: tensor<4x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{reduction 'sub' is not one of none, add, mul, max, min}}
  %0 = etch.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = "sub"} : (tensor<4x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @scatter_updates_too_big(%x: tensor<4x5xf32>, %i: tensor<5x2xi64>, %u: tensor<5x2xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{updates dim 0 (5) exceeds data's (4)}}
  %0 = etch.scatter_elements %x, %i, %u {axis = 1 : i64} : (tensor<4x5xf32>, tensor<5x2xi64>, tensor<5x2xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @scatter_nd_bad_updates(%x: tensor<5x4xf32>, %j: tensor<2x1xi64>, %v: tensor<2x3xf32>) -> tensor<5x4xf32> {
  // expected-error @+1 {{updates shape [2x3] differs from [2x4]}}
  %0 = etch.scatter_nd %x, %j, %v : (tensor<5x4xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<5x4xf32>
  return %0 : tensor<5x4xf32>
}

// -----

func.func @bit_shift_float(%x: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{expects integer tensors, got 'f32'}}
  %0 = etch.bit_shift %x, %x {left = false} : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @grid_sample_bad_mode(%x: tensor<1x2x5x6xf32>, %g: tensor<1x4x3x2xf32>) -> tensor<1x2x4x3xf32> {
  // expected-error @+1 {{mode 'area' is not bilinear, nearest or bicubic}}
  %0 = etch.grid_sample %x, %g {align_corners = false, mode = "area", padding_mode = "zeros"} : (tensor<1x2x5x6xf32>, tensor<1x4x3x2xf32>) -> tensor<1x2x4x3xf32>
  return %0 : tensor<1x2x4x3xf32>
}

// -----

func.func @grid_sample_bad_shape(%x: tensor<1x2x5x6xf32>, %g: tensor<1x4x3x2xf32>) -> tensor<1x2x3x4xf32> {
  // expected-error @+1 {{expects input [N, C, H, W], grid [N, Ho, Wo, 2] and result [N, C, Ho, Wo]}}
  %0 = etch.grid_sample %x, %g {align_corners = false, mode = "nearest", padding_mode = "zeros"} : (tensor<1x2x5x6xf32>, tensor<1x4x3x2xf32>) -> tensor<1x2x3x4xf32>
  return %0 : tensor<1x2x3x4xf32>
}

// -----

func.func @grid_sample_volumetric_bicubic(%x: tensor<1x1x3x5x6xf32>, %g: tensor<1x2x3x4x3xf32>) -> tensor<1x1x2x3x4xf32> {
  // expected-error @+1 {{mode 'bicubic' needs a 4-D input}}
  %0 = etch.grid_sample %x, %g {align_corners = false, mode = "bicubic", padding_mode = "zeros"} : (tensor<1x1x3x5x6xf32>, tensor<1x2x3x4x3xf32>) -> tensor<1x1x2x3x4xf32>
  return %0 : tensor<1x1x2x3x4xf32>
}

// -----

func.func @grid_sample_volumetric_bad_grid(%x: tensor<1x1x3x5x6xf32>, %g: tensor<1x2x3x4x2xf32>) -> tensor<1x1x2x3x4xf32> {
  // expected-error @+1 {{[N, C, D, H, W], [N, Do, Ho, Wo, 3], [N, C, Do, Ho, Wo]}}
  %0 = etch.grid_sample %x, %g {align_corners = false, mode = "nearest", padding_mode = "zeros"} : (tensor<1x1x3x5x6xf32>, tensor<1x2x3x4x2xf32>) -> tensor<1x1x2x3x4xf32>
  return %0 : tensor<1x1x2x3x4xf32>
}

// -----

func.func @conv_transpose_overflow(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x9x9xf32> {
  // expected-error @+1 {{spatial dim 0: window arithmetic overflows int64}}
  %0 = etch.conv_transpose %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 4611686018427387904, 2>} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x9x9xf32>
  return %0 : tensor<1x1x9x9xf32>
}

// -----

func.func @resize_antialias_nearest(%x: tensor<1x1x2x8xf32>) -> tensor<1x1x2x4xf32> {
  // expected-error @+1 {{antialias needs mode linear or cubic and static_scales}}
  %0 = etch.resize %x {antialias = true, coordinate_transformation_mode = "half_pixel", mode = "nearest", static_scales = array<f32: 1.0, 1.0, 1.0, 0.5>} : (tensor<1x1x2x8xf32>) -> tensor<1x1x2x4xf32>
  return %0 : tensor<1x1x2x4xf32>
}
