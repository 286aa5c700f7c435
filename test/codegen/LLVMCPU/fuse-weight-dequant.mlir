// Elementwise chains that dequantize constant weights (FuseWeightDequant.cpp)
// join the contraction they feed before strategy selection: one generic
// reads the packed bytes and unpacks them in its body. A chain without an
// int -> float widening stays a separate op.
// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512})' %s | FileCheck %s

#map = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, d3)>
#map1 = affine_map<(d0, d1, d2, d3) -> (0, 0, d2, 0)>
#map2 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map3 = affine_map<(d0, d1, d2, d3) -> ()>
#map4 = affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>
#map5 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d3, d4)>
#map6 = affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d4, d1)>
#map7 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1)>
module {
  func.func @int4_matmul(%arg0: tensor<1x8xf32> {etch.name = "x"}) -> (tensor<1x2xf32> {etch.name = "y"}) {
    %cst = arith.constant 0.000000e+00 : f32
    %c0_i8 = arith.constant 0 : i8
    %c8_i8 = arith.constant 8 : i8
    %cst_0 = arith.constant dense<5.000000e-01> : tensor<2x1x1x2xf32>
    %cst_1 = arith.constant dense<15> : tensor<i8>
    %cst_2 = arith.constant dense<[[[[0], [4]]]]> : tensor<1x1x2x1xi8>
    %cst_3 = arith.constant dense<9.000000e+00> : tensor<2x1x1x2xf32>
    %cst_4 = arith.constant dense<[[[[-88, -71]], [[-20, -3]]], [[[32, 49]], [[100, 117]]]]> : tensor<2x2x1x2xi8>
    %0 = tensor.empty() : tensor<2x2x2x2xi8>
    %1 = linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%cst_4, %cst_2 : tensor<2x2x1x2xi8>, tensor<1x1x2x1xi8>) outs(%0 : tensor<2x2x2x2xi8>) {
    ^bb0(%in: i8, %in_5: i8, %out: i8):
      %13 = arith.cmpi ult, %in_5, %c8_i8 : i8
      %14 = arith.shrui %in, %in_5 : i8
      %15 = arith.select %13, %14, %c0_i8 : i8
      linalg.yield %15 : i8
    } -> tensor<2x2x2x2xi8>
    %2 = tensor.empty() : tensor<2x2x2x2xi8>
    %3 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%1, %cst_1 : tensor<2x2x2x2xi8>, tensor<i8>) outs(%2 : tensor<2x2x2x2xi8>) {
    ^bb0(%in: i8, %in_5: i8, %out: i8):
      %13 = arith.andi %in, %in_5 : i8
      linalg.yield %13 : i8
    } -> tensor<2x2x2x2xi8>
    %4 = tensor.empty() : tensor<2x2x2x2xf32>
    %5 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%3 : tensor<2x2x2x2xi8>) outs(%4 : tensor<2x2x2x2xf32>) {
    ^bb0(%in: i8, %out: f32):
      %13 = arith.uitofp %in : i8 to f32
      linalg.yield %13 : f32
    } -> tensor<2x2x2x2xf32>
    %6 = tensor.empty() : tensor<2x2x2x2xf32>
    %7 = linalg.generic {indexing_maps = [#map2, #map4, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%5, %cst_3 : tensor<2x2x2x2xf32>, tensor<2x1x1x2xf32>) outs(%6 : tensor<2x2x2x2xf32>) {
    ^bb0(%in: f32, %in_5: f32, %out: f32):
      %13 = arith.subf %in, %in_5 : f32
      linalg.yield %13 : f32
    } -> tensor<2x2x2x2xf32>
    %8 = tensor.empty() : tensor<2x2x2x2xf32>
    %9 = linalg.generic {indexing_maps = [#map2, #map4, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%7, %cst_0 : tensor<2x2x2x2xf32>, tensor<2x1x1x2xf32>) outs(%8 : tensor<2x2x2x2xf32>) {
    ^bb0(%in: f32, %in_5: f32, %out: f32):
      %13 = arith.mulf %in, %in_5 : f32
      linalg.yield %13 : f32
    } -> tensor<2x2x2x2xf32>
    %expanded = tensor.expand_shape %arg0 [[0], [1, 2, 3]] output_shape [1, 2, 2, 2] : tensor<1x8xf32> into tensor<1x2x2x2xf32>
    %10 = tensor.empty() : tensor<1x2xf32>
    %11 = linalg.fill ins(%cst : f32) outs(%10 : tensor<1x2xf32>) -> tensor<1x2xf32>
    %12 = linalg.generic {indexing_maps = [#map5, #map6, #map7], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%expanded, %9 : tensor<1x2x2x2xf32>, tensor<2x2x2x2xf32>) outs(%11 : tensor<1x2xf32>) {
    ^bb0(%in: f32, %in_5: f32, %out: f32):
      %13 = arith.mulf %in, %in_5 : f32
      %14 = arith.addf %out, %13 : f32
      linalg.yield %14 : f32
    } -> tensor<1x2xf32>
    return %12 : tensor<1x2xf32>
  }
}

// CHECK-LABEL: func.func @int4_matmul(
// CHECK-DAG: %[[PACKED:.+]] = arith.constant dense<{{.+}}> : tensor<2x2x1x2xi8>
// CHECK-NOT: linalg.generic
// CHECK: %[[FILL:.+]] = linalg.fill
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%{{.+}}, %[[PACKED]], {{.+}}) outs(%[[FILL]] : tensor<1x2xf32>) attrs = {etch.schedule = #etch.schedule<
// CHECK: arith.shrui
// CHECK: arith.andi
// CHECK: arith.uitofp
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: linalg.generic

// -----

#s = affine_map<(d0, d1) -> (d0, d1)>
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @float_chain(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<1.5> : tensor<8x2xf32>
  %k = arith.constant dense<0.5> : tensor<8x2xf32>
  %e = tensor.empty() : tensor<8x2xf32>
  %scaled = linalg.generic {indexing_maps = [#s, #s, #s], iterator_types = ["parallel", "parallel"]} ins(%w, %k : tensor<8x2xf32>, tensor<8x2xf32>) outs(%e : tensor<8x2xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %m = arith.mulf %in, %in2 : f32
    linalg.yield %m : f32
  } -> tensor<8x2xf32>
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<1x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<1x2xf32>) -> tensor<1x2xf32>
  %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %scaled : tensor<1x8xf32>, tensor<8x2xf32>) outs(%f : tensor<1x2xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %m = arith.mulf %in, %in2 : f32
    %s = arith.addf %out, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32>
  return %r : tensor<1x2xf32>
}

// CHECK-LABEL: func.func @float_chain(
// CHECK: %[[SCALED:.+]] = linalg.generic
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %[[SCALED]] : tensor<1x8xf32>, tensor<8x2xf32>)
