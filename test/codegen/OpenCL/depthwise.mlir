// RUN: etch-opt --etch-opencl-select-strategy %s | etch-translate --etch-to-opencl | FileCheck %s

// Depthwise convolution has its own kernel: channels on NDRange z, each
// work-item 4 neighbouring columns of one row, one filter tap load per 4 FMAs.
// CHECK-LABEL: __kernel void k1_depthwise_conv_2d_nchw_chw(
// CHECK:         const int bz = (int)get_global_id(2);
// CHECK:         const int d3 = bz;
// CHECK-NEXT:    const int d1 = ry;
// CHECK:         for (int kk = 0; kk < 9; ++kk) {
// CHECK:           const float tap = p{{[0-9]+}}[0 + d3 * 9 + d4 * 3 + d5];
// CHECK:           for (int j = 0; j < 4; ++j) {
// CHECK:             acc[j] = fma(p{{[0-9]+}}[{{.*}}min(d2_, 6){{.*}}], tap, acc[j]);
// The zero fill of the output is the init, computed in place.
// CHECK:             const float r{{[0-9]+}} = (0x0p+0f) + acc[j];
// CHECK:       // launch k0_copy pattern=copy
// CHECK:       // launch k1_depthwise_conv_2d_nchw_chw pattern=depthwise args=[0, 1, 3] global=[8, 8, 4] local=[8, 8, 1]
memref.global "private" constant @w : memref<4x3x3xf32> = dense<0.25>
func.func @main(%x: memref<1x4x9x9xf32> {etch.name = "x"}, %y: memref<1x4x7x7xf32> {etch.name = "y", etch.output}, %arena: memref<1296xi8> {etch.arena}) attributes {etch.arena_size = 1296 : i64} {
  %c0 = arith.constant 0 : index
  %cst = arith.constant 0.0 : f32
  %in = memref.view %arena[%c0][] : memref<1296xi8> to memref<1x4x9x9xf32>
  memref.copy %x, %in : memref<1x4x9x9xf32> to memref<1x4x9x9xf32>
  %w = memref.get_global @w : memref<4x3x3xf32>
  linalg.fill ins(%cst : f32) outs(%y : memref<1x4x7x7xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : memref<1x4x9x9xf32>, memref<4x3x3xf32>) outs(%y : memref<1x4x7x7xf32>)
  return
}
