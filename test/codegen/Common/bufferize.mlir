// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-common-bufferize)' %s | FileCheck %s

// The result is computed straight into the out-param (no alloc, no copy);
// the out-param keeps the result's name and is marked etch.output.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.+]]: memref<4xf32> {etch.name = "x"}, %[[Y:.+]]: memref<4xf32> {etch.name = "y", etch.output})
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.copy
// CHECK: linalg.exp ins(%[[X]] : memref<4xf32>) outs(%[[Y]] : memref<4xf32>)
// CHECK-NEXT: return
// CHECK-NOT: bufferization.writable
func.func @main(%x: tensor<4xf32> {etch.name = "x"}) -> (tensor<4xf32> {etch.name = "y"}) {
  %e = bufferization.alloc_tensor() : tensor<4xf32>
  %y = linalg.exp ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Inputs are never written in place: an op whose init is an input gets a
// copy of it instead.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.+]]: memref<4xf32> {etch.name = "x"}, %[[Y:.+]]: memref<4xf32> {etch.name = "y", etch.output})
// CHECK: memref.copy %[[X]], %[[Y]]
// CHECK: linalg.generic {{.*}} outs(%[[Y]] : memref<4xf32>)
func.func @main(%x: tensor<4xf32> {etch.name = "x"}) -> (tensor<4xf32> {etch.name = "y"}) {
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      outs(%x : tensor<4xf32>) {
  ^bb0(%o: f32):
    %n = arith.negf %o : f32
    linalg.yield %n : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Identity and constant results are copied into the out-params; constants
// become private read-only globals; two outputs keep their order.
// CHECK: memref.global "private" constant @{{.+}} : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]>
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.+]]: memref<2xf32> {etch.name = "x"}, %[[A:.+]]: memref<2xf32> {etch.name = "a", etch.output}, %[[B:.+]]: memref<2xf32> {etch.name = "b", etch.output})
// CHECK-DAG: memref.copy %[[X]], %[[A]]
// CHECK-DAG: %[[G:.+]] = memref.get_global
// CHECK-DAG: memref.copy %[[G]], %[[B]]
func.func @main(%x: tensor<2xf32> {etch.name = "x"}) -> (tensor<2xf32> {etch.name = "a"}, tensor<2xf32> {etch.name = "b"}) {
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %x, %c : tensor<2xf32>, tensor<2xf32>
}
