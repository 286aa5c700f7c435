// Import-time evaluation of shape arithmetic (ImportTensorFold.cpp), the
// runtime Slice/Gather importers and the ceil_mode pool shape.
// RUN: etch-import %S/Inputs/fold_reshape.onnx | FileCheck %s --check-prefix=RESHAPE
// RUN: etch-import %S/Inputs/fold_misc.onnx | FileCheck %s --check-prefix=MISC
// RUN: etch-import %S/Inputs/fold_gather_runtime.onnx | FileCheck %s --check-prefix=GATHER
// RUN: etch-import %S/Inputs/slice_runtime.onnx | FileCheck %s --check-prefix=SLICE
// RUN: not etch-import %S/Inputs/fold_range_runtime.onnx 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: etch-import %S/Inputs/pool_ceil.onnx | FileCheck %s --check-prefix=CEIL

// Shape -> Gather -> Unsqueeze -> Concat fold to the constant [2, -1]; only
// the Reshape is left, and no constant is materialized.
// RESHAPE-LABEL: func.func @main
// RESHAPE-NOT: etch.constant
// RESHAPE: %[[R:.+]] = etch.reshape %arg0 : (tensor<2x3x4x5xf32>) -> tensor<2x60xf32>
// RESHAPE-NEXT: return %[[R]]

// Slice(step -1) reverses [2, 3]; Where/Equal make it [-1, 2]; Size, Range,
// Cast, ConstantOfShape and Mul all fold.
// MISC-LABEL: func.func @main
// MISC: %[[R:.+]] = etch.reshape %arg0 : (tensor<2x3xf32>) -> tensor<3x2xf32>
// MISC: %[[ONES:.+]] = etch.constant dense<1.500000e+00> : tensor<3x2xf32>
// MISC: %[[Y:.+]] = etch.add %[[R]], %[[ONES]]
// MISC: %[[RG:.+]] = etch.constant dense<[0.000000e+00, 2.000000e+00, 4.000000e+00]> : tensor<3xf32>
// MISC: %[[REV2:.+]] = etch.constant dense<[6, 4]> : tensor<2xi64>
// MISC: return %[[Y]], %[[RG]], %[[REV2]]

// GATHER-LABEL: func.func @main
// GATHER: %[[I:.+]] = etch.constant dense<[0, 2]> : tensor<2xi64>
// GATHER: etch.gather %arg0, %[[I]] {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>

// Ends clamp (100 -> 4 with step -2 from the back), the omitted axis keeps
// everything; Shape(start=-2) folds.
// SLICE-LABEL: func.func @main
// SLICE: etch.slice %arg0 {starts = array<i64: 0, 1, 4>, steps = array<i64: 1, 1, -2>} : (tensor<4x6x5xf32>) -> tensor<4x2x3xf32>
// SLICE: etch.constant dense<[6, 5]> : tensor<2xi64>

// RANGE: node 'range_rt' (Range): op 'Range' is only supported when it can be evaluated at import (all inputs constant

// ONNX 1.12 shape inference says 3; the last window would start in the end
// padding, so etch (like ONNX Runtime) makes 2.
// CEIL-LABEL: func.func @main
// CEIL: etch.max_pool %arg0 {{.*}}ceil_mode = true{{.*}} : (tensor<1x1x4xf32>) -> tensor<1x1x2xf32>
