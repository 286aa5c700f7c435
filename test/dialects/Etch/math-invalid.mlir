// RUN: etch-opt --split-input-file --verify-diagnostics %s
// One case per verifier rule of the math ops.

func.func @compare_result(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{result must be an i1 tensor}}
  %0 = etch.equal %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @logic_type(%a: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{operands and result must be integer tensors of one type}}
  %0 = etch.and %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @logic_result_type(%a: tensor<3xi32>) -> tensor<3xi1> {
  // expected-error @+1 {{operands and result must be integer tensors of one type}}
  %0 = etch.xor %a, %a : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @where_bcast(%c: tensor<3xi1>, %x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{is not broadcastable}}
  %0 = etch.where %c, %x, %x : (tensor<3xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @cast_shape(%x: tensor<4xf32>) -> tensor<3xi32> {
  // expected-error @+1 {{differs from the input shape}}
  %0 = etch.cast %x : (tensor<4xf32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @argmax_type(%x: tensor<4x5xf32>) -> tensor<4x1xi32> {
  // expected-error @+1 {{result must be an i64 tensor}}
  %0 = etch.arg_max %x {axis = 1 : i64} : (tensor<4x5xf32>) -> tensor<4x1xi32>
  return %0 : tensor<4x1xi32>
}

// -----

func.func @reduce_min_shape(%x: tensor<4x5xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{result shape [4], expected [4x1]}}
  %0 = etch.reduce_min %x {axes = array<i64: 1>} : (tensor<4x5xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @cast_bad_storage(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{unknown storage 'i3'}}
  %0 = etch.cast %x {output_storage = "i3"} : (tensor<4xf32>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @cast_storage_not_i8(%x: tensor<4xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{output_storage needs an i8 result}}
  %0 = etch.cast %x {output_storage = "i4"} : (tensor<4xf32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @cast_bad_round_mode(%x: tensor<4xf32>) -> tensor<4xf8E8M0FNU> {
  // expected-error @+1 {{unknown round_mode 'zero'}}
  %0 = etch.cast %x {round_mode = "zero"} : (tensor<4xf32>) -> tensor<4xf8E8M0FNU>
  return %0 : tensor<4xf8E8M0FNU>
}

// -----

func.func @bitcast_width(%x: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{element types 'f32' and 'f16' differ in bit width}}
  %0 = etch.bitcast %x : (tensor<4xf32>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

func.func @bitcast_bool(%x: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{element type 'i1' is not a float or signless integer of 8 bits or more}}
  %0 = etch.bitcast %x : (tensor<4xi1>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @bitcast_shape(%x: tensor<4xf32>) -> tensor<3xi32> {
  // expected-error @+1 {{differs from the input shape}}
  %0 = etch.bitcast %x : (tensor<4xf32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}
