// RUN: etch-opt --split-input-file --verify-diagnostics %s

func.func @too_many_items(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %y: memref<4x4xf32>) {
  // expected-error @+1 {{gpu_schedule workgroup has 2048 work-items; at most 1024}}
  linalg.matmul {etch.gpu_schedule = #etch.gpu_schedule<workgroup = [64, 32], tile = [4, 4], tile_k = 16, local_memory = true>} ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%y : memref<4x4xf32>)
  return
}

// -----

func.func @bad_vector(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %y: memref<4x4xf32>) {
  // expected-error @+1 {{gpu_schedule tile must be [rows > 0, columns 1 or 4]}}
  linalg.matmul {etch.gpu_schedule = #etch.gpu_schedule<workgroup = [8, 8], tile = [4, 3], tile_k = 16, local_memory = true>} ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%y : memref<4x4xf32>)
  return
}
