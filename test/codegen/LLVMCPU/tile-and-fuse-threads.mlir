// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-llvmcpu-tile-and-fuse{threads=2}))' %s | FileCheck %s
// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512 threads=2})' %s | FileCheck %s --check-prefix=SELECT

// Threads share the level-0 tiles of the `parallel` loops that level 0
// tiles (rows by 8; columns are not tiled at level 0): a forall over the two
// whole row tiles with the bias+relu chain and the fill fused, then the
// 4-row remainder as straight-line code after it; both keep static shapes.
// CHECK-LABEL: func.func @matmul_bias_relu
// CHECK: %[[F:.+]] = scf.forall (%[[I:.+]]) = (0) to (16) step (8) shared_outs(%[[O:.+]] = %{{.+}}) -> (tensor<20x16xf32>)
// CHECK:   scf.for
// CHECK:     linalg.fill {{.*}} -> tensor<4x8xf32>
// CHECK:     linalg.matmul {{.*}} -> tensor<4x8xf32>
// CHECK:     linalg.generic
// CHECK:   scf.forall.in_parallel
// CHECK:     tensor.parallel_insert_slice %{{.+}} into %[[O]][%[[I]], 0] [8, 16] [1, 1] : tensor<8x16xf32> into tensor<20x16xf32>
// CHECK: tensor.extract_slice %[[F]][16, 0] [4, 16] [1, 1]
// CHECK: linalg.matmul {{.*}} -> tensor<4x8xf32>
// CHECK: tensor.insert_slice %{{.+}} into %[[F]][16, 0] [4, 16] [1, 1]
// CHECK-NOT: tensor<?x

// A schedule given by a tuner keeps its own `parallel` loops.
// SELECT-LABEL: func.func @matmul_bias_relu
// SELECT: linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = {{\[}}[8, 0, 0], [4, 8, 0], [0, 0, 2]], parallel = [0, 1]>}
func.func @matmul_bias_relu(%a: tensor<20x16xf32>, %b: tensor<16x16xf32>, %bias: tensor<16xf32>) -> tensor<20x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<20x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<20x16xf32>) -> tensor<20x16xf32>
  %c = linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = [[8, 0, 0], [4, 8, 0], [0, 0, 2]], parallel = [0, 1]>}
     ins(%a, %b : tensor<20x16xf32>, tensor<16x16xf32>) outs(%f : tensor<20x16xf32>) -> tensor<20x16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
     ins(%c, %bias : tensor<20x16xf32>, tensor<16xf32>) outs(%e : tensor<20x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<20x16xf32>
  return %r : tensor<20x16xf32>
}

// -----

// Selection for 2 threads keeps the register and reduction tiles and names
// one distributed loop: the rows, the first loop with an even number of
// level-0 tiles; level 0 did not tile them, so they get the register tile
// (8 tiles of 8 rows).
// SELECT-LABEL: func.func @matmul_fresh
// SELECT: linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = {{\[}}[8, 0, 0], [8, 32, 0], [0, 0, 8]], vector = [8, 32, 8], parallel = [0]>}
func.func @matmul_fresh(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %c = linalg.matmul ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>) outs(%f : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %c : tensor<64x64xf32>
}
