// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-llvmcpu-vectorize))' %s | FileCheck %s

// A remainder column of an int8 conv: the contraction writes its 4x1x1
// accumulator tile into a slice of the i32 result, the requantization reads
// it back as vector<4xi32>. The read is the written vector reshaped, so the
// i32 tensor (a full-size arena buffer after bufferization) goes away.
// CHECK-LABEL: func.func @remainder_column
// CHECK-NOT:   vector.transfer_write
// CHECK-NOT:   vector.transfer_read
// CHECK:       %[[V:.+]] = vector.shape_cast %{{.+}} : vector<4x1x1xi32> to vector<4xi32>
// CHECK:       return %[[V]]
func.func @remainder_column(%acc: vector<4x1x1xi32>) -> vector<4xi32> {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0 : i32
  %empty = tensor.empty() : tensor<1x64x1x5xi32>
  %slice = tensor.extract_slice %empty[0, 8, 0, 4] [1, 4, 1, 1] [1, 1, 1, 1] : tensor<1x64x1x5xi32> to tensor<1x4x1x1xi32>
  %w = vector.transfer_write %acc, %slice[%c0, %c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<4x1x1xi32>, tensor<1x4x1x1xi32>
  %r = vector.transfer_read %w[%c0, %c0, %c0, %c0], %pad {in_bounds = [true], permutation_map = affine_map<(d0, d1, d2, d3) -> (d1)>} : tensor<1x4x1x1xi32>, vector<4xi32>
  return %r : vector<4xi32>
}

// -----

// The write covers only part of the tensor: the read must see the rest.
// CHECK-LABEL: func.func @partial_write
// CHECK:       vector.transfer_write
// CHECK:       vector.transfer_read
func.func @partial_write(%acc: vector<2x1x1xi32>, %t: tensor<1x4x1x1xi32>) -> vector<4xi32> {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0 : i32
  %w = vector.transfer_write %acc, %t[%c0, %c0, %c0, %c0] {in_bounds = [true, true, true]} : vector<2x1x1xi32>, tensor<1x4x1x1xi32>
  %r = vector.transfer_read %w[%c0, %c0, %c0, %c0], %pad {in_bounds = [true], permutation_map = affine_map<(d0, d1, d2, d3) -> (d1)>} : tensor<1x4x1x1xi32>, vector<4xi32>
  return %r : vector<4xi32>
}

// -----

// Whole tensor both ways but transposed: element orders differ, so not a
// shape_cast (MLIR's own folding makes it a transpose).
// CHECK-LABEL: func.func @transposed
// CHECK-NOT:   vector.shape_cast
// CHECK:       vector.transpose %{{.+}}, [1, 0] : vector<2x3xi32> to vector<3x2xi32>
func.func @transposed(%acc: vector<2x3xi32>, %t: tensor<2x3xi32>) -> vector<3x2xi32> {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0 : i32
  %w = vector.transfer_write %acc, %t[%c0, %c0] {in_bounds = [true, true]} : vector<2x3xi32>, tensor<2x3xi32>
  %r = vector.transfer_read %w[%c0, %c0], %pad {in_bounds = [true, true], permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : tensor<2x3xi32>, vector<3x2xi32>
  return %r : vector<3x2xi32>
}
