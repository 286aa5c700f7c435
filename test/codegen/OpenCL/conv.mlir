// RUN: etch-opt --etch-opencl-select-strategy %s | etch-translate --etch-to-opencl | FileCheck %s

// A convolution is an implicit GEMM: M = output channels, N = batch x rows x
// columns, K = input channels x kernel rows x kernel columns; the input is
// read as im2col through the op's indexing maps (stride 2 here).
// CHECK-LABEL: __kernel __attribute__((reqd_work_group_size(8, 8, 1))) void k1_conv_2d_nchw_fchw(
// CHECK:         __local float As[32][16];
// CHECK:         const int kq = k0 + i / 32;
// CHECK:         const int d6 = kq % 3;
// CHECK-NEXT:    const int d5 = (kq / 3) % 3;
// CHECK-NEXT:    const int d4 = (kq / 9);
// CHECK:         const int d3 = nn % 4;
// CHECK-NEXT:    const int d2 = (nn / 4);
// CHECK:         b = (kq < 36 && nn < 16) ? p{{[0-9]+}}[0 + d4 * 81 + ((d2 * 2) + d5) * 9 + ((d3 * 2) + d6)] : 0.0f;
// CHECK:       // launch k1_conv_2d_nchw_fchw pattern=conv args=[0, 1, 3] global=[8, 8, 1] local=[8, 8, 1]
memref.global "private" constant @w : memref<8x4x3x3xf32> = dense<0.5>
func.func @main(%x: memref<1x4x9x9xf32> {etch.name = "x"}, %y: memref<1x8x4x4xf32> {etch.name = "y", etch.output}, %arena: memref<1296xi8> {etch.arena}) attributes {etch.arena_size = 1296 : i64} {
  %c0 = arith.constant 0 : index
  %cst = arith.constant 0.0 : f32
  %in = memref.view %arena[%c0][] : memref<1296xi8> to memref<1x4x9x9xf32>
  memref.copy %x, %in : memref<1x4x9x9xf32> to memref<1x4x9x9xf32>
  %w = memref.get_global @w : memref<8x4x3x3xf32>
  linalg.fill ins(%cst : f32) outs(%y : memref<1x8x4x4xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%in, %w : memref<1x4x9x9xf32>, memref<8x4x3x3xf32>) outs(%y : memref<1x8x4x4xf32>)
  return
}
