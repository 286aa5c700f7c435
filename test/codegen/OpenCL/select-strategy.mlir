// RUN: etch-opt --split-input-file --etch-opencl-select-strategy='mcpu=adreno740' %s | FileCheck %s

// CHECK-LABEL: func.func @gemm
// CHECK:         linalg.matmul {etch.gpu_schedule = #etch.gpu_schedule<workgroup = [16, 8], tile = [4, 4], tile_k = 16, local_memory = true>}
// CHECK:         linalg.generic
// CHECK-SAME:      etch.gpu_schedule = #etch.gpu_schedule<workgroup = [128], tile = [1, 1], tile_k = 1, local_memory = false>
func.func @gemm(%a: memref<64x32xf32>, %b: memref<32x16xf32>, %y: memref<64x16xf32>) {
  %cst = arith.constant 0.0 : f32
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x16xf32>) outs(%y : memref<64x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%y : memref<64x16xf32>) {
  ^bb0(%out: f32):
    %0 = arith.maximumf %out, %cst : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// A schedule already there (e.g. from a tuner) is kept.
// CHECK-LABEL: func.func @kept
// CHECK:         linalg.matmul {etch.gpu_schedule = #etch.gpu_schedule<workgroup = [4, 4], tile = [2, 1], tile_k = 8, local_memory = false>}
func.func @kept(%a: memref<64x32xf32>, %b: memref<32x16xf32>, %y: memref<64x16xf32>) {
  linalg.matmul {etch.gpu_schedule = #etch.gpu_schedule<workgroup = [4, 4], tile = [2, 1], tile_k = 8, local_memory = false>} ins(%a, %b : memref<64x32xf32>, memref<32x16xf32>) outs(%y : memref<64x16xf32>)
  return
}
