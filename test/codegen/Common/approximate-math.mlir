// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-common-approximate-math))' %s | FileCheck %s

// Nothing that lowers to a libm call survives; sqrt/abs/copysign (single
// instructions) do, and fma becomes a contractable mul+add.
// CHECK-LABEL: func.func @scalar
// CHECK-NOT: math.exp
// CHECK-NOT: math.log
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK-NOT: math.floor
// CHECK-NOT: math.ceil
// CHECK-NOT: math.trunc
// CHECK-NOT: math.round
// CHECK-NOT: math.powf
// CHECK-NOT: math.sin
// CHECK-NOT: math.fma
// CHECK-NOT: arith.remf
// CHECK: math.sqrt
// CHECK: return
func.func @scalar(%x: f32, %y: f32) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32) {
  %0 = math.exp %x : f32
  %1 = math.log %x : f32
  %2 = math.tanh %x : f32
  %3 = math.erf %x : f32
  %4 = math.floor %x : f32
  %5 = math.ceil %x : f32
  %6 = math.trunc %x : f32
  %7 = math.round %x : f32
  %8 = math.powf %x, %y : f32
  %9 = math.sin %x : f32
  %10 = math.fma %x, %y, %x : f32
  %11 = arith.remf %x, %y : f32
  %12 = math.sqrt %x : f32
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12 : f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32
}

// -----

// Vectors too; fma keeps its fused intent as `contract`.
// CHECK-LABEL: func.func @vector
// CHECK-NOT: math.exp
// CHECK: arith.mulf {{.*}} fastmath<contract> : vector<8xf32>
// CHECK-NOT: math.fma
// CHECK: return
func.func @vector(%x: vector<8xf32>) -> vector<8xf32> {
  %0 = math.exp %x : vector<8xf32>
  return %0 : vector<8xf32>
}

// -----

// floor = trunc - (trunc > x), where trunc round-trips through an integer
// only below 2^23.
// CHECK-LABEL: func.func @floor
// CHECK-DAG: arith.fptosi %{{.+}} : f32 to i32
// CHECK-DAG: arith.constant 0x4B000000 : f32
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ogt
// CHECK: arith.subf
// CHECK: arith.select
func.func @floor(%x: f32) -> f32 {
  %0 = math.floor %x : f32
  return %0 : f32
}

// -----

// f64 (upstream approximates f32 only): exp, expm1, log, log1p, log2, log10
// and tanh become arith; exp scales by 2^k through the exponent bits.
// CHECK-LABEL: func.func @f64
// CHECK-NOT: math.exp
// CHECK-NOT: math.log
// CHECK-NOT: math.tanh
// CHECK-NOT: math.floor
// CHECK: arith.shli
// CHECK: arith.bitcast {{.*}} : vector<4xi64> to vector<4xf64>
func.func @f64(%x: f64, %v: vector<4xf64>) -> (f64, f64, f64, f64, f64, f64, vector<4xf64>) {
  %0 = math.exp %x : f64
  %1 = math.expm1 %x : f64
  %2 = math.log %x : f64
  %3 = math.log1p %x : f64
  %4 = math.log2 %x : f64
  %5 = math.log10 %x : f64
  %6 = math.tanh %v : vector<4xf64>
  return %0, %1, %2, %3, %4, %5, %6 : f64, f64, f64, f64, f64, f64, vector<4xf64>
}
