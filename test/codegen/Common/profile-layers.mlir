// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-common-profile-layers)' %s | FileCheck %s

// FLOPs from static loop ranges times float payload ops: the matmul is
// 2*M*N*K = 2*4*16*8 = 1024, the exp 4*16 = 64 plus the max of the fused
// node's second op (64 more, one name); integer payload ops do not count.
// The op noted after import is kept.
// CHECK: module attributes {etch.profile.nodes = {
// CHECK-SAME: idx = {flops = 0 : i64}
// CHECK-SAME: mm = {flops = 1024 : i64, op = "matmul"}
// CHECK-SAME: relu = {flops = 128 : i64}
#map = affine_map<(d0, d1) -> (d0, d1)>
module attributes {etch.profile.nodes = {mm = {op = "matmul"}}} {
  func.func @main(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %i: tensor<4xi32>) -> (tensor<4x16xf32>, tensor<4xi32>) {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<4x16xf32>
    %c = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32> loc("mm")
    %m = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32> loc("mm")
    %x = linalg.exp ins(%m : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32> loc(fused["relu", "exp"])
    %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}
        ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
    ^bb0(%in: f32, %out: f32):
      %y = arith.maximumf %in, %zero : f32
      linalg.yield %y : f32
    } -> tensor<4x16xf32> loc("relu")
    %ie = tensor.empty() : tensor<4xi32>
    %j = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
        ins(%i : tensor<4xi32>) outs(%ie : tensor<4xi32>) {
    ^bb0(%in: i32, %out: i32):
      %k = arith.addi %in, %in : i32
      linalg.yield %k : i32
    } -> tensor<4xi32> loc("idx")
    return %r, %j : tensor<4x16xf32>, tensor<4xi32>
  }
}
