// Split, Tile, Expand, TopK, GatherElements, GatherND, CumSum, CumProd, Mod,
// DepthToSpace/SpaceToDepth and OneHot (ImportData.cpp). Split sizes, Tile
// repeats, Expand's shape, TopK's k and OneHot's depth are run-time inputs
// here: the declared result shapes decide them.
// RUN: etch-import %S/Inputs/data_ops.onnx | FileCheck %s
// RUN: etch-import %S/Inputs/cumsum_runtime_axis.onnx | FileCheck %s --check-prefix=CUMSUM
// RUN: etch-import %S/Inputs/cumprod_26.onnx | FileCheck %s --check-prefix=CUMPROD
// RUN: not etch-import %S/Inputs/cumprod_bool.onnx 2>&1 | FileCheck %s --check-prefix=CUMPROD-BOOL
// RUN: etch-import %S/Inputs/onehot.onnx | FileCheck %s --check-prefix=ONEHOT
// RUN: not etch-import %S/Inputs/mod_float_no_fmod.onnx 2>&1 | FileCheck %s --check-prefix=FMOD

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x6xf32>
// CHECK-SAME: %[[B:arg3]]: tensor<3x1xf32>
// CHECK: %[[S0:.+]] = etch.slice %[[X]] {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<2x6xf32>) -> tensor<2x2xf32>
// CHECK: %[[S1:.+]] = etch.slice %[[X]] {starts = array<i64: 0, 2>, steps = array<i64: 1, 1>} : (tensor<2x6xf32>) -> tensor<2x4xf32>
// CHECK: %[[SP:.+]] = etch.reshape %[[X]] : (tensor<2x6xf32>) -> tensor<1x2x1x6xf32>
// CHECK: %[[EX:.+]] = etch.expand %[[SP]] : (tensor<1x2x1x6xf32>) -> tensor<2x2x2x6xf32>
// CHECK: %[[TILED:.+]] = etch.reshape %[[EX]] : (tensor<2x2x2x6xf32>) -> tensor<4x12xf32>
// CHECK: %[[EXP:.+]] = etch.expand %[[B]] : (tensor<3x1xf32>) -> tensor<3x4xf32>
// CHECK: %[[V:.+]], %[[I:.+]] = etch.topk %[[X]] {axis = 1 : i64, k = 3 : i64, largest = false} : (tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
// CHECK: etch.gather_elements %[[X]], %arg6 {axis = 1 : i64} : (tensor<2x6xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
// CHECK: etch.gather_nd %[[X]], %arg7 {batch_dims = 1 : i64} : (tensor<2x6xf32>, tensor<2x1xi64>) -> tensor<2xf32>
// A constant axis leaves no constant behind.
// CHECK-NOT: etch.constant
// CHECK: etch.cumsum %[[X]] {axis = 1 : i64, exclusive = true, reverse = true} : tensor<2x6xf32>
// CHECK: etch.mod %arg8, %arg9 : (tensor<4xi32>, tensor<1xi32>) -> tensor<4xi32>
// DepthToSpace CRD, then SpaceToDepth back.
// CHECK: %[[R:.+]] = etch.reshape %arg10 : (tensor<1x8x2x3xf32>) -> tensor<1x2x2x2x2x3xf32>
// CHECK: %[[T:.+]] = etch.transpose %[[R]] {perm = array<i64: 0, 1, 4, 2, 5, 3>}
// CHECK: %[[D2S:.+]] = etch.reshape %[[T]] : (tensor<1x2x2x2x3x2xf32>) -> tensor<1x2x4x6xf32>
// CHECK: %[[R2:.+]] = etch.reshape %[[D2S]] : (tensor<1x2x4x6xf32>) -> tensor<1x2x2x2x3x2xf32>
// CHECK: %[[T2:.+]] = etch.transpose %[[R2]] {perm = array<i64: 0, 3, 5, 1, 2, 4>}
// CHECK: etch.reshape %[[T2]] : (tensor<1x2x2x2x2x3xf32>) -> tensor<1x8x2x3xf32>
// CHECK: return %[[S0]], %[[S1]], %[[TILED]], %[[EXP]], %[[V]], %[[I]]

// A run-time axis: the scan along every axis, picked by where(axis == a).
// CUMSUM-LABEL: func.func @main(
// CUMSUM: %[[C1:.+]] = etch.cumsum %arg0 {axis = 1 : i64} : tensor<2x3xf32>
// CUMSUM: %[[Z:.+]] = etch.constant dense<0> : tensor<i32>
// CUMSUM: %[[IS0:.+]] = etch.equal %arg1, %[[Z]]
// CUMSUM: %[[M2:.+]] = etch.constant dense<-2> : tensor<i32>
// CUMSUM: %[[ISM2:.+]] = etch.equal %arg1, %[[M2]]
// CUMSUM: %[[OR:.+]] = etch.or %[[IS0]], %[[ISM2]]
// CUMSUM: %[[C0:.+]] = etch.cumsum %arg0 {axis = 0 : i64} : tensor<2x3xf32>
// CUMSUM: %[[Y:.+]] = etch.where %[[OR]], %[[C0]], %[[C1]]
// CUMSUM: return %[[Y]]

// CumProd-26: a constant negative axis normalized; a run-time axis as for
// CumSum.
// CUMPROD-LABEL: func.func @main(
// CUMPROD: %[[Y:.+]] = etch.cumprod %arg0 {axis = 1 : i64, exclusive = true, reverse = true} : tensor<2x3xi32>
// CUMPROD: %[[P1:.+]] = etch.cumprod %arg1 {axis = 1 : i64} : tensor<2x3xf32>
// CUMPROD: %[[IS0:.+]] = etch.equal %arg2, %{{.+}} : (tensor<i64>, tensor<i64>) -> tensor<i1>
// CUMPROD: %[[P0:.+]] = etch.cumprod %arg1 {axis = 0 : i64} : tensor<2x3xf32>
// CUMPROD: %[[Z:.+]] = etch.where %{{.+}}, %[[P0]], %[[P1]]
// CUMPROD: return %[[Y]], %[[Z]]

// CUMPROD-BOOL: node 'cumprod_bool' (CumProd): input of 'tensor<3xi1>' is not supported; supported: integer and floating-point tensors

// ONEHOT-LABEL: func.func @main(
// ONEHOT: %[[NEG:.+]] = etch.less %arg0, %{{.+}} : (tensor<3xi64>, tensor<i64>) -> tensor<3xi1>
// ONEHOT: %[[WRAP:.+]] = etch.add %arg0, %{{.+}} : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
// ONEHOT: %[[IDX:.+]] = etch.where %[[NEG]], %[[WRAP]], %arg0
// ONEHOT: %[[U:.+]] = etch.reshape %[[IDX]] : (tensor<3xi64>) -> tensor<1x3xi64>
// ONEHOT: %[[RANGE:.+]] = etch.constant dense<{{\[\[}}0], [1], [2], [3]]> : tensor<4x1xi64>
// ONEHOT: %[[HOT:.+]] = etch.equal %[[U]], %[[RANGE]] : (tensor<1x3xi64>, tensor<4x1xi64>) -> tensor<4x3xi1>
// ONEHOT: %[[OFF:.+]] = etch.slice %arg2 {starts = array<i64: 0>
// ONEHOT: %[[ON:.+]] = etch.slice %arg2 {starts = array<i64: 1>
// ONEHOT: etch.where %[[HOT]], %[[ON]], %[[OFF]] : (tensor<4x3xi1>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x3xf32>

// FMOD: loc("mod_f"): node 'mod_f' (Mod): attribute 'fmod' = 0 is not supported; supported: 1 (required for floating-point inputs before opset 28)
