// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-llvmcpu-tiling-pipeline{target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512 schedule-report=true})' %s 2>&1 >/dev/null | FileCheck %s --implicit-check-not="NOT vectorized"
// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-llvmcpu-tiling-pipeline{target-triple=aarch64-linux-gnu target-cpu=cortex-a76 schedule-report=true})' %s 2>&1 >/dev/null | FileCheck %s --implicit-check-not="NOT vectorized"

// Every root op of these patterns gets a schedule and is vectorized: none is
// left to scalar loops (the report would say "NOT vectorized").

// CHECK: loc("conv1d"): schedule conv {{.*}}: vectorized
func.func @conv1d(%x: tensor<1x16x66xf32>, %w: tensor<32x16x3xf32>, %o: tensor<1x32x64xf32>) -> tensor<1x32x64xf32> {
  %r = linalg.conv_1d_ncw_fcw {dilations = dense<1> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>}
    ins(%x, %w : tensor<1x16x66xf32>, tensor<32x16x3xf32>) outs(%o : tensor<1x32x64xf32>) -> tensor<1x32x64xf32> loc("conv1d")
  return %r : tensor<1x32x64xf32>
}

// -----

// CHECK: loc("conv1d_strided"): schedule conv {{.*}}: vectorized
func.func @conv1d_strided(%x: tensor<1x16x133xf32>, %w: tensor<32x16x3xf32>, %o: tensor<1x32x64xf32>) -> tensor<1x32x64xf32> {
  %r = linalg.conv_1d_ncw_fcw {dilations = dense<2> : tensor<1xi64>, strides = dense<2> : tensor<1xi64>}
    ins(%x, %w : tensor<1x16x133xf32>, tensor<32x16x3xf32>) outs(%o : tensor<1x32x64xf32>) -> tensor<1x32x64xf32> loc("conv1d_strided")
  return %r : tensor<1x32x64xf32>
}

// -----

// CHECK: loc("conv3d"): schedule conv {{.*}}: vectorized
func.func @conv3d(%x: tensor<1x4x6x10x18xf32>, %w: tensor<8x4x3x3x3xf32>, %o: tensor<1x8x4x8x16xf32>) -> tensor<1x8x4x8x16xf32> {
  %r = linalg.conv_3d_ncdhw_fcdhw {dilations = dense<1> : tensor<3xi64>, strides = dense<1> : tensor<3xi64>}
    ins(%x, %w : tensor<1x4x6x10x18xf32>, tensor<8x4x3x3x3xf32>) outs(%o : tensor<1x8x4x8x16xf32>) -> tensor<1x8x4x8x16xf32> loc("conv3d")
  return %r : tensor<1x8x4x8x16xf32>
}

// -----

// CHECK: loc("conv_nhwc"): schedule conv {{.*}}: vectorized
func.func @conv_nhwc(%x: tensor<1x10x10x8xf32>, %w: tensor<3x3x8x32xf32>, %o: tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32> {
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x10x10x8xf32>, tensor<3x3x8x32xf32>) outs(%o : tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32> loc("conv_nhwc")
  return %r : tensor<1x8x8x32xf32>
}

// -----

// CHECK: loc("depthwise1d"): schedule depthwise {{.*}}: vectorized
func.func @depthwise1d(%x: tensor<1x8x34xf32>, %w: tensor<8x3xf32>, %o: tensor<1x8x32xf32>) -> tensor<1x8x32xf32> {
  %r = linalg.depthwise_conv_1d_ncw_cw {dilations = dense<1> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>}
    ins(%x, %w : tensor<1x8x34xf32>, tensor<8x3xf32>) outs(%o : tensor<1x8x32xf32>) -> tensor<1x8x32xf32> loc("depthwise1d")
  return %r : tensor<1x8x32xf32>
}

// -----

// CHECK: loc("maxpool1d"): schedule pool {{.*}}: vectorized
func.func @maxpool1d(%x: tensor<1x8x34xf32>, %o: tensor<1x8x32xf32>) -> tensor<1x8x32xf32> {
  %win = tensor.empty() : tensor<3xf32>
  %r = linalg.pooling_ncw_max {dilations = dense<1> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>}
    ins(%x, %win : tensor<1x8x34xf32>, tensor<3xf32>) outs(%o : tensor<1x8x32xf32>) -> tensor<1x8x32xf32> loc("maxpool1d")
  return %r : tensor<1x8x32xf32>
}

// -----

// CHECK: loc("sumpool3d"): schedule pool {{.*}}: vectorized
func.func @sumpool3d(%x: tensor<1x6x10x10x16xf32>, %o: tensor<1x4x8x8x16xf32>) -> tensor<1x4x8x8x16xf32> {
  %win = tensor.empty() : tensor<3x3x3xf32>
  %r = linalg.pooling_ndhwc_sum {dilations = dense<1> : tensor<3xi64>, strides = dense<1> : tensor<3xi64>}
    ins(%x, %win : tensor<1x6x10x10x16xf32>, tensor<3x3x3xf32>) outs(%o : tensor<1x4x8x8x16xf32>) -> tensor<1x4x8x8x16xf32> loc("sumpool3d")
  return %r : tensor<1x4x8x8x16xf32>
}

// -----

// CHECK: loc("bmm"): schedule matmul {{.*}}: vectorized
func.func @bmm(%a: tensor<4x32x64xf32>, %b: tensor<4x64x48xf32>, %c: tensor<4x32x48xf32>) -> tensor<4x32x48xf32> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<4x32x64xf32>, tensor<4x64x48xf32>) outs(%c : tensor<4x32x48xf32>) -> tensor<4x32x48xf32> loc("bmm")
  return %r : tensor<4x32x48xf32>
}

// -----

// CHECK: loc("transpose"): schedule elementwise {{.*}}: vectorized
func.func @transpose(%a: tensor<64x48xf32>, %o: tensor<48x64xf32>) -> tensor<48x64xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%a : tensor<64x48xf32>) outs(%o : tensor<48x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<48x64xf32> loc("transpose")
  return %r : tensor<48x64xf32>
}

// -----

// A gather (Gather, Resize, GridSample lower to this): vector gathers.
// CHECK: loc("gather"): schedule elementwise {{.*}}: vectorized
func.func @gather(%table: tensor<100x64xf32>, %idx: tensor<32xi64>, %o: tensor<32x64xf32>) -> tensor<32x64xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%idx : tensor<32xi64>) outs(%o : tensor<32x64xf32>) {
  ^bb0(%k: i64, %out: f32):
    %row = arith.index_cast %k : i64 to index
    %col = linalg.index 1 : index
    %v = tensor.extract %table[%row, %col] : tensor<100x64xf32>
    linalg.yield %v : f32
  } -> tensor<32x64xf32> loc("gather")
  return %r : tensor<32x64xf32>
}

// -----

// Bool tensors (Where, comparisons, Trilu masks).
// CHECK: loc("select"): schedule elementwise {{.*}}: vectorized
func.func @select(%m: tensor<16x64xi1>, %a: tensor<16x64xf32>, %b: tensor<16x64xf32>, %o: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%m, %a, %b : tensor<16x64xi1>, tensor<16x64xf32>, tensor<16x64xf32>) outs(%o : tensor<16x64xf32>) {
  ^bb0(%c: i1, %x: f32, %y: f32, %out: f32):
    %s = arith.select %c, %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32> loc("select")
  return %r : tensor<16x64xf32>
}

// -----

// CHECK: loc("compare"): schedule elementwise {{.*}}: vectorized
func.func @compare(%a: tensor<16x64xf32>, %b: tensor<16x64xf32>, %o: tensor<16x64xi1>) -> tensor<16x64xi1> {
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
    ins(%a, %b : tensor<16x64xf32>, tensor<16x64xf32>) outs(%o : tensor<16x64xi1>) {
  ^bb0(%x: f32, %y: f32, %out: i1):
    %c = arith.cmpf olt, %x, %y : f32
    linalg.yield %c : i1
  } -> tensor<16x64xi1> loc("compare")
  return %r : tensor<16x64xi1>
}

// -----

// Reduction over a middle axis.
// CHECK: loc("reduce_mid"): schedule reduction {{.*}}: vectorized
func.func @reduce_mid(%a: tensor<16x128x32xf32>, %o: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(i, k, j) -> (i, k, j)>, affine_map<(i, k, j) -> (i, j)>], iterator_types = ["parallel", "reduction", "parallel"]}
    ins(%a : tensor<16x128x32xf32>) outs(%o : tensor<16x32xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %x, %acc : f32
    linalg.yield %s : f32
  } -> tensor<16x32xf32> loc("reduce_mid")
  return %r : tensor<16x32xf32>
}

// -----

// Softmax-style chain: max, then sum of exp over the last axis.
// CHECK-DAG: loc("rowmax"): schedule reduction {{.*}}: vectorized
// CHECK-DAG: loc("rowsum"): schedule reduction {{.*}}: vectorized
func.func @softmax_chain(%a: tensor<32x1000xf32>, %m0: tensor<32xf32>, %s0: tensor<32xf32>) -> tensor<32xf32> {
  %m = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
    ins(%a : tensor<32x1000xf32>) outs(%m0 : tensor<32xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %r = arith.maximumf %x, %acc : f32
    linalg.yield %r : f32
  } -> tensor<32xf32> loc("rowmax")
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
    ins(%a, %m : tensor<32x1000xf32>, tensor<32xf32>) outs(%s0 : tensor<32xf32>) {
  ^bb0(%x: f32, %mx: f32, %acc: f32):
    %d = arith.subf %x, %mx : f32
    %e = math.exp %d : f32
    %r = arith.addf %e, %acc : f32
    linalg.yield %r : f32
  } -> tensor<32xf32> loc("rowsum")
  return %s : tensor<32xf32>
}
