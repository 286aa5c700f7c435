// RUN: etch-translate --etch-to-opencl --etch-opencl-fp16 --split-input-file %s | FileCheck %s

// With fp16, element-wise and generic kernels compute in half (cl_khr_fp16);
// the model's inputs and outputs keep their f32 storage, loads and stores
// convert.
// CHECK:       #pragma OPENCL EXTENSION cl_khr_fp16 : enable
// CHECK-LABEL: __kernel void k0_generic(
// CHECK:         half x{{[0-9]+}} = (half)p0[0 + d0];
// CHECK:         const half v{{[0-9]+}} = tanh(x{{[0-9]+}});
// CHECK:         p1[0 + d0] = (float)acc0;
func.func @main(%arg0: memref<8xf32> {etch.name = "x"}, %arg1: memref<8xf32> {etch.name = "y", etch.output}, %arg2: memref<0xi8> {etch.arena}) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%arg0 : memref<8xf32>) outs(%arg1 : memref<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = math.tanh %in : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// f32 intermediates live as half in the arena; weights and the model's
// inputs and outputs stay f32. GEMM/convolution kernels convert each operand
// to float and accumulate in float (local tiles, float4 registers).
// CHECK-LABEL: __kernel void k0_generic(__global uchar *b0, __global uchar *b2)
// CHECK:         __global float *p0 = (__global float *)(b2 + 0);
// CHECK:         __global half *p1 = (__global half *)(b0 + 0);
// CHECK:         half x1 = (half)p0[0 + d0 * 32 + d1];
// CHECK:         const half v2 = tanh(x1);
// CHECK:         p1[0 + d0 * 32 + d1] = acc0;
// CHECK-LABEL: void k1_matmul(__global uchar *b0, __global uchar *b1, __global uchar *b3)
// CHECK:         __global half *p0 = (__global half *)(b0 + 0);
// CHECK:         __global float *p1 = (__global float *)(b1 + 0);
// CHECK:         float4 acc[4];
// CHECK:         __local float As[32][16];
// CHECK:         a = (mm < 64 && kq < 32) ? (float)p0[0 + d0 * 32 + d2] : 0.0f;
// CHECK:         b = (kq < 32 && nn < 16) ? p1[0 + d2 * 16 + d1] : 0.0f;
// CHECK:         acc[r] = fma((float4)(As[ty * 4 + r][kk]), bv, acc[r]);
// CHECK:         p2[0 + d0 * 16 + d1] = (float)r0;
memref.global "private" constant @w : memref<32x16xf32> = dense<0.5>
func.func @main(%a: memref<64x32xf32> {etch.name = "a"}, %y: memref<64x16xf32> {etch.name = "y", etch.output}, %arena: memref<8192xi8> {etch.arena}) attributes {etch.arena_size = 8192 : i64} {
  %c0 = arith.constant 0 : index
  %cst = arith.constant 0.0 : f32
  %t = memref.view %arena[%c0][] : memref<8192xi8> to memref<64x32xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a : memref<64x32xf32>) outs(%t : memref<64x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = math.tanh %in : f32
    linalg.yield %0 : f32
  }
  %w = memref.get_global @w : memref<32x16xf32>
  linalg.fill ins(%cst : f32) outs(%y : memref<64x16xf32>)
  linalg.matmul ins(%t, %w : memref<64x32xf32>, memref<32x16xf32>) outs(%y : memref<64x16xf32>)
  return
}
