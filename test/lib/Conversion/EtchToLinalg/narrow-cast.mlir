// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-convert-etch-to-linalg))' --mlir-print-local-scope %s | FileCheck %s

// Float8 results: the f32 bits rounded to nearest even with integer ops,
// then the format's overflow code (saturate: the largest finite, 0x7E for
// f8E4M3FN) and NaN (0x7F), bitcast from i8.
// CHECK-LABEL: func.func @to_e4m3fn
// CHECK: linalg.generic
// CHECK:   arith.bitcast %{{.+}} : f32 to i32
// CHECK:   arith.shrui
// CHECK:   arith.cmpi ugt
// CHECK:   arith.constant 126 : i32
// CHECK:   arith.constant 127 : i32
// CHECK:   arith.trunci %{{.+}} : i32 to i8
// CHECK:   arith.bitcast %{{.+}} : i8 to f8E4M3FN
// CHECK-NOT: arith.truncf
func.func @to_e4m3fn(%x: tensor<4xf32>) -> tensor<4xf8E4M3FN> {
  %0 = etch.cast %x : (tensor<4xf32>) -> tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

// Without saturate f8E5M2 overflows to infinity (0x7C).
// CHECK-LABEL: func.func @to_e5m2_no_saturate
// CHECK: arith.extf %{{.+}} : f16 to f32
// CHECK: arith.constant 124 : i32
// CHECK: arith.bitcast %{{.+}} : i8 to f8E5M2
func.func @to_e5m2_no_saturate(%x: tensor<4xf16>) -> tensor<4xf8E5M2> {
  %0 = etch.cast %x {saturate = false} : (tensor<4xf16>) -> tensor<4xf8E5M2>
  return %0 : tensor<4xf8E5M2>
}

// -----

// Float8 inputs decode to f32 (exponent rebias; subnormals by a multiply)
// before an ordinary cast.
// CHECK-LABEL: func.func @from_e4m3fnuz
// CHECK: linalg.generic
// CHECK:   arith.bitcast %{{.+}} : f8E4M3FNUZ to i8
// CHECK:   arith.extui %{{.+}} : i8 to i32
// CHECK:   arith.uitofp
// CHECK:   arith.mulf
// CHECK:   arith.bitcast %{{.+}} : i32 to f32
// CHECK:   arith.truncf %{{.+}} : f32 to f16
func.func @from_e4m3fnuz(%x: tensor<4xf8E4M3FNUZ>) -> tensor<4xf16> {
  %0 = etch.cast %x : (tensor<4xf8E4M3FNUZ>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// f8E8M0FNU is the f32 exponent; round_mode "up" adds one for any mantissa.
// CHECK-LABEL: func.func @to_e8m0
// CHECK: arith.constant 8388607 : i32
// CHECK: arith.cmpi ne
// CHECK: arith.bitcast %{{.+}} : i8 to f8E8M0FNU
func.func @to_e8m0(%x: tensor<4xf32>) -> tensor<4xf8E8M0FNU> {
  %0 = etch.cast %x : (tensor<4xf32>) -> tensor<4xf8E8M0FNU>
  return %0 : tensor<4xf8E8M0FNU>
}

// -----

// int4 in an i8: a float out of [-8, 7] casts to 0; an integer wraps to its
// low four bits, sign-extended.
// CHECK-LABEL: func.func @to_int4
// CHECK: linalg.generic
// CHECK-DAG:   arith.cmpf ogt
// CHECK-DAG:   arith.cmpf olt
// CHECK:   arith.select
// CHECK:   arith.fptosi
// CHECK: linalg.generic
// CHECK:   arith.trunci %{{.+}} : i32 to i8
// CHECK:   arith.shli
// CHECK:   arith.shrsi
func.func @to_int4(%x: tensor<4xf32>, %y: tensor<4xi32>) -> (tensor<4xi8>, tensor<4xi8>) {
  %0 = etch.cast %x {output_storage = "i4"} : (tensor<4xf32>) -> tensor<4xi8>
  %1 = etch.cast %y {output_storage = "i4"} : (tensor<4xi32>) -> tensor<4xi8>
  return %0, %1 : tensor<4xi8>, tensor<4xi8>
}

// -----

// float4e2m1's codes in an i8 decode like a float8.
// CHECK-LABEL: func.func @from_f4
// CHECK: linalg.generic
// CHECK:   arith.extui %{{.+}} : i8 to i32
// CHECK:   arith.bitcast %{{.+}} : i32 to f32
func.func @from_f4(%x: tensor<4xi8>) -> tensor<4xf32> {
  %0 = etch.cast %x {input_storage = "f4E2M1FN"} : (tensor<4xi8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
