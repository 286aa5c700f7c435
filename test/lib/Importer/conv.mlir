// RUN: etch-import %S/Inputs/conv.onnx --mlir-print-debuginfo | FileCheck %s
// RUN: etch-import %S/Inputs/conv_autopad.onnx | FileCheck %s --check-prefix=AUTOPAD
// RUN: not etch-import %S/Inputs/conv_bad_autopad.onnx 2>&1 | FileCheck %s --check-prefix=BAD

// Large weights become resource blobs, small ones dense attributes; ops are
// located at their ONNX node names.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<1x3x8x8xf32> {etch.name = "x"}
// CHECK-SAME: -> (tensor<1x8x4x4xf32> {etch.name = "y"})
// CHECK: %[[W:.+]] = etch.constant dense_resource<w> : tensor<8x3x3x3xf32> loc(#[[WLOC:loc[0-9]*]])
// CHECK: %[[B:.+]] = etch.constant dense<{{.*}}> : tensor<8xf32>
// CHECK: %[[Y:.+]] = etch.conv %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32> loc(#[[CLOC:loc[0-9]*]])
// CHECK: return %[[Y]]
// CHECK-DAG: #[[WLOC]] = loc("w")
// CHECK-DAG: #[[CLOC]] = loc("conv_0")
// CHECK: dialect_resources
// CHECK-NEXT: builtin
// CHECK-NEXT: w: "0x04000000

// auto_pad resolves to explicit pads: SAME_UPPER puts the odd pad at the end,
// SAME_LOWER at the beginning; kernel_shape defaults to the weight's.
// AUTOPAD-LABEL: func.func @main
// AUTOPAD: etch.conv %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x6x6xf32>, tensor<2x4x3x3xf32>) -> tensor<1x2x3x3xf32>
// AUTOPAD: etch.conv %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x6x6xf32>, tensor<2x4x3x3xf32>) -> tensor<1x2x3x3xf32>
// AUTOPAD: etch.conv %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x6x6xf32>, tensor<2x4x3x3xf32>) -> tensor<1x2x4x4xf32>
// Depthwise: group == C_in, dilated.
// AUTOPAD: etch.conv %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, group = 4 : i64, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x4x6x6xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>

// BAD: loc("conv_bad"): node 'conv_bad' (Conv): attribute 'auto_pad' = 'SAME_WEIRD' is not supported; supported: NOTSET, SAME_UPPER, SAME_LOWER, VALID
