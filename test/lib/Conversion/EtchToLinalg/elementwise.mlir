// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-convert-etch-to-linalg))' --mlir-print-local-scope %s | FileCheck %s

// NumPy broadcasting: the [3, 1] operand reads column 0; the fused
// leaky_relu is in the same generic.
// CHECK-LABEL: func.func @add_broadcast_act
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK:   %[[SUM:.+]] = arith.addf
// CHECK:   %[[GE:.+]] = arith.cmpf oge, %[[SUM]]
// CHECK:   %[[ALPHA:.+]] = arith.constant 1.000000e-01 : f32
// CHECK:   %[[NEG:.+]] = arith.mulf %[[SUM]], %[[ALPHA]]
// CHECK:   %[[R:.+]] = arith.select %[[GE]], %[[SUM]], %[[NEG]]
// CHECK:   linalg.yield %[[R]]
func.func @add_broadcast_act(%a: tensor<2x3x4xf32>, %b: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = etch.add %a, %b {activation = #etch.activation<leaky_relu>, act_alpha = 0.1 : f32} : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @int_ops
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (0)>, affine_map<(d0) -> (d0)>]
// CHECK:   arith.divsi
// CHECK: linalg.generic
// CHECK:   arith.maxsi
func.func @int_ops(%a: tensor<4xi64>, %b: tensor<1xi64>) -> tensor<4xi64> {
  %0 = etch.div %a, %b : (tensor<4xi64>, tensor<1xi64>) -> tensor<4xi64>
  %1 = etch.max %0, %b : (tensor<4xi64>, tensor<1xi64>) -> tensor<4xi64>
  return %1 : tensor<4xi64>
}

// -----

// CHECK-LABEL: func.func @binary_float
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.divf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
func.func @binary_float(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = etch.sub %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = etch.mul %0, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = etch.div %1, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = etch.max %2, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = etch.min %3, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @unary
// CHECK: linalg.generic
// CHECK:   math.tanh
// HardSwish: x * max(0, min(1, x * (1/6) + 0.5)).
// CHECK: linalg.generic
// CHECK:   %[[SIXTH:.+]] = arith.constant 0.166666672 : f32
// CHECK:   %[[M:.+]] = arith.mulf %[[X:.+]], %[[SIXTH]]
// CHECK:   %[[A:.+]] = arith.addf %[[M]]
// CHECK:   %[[LO:.+]] = arith.minimumf %[[A]]
// CHECK:   %[[HI:.+]] = arith.maximumf %[[LO]]
// CHECK:   arith.mulf %[[X]], %[[HI]]
// HardSigmoid with its alpha/beta.
// CHECK: linalg.generic
// CHECK:   arith.constant 2.500000e-01 : f32
// CHECK:   arith.constant 4.000000e-01 : f32
// CHECK:   arith.minimumf
// CHECK:   arith.maximumf
// Clip without a lower bound: only minimumf.
// CHECK: linalg.generic
// CHECK-NOT: arith.maximumf
// CHECK:   arith.minimumf
// CHECK: return
// Sigmoid and relu.
// CHECK-LABEL: func.func @sigmoid_relu
// CHECK: arith.negf
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: arith.maximumf
func.func @unary(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = etch.tanh %x : tensor<8xf32>
  %1 = etch.hard_swish %0 : tensor<8xf32>
  %2 = etch.hard_sigmoid %1 {alpha = 0.25 : f32, beta = 0.4 : f32} : tensor<8xf32>
  %3 = etch.clip %2 {max = 6.0 : f32} : tensor<8xf32>
  return %3 : tensor<8xf32>
}
func.func @sigmoid_relu(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = etch.sigmoid %x : tensor<8xf32>
  %1 = etch.relu %0 : tensor<8xf32>
  return %1 : tensor<8xf32>
}

// -----

// Constant BatchNorm parameters: scale = gamma / sqrt(var + eps) and
// shift = beta - mean * scale are computed at compile time.
// CHECK-LABEL: func.func @batch_norm_const
// CHECK-DAG: %[[SCALE:.+]] = arith.constant dense<[5.000000e-01, 4.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[SHIFT:.+]] = arith.constant dense<[5.000000e-01, -4.500000e+00]> : tensor<2xf32>
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins(%{{.+}}, %[[SCALE]], %[[SHIFT]] :
// CHECK:   arith.mulf
// CHECK:   arith.addf
func.func @batch_norm_const(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %s = etch.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = etch.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %m = etch.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %v = etch.constant dense<[4.0, 0.25]> : tensor<2xf32>
  %0 = etch.batch_norm %x, %s, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// Non-constant parameters: a per-channel generic computes scale and shift.
// CHECK-LABEL: func.func @batch_norm_dynamic
// CHECK: %[[P:.+]]:2 = linalg.generic
// CHECK:   math.sqrt
// CHECK:   linalg.yield %{{.+}}, %{{.+}} : f32, f32
// CHECK: linalg.generic {{.*}} ins(%{{.+}}, %[[P]]#0, %[[P]]#1 :
func.func @batch_norm_dynamic(%x: tensor<1x2x3xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<1x2x3xf32> {
  %0 = etch.batch_norm %x, %s, %b, %m, %v : (tensor<1x2x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3xf32>
  return %0 : tensor<1x2x3xf32>
}

// -----

// Constants keep their resource blob; identity forwards its input.
// CHECK-LABEL: func.func @constant_identity
// CHECK: %[[C:.+]] = arith.constant dense_resource<weights> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @constant_identity() -> tensor<2x2xf32> {
  %0 = etch.constant dense_resource<weights> : tensor<2x2xf32>
  %1 = etch.identity %0 : tensor<2x2xf32>
  return %1 : tensor<2x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// Integer clip: bounds rounded inward (x >= -3.5 is x >= -3 on integers).
// CHECK-LABEL: func.func @int8_clip_relu
// CHECK: %[[LO:.+]] = arith.constant -3 : i8
// CHECK: arith.maxsi %{{.+}}, %[[LO]] : i8
// CHECK: %[[HI:.+]] = arith.constant 100 : i8
// CHECK: arith.minsi %{{.+}}, %[[HI]] : i8
// CHECK: %[[Z:.+]] = arith.constant 0 : i8
// CHECK: arith.maxsi %{{.+}}, %[[Z]] : i8
func.func @int8_clip_relu(%a: tensor<4xi8>) -> tensor<4xi8> {
  %0 = etch.clip %a {min = -3.5 : f32, max = 100.0 : f32} : tensor<4xi8>
  %1 = etch.relu %0 : tensor<4xi8>
  return %1 : tensor<4xi8>
}
