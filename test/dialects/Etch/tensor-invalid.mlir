// RUN: etch-opt --split-input-file --verify-diagnostics %s
// One case per verifier rule of the data-movement ops.

func.func @slice_rank(%x: tensor<4x6xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{input, result, starts and steps must all have rank 2}}
  %0 = etch.slice %x {starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<4x6xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @slice_zero_step(%x: tensor<4x6xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{step 1 is 0}}
  %0 = etch.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 0>} : (tensor<4x6xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @slice_out_of_range(%x: tensor<4x6xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{dimension 1: 4 elements from 0 by 2 leave [0, 6)}}
  %0 = etch.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 2>} : (tensor<4x6xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @gather_shape(%x: tensor<3x5xf32>, %i: tensor<2xi64>) -> tensor<3x3xf32> {
  // expected-error @+1 {{result shape [3x3] does not match the gather shape [3x2]}}
  %0 = etch.gather %x, %i {axis = 1 : i64} : (tensor<3x5xf32>, tensor<2xi64>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @gather_index_type(%x: tensor<3x5xf32>, %i: tensor<2xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{indices must be i32 or i64, got 'f32'}}
  %0 = etch.gather %x, %i {axis = 1 : i64} : (tensor<3x5xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
