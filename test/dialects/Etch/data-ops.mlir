// RUN: etch-opt %s | etch-opt | FileCheck %s
// Round trip of the gather/resize/scan/ConvTranspose ops (EtchDataOps.td).

// CHECK-LABEL: func.func @data_ops
func.func @data_ops(%x: tensor<2x6xf32>, %i: tensor<2x2xi64>, %n: tensor<2x1xi32>,
                    %img: tensor<1x2x3x3xf32>, %w: tensor<2x1x3x3xf32>,
                    %s: tensor<4xf32>, %r: tensor<8xf32>)
    -> (tensor<3x2x6xf32>, tensor<2x2xf32>, tensor<2xf32>, tensor<2x6xf32>,
        tensor<2x3xf32>, tensor<2x3xi64>, tensor<2x6xf32>,
        tensor<1x2x6x6xf32>, tensor<1x2x5x5xf32>, tensor<1x2x2x2xi64>,
        tensor<1x2x6x6xf32>) {
  // CHECK: etch.expand %{{.+}} : (tensor<2x6xf32>) -> tensor<3x2x6xf32>
  %0 = etch.expand %x : (tensor<2x6xf32>) -> tensor<3x2x6xf32>
  // CHECK: etch.gather_elements %{{.+}}, %{{.+}} {axis = 1 : i64}
  %1 = etch.gather_elements %x, %i {axis = 1 : i64} : (tensor<2x6xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
  // CHECK: etch.gather_nd %{{.+}}, %{{.+}} {batch_dims = 1 : i64}
  %2 = etch.gather_nd %x, %n {batch_dims = 1 : i64} : (tensor<2x6xf32>, tensor<2x1xi32>) -> tensor<2xf32>
  // CHECK: etch.cumsum %{{.+}} {axis = 0 : i64, reverse = true} : tensor<2x6xf32>
  %3 = etch.cumsum %x {axis = 0 : i64, reverse = true} : tensor<2x6xf32>
  // CHECK: etch.cumprod %{{.+}} {axis = 1 : i64, exclusive = true} : tensor<2x6xf32>
  %p = etch.cumprod %x {axis = 1 : i64, exclusive = true} : tensor<2x6xf32>
  // CHECK: etch.topk %{{.+}} {axis = 1 : i64, k = 3 : i64}
  %v, %vi = etch.topk %x {axis = 1 : i64, k = 3 : i64} : (tensor<2x6xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
  // CHECK: etch.mod %{{.+}}, %{{.+}} {fmod = true}
  %4 = etch.mod %x, %x {fmod = true} : (tensor<2x6xf32>, tensor<2x6xf32>) -> tensor<2x6xf32>
  // CHECK: etch.conv_transpose %{{.+}}, %{{.+}} {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>}
  %5 = etch.conv_transpose %img, %w {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x3x3xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf32>
  // CHECK: etch.resize %{{.+}} scales %{{.+}} roi %{{.+}} {coordinate_transformation_mode = "tf_crop_and_resize", mode = "linear"}
  %6 = etch.resize %img scales %s roi %r {coordinate_transformation_mode = "tf_crop_and_resize", mode = "linear"} : (tensor<1x2x3x3xf32>, tensor<4xf32>, tensor<8xf32>) -> tensor<1x2x5x5xf32>
  // CHECK: etch.max_pool_indices %{{.+}} {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = true, strides = array<i64: 1, 1>}
  %7 = etch.max_pool_indices %img {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, storage_order = true, strides = array<i64: 1, 1>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x2x2xi64>
  // CHECK: etch.resize %{{.+}} {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", static_scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>}
  %8 = etch.resize %img {coordinate_transformation_mode = "asymmetric", mode = "nearest", nearest_mode = "floor", static_scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x6x6xf32>
  return %0, %1, %2, %3, %v, %vi, %4, %5, %6, %7, %8 : tensor<3x2x6xf32>, tensor<2x2xf32>, tensor<2xf32>, tensor<2x6xf32>, tensor<2x3xf32>, tensor<2x3xi64>, tensor<2x6xf32>, tensor<1x2x6x6xf32>, tensor<1x2x5x5xf32>, tensor<1x2x2x2xi64>, tensor<1x2x6x6xf32>
}

// CHECK-LABEL: func.func @scatters
// CHECK: etch.scatter_elements %{{.+}}, %{{.+}}, %{{.+}} {axis = 1 : i64, reduction = "add"} : (tensor<4x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<4x5xf32>
// CHECK: etch.scatter_nd %{{.+}}, %{{.+}}, %{{.+}} : (tensor<5x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<5x4xf32>
func.func @scatters(%x: tensor<4x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>, %y: tensor<5x4xf32>, %j: tensor<2x1xi64>, %v: tensor<2x4xf32>) -> (tensor<4x5xf32>, tensor<5x4xf32>) {
  %0 = etch.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = "add"} : (tensor<4x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<4x5xf32>
  %1 = etch.scatter_nd %y, %j, %v : (tensor<5x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<5x4xf32>
  return %0, %1 : tensor<4x5xf32>, tensor<5x4xf32>
}

// CHECK-LABEL: func.func @bit_shift
// CHECK: etch.bit_shift %{{.+}}, %{{.+}} {left = true} : (tensor<3xi8>, tensor<i8>) -> tensor<3xi8>
func.func @bit_shift(%x: tensor<3xi8>, %y: tensor<i8>) -> tensor<3xi8> {
  %0 = etch.bit_shift %x, %y {left = true} : (tensor<3xi8>, tensor<i8>) -> tensor<3xi8>
  return %0 : tensor<3xi8>
}

// CHECK-LABEL: func.func @grid_sample
// CHECK: etch.grid_sample %{{.+}}, %{{.+}} {align_corners = false, mode = "bilinear", padding_mode = "zeros"} : (tensor<1x2x5x6xf32>, tensor<1x4x3x2xf32>) -> tensor<1x2x4x3xf32>
func.func @grid_sample(%x: tensor<1x2x5x6xf32>, %g: tensor<1x4x3x2xf32>) -> tensor<1x2x4x3xf32> {
  %0 = etch.grid_sample %x, %g {align_corners = false, mode = "bilinear", padding_mode = "zeros"} : (tensor<1x2x5x6xf32>, tensor<1x4x3x2xf32>) -> tensor<1x2x4x3xf32>
  return %0 : tensor<1x2x4x3xf32>
}
