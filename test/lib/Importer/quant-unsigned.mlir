// For targets with x86 VNNI (vpdpbusd multiplies unsigned by signed bytes)
// etch-compile imports uint8 activations as they are: the convolution
// zero-extends them (unsigned_input) and their zero point folds into the
// bias; the padding is the zero point. Without the flag (other targets) a
// uint8 activation becomes int8 as x - 128 (quant.mlir).
// RUN: etch-import --unsigned-activations %S/Inputs/qlinear_conv_u8.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<1x16x8x16xi8> {etch.name = "x", etch.unsigned}
// CHECK-NOT: etch.add %[[X]]
// CHECK: %[[P:.+]] = etch.pad %[[X]] {{{.*}}value = 1.200000e+02 : f32}
// CHECK: etch.conv %[[P]], %{{.+}}, %{{.+}} {{{.*}}unsigned_input = true} : (tensor<1x16x10x18xi8>, tensor<16x16x3x3xi8>, tensor<16xi32>) -> tensor<1x16x8x16xi32>
