// RUN: etch-opt --pass-pipeline='builtin.module(func.func(etch-common-approximate-math{native-rounding=true}))' %s | FileCheck %s
// RUN: etch-opt --pass-pipeline='builtin.module(func.func(etch-common-approximate-math))' %s | FileCheck %s --check-prefix=EXPAND

// On targets with rounding instructions (x86 SSE4.1 roundps/vrndscaleps,
// AArch64 frint*) roundeven/floor/ceil/trunc stay for LLVM to select; the
// rest is expanded as everywhere (round has no x86 instruction, exp is a
// polynomial). Without the option all of them are expanded.
// CHECK-LABEL: func.func @rounding
// CHECK-DAG:   math.roundeven %{{.+}} : vector<16xf32>
// CHECK-DAG:   math.floor %{{.+}} : vector<16xf32>
// CHECK-DAG:   math.ceil %{{.+}} : f64
// CHECK-DAG:   math.trunc %{{.+}} : f32
// CHECK-NOT:   math.round %
// CHECK-NOT:   math.exp
// CHECK:       return
// EXPAND-LABEL: func.func @rounding
// EXPAND-NOT:   math.roundeven
// EXPAND-NOT:   math.floor
// EXPAND-NOT:   math.ceil
// EXPAND-NOT:   math.trunc
// EXPAND:       return
func.func @rounding(%v: vector<16xf32>, %d: f64, %x: f32)
    -> (vector<16xf32>, vector<16xf32>, f64, f32, f32, f32) {
  %0 = math.roundeven %v : vector<16xf32>
  %1 = math.floor %v : vector<16xf32>
  %2 = math.ceil %d : f64
  %3 = math.trunc %x : f32
  %4 = math.round %x : f32
  %5 = math.exp %x : f32
  return %0, %1, %2, %3, %4, %5 : vector<16xf32>, vector<16xf32>, f64, f32, f32, f32
}
