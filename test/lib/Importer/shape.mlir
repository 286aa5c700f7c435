// RUN: etch-import %S/Inputs/shape_ops.onnx | FileCheck %s
// RUN: etch-import %S/Inputs/shape_opset11.onnx | FileCheck %s --check-prefix=OPSET11
// RUN: etch-import %S/Inputs/reshape_allowzero.onnx | FileCheck %s --check-prefix=ALLOWZERO
// RUN: not etch-import %S/Inputs/reshape_dynamic_shape.onnx 2>&1 | FileCheck %s --check-prefix=DYNSHAPE
// RUN: etch-import %S/Inputs/reshape_dynamic_shape.onnx --input-value s=3,-1 | FileCheck %s --check-prefix=PINVALUE
// RUN: not etch-import %S/Inputs/reshape_dynamic_shape.onnx --input-value s=3 2>&1 | FileCheck %s --check-prefix=PINCOUNT
// RUN: not etch-import %S/Inputs/reshape_dynamic_shape.onnx --input-value s=3,x 2>&1 | FileCheck %s --check-prefix=PINBAD
// RUN: not etch-import %S/Inputs/reshape_dynamic_shape.onnx --input-value t=1 2>&1 | FileCheck %s --check-prefix=PINNAME

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<2x3x4xf32>
// Flatten at axis 2.
// CHECK: %[[FLAT:.+]] = etch.reshape %[[X]] : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
// Reshape to [0, -1]: 0 copies the input dim, -1 takes the rest.
// CHECK: %[[RS:.+]] = etch.reshape %[[X]] : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
// Unsqueeze-13 at [0, -1] (axes input), then Squeeze of every unit dim.
// CHECK: %[[UNSQ:.+]] = etch.reshape %[[X]] : (tensor<2x3x4xf32>) -> tensor<1x2x3x4x1xf32>
// CHECK: %[[SQ:.+]] = etch.reshape %[[UNSQ]] : (tensor<1x2x3x4x1xf32>) -> tensor<2x3x4xf32>
// Transpose's default perm reverses the dims.
// CHECK: %[[TR:.+]] = etch.transpose %[[X]] {perm = array<i64: 2, 1, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
// CHECK: %[[TR2:.+]] = etch.transpose %[[X]] {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
// Concat at axis -2, normalized.
// CHECK: %[[CAT:.+]] = etch.concat %[[X]], %[[X]] {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x6x4xf32>
// Identity forwards its input.
// CHECK-NOT: etch.identity
// CHECK: return %[[FLAT]], %[[RS]], %[[UNSQ]], %[[SQ]], %[[TR]], %[[TR2]], %[[CAT]]

// Opset 11: Squeeze/Unsqueeze axes are attributes; Dropout is an identity.
// OPSET11-LABEL: func.func @main(
// OPSET11: %[[U:.+]] = etch.reshape %{{.*}} : (tensor<2x3xf32>) -> tensor<2x1x3xf32>
// OPSET11: %[[S:.+]] = etch.reshape %[[U]] : (tensor<2x1x3xf32>) -> tensor<2x3xf32>
// OPSET11: etch.identity %[[S]] : tensor<2x3xf32>

// With allowzero, a 0 in the shape is a zero-sized dim.
// ALLOWZERO: etch.reshape %{{.*}} : (tensor<0x3xf32>) -> tensor<3x0xf32>

// DYNSHAPE: loc("reshape_dyn"): node 'reshape_dyn' (Reshape): the 'shape' input ('s') must be a constant (initializer or Constant node; fix a graph input's value with --input-value s=v0,v1,...)

// --input-value fixes a graph input: it becomes a constant and leaves the
// signature.
// PINVALUE-LABEL: func.func @main(
// PINVALUE-SAME: %[[X:.+]]: tensor<2x3xf32> {etch.name = "x"}) -> (tensor<3x2xf32> {etch.name = "y"})
// PINVALUE: etch.reshape %[[X]] : (tensor<2x3xf32>) -> tensor<3x2xf32>
// PINCOUNT: error: --input-value gives graph input 's' 1 values; its shape holds 2
// PINBAD: error: --input-value: 'x' is not a valid INT64 for graph input 's'
// PINNAME: error: --input-value names 't', which is not a graph input
