// RUN: etch-opt --split-input-file --verify-diagnostics %s
// One case per verifier rule.

func.func @constant_type(%x: tensor<2xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{failed to verify that all of {value, output} have same type}}
  %0 = "etch.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @conv_rank(%x: tensor<8x9xf32>, %w: tensor<8x9xf32>) -> tensor<8x9xf32> {
  // expected-error @+1 {{input must have rank >= 3}}
  %0 = etch.conv %x, %w {strides = array<i64>, pads = array<i64>, dilations = array<i64>} : (tensor<8x9xf32>, tensor<8x9xf32>) -> tensor<8x9xf32>
  return %0 : tensor<8x9xf32>
}

// -----

func.func @conv_weight_rank(%x: tensor<1x8x9x9xf32>, %w: tensor<16x8x3xf32>) -> tensor<1x16x7x7xf32> {
  // expected-error @+1 {{weight rank 3 differs from input rank 4}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x9x9xf32>, tensor<16x8x3xf32>) -> tensor<1x16x7x7xf32>
  return %0 : tensor<1x16x7x7xf32>
}

// -----

func.func @conv_group_in(%x: tensor<1x8x9x9xf32>, %w: tensor<6x3x3x3xf32>) -> tensor<1x6x7x7xf32> {
  // expected-error @+1 {{input channels 8 are not divisible by group 3}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 3 : i64} : (tensor<1x8x9x9xf32>, tensor<6x3x3x3xf32>) -> tensor<1x6x7x7xf32>
  return %0 : tensor<1x6x7x7xf32>
}

// -----

func.func @conv_group_out(%x: tensor<1x8x9x9xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x7x7xf32> {
  // expected-error @+1 {{output channels 6 are not divisible by group 4}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 4 : i64} : (tensor<1x8x9x9xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x7x7xf32>
  return %0 : tensor<1x6x7x7xf32>
}

// -----

func.func @conv_group_zero(%x: tensor<1x8x9x9xf32>, %w: tensor<8x8x3x3xf32>) -> tensor<1x8x7x7xf32> {
  // expected-error @+1 {{'group' must be >= 1, got 0}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 0 : i64} : (tensor<1x8x9x9xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x7x7xf32>
  return %0 : tensor<1x8x7x7xf32>
}

// -----

func.func @conv_weight_channels(%x: tensor<1x8x9x9xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x7x7xf32> {
  // expected-error @+1 {{weight shape [16x8x3x3] expects 8 input channels per group, but input has 8 channels in 2 group(s)}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x8x9x9xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x7x7xf32>
  return %0 : tensor<1x16x7x7xf32>
}

// -----

func.func @conv_bias(%x: tensor<1x8x9x9xf32>, %w: tensor<16x8x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x16x7x7xf32> {
  // expected-error @+1 {{bias shape [8] must be [16] (output channels)}}
  %0 = etch.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x9x9xf32>, tensor<16x8x3x3xf32>, tensor<8xf32>) -> tensor<1x16x7x7xf32>
  return %0 : tensor<1x16x7x7xf32>
}

// -----

func.func @conv_result_channels(%x: tensor<1x8x9x9xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x8x7x7xf32> {
  // expected-error @+1 {{result shape [1x8x7x7] must start with [N=1, M=16]}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x9x9xf32>, tensor<16x8x3x3xf32>) -> tensor<1x8x7x7xf32>
  return %0 : tensor<1x8x7x7xf32>
}

// -----

func.func @conv_strides_size(%x: tensor<1x8x9x9xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x7x7xf32> {
  // expected-error @+1 {{'strides' has 1 entries, expected 2}}
  %0 = etch.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x9x9xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x7x7xf32>
  return %0 : tensor<1x16x7x7xf32>
}

// -----

func.func @conv_strides_zero(%x: tensor<1x8x9x9xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x7x7xf32> {
  // expected-error @+1 {{'strides' entries must be >= 1, got 0}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 0>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x9x9xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x7x7xf32>
  return %0 : tensor<1x16x7x7xf32>
}

// -----

func.func @conv_pads_negative(%x: tensor<1x8x9x9xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x7x7xf32> {
  // expected-error @+1 {{'pads' entries must be >= 0, got -1}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, -1, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x9x9xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x7x7xf32>
  return %0 : tensor<1x16x7x7xf32>
}

// -----

func.func @conv_dilations_size(%x: tensor<1x8x9x9xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x7x7xf32> {
  // expected-error @+1 {{'dilations' has 3 entries, expected 2}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1, 1>} : (tensor<1x8x9x9xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x7x7xf32>
  return %0 : tensor<1x16x7x7xf32>
}

// -----

func.func @conv_spatial(%x: tensor<1x8x9x9xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x9x4xf32> {
  // expected-error @+1 {{result spatial dim 1 is 4, expected 5 from input [1x8x9x9], kernel [3x3], strides [1x2], pads [1x1x1x1], dilations [1x1]}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x8x9x9xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x9x4xf32>
  return %0 : tensor<1x16x9x4xf32>
}

// -----

func.func @conv_window_too_big(%x: tensor<1x8x3x3xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x1x1xf32> {
  // expected-error @+1 {{window of size 3 (dilation 2) does not fit spatial dim 0 of size 3 plus padding}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 2, 2>} : (tensor<1x8x3x3xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x1x1xf32>
  return %0 : tensor<1x16x1x1xf32>
}

// -----

func.func @conv_elem(%x: tensor<1x8x9x9xf32>, %w: tensor<16x8x3x3xf16>) -> tensor<1x16x7x7xf32> {
  // expected-error @+1 {{element types differ: 'f32' vs 'f16'}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x9x9xf32>, tensor<16x8x3x3xf16>) -> tensor<1x16x7x7xf32>
  return %0 : tensor<1x16x7x7xf32>
}

// -----

// i8 operands accumulate into i32 only (not i16).
func.func @conv_i8_into_i16(%x: tensor<1x8x9x9xi8>, %w: tensor<16x8x3x3xi8>) -> tensor<1x16x7x7xi16> {
  // expected-error @+1 {{element types differ: 'i8' vs 'i16'}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x9x9xi8>, tensor<16x8x3x3xi8>) -> tensor<1x16x7x7xi16>
  return %0 : tensor<1x16x7x7xi16>
}

// -----

// An i32 bias goes with an i32 result of i8 operands.
func.func @conv_i8_bias(%x: tensor<1x8x9x9xi8>, %w: tensor<16x8x3x3xi8>, %b: tensor<16xi8>) -> tensor<1x16x7x7xi32> {
  // expected-error @+1 {{element types differ: 'i32' vs 'i8'}}
  %0 = etch.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x9x9xi8>, tensor<16x8x3x3xi8>, tensor<16xi8>) -> tensor<1x16x7x7xi32>
  return %0 : tensor<1x16x7x7xi32>
}

// -----

func.func @gemm_rank(%a: tensor<4xf32>, %b: tensor<4x5xf32>) -> tensor<1x5xf32> {
  // expected-error @+1 {{operands and result must be 2-D, got [4], [4x5] -> [1x5]}}
  %0 = etch.gemm %a, %b : (tensor<4xf32>, tensor<4x5xf32>) -> tensor<1x5xf32>
  return %0 : tensor<1x5xf32>
}

// -----

func.func @gemm_k(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{reduction dims differ: op(A) is 4x3, op(B) is 4x5}}
  %0 = etch.gemm %a, %b {trans_a = true, trans_b = false} : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

func.func @gemm_result(%a: tensor<3x4xf32>, %b: tensor<5x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{result shape [3x4], expected [3x5]}}
  %0 = etch.gemm %a, %b {trans_b = true} : (tensor<3x4xf32>, tensor<5x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @gemm_c(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{C shape [3] does not broadcast to [3x5]}}
  %0 = etch.gemm %a, %b, %c : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @matmul_k(%a: tensor<3x4xf32>, %b: tensor<5x6xf32>) -> tensor<3x6xf32> {
  // expected-error @+1 {{reduction dims differ: 4 vs 5}}
  %0 = etch.matmul %a, %b : (tensor<3x4xf32>, tensor<5x6xf32>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<3x4x6xf32>) -> tensor<3x3x6xf32> {
  // expected-error @+1 {{batch dims of [2x3x4] and [3x4x6] are not broadcastable}}
  %0 = etch.matmul %a, %b : (tensor<2x3x4xf32>, tensor<3x4x6xf32>) -> tensor<3x3x6xf32>
  return %0 : tensor<3x3x6xf32>
}

// -----

func.func @matmul_vec_result(%a: tensor<4xf32>, %b: tensor<2x4x6xf32>) -> tensor<2x1x6xf32> {
  // expected-error @+1 {{result shape [2x1x6], expected [2x6]}}
  %0 = etch.matmul %a, %b : (tensor<4xf32>, tensor<2x4x6xf32>) -> tensor<2x1x6xf32>
  return %0 : tensor<2x1x6xf32>
}

// -----

func.func @matmul_scalar(%a: tensor<f32>, %b: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{operands must have rank >= 1}}
  %0 = etch.matmul %a, %b : (tensor<f32>, tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @add_not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operand shapes [2x3] and [2] are not broadcastable}}
  %0 = etch.add %a, %b : (tensor<2x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @mul_result(%a: tensor<2x1xf32>, %b: tensor<3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{result shape [2x1] does not match the broadcast shape [2x3]}}
  %0 = etch.mul %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @sub_elem(%a: tensor<2xf32>, %b: tensor<2xi32>) -> tensor<2xf32> {
  // expected-error @+1 {{element types differ: 'f32' vs 'i32'}}
  %0 = etch.sub %a, %b : (tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @max_pool_kernel(%x: tensor<1x4x7x7xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'kernel_shape' has 1 entries, expected 2}}
  %0 = etch.max_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x4x7x7xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @max_pool_nc(%x: tensor<1x4x7x7xf32>) -> tensor<1x3x6x6xf32> {
  // expected-error @+1 {{result shape [1x3x6x6] must keep N and C of input [1x4x7x7]}}
  %0 = etch.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x4x7x7xf32>) -> tensor<1x3x6x6xf32>
  return %0 : tensor<1x3x6x6xf32>
}

// -----

func.func @max_pool_floor(%x: tensor<1x4x7x7xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{result spatial dim 0 is 4, expected 3}}
  %0 = etch.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x4x7x7xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

func.func @average_pool_ceil(%x: tensor<1x4x7x7xf32>) -> tensor<1x4x3x3xf32> {
  // expected-error @+1 {{result spatial dim 0 is 3, expected 4}}
  %0 = etch.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : (tensor<1x4x7x7xf32>) -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

func.func @average_pool_rank(%x: tensor<4x7xf32>) -> tensor<4x7xf32> {
  // expected-error @+1 {{input must have rank >= 3 (N x C x spatial...), got rank 2}}
  %0 = etch.average_pool %x {kernel_shape = array<i64>, strides = array<i64>, pads = array<i64>, dilations = array<i64>} : (tensor<4x7xf32>) -> tensor<4x7xf32>
  return %0 : tensor<4x7xf32>
}

// -----

func.func @global_average_pool(%x: tensor<1x4x7x7xf32>) -> tensor<1x4x7x1xf32> {
  // expected-error @+1 {{result shape [1x4x7x1], expected [1x4x1x1]}}
  %0 = etch.global_average_pool %x : (tensor<1x4x7x7xf32>) -> tensor<1x4x7x1xf32>
  return %0 : tensor<1x4x7x1xf32>
}

// -----

func.func @batch_norm_param(%x: tensor<1x4x7x7xf32>, %c: tensor<4xf32>, %m: tensor<3xf32>) -> tensor<1x4x7x7xf32> {
  // expected-error @+1 {{'mean' shape [3] must be [4] (input channels)}}
  %0 = etch.batch_norm %x, %c, %c, %m, %c : (tensor<1x4x7x7xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<1x4x7x7xf32>
  return %0 : tensor<1x4x7x7xf32>
}

// -----

func.func @batch_norm_result(%x: tensor<1x4x7x7xf32>, %c: tensor<4xf32>) -> tensor<1x4x7x6xf32> {
  // expected-error @+1 {{result type 'tensor<1x4x7x6xf32>' differs from input type 'tensor<1x4x7x7xf32>'}}
  %0 = etch.batch_norm %x, %c, %c, %c, %c : (tensor<1x4x7x7xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x7x6xf32>
  return %0 : tensor<1x4x7x6xf32>
}

// -----

func.func @softmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis 2 out of range [0, 2)}}
  %0 = etch.softmax %x {axis = 2 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @softmax_negative_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis -1 out of range [0, 2)}}
  %0 = etch.softmax %x {axis = -1 : i64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @reduce_axis_range(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{axis 2 out of range [0, 2)}}
  %0 = etch.reduce_mean %x {axes = array<i64: 2>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_axes_unsorted(%x: tensor<2x3xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{axes must be sorted and unique, got [1x0]}}
  %0 = etch.reduce_max %x {axes = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @reduce_axes_duplicate(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{axes must be sorted and unique, got [1x1]}}
  %0 = etch.reduce_max %x {axes = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reduce_axes_empty(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axes must be explicit (list every axis to reduce all)}}
  %0 = etch.reduce_sum %x {axes = array<i64>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @reduce_keepdims(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{result shape [2], expected [2x1] (keepdims)}}
  %0 = etch.reduce_sum %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @reduce_no_keepdims(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{result shape [2x1], expected [2]}}
  %0 = etch.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{element count differs: [2x3] has 6, [7] has 7}}
  %0 = etch.reshape %x : (tensor<2x3xf32>) -> tensor<7xf32>
  return %0 : tensor<7xf32>
}

// -----

func.func @transpose_perm_size(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{perm has 3 entries, expected 2}}
  %0 = etch.transpose %x {perm = array<i64: 1, 0, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_not_perm(%x: tensor<2x3xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{perm [1x1] is not a permutation of [0, 2)}}
  %0 = etch.transpose %x {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @transpose_result(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{result shape [2x3], expected [3x2]}}
  %0 = etch.transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @concat_axis(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{axis 2 out of range [0, 2)}}
  %0 = etch.concat %x, %x {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_rank(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{input 1 has rank 1, expected 2}}
  %0 = etch.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_other_dim(%x: tensor<2x3xf32>, %y: tensor<4x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{input 1 shape [4x3] differs from result [2x6] in non-concatenated dim 0}}
  %0 = etch.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_sum(%x: tensor<2x3xf32>) -> tensor<2x7xf32> {
  // expected-error @+1 {{result dim 1 is 7, expected the sum of the inputs' dims 6}}
  %0 = etch.concat %x, %x {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// -----

func.func @concat_empty() -> tensor<2x7xf32> {
  // expected-error @+1 {{needs at least one input}}
  %0 = etch.concat {axis = 1 : i64} : () -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// -----

func.func @pad_size(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'pads' has 2 entries, expected 4}}
  %0 = etch.pad %x {pads = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @pad_negative(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'pads' entries must be >= 0, got -1}}
  %0 = etch.pad %x {pads = array<i64: 0, 0, 0, -1>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @pad_result(%x: tensor<2x3xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{result shape [3x3], expected [3x4]}}
  %0 = etch.pad %x {pads = array<i64: 1, 0, 0, 1>} : (tensor<2x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// Attributes whose window arithmetic overflows int64 are rejected, not wrapped.
func.func @conv_window_overflow(%x: tensor<1x8x9x9xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x9x9xf32> {
  // expected-error @+1 {{window arithmetic of spatial dim 0 overflows int64}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 9223372036854775807, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x8x9x9xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x9x9xf32>
  return %0 : tensor<1x16x9x9xf32>
}

// -----

func.func @conv_dilation_overflow(%x: tensor<1x8x9x9xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<1x16x9x9xf32> {
  // expected-error @+1 {{window arithmetic of spatial dim 1 overflows int64}}
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 4611686018427387904>} : (tensor<1x8x9x9xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x9x9xf32>
  return %0 : tensor<1x16x9x9xf32>
}
