// RUN: etch-opt --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(etch-verify-linalg-contract)' %s | FileCheck %s

// Linalg on static tensors passes unchanged.
// CHECK-LABEL: func.func @ok
// CHECK: linalg.generic
func.func @ok(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %1 = math.tanh %in : f32
    linalg.yield %1 : f32
  } -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @leftover_etch(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'etch.relu' is not allowed after the linalg phase}}
  %0 = etch.relu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @other_dialect(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'scf.for' is not allowed after the linalg phase}}
  %0 = scf.for %i = %c0 to %c4 step %c1 iter_args(%a = %x) -> tensor<4xf32> {
    scf.yield %a : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

// expected-error @+1 {{block argument of type 'tensor<?xf32>' is not statically shaped}}
func.func @dynamic_arg(%x: tensor<?xf32>) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}

// -----

func.func @dynamic_result(%x: tensor<4xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{result of type 'tensor<?xf32>' is not statically shaped}}
  %0 = tensor.cast %x : tensor<4xf32> to tensor<?xf32>
  return %0 : tensor<?xf32>
}
