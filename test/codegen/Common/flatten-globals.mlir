// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-common-flatten-globals)' %s | FileCheck %s

// n-D constant globals become 1-D (dense and dense_resource alike, the blob
// is re-typed, not copied) and 64-byte aligned; users see the old shape
// through an expand_shape.
// CHECK: memref.global "private" constant @w : memref<6xf32> = dense_resource<blob> {alignment = 64 : i64}
// CHECK: memref.global "private" constant @d : memref<4xi8> = dense<[1, 2, 3, 4]> {alignment = 64 : i64}
// CHECK: memref.global "private" constant @v : memref<3xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> {alignment = 64 : i64}
// CHECK: memref.global "private" @mutable : memref<2x2xf32>
// CHECK-LABEL: func.func @main
// CHECK: %[[W:.+]] = memref.get_global @w : memref<6xf32>
// CHECK: memref.expand_shape %[[W]] {{\[\[}}0, 1]] output_shape [2, 3] : memref<6xf32> into memref<2x3xf32>
// CHECK: %[[D:.+]] = memref.get_global @d : memref<4xi8>
// CHECK: memref.expand_shape %[[D]] {{\[\[}}0, 1, 2]] output_shape [2, 1, 2] : memref<4xi8> into memref<2x1x2xi8>
// CHECK: memref.get_global @v : memref<3xf32>
// CHECK-NOT: memref.expand_shape
// CHECK: return
memref.global "private" constant @w : memref<2x3xf32> = dense_resource<blob>
memref.global "private" constant @d : memref<2x1x2xi8> = dense<[[[1, 2]], [[3, 4]]]>
memref.global "private" constant @v : memref<3xf32> = dense<[1.0, 2.0, 3.0]>
memref.global "private" @mutable : memref<2x2xf32> = dense<0.0>
func.func @main(%a: memref<2x3xf32>, %b: memref<2x1x2xi8>, %c: memref<3xf32>) {
  %0 = memref.get_global @w : memref<2x3xf32>
  memref.copy %0, %a : memref<2x3xf32> to memref<2x3xf32>
  %1 = memref.get_global @d : memref<2x1x2xi8>
  memref.copy %1, %b : memref<2x1x2xi8> to memref<2x1x2xi8>
  %2 = memref.get_global @v : memref<3xf32>
  memref.copy %2, %c : memref<3xf32> to memref<3xf32>
  return
}
{-#
  dialect_resources: {
    builtin: {
      blob: "0x04000000000080BF0000004000004040000080400000A0400000C040"
    }
  }
#-}
