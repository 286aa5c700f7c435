// RUN: etch-translate --etch-to-opencl --split-input-file %s | FileCheck %s

// An elementwise op: one work-item per element, the region as C.
// CHECK-LABEL: __kernel void k0_generic(__global uchar *b0, __global uchar *b2, __global uchar *b3)
// CHECK:         __global float *p0 = (__global float *)(b2 + 0);
// CHECK:         __global float *p1 = (__global float *)(b0 + 64);
// CHECK:         const int gid = (int)get_global_id(0);
// CHECK-NEXT:    if (gid >= 24) {
// CHECK:         const int d1 = gid % 4;
// CHECK-NEXT:    const int d0 = (gid / 4);
// CHECK:         float x{{[0-9]+}} = p0[0 + d0 * 4 + d1];
// CHECK:         const float v{{[0-9]+}} = etch_maximumf(x{{[0-9]+}}, (0x0p+0f));
// CHECK:         p1[0 + d0 * 4 + d1] = acc0;
// The consumer that reads the result at the same element is fused.
// CHECK:         p2[0 + d0 * 4 + d1] = v{{[0-9]+}};
// CHECK-NOT:   __kernel
// CHECK:       // launch k0_generic pattern=generic args=[0, 2, 3] global=[64, 1, 1] local=[64, 1, 1]
func.func @main(%arg0: memref<6x4xf32> {etch.name = "x"}, %arg1: memref<6x4xf32> {etch.name = "y", etch.output}, %arg2: memref<192xi8> {etch.arena}) attributes {etch.arena_size = 192 : i64} {
  %c64 = arith.constant 64 : index
  %cst = arith.constant 0.0 : f32
  %view = memref.view %arg2[%c64][] : memref<192xi8> to memref<6x4xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%arg0 : memref<6x4xf32>) outs(%view : memref<6x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %cst : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%view : memref<6x4xf32>) outs(%arg1 : memref<6x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = math.exp %in : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// A reduction: the reduction loop runs inside the work-item, the init is the
// accumulator; views and subviews become offsets and strides.
// CHECK-LABEL: __kernel void k0_generic(__global uchar *b2, __global uchar *b3)
// CHECK:         if (gid >= 3) {
// CHECK:         const int d0 = gid;
// CHECK:         float acc0 = x{{[0-9]+}};
// CHECK:         for (int d1 = 0; d1 < 5; ++d1) {
// CHECK:           float x{{[0-9]+}} = p{{[0-9]+}}[0 + d0 * 5 + d1];
// CHECK:           const float v{{[0-9]+}} = (acc0 + x{{[0-9]+}});
// CHECK:           acc0 = v{{[0-9]+}};
// CHECK:         }
// CHECK-LABEL: __kernel void k1_copy(__global uchar *b1, __global uchar *b3)
// CHECK:         p{{[0-9]+}}[1] = p{{[0-9]+}}[0];
// CHECK:       // launch table: 2 kernels, arena 0 bytes, weights 12 bytes
memref.global "private" constant @w : memref<3xf32> = dense<[1.0, 2.0, 3.0]>
func.func @main(%arg0: memref<3x5xf32> {etch.name = "x"}, %arg1: memref<3xf32> {etch.name = "y", etch.output}, %arg2: memref<0xi8> {etch.arena}) attributes {etch.arena_size = 0 : i64} {
  %w = memref.get_global @w : memref<3xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%arg0 : memref<3x5xf32>) outs(%arg1 : memref<3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.addf %out, %in : f32
    linalg.yield %0 : f32
  }
  %sv = memref.subview %arg1[1] [1] [2] : memref<3xf32> to memref<1xf32, strided<[2], offset: 1>>
  %ws = memref.subview %w[0] [1] [1] : memref<3xf32> to memref<1xf32, strided<[1]>>
  memref.copy %ws, %sv : memref<1xf32, strided<[1]>> to memref<1xf32, strided<[2], offset: 1>>
  return
}
