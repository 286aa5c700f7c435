// --requant=fixedpoint (TensorFlow Lite's arithmetic): the i32 accumulator
// goes through etch.fixed_point_mul with the multiplier and shift computed
// at compile time (per output column here: b's scale is per column), then
// the zero point, the clamp and the cast, all in integers.
// RUN: etch-import --requant=fixedpoint %S/Inputs/qlinear_matmul.onnx | FileCheck %s
// RUN: not etch-import --requant=gemmlowp %S/Inputs/qlinear_matmul.onnx 2>&1 | FileCheck %s --check-prefix=BAD

// CHECK-LABEL: func.func @main(
// CHECK: %[[ACC:.+]] = etch.matmul %{{.+}}, %{{.+}} : (tensor<2x3xi8>, tensor<3x4xi8>) -> tensor<2x4xi32>
// CHECK-DAG: %[[M:.+]] = etch.constant dense<{{.+}}> : tensor<1x4xi32>
// CHECK-DAG: %[[S:.+]] = etch.constant dense<{{.+}}> : tensor<1x4xi32>
// CHECK: %[[Y:.+]] = etch.fixed_point_mul %[[ACC]], %[[M]], %[[S]] : (tensor<2x4xi32>, tensor<1x4xi32>, tensor<1x4xi32>) -> tensor<2x4xi32>
// CHECK-NOT: f32
// CHECK: etch.add %[[Y]]
// CHECK: etch.max
// CHECK: etch.min
// CHECK: etch.cast %{{.+}} {unsigned_output = true} : (tensor<2x4xi32>) -> tensor<2x4xi8>

// BAD: --requant=gemmlowp: unknown mode; supported: float, fixedpoint

// The default follows the target: fixedpoint without an OS, float on hosts.
// RUN: etch-compile %S/Inputs/qlinear_matmul.onnx --target=thumbv7em-none-eabihf --mcpu=cortex-m4 --compile-to=import | FileCheck %s --check-prefix=MCU
// RUN: etch-compile %S/Inputs/qlinear_matmul.onnx --target=x86_64-linux-gnu --compile-to=import | FileCheck %s --check-prefix=HOST
// RUN: etch-compile %S/Inputs/qlinear_matmul.onnx --target=thumbv7em-none-eabihf --mcpu=cortex-m4 --requant=float --compile-to=import | FileCheck %s --check-prefix=HOST
// MCU: etch.fixed_point_mul
// HOST-NOT: etch.fixed_point_mul
// HOST: etch.round
// HOST-NOT: etch.fixed_point_mul
