// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-convert-etch-to-linalg))' --mlir-print-local-scope %s | FileCheck %s

// Positive steps: one strided extract_slice.
// CHECK-LABEL: func.func @slice_strided
// CHECK: %[[S:.+]] = tensor.extract_slice %{{.+}}[1, 0] [2, 3] [1, 2] : tensor<4x6xf32> to tensor<2x3xf32>
// CHECK: return %[[S]]
func.func @slice_strided(%x: tensor<4x6xf32>) -> tensor<2x3xf32> {
  %0 = etch.slice %x {starts = array<i64: 1, 0>, steps = array<i64: 1, 2>} : (tensor<4x6xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A negative step reads start + i * step element by element.
// CHECK-LABEL: func.func @slice_reverse
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel"]
// CHECK: %[[I:.+]] = linalg.index 0 : index
// CHECK: %[[M:.+]] = arith.muli %[[I]], %c-2
// CHECK: %[[IDX:.+]] = arith.addi %c5{{.*}}, %[[M]]
// CHECK: %[[V:.+]] = tensor.extract %{{.+}}[%[[IDX]]] : tensor<6xf32>
// CHECK: linalg.yield %[[V]]
func.func @slice_reverse(%x: tensor<6xf32>) -> tensor<3xf32> {
  %0 = etch.slice %x {starts = array<i64: 5>, steps = array<i64: -2>} : (tensor<6xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Gather along axis 1 with 2-D indices: the index operand is read at the
// result dims that replace the axis; negative indices wrap.
// CHECK-LABEL: func.func @gather_axis1
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins(%{{.+}} : tensor<2x2xi64>) outs(%{{.+}} : tensor<3x2x2x4xf32>)
// CHECK: ^bb0(%[[K:.+]]: i64, %{{.+}}: f32):
// CHECK: %[[KI:.+]] = arith.index_cast %[[K]] : i64 to index
// CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[KI]]
// CHECK: %[[WRAP:.+]] = arith.addi %[[KI]], %c5
// CHECK: %[[SEL:.+]] = arith.select %[[NEG]], %[[WRAP]], %[[KI]]
// CHECK: %[[D0:.+]] = linalg.index 0
// CHECK: %[[D3:.+]] = linalg.index 3
// CHECK: tensor.extract %{{.+}}[%[[D0]], %[[SEL]], %[[D3]]] : tensor<3x5x4xf32>
func.func @gather_axis1(%x: tensor<3x5x4xf32>, %i: tensor<2x2xi64>) -> tensor<3x2x2x4xf32> {
  %0 = etch.gather %x, %i {axis = 1 : i64} : (tensor<3x5x4xf32>, tensor<2x2xi64>) -> tensor<3x2x2x4xf32>
  return %0 : tensor<3x2x2x4xf32>
}
