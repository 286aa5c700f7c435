// RUN: etch-opt --etch-opencl-select-strategy='mcpu=adreno640' %s | etch-translate --etch-to-opencl | FileCheck %s
// RUN: etch-opt --etch-opencl-select-strategy='mcpu=mali-g76' %s | etch-translate --etch-to-opencl | FileCheck %s --check-prefix=MALI

// GEMM: the bias broadcast that initializes the output and the ReLU after it
// run inside one tiled kernel: 8x8 work-items, 4x4 outputs each, A and B
// staged in local memory in 16-wide K slices, B read with vload4.
// CHECK-LABEL: __kernel __attribute__((reqd_work_group_size(8, 8, 1))) void k0_matmul(
// CHECK:         __local float As[32][16];
// CHECK:         __local float Bs[16][32];
// CHECK:         for (int k0 = 0; k0 < 32; k0 += 16) {
// CHECK:           barrier(CLK_LOCAL_MEM_FENCE);
// CHECK:           const float4 bv = vload4(tx, &Bs[kk][0]);
// CHECK:           acc[r] = fma((float4)(As[ty * 4 + r][kk]), bv, acc[r]);
// The producer's value (the bias) replaces the init load.
// CHECK:         float x{{[0-9]+}} = p{{[0-9]+}}[0 + d1];
// CHECK:         const float r{{[0-9]+}} = x{{[0-9]+}} + accs[j];
// CHECK:         etch_maximumf(r{{[0-9]+}}, (0x0p+0f))
// CHECK-NOT:   __kernel
// CHECK:       // launch table: 1 kernels
// CHECK:       // launch k0_matmul pattern=gemm args=[1, 2, 3, 4] global=[8, 16, 1] local=[8, 8, 1]

// Mali presets read global memory directly (no __local staging).
// MALI-LABEL: __kernel __attribute__((reqd_work_group_size(8, 4, 1))) void k0_matmul(
// MALI-NOT:     __local
// MALI:         for (int kq0 = 0; kq0 < 32; ++kq0) {
// MALI:       // launch k0_matmul pattern=gemm args=[1, 2, 3, 4] global=[8, 16, 1] local=[8, 4, 1]
memref.global "private" constant @bias : memref<16xf32> = dense<1.0>
func.func @main(%a: memref<64x32xf32> {etch.name = "a"}, %b: memref<32x16xf32> {etch.name = "b"}, %y: memref<64x16xf32> {etch.name = "y", etch.output}, %arena: memref<0xi8> {etch.arena}) attributes {etch.arena_size = 0 : i64} {
  %cst = arith.constant 0.0 : f32
  %bias = memref.get_global @bias : memref<16xf32>
  linalg.broadcast ins(%bias : memref<16xf32>) outs(%y : memref<64x16xf32>) dimensions = [0]
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x16xf32>) outs(%y : memref<64x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%y : memref<64x16xf32>) outs(%y : memref<64x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %cst : f32
    linalg.yield %0 : f32
  }
  return
}
