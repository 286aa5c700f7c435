// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512})' %s | FileCheck %s --check-prefix=AVX512
// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{target-triple=x86_64-unknown-linux-gnu target-cpu=haswell})' %s | FileCheck %s --check-prefix=AVX2
// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{target-triple=aarch64-linux-gnu target-cpu=cortex-a76})' %s | FileCheck %s --check-prefix=NEON
// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{target-triple=thumbv7em-none-eabihf target-cpu=cortex-m7})' %s | FileCheck %s --check-prefix=M7
// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy)' %s | FileCheck %s --check-prefix=MOD

// Matmul register tile: rows x (2 vectors), rows from the register count.
// AVX512-LABEL: func.func @matmul
// AVX512: linalg.fill ins
// AVX512-NOT: etch.schedule
// AVX512: linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = {{\[}}[0, 0, 0], [8, 32, 0], [0, 0, 8]], vector = [8, 32, 8], parallel = [0, 1]>}
// AVX2-LABEL: func.func @matmul
// AVX2: linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = {{\[}}[0, 0, 0], [4, 16, 0], [0, 0, 8]], vector = [4, 16, 8], parallel = [0, 1]>}
// NEON-LABEL: func.func @matmul
// NEON: linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = {{\[}}[0, 0, 0], [8, 8, 0], [0, 0, 8]], vector = [8, 8, 8], parallel = [0, 1]>}
// M7-LABEL: func.func @matmul
// M7: linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = {{\[}}[0, 0, 0], [4, 2, 0], [0, 0, 8]], vector = [4, 2, 8], parallel = [0, 1]>}
func.func @matmul(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %c = linalg.matmul ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>) outs(%f : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %c : tensor<64x64xf32>
}

// -----

// NCHW conv: output channels are rows, output width is vectorized, one
// output row per level-0 tile, window loops tiled to 1. The bias+relu chain
// gets no schedule of its own (it is fused into the conv's tiles).
// AVX512-LABEL: func.func @conv_bias_relu
// 56 is not a multiple of 16 lanes: whole 16-lane columns with a clean
// 8-lane tail (3 x 16 + 8) and 16 rows.
// AVX512: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, etch.schedule = #etch.schedule<kind = conv, tile = {{\[}}[0, 64, 1, 0, 0, 0, 0], [0, 16, 0, 16, 0, 0, 0], [0, 0, 0, 0, 8, 1, 1]], vector = [1, 16, 1, 16, 8, 1, 1], parallel = [0, 1, 2, 3]>
// AVX512: linalg.generic
// AVX512-NOT: etch.schedule
// AVX512: return
func.func @conv_bias_relu(%in: tensor<1x64x58x58xf32>, %w: tensor<128x64x3x3xf32>, %b: tensor<128xf32>) -> tensor<1x128x56x56xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x128x56x56xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x128x56x56xf32>) -> tensor<1x128x56x56xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x64x58x58xf32>, tensor<128x64x3x3xf32>) outs(%f : tensor<1x128x56x56xf32>) -> tensor<1x128x56x56xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%c, %b : tensor<1x128x56x56xf32>, tensor<128xf32>) outs(%e : tensor<1x128x56x56xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x128x56x56xf32>
  return %r : tensor<1x128x56x56xf32>
}

// -----

// Narrow outputs (7 wide) get taller row blocks.
// AVX512-LABEL: func.func @conv_narrow
// AVX512: etch.schedule = #etch.schedule<kind = conv, tile = {{\[}}[0, 64, 1, 0, 0, 0, 0], [0, 16, 0, 0, 0, 0, 0], [0, 0, 0, 0, 8, 1, 1]], vector = [1, 16, 1, 7, 8, 1, 1], parallel = [0, 1, 2, 3]>
func.func @conv_narrow(%in: tensor<1x256x9x9xf32>, %w: tensor<512x256x3x3xf32>, %init: tensor<1x512x7x7xf32>) -> tensor<1x512x7x7xf32> {
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x256x9x9xf32>, tensor<512x256x3x3xf32>) outs(%init : tensor<1x512x7x7xf32>) -> tensor<1x512x7x7xf32>
  return %c : tensor<1x512x7x7xf32>
}

// -----

// Depthwise and pools: channels are rows, width vectorized; all reduction
// loops are window loops tiled to 1. Widths are split into whole vectors with
// a power-of-two tail (56 = 3 x 16 + 8), else into equal narrower rows (28 =
// 2 x 14).
// AVX512-LABEL: func.func @depthwise_pool
// Upstream's depthwise loop order is (n, oh, ow, c, kh, kw).
// AVX512: linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, etch.schedule = #etch.schedule<kind = depthwise, tile = {{\[}}[0, 1, 0, 64, 0, 0], [0, 0, 16, 8, 0, 0], [0, 0, 0, 0, 1, 1]], vector = [1, 1, 16, 8, 1, 1], parallel = [0, 1, 2, 3]>
// AVX512: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, etch.schedule = #etch.schedule<kind = pool, tile = {{\[}}[0, 64, 1, 0, 0, 0], [0, 16, 0, 14, 0, 0], [0, 0, 0, 0, 1, 1]], vector = [1, 16, 1, 14, 1, 1], parallel = [0, 1, 2, 3]>
func.func @depthwise_pool(%in: tensor<1x144x58x58xf32>, %w: tensor<144x3x3xf32>, %init: tensor<1x144x56x56xf32>, %pinit: tensor<1x144x28x28xf32>) -> tensor<1x144x28x28xf32> {
  %d = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x144x58x58xf32>, tensor<144x3x3xf32>) outs(%init : tensor<1x144x56x56xf32>) -> tensor<1x144x56x56xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%d, %win : tensor<1x144x56x56xf32>, tensor<2x2xf32>) outs(%pinit : tensor<1x144x28x28xf32>) -> tensor<1x144x28x28xf32>
  return %p : tensor<1x144x28x28xf32>
}

// -----

// Standalone elementwise ops and reductions get a one-level schedule; an
// elementwise producer of a reduction that only reads function arguments is
// fused into the reduction's tiles instead.
// AVX512-LABEL: func.func @elementwise_reduction
// AVX512: linalg.generic {{.*}}etch.schedule = #etch.schedule<kind = elementwise, tile = {{\[}}[0, 1, 1, 128]], vector = [1, 1, 1, 128], parallel = [0, 1, 2, 3]>
// The innermost reduction loop is split into 4-vector steps (vector.reduction
// per row), rows so that the tile stays at 32 vectors (8 x 64), not a whole
// 16 x 200 block.
// AVX512: linalg.generic {{.*}}etch.schedule = #etch.schedule<kind = reduction, tile = {{\[}}[0, 8, 0, 0], [0, 0, 0, 0], [0, 0, 1, 64]], vector = [1, 8, 1, 64], parallel = [0, 1]>
// AVX512: linalg.generic {{.*}}etch.schedule = #etch.schedule<kind = reduction
func.func @elementwise_reduction(%a: tensor<1x40x7x200xf32>, %init: tensor<1x40xf32>) -> (tensor<1x40x7x200xf32>, tensor<1x40xf32>) {
  %e = tensor.empty() : tensor<1x40x7x200xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%a : tensor<1x40x7x200xf32>) outs(%e : tensor<1x40x7x200xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = math.exp %x : f32
    linalg.yield %y : f32
  } -> tensor<1x40x7x200xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
     ins(%a : tensor<1x40x7x200xf32>) outs(%init : tensor<1x40xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.addf %x, %o : f32
    linalg.yield %y : f32
  } -> tensor<1x40xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
     ins(%s : tensor<1x40x7x200xf32>) outs(%init : tensor<1x40xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.maximumf %x, %o : f32
    linalg.yield %y : f32
  } -> tensor<1x40xf32>
  return %s, %r : tensor<1x40x7x200xf32>, tensor<1x40xf32>
}

// -----

// A reduction over an outer loop with parallel lanes inside (LayerNorm's sum
// over the channels of an NCW map) steps through the reduction one row at a
// time and adds whole vectors of lanes: vector [1, 1, 16], not 512 x 16.
// AVX512-LABEL: func.func @column_reduction
// AVX512: etch.schedule = #etch.schedule<kind = reduction, tile = {{\[}}[0, 0, 16], [0, 0, 0], [0, 1, 0]], vector = [1, 1, 16], parallel = [0, 2]>
// AVX2-LABEL: func.func @column_reduction
// AVX2: etch.schedule = #etch.schedule<kind = reduction, tile = {{\[}}[0, 0, 8], [0, 0, 0], [0, 1, 0]], vector = [1, 1, 8], parallel = [0, 2]>
func.func @column_reduction(%a: tensor<1x512x256xf32>, %init: tensor<1x256xf32>) -> tensor<1x256xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]}
     ins(%a : tensor<1x512x256xf32>) outs(%init : tensor<1x256xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.addf %x, %o : f32
    linalg.yield %y : f32
  } -> tensor<1x256xf32>
  return %r : tensor<1x256xf32>
}

// -----

// A column image whose height has no divisor above half a vector (508 =
// 4 x 127) takes whole 16-lane rows and one tail, not 4-lane vectors.
// AVX512-LABEL: func.func @column_conv_ragged
// AVX512: etch.schedule = #etch.schedule<kind = conv, tile = {{\[}}[0, 64, 256, 0, 0, 0, 0], [0, 8, 16, 0, 0, 0, 0], [0, 0, 0, 0, 8, 1, 0]], vector = [1, 8, 16, 1, 8, 1, 1], parallel = [0, 1, 2, 3]>
func.func @column_conv_ragged(%x: tensor<1x256x512x1xf32>, %w: tensor<512x256x5x1xf32>, %init: tensor<1x512x508x1xf32>) -> tensor<1x512x508x1xf32> {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x256x512x1xf32>, tensor<512x256x5x1xf32>) outs(%init : tensor<1x512x508x1xf32>) -> tensor<1x512x508x1xf32>
  return %r : tensor<1x512x508x1xf32>
}

// -----

// Without pass options the target comes from the module's etch.target
// (AdvSIMD: 4 lanes, 32 registers); explicit options win over it.
// MOD-LABEL: func.func @module_target
// MOD: etch.schedule = #etch.schedule<kind = matmul, tile = {{\[}}[0, 0, 0], [8, 8, 0], [0, 0, 8]], vector = [8, 8, 8], parallel = [0, 1]>
// AVX512-LABEL: func.func @module_target
// AVX512: etch.schedule = #etch.schedule<kind = matmul, tile = {{\[}}[0, 0, 0], [8, 0, 0], [0, 0, 8]], vector = [8, 16, 8], parallel = [0, 1]>
module attributes {etch.target = {triple = "aarch64-linux-gnu", cpu = "cortex-a55"}} {
func.func @module_target(%a: tensor<16x16xf32>, %b: tensor<16x16xf32>, %c: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<16x16xf32>, tensor<16x16xf32>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %r : tensor<16x16xf32>
}
}

// -----

// Without vector registers (Cortex-M7), an int8 conv's column tile divides
// the output width (5: 1 column, not 2 + a remainder), so no remainder tile
// repeats the fixed-point requantization; fp32 keeps 2 columns. NEON
// vectorizes the 5 columns either way.
// M7-LABEL: func.func @conv_int8_ragged_width
// M7: linalg.conv_2d_nchw_fchw {{.*}}etch.schedule = #etch.schedule<kind = conv, tile = {{\[}}[0, 0, 1, 0, 0, 0, 0], [0, 4, 0, 1, 0, 0, 0]], vector = [1, 4, 1, 1, 8, 1, 1]
// M7-LABEL: func.func @conv_f32_ragged_width
// M7: linalg.conv_2d_nchw_fchw {{.*}}etch.schedule = #etch.schedule<kind = conv, tile = {{\[}}[0, 0, 1, 0, 0, 0, 0], [0, 4, 0, 2, 0, 0, 0]], vector = [1, 4, 1, 2, 8, 1, 1]
// NEON-LABEL: func.func @conv_int8_ragged_width
// NEON: etch.schedule = #etch.schedule<kind = conv, tile = {{\[}}[0, 0, 1, 0, 0, 0, 0], [0, 8, 0, 0, 0, 0, 0]], vector = [1, 8, 1, 5, 8, 1, 1]
func.func @conv_int8_ragged_width(%x: tensor<1x8x7x5xi8>, %w: tensor<16x8x1x1xi8>) -> tensor<1x16x7x5xi32> {
  %zero = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x16x7x5xi32>
  %f = linalg.fill ins(%zero : i32) outs(%e : tensor<1x16x7x5xi32>) -> tensor<1x16x7x5xi32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x8x7x5xi8>, tensor<16x8x1x1xi8>) outs(%f : tensor<1x16x7x5xi32>) -> tensor<1x16x7x5xi32>
  return %c : tensor<1x16x7x5xi32>
}
func.func @conv_f32_ragged_width(%x: tensor<1x8x7x5xf32>, %w: tensor<16x8x1x1xf32>) -> tensor<1x16x7x5xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16x7x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x7x5xf32>) -> tensor<1x16x7x5xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x8x7x5xf32>, tensor<16x8x1x1xf32>) outs(%f : tensor<1x16x7x5xf32>) -> tensor<1x16x7x5xf32>
  return %c : tensor<1x16x7x5xf32>
}
