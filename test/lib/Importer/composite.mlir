// ConvTranspose, LRN, Shrink, IsNaN, IsInf (ImportComposite.cpp).
// RUN: etch-import %S/Inputs/composite.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<1x4x3x3xf32>
// CHECK: %[[W:.+]] = etch.constant dense_resource<w> : tensor<4x3x3x3xf32>
// CHECK: %[[BIAS:.+]] = etch.constant
// CHECK: %[[CT:.+]] = etch.conv_transpose %[[X]], %[[W]], %[[BIAS]] {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 1, 0, 0, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x3x3xf32>, tensor<4x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x7x6xf32>
// LRN: the channel-window sum of x^2 is an average pool over [N, 1, C, H*W].
// CHECK: %[[SQ:.+]] = etch.mul %[[X]], %[[X]]
// CHECK: %[[VIEW:.+]] = etch.reshape %[[SQ]] : (tensor<1x4x3x3xf32>) -> tensor<1x1x4x9xf32>
// CHECK: %[[AVG:.+]] = etch.average_pool %[[VIEW]] {count_include_pad = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 1>, pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 1, 1>}
// CHECK: %[[M:.+]] = etch.reshape %[[AVG]] : (tensor<1x1x4x9xf32>) -> tensor<1x4x3x3xf32>
// CHECK: %[[SCALED:.+]] = etch.mul %[[M]], %{{.+}}
// CHECK: %[[T:.+]] = etch.add %[[SCALED]], %{{.+}}
// CHECK: %[[P:.+]] = etch.pow %[[T]], %{{.+}}
// CHECK: %[[LRN:.+]] = etch.div %[[X]], %[[P]]
// Shrink.
// CHECK: %[[LOW:.+]] = etch.less %[[X]], %{{.+}}
// CHECK: %[[HIGH:.+]] = etch.greater %[[X]], %{{.+}}
// CHECK: %[[PLUS:.+]] = etch.add %[[X]], %{{.+}}
// CHECK: %[[MINUS:.+]] = etch.sub %[[X]], %{{.+}}
// CHECK: %[[Y:.+]] = etch.where %[[HIGH]], %[[MINUS]], %{{.+}}
// CHECK: %[[SHRINK:.+]] = etch.where %[[LOW]], %[[PLUS]], %[[Y]]
// IsNaN is x != x; IsInf with detect_negative = 0 is x == +inf.
// CHECK: %[[EQ:.+]] = etch.equal %[[X]], %[[X]]
// CHECK: %[[NAN:.+]] = etch.not %[[EQ]]
// CHECK: %[[INF:.+]] = etch.constant dense<0x7F800000> : tensor<f32>
// CHECK: %[[ISINF:.+]] = etch.equal %[[X]], %[[INF]]
// CHECK: return %[[CT]], %[[LRN]], %[[SHRINK]], %[[NAN]], %[[ISINF]]
