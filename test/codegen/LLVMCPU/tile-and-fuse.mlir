// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-llvmcpu-tile-and-fuse))' %s | FileCheck %s

// Register tile 4x8 with the fill fused, then the reduction tiled by 2.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG:   %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG:   %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG:   %[[C8:.+]] = arith.constant 8 : index
// CHECK:       scf.for %{{.+}} = %{{.+}} to %{{.+}} step %[[C4]]
// CHECK:         scf.for %{{.+}} = %{{.+}} to %{{.+}} step %[[C8]]
// CHECK:           %[[FILL:.+]] = linalg.fill {{.*}} -> tensor<4x8xf32>
// CHECK:           scf.for %{{.+}} = %{{.+}} to %{{.+}} step %[[C2]] iter_args(%{{.+}} = %[[FILL]])
// CHECK:             linalg.matmul {{.*}} ins(%{{.+}}, %{{.+}} : tensor<4x2xf32>, tensor<2x8xf32>) outs(%{{.+}} : tensor<4x8xf32>)
// CHECK-NOT:   linalg.fill
func.func @matmul(%a: tensor<8x16xf32>, %b: tensor<16x16xf32>) -> tensor<8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  %c = linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = [[0, 0, 0], [4, 8, 0], [0, 0, 2]]>}
     ins(%a, %b : tensor<8x16xf32>, tensor<16x16xf32>) outs(%f : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %c : tensor<8x16xf32>
}

// -----

// Static sizes that the tiles do not divide: loops are peeled, every tile
// (full and partial) has a static shape.
// CHECK-LABEL: func.func @matmul_remainders
// CHECK-DAG: linalg.matmul {{.*}} -> tensor<4x8xf32>
// CHECK-DAG: linalg.matmul {{.*}} -> tensor<4x5xf32>
// CHECK-DAG: linalg.matmul {{.*}} -> tensor<3x8xf32>
// CHECK-DAG: linalg.matmul {{.*}} -> tensor<3x5xf32>
// CHECK-DAG: linalg.matmul {{.*}} ins(%{{.+}}, %{{.+}} : tensor<4x1xf32>, tensor<1x8xf32>)
// CHECK-NOT: tensor<?x
func.func @matmul_remainders(%a: tensor<7x5xf32>, %b: tensor<5x13xf32>, %c: tensor<7x13xf32>) -> tensor<7x13xf32> {
  %r = linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = [[0, 0, 0], [4, 8, 0], [0, 0, 2]]>}
     ins(%a, %b : tensor<7x5xf32>, tensor<5x13xf32>) outs(%c : tensor<7x13xf32>) -> tensor<7x13xf32>
  return %r : tensor<7x13xf32>
}

// -----

// Conv + bias + relu: the elementwise consumer chain is tiled at level 0
// (output channels by 16, one output row), the conv and the fill are fused
// into its tiles, then the register tile 8x8 and the reduction loops
// (c by 4, kh, kw by 1). The bias/relu generic stays outside the reduction
// loops but inside the register tile.
// CHECK-LABEL: func.func @conv_bias_relu
// CHECK:       scf.for
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               linalg.fill {{.*}} -> tensor<1x8x1x8xf32>
// CHECK:               scf.for
// CHECK:                 scf.for
// CHECK:                   scf.for
// CHECK:                     linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.+}}, %{{.+}} : tensor<1x4x1x8xf32>, tensor<8x4x1x1xf32>) outs(%{{.+}} : tensor<1x8x1x8xf32>)
// CHECK:               linalg.generic {{.*}} ins(%{{.+}}, %{{.+}} : tensor<1x8x1x8xf32>, tensor<8xf32>)
// CHECK:                 arith.maximumf
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// CHECK:       return
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bias = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @conv_bias_relu(%in: tensor<1x8x18x18xf32>, %w: tensor<32x8x3x3xf32>, %b: tensor<32xf32>) -> tensor<1x32x16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x32x16x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x32x16x16xf32>) -> tensor<1x32x16x16xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>,
       etch.schedule = #etch.schedule<kind = conv, tile = [[0, 16, 1, 0, 0, 0, 0], [0, 8, 0, 8, 0, 0, 0], [0, 0, 0, 0, 4, 1, 1]]>}
     ins(%in, %w : tensor<1x8x18x18xf32>, tensor<32x8x3x3xf32>) outs(%f : tensor<1x32x16x16xf32>) -> tensor<1x32x16x16xf32>
  %r = linalg.generic {indexing_maps = [#map, #bias, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%c, %b : tensor<1x32x16x16xf32>, tensor<32xf32>) outs(%e : tensor<1x32x16x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x32x16x16xf32>
  return %r : tensor<1x32x16x16xf32>
}

// -----

// A pad producer is not fused (its tiles would overlap); the elementwise
// consumer is.
// CHECK-LABEL: func.func @pad_not_fused
// CHECK:       tensor.pad
// CHECK:       scf.for
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             linalg.pooling_nchw_max {{.*}} -> tensor<1x4x1x6xf32>
// CHECK:         linalg.generic {{.*}} ins(%{{.+}} : tensor<1x4x1x6xf32>)
// CHECK:           math.exp
// CHECK:       return
func.func @pad_not_fused(%in: tensor<1x4x12x12xf32>, %init: tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32> {
  %ninf = arith.constant -3.0e38 : f32
  %p = tensor.pad %in low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x4x12x12xf32> to tensor<1x4x14x14xf32>
  %win = tensor.empty() : tensor<3x3xf32>
  %m = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>,
       etch.schedule = #etch.schedule<kind = pool, tile = [[0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1]]>}
     ins(%p, %win : tensor<1x4x14x14xf32>, tensor<3x3xf32>) outs(%init : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%m : tensor<1x4x6x6xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = math.exp %x : f32
    linalg.yield %y : f32
  } -> tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// -----

// Ops without a schedule are left alone.
// CHECK-LABEL: func.func @no_schedule
// CHECK-NOT:   scf.for
// CHECK:       linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<8x16xf32>, tensor<16x16xf32>)
func.func @no_schedule(%a: tensor<8x16xf32>, %b: tensor<16x16xf32>, %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x16xf32>) outs(%c : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %r : tensor<8x16xf32>
}

// -----

// A quantized conv: i8 operands into an i32 accumulator, requantized to i8
// by consumers that change the element type (i32 -> f32 -> i8). The chain is
// still fused into the conv's tiles, so neither the i32 nor the f32 tensor
// exists whole (only tiles of them).
// CHECK-LABEL: func.func @conv_i8_requant
// CHECK:       scf.for
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               linalg.conv_2d_nchw_fchw {{.*}} ins(%{{.+}}, %{{.+}} : tensor<1x4x1x8xi8>, tensor<8x4x1x1xi8>) outs(%{{.+}} : tensor<1x8x1x8xi32>)
// CHECK:               linalg.generic {{.*}} ins(%{{.+}} : tensor<1x8x1x8xi32>) outs(%{{.+}} : tensor<1x8x1x8xf32>)
// CHECK:                 arith.sitofp
// CHECK:               linalg.generic {{.*}} ins(%{{.+}} : tensor<1x8x1x8xf32>) outs(%{{.+}} : tensor<1x8x1x8xi8>)
// CHECK:                 arith.fptosi
// CHECK-NOT: tensor<1x32x16x16xi32>
// CHECK:       return
#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @conv_i8_requant(%in: tensor<1x8x18x18xi8>, %w: tensor<32x8x3x3xi8>) -> tensor<1x32x16x16xi8> {
  %zero = arith.constant 0 : i32
  %scale = arith.constant 0.25 : f32
  %e = tensor.empty() : tensor<1x32x16x16xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<1x32x16x16xi32>) -> tensor<1x32x16x16xi32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>,
       etch.schedule = #etch.schedule<kind = conv, tile = [[0, 16, 1, 0, 0, 0, 0], [0, 8, 0, 8, 0, 0, 0], [0, 0, 0, 0, 4, 1, 1]]>}
     ins(%in, %w : tensor<1x8x18x18xi8>, tensor<32x8x3x3xi8>) outs(%f : tensor<1x32x16x16xi32>) -> tensor<1x32x16x16xi32>
  %ef = tensor.empty() : tensor<1x32x16x16xf32>
  %s = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%c : tensor<1x32x16x16xi32>) outs(%ef : tensor<1x32x16x16xf32>) {
  ^bb0(%x: i32, %o: f32):
    %v = arith.sitofp %x : i32 to f32
    %m = arith.mulf %v, %scale : f32
    linalg.yield %m : f32
  } -> tensor<1x32x16x16xf32>
  %ei = tensor.empty() : tensor<1x32x16x16xi8>
  %q = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%s : tensor<1x32x16x16xf32>) outs(%ei : tensor<1x32x16x16xi8>) {
  ^bb0(%x: f32, %o: i8):
    %r = math.roundeven %x : f32
    %i = arith.fptosi %r : f32 to i8
    linalg.yield %i : i8
  } -> tensor<1x32x16x16xi8>
  return %q : tensor<1x32x16x16xi8>
}
