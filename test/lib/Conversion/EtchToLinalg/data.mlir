// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-convert-etch-to-linalg))' --mlir-print-local-scope %s | FileCheck %s

// Expand: one generic reading the input through the broadcast map.
// CHECK-LABEL: func.func @expand
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK-SAME: ins(%{{.+}} : tensor<3x1xf32>) outs(%{{.+}} : tensor<2x3x4xf32>)
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = etch.expand %x : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// GatherElements: the index (wrapped if negative) replaces coordinate `axis`.
// CHECK-LABEL: func.func @gather_elements
// CHECK-SAME: (%[[X:.+]]: tensor<3x4xf32>, %[[I:.+]]: tensor<3x2xi64>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[I]] : tensor<3x2xi64>)
// CHECK: ^bb0(%[[IN:.+]]: i64, %{{.+}}: f32):
// CHECK: %[[ROW:.+]] = linalg.index 0 : index
// CHECK: %[[K:.+]] = arith.index_cast %[[IN]] : i64 to index
// CHECK: %[[NEG:.+]] = arith.cmpi slt, %[[K]]
// CHECK: %[[WRAP:.+]] = arith.addi %[[K]], %c4
// CHECK: %[[COL:.+]] = arith.select %[[NEG]], %[[WRAP]], %[[K]]
// CHECK: tensor.extract %[[X]][%[[ROW]], %[[COL]]] : tensor<3x4xf32>
func.func @gather_elements(%x: tensor<3x4xf32>, %i: tensor<3x2xi64>) -> tensor<3x2xf32> {
  %0 = etch.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// GatherND with one batch dim: indices[b, 0] picks dim 1 of the data.
// CHECK-LABEL: func.func @gather_nd
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>, %[[I:.+]]: tensor<2x1xi64>)
// CHECK: %[[B:.+]] = linalg.index 0 : index
// CHECK: %[[T:.+]] = linalg.index 1 : index
// CHECK: %[[V:.+]] = tensor.extract %[[I]][%[[B]], %c0{{.*}}] : tensor<2x1xi64>
// CHECK: %[[K:.+]] = arith.index_cast %[[V]] : i64 to index
// CHECK: %[[SEL:.+]] = arith.select
// CHECK: tensor.extract %[[X]][%[[B]], %[[SEL]], %[[T]]] : tensor<2x3x4xf32>
func.func @gather_nd(%x: tensor<2x3x4xf32>, %i: tensor<2x1xi64>) -> tensor<2x4xf32> {
  %0 = etch.gather_nd %x, %i {batch_dims = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x1xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// CumSum, exclusive and reversed: a reduction over a second copy of the axis
// that adds the positions after the output's.
// CHECK-LABEL: func.func @cumsum
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: %[[J:.+]] = linalg.index 2 : index
// CHECK: %[[I:.+]] = linalg.index 1 : index
// CHECK: %[[TAKE:.+]] = arith.cmpi sgt, %[[J]], %[[I]] : index
// CHECK: %[[V:.+]] = arith.select %[[TAKE]], %{{.+}}, %c0_i32
// CHECK: arith.addi %{{.+}}, %[[V]] : i32
func.func @cumsum(%x: tensor<2x5xi32>) -> tensor<2x5xi32> {
  %0 = etch.cumsum %x {axis = 1 : i64, exclusive = true, reverse = true} : tensor<2x5xi32>
  return %0 : tensor<2x5xi32>
}

// -----

// CumProd: the same reduction from 1, multiplying the positions up to the
// output's.
// CHECK-LABEL: func.func @cumprod
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK: linalg.fill ins(%[[ONE]] : f32)
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
// CHECK: %[[J:.+]] = linalg.index 1 : index
// CHECK: %[[I:.+]] = linalg.index 0 : index
// CHECK: %[[TAKE:.+]] = arith.cmpi sle, %[[J]], %[[I]] : index
// CHECK: %[[V:.+]] = arith.select %[[TAKE]], %{{.+}}, %{{.+}} : f32
// CHECK: arith.mulf %{{.+}}, %[[V]] : f32
func.func @cumprod(%x: tensor<5xf32>) -> tensor<5xf32> {
  %0 = etch.cumprod %x {axis = 0 : i64} : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// TopK: ranks (how many elements beat each one; ties by index), then output
// j takes the element of rank j.
// CHECK-LABEL: func.func @topk
// CHECK: %[[RANKS:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf oeq
// CHECK: arith.extui %{{.+}} : i1 to i64
// CHECK: %[[PICK:.+]]:2 = linalg.generic
// CHECK-SAME: ins(%[[RANKS]], %{{.+}} : tensor<3x4xi64>, tensor<3x4xf32>) outs(%{{.+}}, %{{.+}} : tensor<3x2xf32>, tensor<3x2xi64>)
// CHECK: arith.cmpi eq
// CHECK: return %[[PICK]]#0, %[[PICK]]#1
func.func @topk(%x: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %v, %i = etch.topk %x {axis = 1 : i64, k = 2 : i64} : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %v, %i : tensor<3x2xf32>, tensor<3x2xi64>
}

// -----

// Integer Mod: the remainder takes the divisor's sign.
// CHECK-LABEL: func.func @mod
// CHECK: %[[R:.+]] = arith.remsi
// CHECK: %[[FIX:.+]] = arith.andi
// CHECK: %[[ADJ:.+]] = arith.addi %[[R]]
// CHECK: arith.select %[[FIX]], %[[ADJ]], %[[R]] : i32
func.func @mod(%x: tensor<4xi32>, %y: tensor<1xi32>) -> tensor<4xi32> {
  %0 = etch.mod %x, %y : (tensor<4xi32>, tensor<1xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// fmod on f16 goes through f32 (remf then has a libm-free expansion).
// CHECK-LABEL: func.func @fmod_f16
// CHECK: arith.extf %{{.+}} : f16 to f32
// CHECK: arith.remf %{{.+}}, %{{.+}} : f32
// CHECK: arith.truncf %{{.+}} : f32 to f16
func.func @fmod_f16(%x: tensor<4xf16>, %y: tensor<4xf16>) -> tensor<4xf16> {
  %0 = etch.mod %x, %y {fmod = true} : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// Linear resize over the two spatial dims: 2 x 2 taps with edge-clamped
// indices; N and C read index 0.
// CHECK-LABEL: func.func @resize_linear
// CHECK: linalg.generic
// CHECK: math.floor
// CHECK: arith.maxsi
// CHECK: arith.minsi %{{.+}}, %c1
// CHECK: math.floor
// CHECK: arith.minsi %{{.+}}, %c3
// CHECK-COUNT-4: tensor.extract %{{.+}}[%c0, %c0{{.*}}, %{{.+}}, %{{.+}}] : tensor<1x1x2x4xf32>
// CHECK: linalg.yield
func.func @resize_linear(%x: tensor<1x1x2x4xf32>) -> tensor<1x1x4x8xf32> {
  %0 = etch.resize %x {coordinate_transformation_mode = "half_pixel", mode = "linear", static_scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x4xf32>) -> tensor<1x1x4x8xf32>
  return %0 : tensor<1x1x4x8xf32>
}

// -----

// half_pixel_symmetric: half_pixel plus an offset in/2 * (1 - out / (in *
// scale)) that centres the span when the output size 3 was rounded down from
// 5 * 0.7 = 3.5.
// CHECK-LABEL: func.func @resize_half_pixel_symmetric
// CHECK: %[[SCALE:.+]] = arith.constant 0.699999988 : f32
// CHECK: %[[OUTF:.+]] = arith.mulf %{{.+}}, %[[SCALE]] : f32
// CHECK: %[[ADJ:.+]] = arith.divf %{{.+}}, %[[OUTF]] : f32
// CHECK: %[[ONEMINUS:.+]] = arith.subf %{{.+}}, %[[ADJ]] : f32
// CHECK: %[[OFF:.+]] = arith.mulf %{{.+}}, %[[ONEMINUS]] : f32
// CHECK: %[[HP:.+]] = arith.subf
// CHECK: arith.addf %[[OFF]], %[[HP]] : f32
// CHECK: linalg.yield
func.func @resize_half_pixel_symmetric(%x: tensor<1x1x1x5xf32>) -> tensor<1x1x1x3xf32> {
  %0 = etch.resize %x {coordinate_transformation_mode = "half_pixel_symmetric", mode = "linear", static_scales = array<f32: 1.0, 1.0, 1.0, 0.7>} : (tensor<1x1x1x5xf32>) -> tensor<1x1x1x3xf32>
  return %0 : tensor<1x1x1x3xf32>
}

// -----

// Nearest with run-time scales and crop: the scale and the roi are read from
// their operands, out-of-range coordinates take the extrapolation value.
// CHECK-LABEL: func.func @resize_crop_nearest
// CHECK-SAME: (%[[X:.+]]: tensor<1x4xf32>, %[[S:.+]]: tensor<2xf32>, %[[R:.+]]: tensor<4xf32>)
// CHECK: tensor.extract %[[S]][%c1{{.*}}] : tensor<2xf32>
// CHECK: tensor.extract %[[R]][%c1{{.*}}] : tensor<4xf32>
// CHECK: tensor.extract %[[R]][%c3{{.*}}] : tensor<4xf32>
// CHECK: math.ceil
// CHECK: %[[V:.+]] = tensor.extract %[[X]]
// CHECK: %[[Y:.+]] = arith.select %{{.+}}, %cst{{.*}}, %[[V]] : f32
// CHECK: linalg.yield %[[Y]]
func.func @resize_crop_nearest(%x: tensor<1x4xf32>, %s: tensor<2xf32>, %r: tensor<4xf32>) -> tensor<1x3xf32> {
  %0 = etch.resize %x scales %s roi %r {coordinate_transformation_mode = "tf_crop_and_resize", mode = "nearest", extrapolation_value = 10.0 : f32} : (tensor<1x4xf32>, tensor<2xf32>, tensor<4xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

// ConvTranspose: the input spread by the strides into zeros, the kernel
// flipped with its channel dims swapped, then a stride-1 convolution.
// CHECK-LABEL: func.func @conv_transpose
// CHECK: %[[Z:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x2x7x7xf32>)
// CHECK: %[[SPREAD:.+]] = tensor.insert_slice %{{.+}} into %[[Z]][0, 0, 1, 1] [1, 2, 3, 3] [1, 1, 2, 2]
// CHECK: %[[FLIP:.+]] = linalg.generic
// CHECK: arith.subi %c1{{.*}}, %{{.+}} : index
// CHECK: tensor.extract %{{.+}} : tensor<1x2x3x2x2xf32>
// CHECK: %[[W:.+]] = tensor.collapse_shape %[[FLIP]] {{\[\[}}0, 1], [2], [3], [4]] : tensor<1x3x2x2x2xf32> into tensor<3x2x2x2xf32>
// CHECK: linalg.conv_2d_nchw_fchw {{.*}}ins(%[[SPREAD]], %[[W]] : tensor<1x2x7x7xf32>, tensor<3x2x2x2xf32>)
func.func @conv_transpose(%x: tensor<1x2x3x3xf32>, %w: tensor<2x3x2x2xf32>) -> tensor<1x3x6x6xf32> {
  %0 = etch.conv_transpose %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x2x3x3xf32>, tensor<2x3x2x2xf32>) -> tensor<1x3x6x6xf32>
  return %0 : tensor<1x3x6x6xf32>
}

// -----

// MaxPool indices: a (max, flat index) reduction over the window of the
// -inf padded input; a shape-only window operand makes the maps invertible.
// CHECK-LABEL: func.func @max_pool_indices
// CHECK: %[[P:.+]] = tensor.pad
// CHECK: %[[WIN:.+]] = tensor.empty() : tensor<3x3xf32>
// CHECK: %[[R:.+]]:2 = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: ins(%[[P]], %[[WIN]] : tensor<1x1x7x7xf32>, tensor<3x3xf32>)
// CHECK: arith.cmpf ogt
// CHECK: return %[[R]]#1
func.func @max_pool_indices(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xi64> {
  %0 = etch.max_pool_indices %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xi64>
  return %0 : tensor<1x1x3x3xi64>
}

// -----

// Einsum: a loop per label, output labels first; the summed label is a
// reduction and the body multiplies the operands.
// CHECK-LABEL: func.func @einsum_bmm
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: %[[P:.+]] = arith.mulf
// CHECK: arith.addf %{{.+}}, %[[P]]
func.func @einsum_bmm(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %0 = etch.einsum %a, %b {input_labels = [array<i64: 98, 105, 106>, array<i64: 98, 106, 107>], output_labels = array<i64: 98, 105, 107>} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// A diagonal: the repeated label is one loop read twice in the same map.
// CHECK-LABEL: func.func @einsum_diag
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
func.func @einsum_diag(%a: tensor<2x3x3xf32>) -> tensor<2x3xf32> {
  %0 = etch.einsum %a {input_labels = [array<i64: 98, 105, 105>], output_labels = array<i64: 98, 105>} : (tensor<2x3x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// ScatterElements: a reduction over the updates' extent on the axis, the
// result initialized with data; indices/updates are padded to data's extent
// on the other axes (padding index 5 hits nothing).
// CHECK-LABEL: func.func @scatter_elements
// CHECK-SAME: (%[[X:.+]]: tensor<4x5xf32>, %[[I:.+]]: tensor<3x2xi64>, %[[U:.+]]: tensor<3x2xf32>)
// CHECK: %[[PI:.+]] = tensor.pad %[[I]] low[0, 0] high[1, 0]
// CHECK: %[[PU:.+]] = tensor.pad %[[U]] low[0, 0] high[1, 0]
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[PI]], %[[PU]] : tensor<4x2xi64>, tensor<4x2xf32>) outs(%[[X]] : tensor<4x5xf32>)
// CHECK: arith.addf
// CHECK: arith.select
func.func @scatter_elements(%x: tensor<4x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<4x5xf32> {
  %0 = etch.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = "add"} : (tensor<4x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// -----

// ScatterND: output coordinates (parallel) x index rows (reduction); the
// row's index is compared with the leading output coordinates.
// CHECK-LABEL: func.func @scatter_nd
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: tensor.extract
// CHECK: arith.cmpi eq
// CHECK: arith.select
func.func @scatter_nd(%x: tensor<5x4xf32>, %j: tensor<2x1xi64>, %v: tensor<2x4xf32>) -> tensor<5x4xf32> {
  %0 = etch.scatter_nd %x, %j, %v : (tensor<5x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<5x4xf32>
  return %0 : tensor<5x4xf32>
}

// -----

// BitShift: a logical shift, 0 for shifts by the width or more.
// CHECK-LABEL: func.func @bit_shift_right
// CHECK: linalg.generic
// CHECK: %[[IN:.+]] = arith.cmpi ult, %{{.+}}, %{{.+}} : i8
// CHECK: %[[S:.+]] = arith.shrui
// CHECK: arith.select %[[IN]], %[[S]], %{{.+}} : i8
func.func @bit_shift_right(%x: tensor<3xi8>, %y: tensor<3xi8>) -> tensor<3xi8> {
  %0 = etch.bit_shift %x, %y {left = false} : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
  return %0 : tensor<3xi8>
}

// -----

// GridSample: one generic over the output; bilinear reads 4 taps of the
// input, each masked to 0 outside it.
// CHECK-LABEL: func.func @grid_sample_bilinear
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-COUNT-2: tensor.extract %{{.+}} : tensor<1x4x3x2xf32>
// CHECK: math.floor
// CHECK-COUNT-4: tensor.extract %{{.+}} : tensor<1x2x5x6xf32>
func.func @grid_sample_bilinear(%x: tensor<1x2x5x6xf32>, %g: tensor<1x4x3x2xf32>) -> tensor<1x2x4x3xf32> {
  %0 = etch.grid_sample %x, %g {align_corners = true, mode = "bilinear", padding_mode = "border"} : (tensor<1x2x5x6xf32>, tensor<1x4x3x2xf32>) -> tensor<1x2x4x3xf32>
  return %0 : tensor<1x2x4x3xf32>
}

// -----

// Volumetric GridSample: (x, y, z) from the grid's last dim, 8 trilinear taps
// of the 5-D input.
// CHECK-LABEL: func.func @grid_sample_volumetric
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>]
// CHECK-COUNT-3: tensor.extract %{{.+}} : tensor<1x2x3x4x3xf32>
// CHECK: math.floor
// CHECK-COUNT-8: tensor.extract %{{.+}} : tensor<1x1x3x5x6xf32>
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @grid_sample_volumetric(%x: tensor<1x1x3x5x6xf32>, %g: tensor<1x2x3x4x3xf32>) -> tensor<1x1x2x3x4xf32> {
  %0 = etch.grid_sample %x, %g {align_corners = false, mode = "bilinear", padding_mode = "zeros"} : (tensor<1x1x3x5x6xf32>, tensor<1x2x3x4x3xf32>) -> tensor<1x1x2x3x4xf32>
  return %0 : tensor<1x1x2x3x4xf32>
}

// -----

// Antialiased linear downscale by 0.5 along W: the triangle filter widened
// to 4 taps (2 - 2 * (floor(-1 / 0.5) + 1)), |pos - x| * 0.5 distances,
// weights divided by their sum; H (scale 1, same size) reads its own index.
// CHECK-LABEL: func.func @resize_antialias
// CHECK: linalg.generic
// CHECK-COUNT-4: arith.maximumf %{{.+}}, %{{.+}} : f32
// CHECK-COUNT-4: arith.divf
// CHECK-COUNT-4: tensor.extract %{{.+}} : tensor<1x1x2x8xf32>
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @resize_antialias(%x: tensor<1x1x2x8xf32>) -> tensor<1x1x2x4xf32> {
  %0 = etch.resize %x {antialias = true, coordinate_transformation_mode = "half_pixel", mode = "linear", static_scales = array<f32: 1.0, 1.0, 1.0, 0.5>} : (tensor<1x1x2x8xf32>) -> tensor<1x1x2x4xf32>
  return %0 : tensor<1x1x2x4xf32>
}
