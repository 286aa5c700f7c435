// RUN: etch-opt --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{target-triple=x86_64-unknown-linux-gnu target-cpu=haswell})' %s

// Schedules given by a user or tuner are verified against their op.

func.func @wrong_loop_count(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{etch.schedule describes 4 loops but the op has 3}}
  %r = linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = [[4, 4, 0, 0]]>}
     ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// -----

func.func @reduction_at_level0(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{etch.schedule tile level 0 tiles reduction loop 2; level 2 tiles those}}
  %r = linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = [[4, 4, 2]]>}
     ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// -----

func.func @parallel_at_level2(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{etch.schedule tile level 2 tiles parallel loop 0; level 0/1 tiles those}}
  %r = linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = [[0, 0, 0], [0, 0, 0], [2, 0, 4]]>}
     ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// -----

func.func @wrong_kind(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{etch.schedule kind 'conv' does not match the op (expected 'matmul')}}
  %r = linalg.matmul {etch.schedule = #etch.schedule<kind = conv, tile = [[4, 4, 0]]>}
     ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// -----

func.func @reduction_parallel_dim(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error @+1 {{etch.schedule parallel dim 2 is not a parallel loop of the op}}
  %r = linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = [[4, 4, 0]], parallel = [0, 2]>}
     ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}
