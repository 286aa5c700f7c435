// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-convert-etch-to-linalg{pack-int8-weights=true}))' %s | FileCheck %s
// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-convert-etch-to-linalg))' %s | FileCheck %s --check-prefix=NOPACK

// On targets with AArch64 sdot (pack-int8-weights), an int8 x int8 -> int32
// convolution with a constant weight and >= 8 input channels takes the weight
// repacked [F, KH, KW, C] at compile time (the 4 channels one dot-product
// lane reduces are contiguous) and becomes a generic that sign-extends both
// operands; otherwise the named NCHW conv.
// CHECK-LABEL: func.func @conv_i8_packed
// Filter 0's taps, each of its 8 channels contiguous (the last one's -9 last):
// CHECK: %[[W:.+]] = arith.constant dense<"0x0101010101010101020202020202020203{{[0-9A-F]+}}09090909090909F701{{[0-9A-F]+}}"> : tensor<4x3x3x8xi8>
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.+}}, %[[W]] : tensor<1x8x6x6xi8>, tensor<4x3x3x8xi8>)
// CHECK: arith.extsi
// CHECK: arith.extsi
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// NOPACK-LABEL: func.func @conv_i8_packed
// NOPACK: linalg.conv_2d_nchw_fchw
func.func @conv_i8_packed(%x: tensor<1x8x6x6xi8>) -> tensor<1x4x4x4xi32> {
  %w = arith.constant dense<[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, -9]]], [[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]> : tensor<4x8x3x3xi8>
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x8x6x6xi8>, tensor<4x8x3x3xi8>) -> tensor<1x4x4x4xi32>
  return %0 : tensor<1x4x4x4xi32>
}

// -----

// A first layer's 3 input channels are too few for dot products: the named
// conv stays.
// CHECK-LABEL: func.func @conv_i8_three_channels
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK-SAME: tensor<4x3x3x3xi8>
func.func @conv_i8_three_channels(%x: tensor<1x3x6x6xi8>) -> tensor<1x4x4x4xi32> {
  %w = arith.constant dense<[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 2, 3], [4, 5, 6], [7, 8, -9]]]]> : tensor<4x3x3x3xi8>
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x6x6xi8>, tensor<4x3x3x3xi8>) -> tensor<1x4x4x4xi32>
  return %0 : tensor<1x4x4x4xi32>
}
