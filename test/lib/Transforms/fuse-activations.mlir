// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-graph-fuse-activations)' --mlir-print-debuginfo --mlir-print-local-scope %s | FileCheck %s

// CHECK-LABEL: func.func @conv_relu
// CHECK: %[[C:.+]] = etch.conv %{{.+}}, %{{.+}} {activation = #etch.activation<relu>, {{.*}}} : {{.*}} loc(fused["conv", "relu"])
// CHECK-NOT: etch.relu
// CHECK: return %[[C]]
func.func @conv_relu(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %0 = etch.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> loc("conv")
  %1 = etch.relu %0 : tensor<1x4x6x6xf32> loc("relu")
  return %1 : tensor<1x4x6x6xf32>
}

// -----

// Clip's bounds become act_alpha/act_beta.
// CHECK-LABEL: func.func @gemm_clip
// CHECK: etch.gemm {{.*}}{act_beta = 6.000000e+00 : f32, activation = #etch.activation<clip>, trans_b = true}
// CHECK-NOT: etch.clip
func.func @gemm_clip(%a: tensor<2x4xf32>, %b: tensor<5x4xf32>) -> tensor<2x5xf32> {
  %0 = etch.gemm %a, %b {trans_b = true} : (tensor<2x4xf32>, tensor<5x4xf32>) -> tensor<2x5xf32>
  %1 = etch.clip %0 {min = 0.0 : f32, max = 6.0 : f32} : tensor<2x5xf32>
  return %1 : tensor<2x5xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_leaky_add_hard_sigmoid
// CHECK: etch.matmul {{.*}}{act_alpha = 2.000000e-01 : f32, activation = #etch.activation<leaky_relu>}
// CHECK: etch.add {{.*}}{act_alpha = 3.000000e-01 : f32, act_beta = 4.000000e-01 : f32, activation = #etch.activation<hard_sigmoid>}
// CHECK-NOT: etch.leaky_relu
// CHECK-NOT: etch.hard_sigmoid
func.func @matmul_leaky_add_hard_sigmoid(%a: tensor<2x4xf32>, %b: tensor<4x5xf32>, %c: tensor<5xf32>) -> tensor<2x5xf32> {
  %0 = etch.matmul %a, %b : (tensor<2x4xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  %1 = etch.leaky_relu %0 {alpha = 0.2 : f32} : tensor<2x5xf32>
  %2 = etch.add %1, %c : (tensor<2x5xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  %3 = etch.hard_sigmoid %2 {alpha = 0.3 : f32, beta = 0.4 : f32} : tensor<2x5xf32>
  return %3 : tensor<2x5xf32>
}

// -----

// Sigmoid, tanh and hard_swish fuse too.
// CHECK-LABEL: func.func @more_kinds
// CHECK: etch.add {{.*}}activation = #etch.activation<sigmoid>
// CHECK: etch.add {{.*}}activation = #etch.activation<tanh>
// CHECK: etch.add {{.*}}activation = #etch.activation<hard_swish>
func.func @more_kinds(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = etch.add %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = etch.sigmoid %0 : tensor<4xf32>
  %2 = etch.add %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = etch.tanh %2 : tensor<4xf32>
  %4 = etch.add %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %5 = etch.hard_swish %4 : tensor<4xf32>
  return %1, %3, %5 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Not fused: the producer has a second use, already has an activation,
// cannot absorb one (sub), or computes on integers.
// CHECK-LABEL: func.func @not_fused
// CHECK: %[[A:.+]] = etch.add
// CHECK: etch.relu %[[A]]
// CHECK: %[[B:.+]] = etch.add {{.*}}activation = #etch.activation<relu>
// CHECK: etch.sigmoid %[[B]]
// CHECK: %[[S:.+]] = etch.sub
// CHECK: etch.relu %[[S]]
// CHECK: %[[I:.+]] = etch.add %{{.+}}, %{{.+}} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
// CHECK: etch.relu %[[I]]
func.func @not_fused(%a: tensor<4xf32>, %i: tensor<4xi8>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi8>) {
  %0 = etch.add %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = etch.relu %0 : tensor<4xf32>
  %2 = etch.add %a, %a {activation = #etch.activation<relu>} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = etch.sigmoid %2 : tensor<4xf32>
  %4 = etch.sub %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %5 = etch.relu %4 : tensor<4xf32>
  %6 = etch.add %i, %i : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %7 = etch.relu %6 : tensor<4xi8>
  return %0, %1, %3, %5, %7 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xi8>
}
