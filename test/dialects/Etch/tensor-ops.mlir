// RUN: etch-opt --split-input-file %s | etch-opt | FileCheck %s
// Round trip of the data-movement ops (EtchTensorOps.td).

// CHECK-LABEL: func.func @slice
// CHECK: etch.slice %{{.+}} {starts = array<i64: 0, 5>, steps = array<i64: 1, -2>} : (tensor<4x6xf32>) -> tensor<4x3xf32>
func.func @slice(%x: tensor<4x6xf32>) -> tensor<4x3xf32> {
  %0 = etch.slice %x {starts = array<i64: 0, 5>, steps = array<i64: 1, -2>} : (tensor<4x6xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func.func @gather
// CHECK: etch.gather %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<3x5x2xf32>, tensor<2x2xi64>) -> tensor<3x2x2x2xf32>
func.func @gather(%x: tensor<3x5x2xf32>, %i: tensor<2x2xi64>) -> tensor<3x2x2x2xf32> {
  %0 = etch.gather %x, %i {axis = 1 : i64} : (tensor<3x5x2xf32>, tensor<2x2xi64>) -> tensor<3x2x2x2xf32>
  return %0 : tensor<3x2x2x2xf32>
}
