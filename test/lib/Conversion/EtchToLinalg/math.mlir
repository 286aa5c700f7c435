// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-convert-etch-to-linalg))' --mlir-print-local-scope %s | FileCheck %s

// CHECK-LABEL: func.func @unary_math
// CHECK: linalg.generic
// CHECK:   math.erf
// CHECK: linalg.generic
// CHECK:   math.roundeven
// CHECK: linalg.generic
// CHECK:   math.exp
// CHECK:   arith.select
func.func @unary_math(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = etch.erf %x : tensor<4xf32>
  %1 = etch.round %0 : tensor<4xf32>
  %2 = etch.elu %1 {alpha = 0.5 : f32} : tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @int_unary
// CHECK: math.absi
// CHECK: arith.subi
func.func @int_unary(%x: tensor<4xi32>) -> tensor<4xi32> {
  %0 = etch.abs %x : tensor<4xi32>
  %1 = etch.neg %0 : tensor<4xi32>
  return %1 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @compare_where
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK:   arith.cmpi slt
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK:   arith.select
func.func @compare_where(%a: tensor<2x3xi64>, %b: tensor<3xi64>, %x: tensor<2x3xf32>, %y: tensor<f32>) -> tensor<2x3xf32> {
  %0 = etch.less %a, %b : (tensor<2x3xi64>, tensor<3xi64>) -> tensor<2x3xi1>
  %1 = etch.where %0, %x, %y : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// Cast: f32 -> i32 truncates (fptosi), i1 -> f32 is 0/1 (uitofp).
// CHECK-LABEL: func.func @casts
// CHECK: arith.fptosi
// CHECK: arith.uitofp
func.func @casts(%x: tensor<4xf32>, %c: tensor<4xi1>) -> (tensor<4xi32>, tensor<4xf32>) {
  %0 = etch.cast %x : (tensor<4xf32>) -> tensor<4xi32>
  %1 = etch.cast %c : (tensor<4xi1>) -> tensor<4xf32>
  return %0, %1 : tensor<4xi32>, tensor<4xf32>
}

// -----

// BitCast: the same bits, element by element.
// CHECK-LABEL: func.func @bitcast
// CHECK: linalg.generic
// CHECK: arith.bitcast %{{.+}} : f16 to i16
func.func @bitcast(%x: tensor<4xf16>) -> tensor<4xi16> {
  %0 = etch.bitcast %x : (tensor<4xf16>) -> tensor<4xi16>
  return %0 : tensor<4xi16>
}

// -----

// CHECK-LABEL: func.func @argmax_last
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
// CHECK:   arith.cmpf oge
// CHECK:   linalg.index 1
// CHECK: tensor.expand_shape
func.func @argmax_last(%x: tensor<3x4xf32>) -> tensor<3x1xi64> {
  %0 = etch.arg_max %x {axis = 1 : i64, select_last_index = true} : (tensor<3x4xf32>) -> tensor<3x1xi64>
  return %0 : tensor<3x1xi64>
}

// -----

// CHECK-LABEL: func.func @reduce_prod
// CHECK: arith.constant 1.000000e+00
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
// CHECK:   arith.mulf
func.func @reduce_prod(%x: tensor<3x4xf32>) -> tensor<4xf32> {
  %0 = etch.reduce_prod %x {axes = array<i64: 0>, keepdims = false} : (tensor<3x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Integer tensors are signless; `is_unsigned` (ONNX uint types) picks the
// unsigned division, max/min and comparisons.
// CHECK-LABEL: func.func @unsigned_ops
// CHECK: linalg.generic
// CHECK:   arith.divui
// CHECK: linalg.generic
// CHECK:   arith.maxui
// CHECK: linalg.generic
// CHECK:   arith.minsi
// CHECK: linalg.generic
// CHECK:   arith.cmpi ult
// CHECK: linalg.generic
// CHECK:   arith.cmpi sge
// CHECK: linalg.generic
// CHECK:   arith.uitofp
func.func @unsigned_ops(%a: tensor<4xi8>, %b: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi1>, tensor<4xi1>, tensor<4xf32>) {
  %0 = etch.div %a, %b {is_unsigned} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %1 = etch.max %0, %b {is_unsigned} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %2 = etch.min %1, %a : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %3 = etch.less %2, %a {is_unsigned} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi1>
  %4 = etch.greater_or_equal %2, %a : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi1>
  %5 = etch.cast %2 {unsigned_input = true} : (tensor<4xi8>) -> tensor<4xf32>
  return %2, %3, %4, %5 : tensor<4xi8>, tensor<4xi1>, tensor<4xi1>, tensor<4xf32>
}

// -----

// The fixed-point requantization (--requant=fixedpoint): one elementwise
// generic, the multiplier and shift broadcast per channel; the doubling
// high multiply in i64 (rounded half away from zero by a truncating divide),
// then the rounding shift right.
// CHECK-LABEL: func.func @fixed_point_mul
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%{{.+}}, %{{.+}}, %{{.+}} : tensor<1x4x2x2xi32>, tensor<1x4x1x1xi32>, tensor<1x4x1x1xi32>)
// CHECK:   arith.maxsi
// CHECK:   arith.shli
// CHECK:   arith.extsi %{{.+}} : i32 to i64
// CHECK:   arith.muli %{{.+}} : i64
// CHECK:   arith.divsi %{{.+}} : i64
// CHECK:   arith.trunci
// CHECK:   arith.shrsi
func.func @fixed_point_mul(%x: tensor<1x4x2x2xi32>, %m: tensor<1x4x1x1xi32>, %s: tensor<1x4x1x1xi32>) -> tensor<1x4x2x2xi32> {
  %0 = etch.fixed_point_mul %x, %m, %s : (tensor<1x4x2x2xi32>, tensor<1x4x1x1xi32>, tensor<1x4x1x1xi32>) -> tensor<1x4x2x2xi32>
  return %0 : tensor<1x4x2x2xi32>
}
