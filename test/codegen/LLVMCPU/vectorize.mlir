// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-llvmcpu-vectorize))' %s | FileCheck %s

// A register tile of a matmul becomes one FMA per (row, k): rows of B are
// loaded once, elements of A are broadcast.
// CHECK-LABEL: func.func @matmul_tile
// CHECK-DAG:   %[[A:.+]] = vector.transfer_read %arg0{{.*}} : tensor<4x2xf32>, vector<4x2xf32>
// CHECK-DAG:   %[[B:.+]] = vector.transfer_read %arg1{{.*}} : tensor<2x8xf32>, vector<2x8xf32>
// CHECK-COUNT-8: vector.fma {{.*}} : vector<8xf32>
// CHECK-NOT:   vector.contract
// CHECK:       vector.transfer_write {{.*}} : vector<4x8xf32>, tensor<4x8xf32>
func.func @matmul_tile(%a: tensor<4x2xf32>, %b: tensor<2x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x2xf32>, tensor<2x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// The accumulator of a reduction loop is read before and written after the
// loop (a vector iter_arg), not in every iteration.
// CHECK-LABEL: func.func @hoist_accumulator
// CHECK:       %[[INIT:.+]] = vector.transfer_read %arg2{{.*}} : tensor<4x8xf32>, vector<4x8xf32>
// CHECK:       %[[LOOP:.+]] = scf.for {{.*}} iter_args(%[[ACC:.+]] = %[[INIT]]) -> (vector<4x8xf32>)
// CHECK-NOT:     vector.transfer_write
// CHECK:         vector.fma
// CHECK:         scf.yield %{{.+}} : vector<4x8xf32>
// CHECK:       vector.transfer_write %[[LOOP]], %arg2
func.func @hoist_accumulator(%a: tensor<4x16xf32>, %b: tensor<16x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %r = scf.for %k = %c0 to %c16 step %c2 iter_args(%acc = %c) -> (tensor<4x8xf32>) {
    %as = tensor.extract_slice %a[0, %k] [4, 2] [1, 1] : tensor<4x16xf32> to tensor<4x2xf32>
    %bs = tensor.extract_slice %b[%k, 0] [2, 8] [1, 1] : tensor<16x8xf32> to tensor<2x8xf32>
    %m = linalg.matmul ins(%as, %bs : tensor<4x2xf32>, tensor<2x8xf32>) outs(%acc : tensor<4x8xf32>) -> tensor<4x8xf32>
    scf.yield %m : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

// A conv register tile with a 1x1 window slice, one output row and stride 2
// becomes a matmul over a strided input row: filter (8x4) x input (4x16).
// The stride-2 row is one contiguous read and a lane shuffle per channel.
// CHECK-LABEL: func.func @conv_unit_window
// CHECK:       %[[IN:.+]] = vector.transfer_read %arg0{{.*}} : tensor<1x4x1x31xf32>, vector<4x31xf32>
// CHECK:       %[[ROW:.+]] = vector.extract %[[IN]][0] : vector<31xf32> from vector<4x31xf32>
// CHECK:       vector.shuffle %[[ROW]], %[[ROW]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<31xf32>, vector<31xf32>
// CHECK-COUNT-32: vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT:   linalg.
func.func @conv_unit_window(%in: tensor<1x4x1x31xf32>, %w: tensor<8x4x1x1xf32>, %out: tensor<1x8x1x16xf32>) -> tensor<1x8x1x16xf32> {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%in, %w : tensor<1x4x1x31xf32>, tensor<8x4x1x1xf32>) outs(%out : tensor<1x8x1x16xf32>) -> tensor<1x8x1x16xf32>
  return %r : tensor<1x8x1x16xf32>
}

// -----

// An image one column wide (a [k, 1] kernel over H x 1, e.g. 1-D convolutions
// exported as 2-D): the tile runs along H, the contiguous dimension, and
// becomes the same matmul over a [C, OH] input slice: 64 FMAs on 32 lanes,
// no per-element reductions.
// CHECK-LABEL: func.func @conv_unit_width
// CHECK:       vector.transfer_read %arg1{{.*}} : tensor<8x8x1x1xf32>, vector<8x8xf32>
// CHECK:       vector.transfer_read %arg0{{.*}} : tensor<1x8x32x1xf32>, vector<8x32xf32>
// CHECK-COUNT-64: vector.fma {{.*}} : vector<32xf32>
// CHECK-NOT:   vector.reduction
// CHECK-NOT:   linalg.
func.func @conv_unit_width(%in: tensor<1x8x32x1xf32>, %w: tensor<8x8x1x1xf32>, %out: tensor<1x8x32x1xf32>) -> tensor<1x8x32x1xf32> {
  %r = linalg.conv_2d_nchw_fchw {etch.schedule = #etch.schedule<kind = conv, tile = [[0, 64, 0, 0, 0, 0, 0], [0, 8, 32, 0, 0, 0, 0], [0, 0, 0, 0, 8, 1, 0]], vector = [1, 8, 32, 1, 8, 1, 1], parallel = [0, 1, 2, 3]>, dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x8x32x1xf32>, tensor<8x8x1x1xf32>) outs(%out : tensor<1x8x32x1xf32>) -> tensor<1x8x32x1xf32>
  return %r : tensor<1x8x32x1xf32>
}

// -----

// Depthwise tile: out[c, w] += in[c, w] * broadcast(w[c]), one FMA per channel
// row (unit-stride slices fold into the transfers).
// CHECK-LABEL: func.func @depthwise_unit_window
// CHECK:       vector.transfer_read %arg0{{.*}} : tensor<1x4x1x16xf32>, vector<4x16xf32>
// CHECK:       vector.transfer_read %arg1{{.*}} : tensor<4x1x1xf32>, vector<4x16xf32>
// CHECK:       vector.fma {{.*}} : vector<4x16xf32>
// CHECK-NOT:   linalg.
func.func @depthwise_unit_window(%in: tensor<1x4x1x16xf32>, %w: tensor<4x1x1xf32>, %out: tensor<1x4x1x16xf32>) -> tensor<1x4x1x16xf32> {
  %r = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x4x1x16xf32>, tensor<4x1x1xf32>) outs(%out : tensor<1x4x1x16xf32>) -> tensor<1x4x1x16xf32>
  return %r : tensor<1x4x1x16xf32>
}

// -----

// Max-pool tile: elementwise max with the strided input row (one contiguous
// read, a lane shuffle per channel).
// CHECK-LABEL: func.func @pool_unit_window
// CHECK:       vector.transfer_read %arg0{{.*}} : tensor<1x8x1x15xf32>, vector<8x15xf32>
// CHECK:       vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14] : vector<15xf32>, vector<15xf32>
// CHECK:       arith.maximumf {{.*}} : vector<8x8xf32>
// CHECK-NOT:   linalg.
func.func @pool_unit_window(%in: tensor<1x8x1x15xf32>, %out: tensor<1x8x1x8xf32>) -> tensor<1x8x1x8xf32> {
  %win = tensor.empty() : tensor<1x1xf32>
  %r = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%in, %win : tensor<1x8x1x15xf32>, tensor<1x1xf32>) outs(%out : tensor<1x8x1x8xf32>) -> tensor<1x8x1x8xf32>
  return %r : tensor<1x8x1x8xf32>
}

// -----

// The same pool on uint8 rows: 8-bit rows are read 8 x 2 = 16 lanes wide, the
// lane past the 15 needed masked (a 15-byte vector would be assembled byte by
// byte); 32-bit rows above keep the exact width.
// CHECK-LABEL: func.func @pool_unit_window_i8
// CHECK:       vector.transfer_read %arg0{{.*}} {in_bounds = [true, false]{{.*}} : tensor<1x8x1x15xi8>, vector<8x16xi8>
// CHECK:       vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14] : vector<16xi8>, vector<16xi8>
// CHECK:       arith.maxsi {{.*}} : vector<8x8xi8>
func.func @pool_unit_window_i8(%in: tensor<1x8x1x15xi8>, %out: tensor<1x8x1x8xi8>) -> tensor<1x8x1x8xi8> {
  %win = tensor.empty() : tensor<1x1xi8>
  %r = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%in, %win : tensor<1x8x1x15xi8>, tensor<1x1xi8>) outs(%out : tensor<1x8x1x8xi8>) -> tensor<1x8x1x8xi8>
  return %r : tensor<1x8x1x8xi8>
}

// -----

// Elementwise with a broadcast operand; unit dims are dropped first.
// CHECK-LABEL: func.func @bias_relu
// CHECK:       %[[X:.+]] = vector.transfer_read %arg0{{.*}} : tensor<1x8x1x16xf32>, vector<8x16xf32>
// CHECK:       %[[B:.+]] = vector.transfer_read %arg1{{.*}} : tensor<8xf32>, vector<8xf32>
// CHECK:       arith.addf
// CHECK:       arith.maximumf {{.*}} : vector<8x16xf32>
func.func @bias_relu(%x: tensor<1x8x1x16xf32>, %b: tensor<8xf32>, %out: tensor<1x8x1x16xf32>) -> tensor<1x8x1x16xf32> {
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%x, %b : tensor<1x8x1x16xf32>, tensor<8xf32>) outs(%out : tensor<1x8x1x16xf32>) {
  ^bb0(%v: f32, %w: f32, %o: f32):
    %s = arith.addf %v, %w : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x8x1x16xf32>
  return %r : tensor<1x8x1x16xf32>
}

// -----

// Iteration spaces above max-vector-elements (untiled leftovers) and
// windows that are not 1x1 stay for the backend's loop lowering.
// CHECK-LABEL: func.func @too_big
// CHECK:       linalg.matmul
// CHECK:       linalg.conv_2d_nchw_fchw
func.func @too_big(%a: tensor<256x256xf32>, %b: tensor<256x256xf32>, %c: tensor<256x256xf32>,
                   %in: tensor<1x2x5x5xf32>, %w: tensor<2x2x3x3xf32>, %o: tensor<1x2x3x3xf32>) -> (tensor<256x256xf32>, tensor<1x2x3x3xf32>) {
  %r = linalg.matmul ins(%a, %b : tensor<256x256xf32>, tensor<256x256xf32>) outs(%c : tensor<256x256xf32>) -> tensor<256x256xf32>
  %s = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x2x5x5xf32>, tensor<2x2x3x3xf32>) outs(%o : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %r, %s : tensor<256x256xf32>, tensor<1x2x3x3xf32>
}

// -----

// A contraction reading B transposed (`ij,kj->ik`) stays generic (upstream
// specializes it to a linalg.matmul with the default maps, a different
// computation): B is read whole as 6x8 and each output row is a reduction
// over j of A's row times B's rows, with no masked 8x8 read of B.
// CHECK-LABEL: func.func @matmul_transposed_b
// CHECK-NOT: vector.mask
// CHECK-NOT: vector.constant_mask
// CHECK: vector.transfer_read %{{.+}} : tensor<6x8xf32>, vector<6x8xf32>
// CHECK: vector.transpose %{{.+}}, [1, 0] : vector<6x8xf32> to vector<8x6xf32>
// CHECK: vector.fma
// CHECK-NOT: vector.mask
#a_t = affine_map<(i, k, j) -> (i, j)>
#b_t = affine_map<(i, k, j) -> (k, j)>
#c_t = affine_map<(i, k, j) -> (i, k)>
func.func @matmul_transposed_b(%x: tensor<4x8xf32>, %y: tensor<6x8xf32>, %init: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %r = linalg.generic {indexing_maps = [#a_t, #b_t, #c_t], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %y : tensor<4x8xf32>, tensor<6x8xf32>) outs(%init : tensor<4x6xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x6xf32>
  return %r : tensor<4x6xf32>
}

// -----

// A uint8 x int8 -> int32 register tile (a quantized conv after
// DecomposeUnitWindow: out[f, ow] += zext(x[c, ow]) * sext(w[f, c])) on a CPU
// with AVX-512 VNNI: the activations' channel rows are interleaved to 4
// channels per lane (bytes of rows 0/1 and 2/3, then 16-bit pairs: unpack
// instructions, not a scalarized transpose), each row's 4 weight bytes are
// broadcast, and each (row, lane vector, 4-channel group) is one vpdpbusd:
// 4 rows x 2 groups here.
// CHECK-LABEL: func.func @u8s8_tile_vnni
// CHECK:       vector.transfer_read %arg0{{.*}} : tensor<8x16xi8>, vector<8x16xi8>
// CHECK:       vector.transfer_read %arg1{{.*}} : tensor<4x8xi8>, vector<4x8xi8>
// CHECK-NOT:   vector.transpose
// CHECK-COUNT-2: vector.interleave %{{.+}}, %{{.+}} : vector<16xi8> -> vector<32xi8>
// CHECK:       vector.interleave %{{.+}}, %{{.+}} : vector<16xi16> -> vector<32xi16>
// CHECK-COUNT-8: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"({{.*}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK-NOT:   vector.contract
// CHECK:       vector.transfer_write {{.*}} : vector<4x16xi32>, tensor<4x16xi32>
#mapx = affine_map<(f, ow, c) -> (c, ow)>
#mapw = affine_map<(f, ow, c) -> (f, c)>
#mapo = affine_map<(f, ow, c) -> (f, ow)>
module attributes {etch.target = {cpu = "cascadelake", features = "", triple = "x86_64-unknown-linux-gnu"}} {
  func.func @u8s8_tile_vnni(%x: tensor<8x16xi8>, %w: tensor<4x8xi8>, %o: tensor<4x16xi32>) -> tensor<4x16xi32> {
    %r = linalg.generic {indexing_maps = [#mapx, #mapw, #mapo], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : tensor<8x16xi8>, tensor<4x8xi8>) outs(%o : tensor<4x16xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %ea = arith.extui %a : i8 to i32
      %eb = arith.extsi %b : i8 to i32
      %m = arith.muli %ea, %eb : i32
      %s = arith.addi %acc, %m : i32
      linalg.yield %s : i32
    } -> tensor<4x16xi32>
    return %r : tensor<4x16xi32>
  }
}

// -----

// The same tile with 7 lanes (a 7x7 feature map's row): the activation rows
// are read 8 lanes wide with the 8th lane masked (one masked load per row
// instead of assembling 7-byte rows byte by byte); the accumulator is read
// and written at its exact 7 lanes (padded in registers), so that the read
// folds with the write that initialized it and the tile stays in registers.
// CHECK-LABEL: func.func @u8s8_tile_vnni_7_lanes
// CHECK:       %[[POISON:.+]] = ub.poison : vector<4x8xi32>
// CHECK:       vector.transfer_read %arg0{{.*}} {in_bounds = [true, false]} : tensor<8x7xi8>, vector<8x8xi8>
// CHECK:       vector.transfer_read %arg2{{.*}} {in_bounds = [true, true]} : tensor<4x7xi32>, vector<4x7xi32>
// The padding lane of the accumulators is poison, not zeros (it is dropped
// before the store; zeroing it cost a vpexpandq per accumulator per
// reduction step once the accumulators are carried through the K loop).
// CHECK:       vector.insert_strided_slice %{{.+}}, %[[POISON]] {offsets = [0, 0], strides = [1, 1]} : vector<4x7xi32> into vector<4x8xi32>
// CHECK-COUNT-8: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
// CHECK:       vector.extract_strided_slice %{{.+}} {offsets = [0, 0], sizes = [4, 7], strides = [1, 1]} : vector<4x8xi32> to vector<4x7xi32>
// CHECK:       vector.transfer_write {{.*}} {in_bounds = [true, true]} : vector<4x7xi32>, tensor<4x7xi32>
#mapx7 = affine_map<(f, ow, c) -> (c, ow)>
#mapw7 = affine_map<(f, ow, c) -> (f, c)>
#mapo7 = affine_map<(f, ow, c) -> (f, ow)>
module attributes {etch.target = {cpu = "cascadelake", features = "", triple = "x86_64-unknown-linux-gnu"}} {
  func.func @u8s8_tile_vnni_7_lanes(%x: tensor<8x7xi8>, %w: tensor<4x8xi8>, %o: tensor<4x7xi32>) -> tensor<4x7xi32> {
    %r = linalg.generic {indexing_maps = [#mapx7, #mapw7, #mapo7], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : tensor<8x7xi8>, tensor<4x8xi8>) outs(%o : tensor<4x7xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %ea = arith.extui %a : i8 to i32
      %eb = arith.extsi %b : i8 to i32
      %m = arith.muli %ea, %eb : i32
      %s = arith.addi %acc, %m : i32
      linalg.yield %s : i32
    } -> tensor<4x7xi32>
    return %r : tensor<4x7xi32>
  }
}

// -----

// The same tile on a stride-2 convolution's activations (a strided slice of
// the padded input) with 14 lanes padded to 16: each channel row is one
// contiguous masked read of 32 bytes and a shuffle that keeps every other
// byte and takes the padding for the 2 lanes past the tile (before, the
// lane padding kept the strided read from being rewritten, and it was
// assembled byte by byte: vpinsrb per lane).
// CHECK-LABEL: func.func @u8s8_tile_vnni_stride2
// CHECK:       vector.transfer_read %arg0{{.*}} {in_bounds = [true, false]} : tensor<8x30xi8>, vector<8x32xi8>
// CHECK:       vector.shuffle %{{.+}}, %[[PAD:.+]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 32, 32] : vector<32xi8>, vector<32xi8>
// CHECK-NOT:   tensor.extract_slice
// CHECK-COUNT-8: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK:       vector.transfer_write {{.*}} : vector<4x14xi32>, tensor<4x14xi32>
#mapx = affine_map<(f, ow, c) -> (c, ow)>
#mapw = affine_map<(f, ow, c) -> (f, c)>
#mapo = affine_map<(f, ow, c) -> (f, ow)>
module attributes {etch.target = {cpu = "cascadelake", features = "", triple = "x86_64-unknown-linux-gnu"}} {
  func.func @u8s8_tile_vnni_stride2(%src: tensor<8x30xi8>, %w: tensor<4x8xi8>, %o: tensor<4x14xi32>) -> tensor<4x14xi32> {
    %x = tensor.extract_slice %src[0, 0] [8, 14] [1, 2] : tensor<8x30xi8> to tensor<8x14xi8>
    %r = linalg.generic {indexing_maps = [#mapx, #mapw, #mapo], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : tensor<8x14xi8>, tensor<4x8xi8>) outs(%o : tensor<4x14xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %ea = arith.extui %a : i8 to i32
      %eb = arith.extsi %b : i8 to i32
      %m = arith.muli %ea, %eb : i32
      %s = arith.addi %acc, %m : i32
      linalg.yield %s : i32
    } -> tensor<4x14xi32>
    return %r : tensor<4x14xi32>
  }
}

// -----

// A first layer's 3 input channels: one 4-channel group whose 4th row is
// zeros in registers (the 3 rows are read as they are), 8 rows x 2 lane
// vectors = 16 vpdpbusd; before, a widening contraction. Each weight row is
// read 4 bytes wide, the 4th masked (one masked load, not 3 byte loads).
// CHECK-LABEL: func.func @u8s8_tile_vnni_3_channels
// CHECK:       vector.transfer_read %arg0{{.*}} {in_bounds = [true, true]} : tensor<3x32xi8>, vector<3x32xi8>
// CHECK:       vector.transfer_read %arg1{{.*}} {in_bounds = [true, false]} : tensor<8x3xi8>, vector<8x4xi8>
// CHECK:       vector.interleave %{{.+}}, %[[ZERO:.+]] : vector<16xi8> -> vector<32xi8>
// CHECK-COUNT-16: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK-NOT:   vector.contract
// CHECK:       vector.transfer_write {{.*}} : vector<8x32xi32>, tensor<8x32xi32>
#mapx = affine_map<(f, ow, c) -> (c, ow)>
#mapw = affine_map<(f, ow, c) -> (f, c)>
#mapo = affine_map<(f, ow, c) -> (f, ow)>
module attributes {etch.target = {cpu = "cascadelake", features = "", triple = "x86_64-unknown-linux-gnu"}} {
  func.func @u8s8_tile_vnni_3_channels(%x: tensor<3x32xi8>, %w: tensor<8x3xi8>, %o: tensor<8x32xi32>) -> tensor<8x32xi32> {
    %r = linalg.generic {indexing_maps = [#mapx, #mapw, #mapo], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : tensor<3x32xi8>, tensor<8x3xi8>) outs(%o : tensor<8x32xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %ea = arith.extui %a : i8 to i32
      %eb = arith.extsi %b : i8 to i32
      %m = arith.muli %ea, %eb : i32
      %s = arith.addi %acc, %m : i32
      linalg.yield %s : i32
    } -> tensor<8x32xi32>
    return %r : tensor<8x32xi32>
  }
}

// -----

// The same tile without dot-product instructions (AVX2): one contraction on
// the operands as stored, lowered to multiply-adds of the widened values.
// CHECK-LABEL: func.func @u8s8_tile_avx2
// CHECK-NOT:   llvm.call_intrinsic
// CHECK:       arith.extui {{.*}} : vector<8x16xi8> to vector<8x16xi32>
// CHECK:       vector.transfer_write {{.*}} : vector<4x16xi32>, tensor<4x16xi32>
#mapx = affine_map<(f, ow, c) -> (c, ow)>
#mapw = affine_map<(f, ow, c) -> (f, c)>
#mapo = affine_map<(f, ow, c) -> (f, ow)>
module attributes {etch.target = {cpu = "x86-64-v3", features = "", triple = "x86_64-unknown-linux-gnu"}} {
  func.func @u8s8_tile_avx2(%x: tensor<8x16xi8>, %w: tensor<4x8xi8>, %o: tensor<4x16xi32>) -> tensor<4x16xi32> {
    %r = linalg.generic {indexing_maps = [#mapx, #mapw, #mapo], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : tensor<8x16xi8>, tensor<4x8xi8>) outs(%o : tensor<4x16xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %ea = arith.extui %a : i8 to i32
      %eb = arith.extsi %b : i8 to i32
      %m = arith.muli %ea, %eb : i32
      %s = arith.addi %acc, %m : i32
      linalg.yield %s : i32
    } -> tensor<4x16xi32>
    return %r : tensor<4x16xi32>
  }
}
