// RUN: etch-import %S/Inputs/constants.onnx --mlir-print-debuginfo | FileCheck %s
// RUN: etch-import %S/Inputs/external.onnx | FileCheck %s --check-prefix=EXTERNAL
// The importer resolves external data relative to the model, not the cwd.
// RUN: cd %S && etch-import Inputs/external.onnx | FileCheck %s --check-prefix=EXTERNAL
// RUN: rm -rf %t && mkdir -p %t && cp %S/Inputs/external.onnx %t/
// RUN: not etch-import %t/external.onnx 2>&1 | FileCheck %s --check-prefix=NODATA

// Constant nodes (value, value_float, value_ints), typed initializers
// (int32_data for i8/u8/bool/i32) and graph outputs that are graph inputs or
// constants.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<2xf32> {etch.name = "x"}
// CHECK-SAME: -> (tensor<2xf32> {etch.name = "sum"}, tensor<2xf32> {etch.name = "x"}, tensor<f32> {etch.name = "c_float"}, tensor<3xi64> {etch.name = "c_ints"}, tensor<3xi8> {etch.name = "i8"}, tensor<2xi8> {etch.name = "u8", etch.unsigned}, tensor<2xi1> {etch.name = "flags"}, tensor<2xi32> {etch.name = "i32"}, tensor<20xi64> {etch.name = "big"})
// CHECK: %[[T:.+]] = etch.constant dense<[1.500000e+00, -2.000000e+00]> : tensor<2xf32> loc(#[[TLOC:loc[0-9]*]])
// CHECK: %[[SUM:.+]] = etch.add %[[X]], %[[T]]
// CHECK: %[[F:.+]] = etch.constant dense<2.500000e-01> : tensor<f32>
// CHECK: %[[INTS:.+]] = etch.constant dense<[1, 2, 3]> : tensor<3xi64>
// CHECK: %[[I8:.+]] = etch.constant dense<[-1, 2, -3]> : tensor<3xi8>
// Unsigned integers are signless; the output is marked etch.unsigned above.
// CHECK: %[[U8:.+]] = etch.constant dense<[7, -1]> : tensor<2xi8>
// CHECK: %[[B:.+]] = etch.constant dense<[true, false]> : tensor<2xi1>
// CHECK: %[[I32:.+]] = etch.constant dense<[5, -6]> : tensor<2xi32>
// CHECK: %[[BIG:.+]] = etch.constant dense_resource<big> : tensor<20xi64>
// CHECK: return %[[SUM]], %[[X]], %[[F]], %[[INTS]], %[[I8]], %[[U8]], %[[B]], %[[I32]], %[[BIG]]
// CHECK: #[[TLOC]] = loc("const_tensor")
// CHECK: big: "0x080000000000000000000000010000000000000002000000

// EXTERNAL-LABEL: func.func @main(
// EXTERNAL: %[[W:.+]] = etch.constant dense_resource<w> : tensor<16x8xf32>
// EXTERNAL: etch.matmul %{{.*}}, %[[W]] : (tensor<1x16xf32>, tensor<16x8xf32>) -> tensor<1x8xf32>
// EXTERNAL: etch.constant dense<[0.773921549, 0.237652332, {{.*}}]> : tensor<8xf32>
// EXTERNAL: w: "0x04000000{{[0-9A-F]+}}"

// NODATA: loc("{{w|b}}"): tensor '{{w|b}}': cannot open external data file '{{.*}}external.onnx.data'
