// RUN: etch-translate --etch-to-opencl --split-input-file --verify-diagnostics %s

// Memory the planner did not place has no device buffer.
func.func @main(%arg0: memref<4xf32> {etch.name = "x"}, %arg1: memref<4xf32> {etch.name = "y", etch.output}, %arg2: memref<0xi8> {etch.arena}) {
  // expected-error @+1 {{the OpenCL backend cannot run 'memref.alloc'}}
  %a = memref.alloc() : memref<4xf32>
  memref.copy %arg0, %a : memref<4xf32> to memref<4xf32>
  return
}

// -----

// A region op without an OpenCL C spelling is named.
func.func @main(%arg0: memref<4xi32> {etch.name = "x"}, %arg1: memref<4xi32> {etch.name = "y", etch.output}, %arg2: memref<0xi8> {etch.arena}) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%arg0 : memref<4xi32>) outs(%arg1 : memref<4xi32>) {
  ^bb0(%in: i32, %out: i32):
    // expected-error @+1 {{OpenCL kernels do not support 'math.ctlz' in a linalg region}}
    %0 = math.ctlz %in : i32
    linalg.yield %0 : i32
  }
  return
}
