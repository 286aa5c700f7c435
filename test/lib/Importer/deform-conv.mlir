// AffineGrid (20) and DeformConv (19), composed of etch ops, and their
// errors. Models: gen_deform_models.py.
// RUN: etch-import %S/Inputs/affine_grid_2d_20.onnx | FileCheck %s --check-prefix=AFFINE2D
// RUN: etch-import %S/Inputs/affine_grid_3d_20.onnx | FileCheck %s --check-prefix=AFFINE3D
// RUN: not etch-import %S/Inputs/affine_grid_bad_20.onnx 2>&1 | FileCheck %s --check-prefix=AFFINEBAD
// RUN: etch-import %S/Inputs/deform_conv_19.onnx | FileCheck %s --check-prefix=DEFORM
// RUN: not etch-import %S/Inputs/deform_conv_1d_19.onnx 2>&1 | FileCheck %s --check-prefix=DEFORM1D

// size (2, 1, 2, 3), align_corners=1: rows [x, y, 1] over H = 2, W = 3 with
// x in {-1, 0, 1}, y in {-1, 1}; the grid is base x theta^T per batch.
// AFFINE2D-LABEL: func.func @main(
// AFFINE2D-SAME: %[[T:.+]]: tensor<2x2x3xf32> {etch.name = "theta"}) -> (tensor<2x2x3x2xf32> {etch.name = "y"})
// AFFINE2D: %[[B:.+]] = etch.constant dense<{{\[}}[-1.000000e+00, -1.000000e+00, 1.000000e+00], [0.000000e+00, -1.000000e+00, 1.000000e+00], [1.000000e+00, -1.000000e+00, 1.000000e+00], [-1.000000e+00, 1.000000e+00, 1.000000e+00], [0.000000e+00, 1.000000e+00, 1.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00]]> : tensor<6x3xf32>
// AFFINE2D: %[[TT:.+]] = etch.transpose %[[T]] {perm = array<i64: 0, 2, 1>} : (tensor<2x2x3xf32>) -> tensor<2x3x2xf32>
// AFFINE2D: %[[G:.+]] = etch.matmul %[[B]], %[[TT]] : (tensor<6x3xf32>, tensor<2x3x2xf32>) -> tensor<2x6x2xf32>
// AFFINE2D: etch.reshape %[[G]] : (tensor<2x6x2xf32>) -> tensor<2x2x3x2xf32>

// align_corners=0 over 2 x 2 x 2: pixel centers at -0.5 and 0.5, x fastest.
// AFFINE3D-LABEL: func.func @main(
// AFFINE3D: etch.constant dense<{{\[}}[-5.000000e-01, -5.000000e-01, -5.000000e-01, 1.000000e+00], [5.000000e-01, -5.000000e-01, -5.000000e-01, 1.000000e+00], [-5.000000e-01, 5.000000e-01, -5.000000e-01, 1.000000e+00]
// AFFINE3D: etch.matmul {{.+}} : (tensor<8x4xf32>, tensor<1x4x3xf32>) -> tensor<1x8x3xf32>
// AFFINE3D: etch.reshape {{.+}} : (tensor<1x8x3xf32>) -> tensor<1x2x2x2x3xf32>

// AFFINEBAD: node 'affinebad' (AffineGrid): expected 'size' (N, C, H, W) or (N, C, D, H, W) and a float 'theta' (N, 2, 3) or (N, 3, 4) to match, got size of 5 values and theta 'tensor<1x2x3xf32>'

// 2 offset groups of 2 channels, 3x2 kernel (6 taps), output 5x3: one
// GridSample of x viewed (N*og, C/og, H, W) on the grids (N*og, 6*5, 3, 2);
// the mask scales its samples; 2 conv groups multiply (2, 3, 12) weights by
// the (1, 2, 12, 15) columns; the bias is added.
// DEFORM-LABEL: func.func @main(
// DEFORM-SAME: %[[X:[^:]+]]: tensor<1x4x5x6xf32> {etch.name = "x"}, %[[W:[^:]+]]: tensor<6x2x3x2xf32> {etch.name = "w"}, %[[OFF:[^:]+]]: tensor<1x24x5x3xf32> {etch.name = "offset"}, %[[B:[^:]+]]: tensor<6xf32> {etch.name = "b"}, %[[M:[^:]+]]: tensor<1x12x5x3xf32> {etch.name = "mask"})
// DEFORM: %[[M2:.+]] = etch.reshape %[[M]] : (tensor<1x12x5x3xf32>) -> tensor<2x1x30x3xf32>
// DEFORM: etch.reshape %[[OFF]] : (tensor<1x24x5x3xf32>) -> tensor<1x2x6x2x5x3xf32>
// DEFORM: %[[XY:.+]] = etch.concat %{{.+}}, %{{.+}} {axis = 5 : i64} : (tensor<1x2x6x5x3x1xf32>, tensor<1x2x6x5x3x1xf32>) -> tensor<1x2x6x5x3x2xf32>
// DEFORM: %[[GRID:.+]] = etch.reshape %[[XY]] : (tensor<1x2x6x5x3x2xf32>) -> tensor<2x30x3x2xf32>
// DEFORM: %[[XG:.+]] = etch.reshape %[[X]] : (tensor<1x4x5x6xf32>) -> tensor<2x2x5x6xf32>
// DEFORM: %[[S:.+]] = etch.grid_sample %[[XG]], %[[GRID]] {align_corners = false, mode = "bilinear", padding_mode = "zeros"} : (tensor<2x2x5x6xf32>, tensor<2x30x3x2xf32>) -> tensor<2x2x30x3xf32>
// DEFORM: %[[SM:.+]] = etch.mul %[[S]], %[[M2]]
// DEFORM: %[[COLS:.+]] = etch.reshape %[[SM]] : (tensor<2x2x30x3xf32>) -> tensor<1x2x12x15xf32>
// DEFORM: %[[WM:.+]] = etch.reshape %[[W]] : (tensor<6x2x3x2xf32>) -> tensor<2x3x12xf32>
// DEFORM: %[[Y:.+]] = etch.matmul %[[WM]], %[[COLS]] : (tensor<2x3x12xf32>, tensor<1x2x12x15xf32>) -> tensor<1x2x3x15xf32>
// DEFORM: %[[Y4:.+]] = etch.reshape %[[Y]] : (tensor<1x2x3x15xf32>) -> tensor<1x6x5x3xf32>
// DEFORM: %[[B4:.+]] = etch.reshape %[[B]] : (tensor<6xf32>) -> tensor<1x6x1x1xf32>
// DEFORM: etch.add %[[Y4]], %[[B4]]

// DEFORM1D: node 'deform1d' (DeformConv): expected a 2-D float DeformConv: X (N, C, H, W), W (oC, C/group, kH, kW), offset (N, 2*offset_group*kH*kW, oH, oW); got X 'tensor<1x1x5xf32>', W 'tensor<1x1x2xf32>', offset 'tensor<1x2x4xf32>' (1-D and 3-D DeformConv are not supported)
