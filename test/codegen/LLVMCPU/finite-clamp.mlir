// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-llvmcpu-vectorize))' %s | FileCheck %s

// A float requantization's clamp: int32 accumulator -> f32, times a finite
// scale, rounded, plus the zero point, clamped to [0, 255], converted to
// uint8. No operand can be NaN and only the integer conversion sees the
// result, so maximumf/minimumf (NaN-propagating, -0 < +0: compare and blend
// on x86) become maxnumf/minnumf with nnan (one vmaxps/vminps).
// CHECK-LABEL: func.func @requant_clamp
// CHECK-NOT:   arith.maximumf
// CHECK-NOT:   arith.minimumf
// CHECK:       arith.maxnumf %{{.+}}, %{{.+}} fastmath<nnan> : vector<16xf32>
// CHECK:       arith.minnumf %{{.+}}, %{{.+}} fastmath<nnan> : vector<16xf32>
// CHECK:       arith.fptoui
func.func @requant_clamp(%acc: vector<16xi32>) -> vector<16xi8> {
  %scale = arith.constant dense<[0.5, 0.25, 0.125, 0.0625, 0.5, 0.25, 0.125, 0.0625, 0.5, 0.25, 0.125, 0.0625, 0.5, 0.25, 0.125, 0.0625]> : vector<16xf32>
  %zp = arith.constant dense<3.0> : vector<16xf32>
  %lo = arith.constant dense<0.0> : vector<16xf32>
  %hi = arith.constant dense<255.0> : vector<16xf32>
  %f = arith.sitofp %acc : vector<16xi32> to vector<16xf32>
  %s = arith.mulf %f, %scale : vector<16xf32>
  %r = math.roundeven %s : vector<16xf32>
  %z = arith.addf %r, %zp : vector<16xf32>
  %a = arith.maximumf %z, %lo : vector<16xf32>
  %b = arith.minimumf %a, %hi : vector<16xf32>
  %q = arith.fptoui %b : vector<16xf32> to vector<16xi8>
  return %q : vector<16xi8>
}

// -----

// A Max whose operand may be NaN (a function argument), and a clamp whose
// float result is returned (the sign of a zero is observable): unchanged.
// CHECK-LABEL: func.func @kept
// CHECK:       arith.maximumf
// CHECK:       arith.minimumf
// CHECK-NOT:   arith.maxnumf
// CHECK-NOT:   arith.minnumf
func.func @kept(%x: vector<16xf32>, %acc: vector<16xi32>) -> (vector<16xi8>, vector<16xf32>) {
  %lo = arith.constant dense<0.0> : vector<16xf32>
  %hi = arith.constant dense<255.0> : vector<16xf32>
  %a = arith.maximumf %x, %lo : vector<16xf32>
  %q = arith.fptoui %a : vector<16xf32> to vector<16xi8>
  %f = arith.sitofp %acc : vector<16xi32> to vector<16xf32>
  %b = arith.minimumf %f, %hi : vector<16xf32>
  return %q, %b : vector<16xi8>, vector<16xf32>
}
