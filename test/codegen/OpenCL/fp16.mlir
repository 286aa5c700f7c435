// RUN: etch-translate --etch-to-opencl --etch-opencl-fp16 %s | FileCheck %s

// With fp16, element-wise and generic kernels compute in half (cl_khr_fp16);
// tensors keep their f32 storage, loads and stores convert.
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
