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

// -----

// A depthwise NCHW conv's loops are (n, oh, ow, c, kh, kw) but it is tiled in
// its output's order, channel block by channel block: the threads share the
// channel blocks (the outermost level-0 loop), not the rows of all channels,
// which would make both threads stride over every channel plane at once.
// SELECT-LABEL: func.func @depthwise_threads
// SELECT: linalg.depthwise_conv_2d_nchw_chw {{.*}}etch.schedule = #etch.schedule<kind = depthwise, {{.*}}parallel = [3]>
func.func @depthwise_threads(%in: tensor<1x256x16x16xf32>, %w: tensor<256x3x3xf32>) -> tensor<1x256x14x14xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x256x14x14xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x256x14x14xf32>) -> tensor<1x256x14x14xf32>
  %c = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x256x16x16xf32>, tensor<256x3x3xf32>) outs(%f : tensor<1x256x14x14xf32>) -> tensor<1x256x14x14xf32>
  return %c : tensor<1x256x14x14xf32>
}
