// RUN: etch-translate --etch-to-opencl --split-input-file %s | FileCheck %s
// RUN: etch-translate --etch-to-opencl --etch-opencl-mcpu=adreno740 --split-input-file %s | FileCheck %s --check-prefix=WG128

// GlobalAveragePool over 10x10: one 64-wide work-group per channel, the
// zero fill folded in as the init, the work-items striding over the reduced
// elements (innermost fastest), a __local tree, the divide fused after it.
// CHECK-LABEL: __kernel __attribute__((reqd_work_group_size(64, 1, 1))) void k0_generic(__global uchar *b0, __global uchar *b2)
// CHECK:         __local float part[64];
// CHECK-NEXT:    const int row = (int)get_group_id(0);
// CHECK-NEXT:    const int lid = (int)get_local_id(0);
// CHECK-NEXT:    const int d1 = row;
// CHECK-NEXT:    const int d0 = 0;
// CHECK-NEXT:    float acc0 = 0.0f;
// CHECK-NEXT:    for (int r = lid; r < 100; r += 64) {
// CHECK-NEXT:      const int d3 = r % 10;
// CHECK-NEXT:      const int d2 = (r / 10);
// CHECK-NEXT:      float x1 = p0[0 + d1 * 100 + d2 * 10 + d3];
// CHECK-NEXT:      const float v2 = (acc0 + x1);
// CHECK-NEXT:      acc0 = v2;
// CHECK-NEXT:    }
// CHECK-NEXT:    part[lid] = acc0;
// CHECK-NEXT:    barrier(CLK_LOCAL_MEM_FENCE);
// CHECK-NEXT:    for (int s = 32; s > 0; s >>= 1) {
// CHECK-NEXT:      if (lid < s) {
// CHECK-NEXT:        part[lid] = (part[lid] + part[lid + s]);
// CHECK-NEXT:      }
// CHECK-NEXT:      barrier(CLK_LOCAL_MEM_FENCE);
// CHECK-NEXT:    }
// CHECK-NEXT:    if (lid == 0) {
// CHECK-NEXT:      const float r3 = ((0x0p+0f) + part[0]);
// CHECK-NEXT:      const float v4 = (r3 / (0x1.9p+6f));
// CHECK-NEXT:      p1[0 + d1] = v4;
// CHECK-NEXT:    }
// CHECK-NEXT:  }
// CHECK:       // launch k0_generic pattern=reduction args=[0, 2] global=[1024, 1, 1] local=[64, 1, 1]
// CHECK-NEXT:  // launch k1_copy pattern=copy
// A 128-wide preset still uses 64 lanes: no more than the 100 elements.
// WG128:       // launch k0_generic pattern=reduction args=[0, 2] global=[1024, 1, 1] local=[64, 1, 1]
func.func @main(%arg0: memref<1x16x10x10xf32> {etch.name = "x"}, %arg1: memref<1x16x1x1xf32> {etch.name = "y", etch.output}, %arg2: memref<64xi8> {etch.arena}) attributes {etch.arena_align = 64 : i64, etch.arena_size = 64 : i64} {
  %c0 = arith.constant 0 : index
  %view = memref.view %arg2[%c0][] : memref<64xi8> to memref<1x16xf32>
  %cst = arith.constant 1.000000e+02 : f32
  %cst_0 = arith.constant 0.000000e+00 : f32
  linalg.fill ins(%cst_0 : f32) outs(%view : memref<1x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%arg0 : memref<1x16x10x10xf32>) outs(%view : memref<1x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %out, %in : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%view : memref<1x16xf32>) {
  ^bb0(%out: f32):
    %0 = arith.divf %out, %cst : f32
    linalg.yield %0 : f32
  }
  %expand_shape = memref.expand_shape %view [[0], [1, 2, 3]] output_shape [1, 16, 1, 1] : memref<1x16xf32> into memref<1x16x1x1xf32>
  memref.copy %expand_shape, %arg1 : memref<1x16x1x1xf32> to memref<1x16x1x1xf32>
  return
}

// -----

// A max over 300 elements of the last axis, init loaded (no fill before it).
// CHECK-LABEL: void k0_generic(
// CHECK:         float acc0 = (-INFINITY);
// CHECK:         for (int r = lid; r < 300; r += 64) {
// CHECK-NEXT:      const int d1 = r;
// CHECK:           const float v{{[0-9]+}} = etch_maximumf(acc0, x{{[0-9]+}});
// CHECK:           part[lid] = etch_maximumf(part[lid], part[lid + s]);
// CHECK:         if (lid == 0) {
// CHECK-NEXT:      float x{{[0-9]+}} = p{{[0-9]+}}[0 + d0];
// CHECK-NEXT:      const float r{{[0-9]+}} = etch_maximumf(x{{[0-9]+}}, part[0]);
// CHECK:       // launch k0_generic pattern=reduction args=[2, 3] global=[256, 1, 1] local=[64, 1, 1]
// WG128:       // launch k0_generic pattern=reduction args=[2, 3] global=[512, 1, 1] local=[128, 1, 1]
func.func @main(%arg0: memref<4x300xf32> {etch.name = "x"}, %arg1: memref<4xf32> {etch.name = "y", etch.output}, %arg2: memref<0xi8> {etch.arena}) attributes {etch.arena_size = 0 : i64} {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%arg0 : memref<4x300xf32>) outs(%arg1 : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %out, %in : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// Short reductions (here 10 elements) keep one work-item per output.
// CHECK-LABEL: __kernel void k0_generic(
// CHECK-NOT:     __local
// CHECK:         for (int d1 = 0; d1 < 10; ++d1) {
// CHECK:       // launch k0_generic pattern=generic
func.func @main(%arg0: memref<4x10xf32> {etch.name = "x"}, %arg1: memref<4xf32> {etch.name = "y", etch.output}, %arg2: memref<0xi8> {etch.arena}) attributes {etch.arena_size = 0 : i64} {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%arg0 : memref<4x10xf32>) outs(%arg1 : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %out, %in : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// Softmax over a 300-wide last axis: its six ops (fill, max, exp, fill,
// sum, divide) are one kernel, one work-group per row. The row's max and sum
// stay in registers (never stored); exp is recomputed instead of re-read.
// CHECK-LABEL: __kernel __attribute__((reqd_work_group_size(64, 1, 1))) void k0_softmax(__global uchar *b2, __global uchar *b3)
// CHECK:         __local float part[64];
// CHECK:         const int d0 = row;
// CHECK:         float acc0 = (-INFINITY);
// CHECK:         for (int r = lid; r < 300; r += 64) {
// CHECK:           const float v2 = etch_maximumf(acc0, x1);
// CHECK:         part[lid] = etch_maximumf(part[lid], part[lid + s]);
// CHECK:         const float m3 = etch_maximumf((-INFINITY), part[0]);
// CHECK-NEXT:    barrier(CLK_LOCAL_MEM_FENCE);
// CHECK-NEXT:    float acc4 = 0.0f;
// CHECK-NEXT:    for (int r = lid; r < 300; r += 64) {
// CHECK:           const float v6 = (x5 - m3);
// CHECK-NEXT:      const float v7 = exp(v6);
// CHECK-NEXT:      const float v8 = (acc4 + v7);
// CHECK:         part[lid] = (part[lid] + part[lid + s]);
// CHECK:         const float s9 = ((0x0p+0f) + part[0]);
// CHECK-NEXT:    for (int r = lid; r < 300; r += 64) {
// CHECK:           const float v12 = exp(v11);
// CHECK-NEXT:      const float v13 = (v12 / s9);
// CHECK-NEXT:      p1[0 + d0 * 300 + d1] = v13;
// CHECK-NOT:   __kernel
// CHECK:       // launch table: 1 kernels
// CHECK-NEXT:  // launch k0_softmax pattern=softmax args=[2, 3] global=[256, 1, 1] local=[64, 1, 1]
func.func @main(%arg0: memref<4x300xf32> {etch.name = "x"}, %arg1: memref<4x300xf32> {etch.name = "y", etch.output}, %arg2: memref<64xi8> {etch.arena}) attributes {etch.arena_align = 64 : i64, etch.arena_size = 64 : i64} {
  %c0 = arith.constant 0 : index
  %view = memref.view %arg2[%c0][] : memref<64xi8> to memref<4xf32>
  %view_0 = memref.view %arg2[%c0][] : memref<64xi8> to memref<4xf32>
  %cst = arith.constant 0.000000e+00 : f32
  %cst_1 = arith.constant 0xFF800000 : f32
  linalg.fill ins(%cst_1 : f32) outs(%view : memref<4xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%arg0 : memref<4x300xf32>) outs(%view : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %out, %in : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%arg0, %view : memref<4x300xf32>, memref<4xf32>) outs(%arg1 : memref<4x300xf32>) {
  ^bb0(%in: f32, %in_2: f32, %out: f32):
    %0 = arith.subf %in, %in_2 : f32
    %1 = math.exp %0 : f32
    linalg.yield %1 : f32
  }
  linalg.fill ins(%cst : f32) outs(%view_0 : memref<4xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%arg1 : memref<4x300xf32>) outs(%view_0 : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %out, %in : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%view_0 : memref<4xf32>) outs(%arg1 : memref<4x300xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.divf %out, %in : f32
    linalg.yield %0 : f32
  }
  return
}
