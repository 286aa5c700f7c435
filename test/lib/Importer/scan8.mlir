// Scan-8 (ImportScan8.cpp): the body runs per batch element for its
// sequence_lens entry (here 3 and 2, scanned in reverse); the shorter
// sequence's scan output is zero-padded. Models: gen_scan8_models.py.
// RUN: etch-import %S/Inputs/scan8_lens.onnx | FileCheck %s
// RUN: not etch-import %S/Inputs/scan8_bad_lens.onnx 2>&1 | FileCheck %s --check-prefix=BAD

// CHECK-LABEL: func.func @main(
// Batch element 0: 3 steps from the last position back.
// CHECK: %[[X0:.+]] = etch.reshape %{{.+}} : (tensor<1x3x2xf32>) -> tensor<3x2xf32>
// CHECK: etch.slice %[[X0]] {starts = array<i64: 2, 0>
// CHECK: etch.slice %[[X0]] {starts = array<i64: 1, 0>
// CHECK: %[[S02:.+]] = etch.add
// CHECK: etch.slice %[[X0]] {starts = array<i64: 0, 0>
// CHECK: %[[S03:.+]] = etch.add
// CHECK: %[[Z0:.+]] = etch.concat {{.+}} -> tensor<3x2xf32>
// Batch element 1: its first 2 positions, reversed, then one row of zeros.
// CHECK: %[[X1:.+]] = etch.slice %{{.+}} {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<3x2xf32>) -> tensor<2x2xf32>
// CHECK: etch.slice %[[X1]] {starts = array<i64: 1, 0>
// CHECK: etch.slice %[[X1]] {starts = array<i64: 0, 0>
// CHECK: %[[S12:.+]] = etch.add
// CHECK: %[[PART:.+]] = etch.concat {{.+}} -> tensor<2x2xf32>
// CHECK: %[[ZEROS:.+]] = etch.expand %{{.+}} : (tensor<f32>) -> tensor<1x2xf32>
// CHECK: %[[Z1:.+]] = etch.concat %[[PART]], %[[ZEROS]] {axis = 0 : i64} : (tensor<2x2xf32>, tensor<1x2xf32>) -> tensor<3x2xf32>
// CHECK: %[[S:.+]] = etch.concat {{.+}} -> tensor<2x2xf32>
// CHECK: %[[Z:.+]] = etch.concat {{.+}} -> tensor<2x3x2xf32>
// CHECK: return %[[S]], %[[Z]]

// BAD: node 'scan8_bad' (Scan): sequence_lens must hold 2 lengths in [1, 3]
