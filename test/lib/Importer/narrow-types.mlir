// ONNX's float8, float4e2m1, int4 and int2 tensors (ImportNarrowTypes.cpp,
// Tensors.cpp): float8 values are MLIR float8 tensors; the sub-byte types
// compute as one i8 per element and are packed at the C ABI (etch.dtype,
// etch.shape) and in initializers. Models: gen_narrow_models.py.
// RUN: etch-import %S/Inputs/cast_int4_io.onnx | FileCheck %s --check-prefix=INT4
// RUN: etch-import %S/Inputs/cast_float8.onnx | FileCheck %s --check-prefix=F8
// RUN: etch-import %S/Inputs/quant_int2_fp4.onnx | FileCheck %s --check-prefix=INT2
// RUN: etch-import %S/Inputs/dequant_f16_scale.onnx | FileCheck %s --check-prefix=F16
// RUN: etch-import %S/Inputs/chain_fp4.onnx | FileCheck %s --check-prefix=CHAIN
// RUN: not etch-import %S/Inputs/add_int4.onnx 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: etch-import %S/Inputs/bitcast_26.onnx | FileCheck %s --check-prefix=BITCAST
// RUN: not etch-import %S/Inputs/bitcast_width.onnx 2>&1 | FileCheck %s --check-prefix=BITCAST-ERR

// A 5-element int4 input is 3 packed bytes: both nibbles of each byte
// (shift, mask), interleaved, the padding sliced off, sign-extended.
// INT4-LABEL: func.func @main(
// INT4-SAME: %[[X:.+]]: tensor<3xi8> {etch.dtype = "int4", etch.name = "x", etch.shape = array<i64: 5>}
// INT4-SAME: -> (tensor<5xf32> {etch.name = "xf"}, tensor<3xi8> {etch.dtype = "int4", etch.name = "yq", etch.shape = array<i64: 2, 3>}
// INT4: %[[COL:.+]] = etch.reshape %[[X]] : (tensor<3xi8>) -> tensor<3x1xi8>
// INT4: %[[LO:.+]] = etch.and %[[COL]]
// INT4: %[[SH:.+]] = etch.bit_shift %[[COL]], %{{.+}} {left = false}
// INT4: %[[HI:.+]] = etch.and %[[SH]]
// INT4: etch.concat %[[LO]], %[[HI]] {axis = 1 : i64} : (tensor<3x1xi8>, tensor<3x1xi8>) -> tensor<3x2xi8>
// INT4: etch.slice %{{.+}} {starts = array<i64: 0>, steps = array<i64: 1>} : (tensor<6xi8>) -> tensor<5xi8>
// INT4: etch.xor
// INT4: %[[V:.+]] = etch.sub
// INT4: etch.cast %[[V]] {input_storage = "i4"} : (tensor<5xi8>) -> tensor<5xf32>
// INT4: %[[Q:.+]] = etch.cast %{{.+}} {output_storage = "i4"} : (tensor<2x3xf32>) -> tensor<2x3xi8>
// The packed initializer [0x78, 0x01] is [-8, 7, 1].
// INT4: etch.constant dense<[-8, 7, 1]> : tensor<3xi8>
// The output: even and odd elements, the odd ones shifted into the high
// nibble.
// INT4: etch.slice %{{.+}} {starts = array<i64: 0>, steps = array<i64: 2>} : (tensor<6xi8>) -> tensor<3xi8>
// INT4: %[[ODD:.+]] = etch.slice %{{.+}} {starts = array<i64: 1>, steps = array<i64: 2>}
// INT4: etch.bit_shift %[[ODD]], %{{.+}} {left = true}
// INT4: etch.or

// F8-LABEL: func.func @main(
// F8-SAME: -> (tensor<4xf8E4M3FN> {etch.name = "a"}, tensor<4xf8E5M2> {etch.name = "b"}, tensor<4xf8E8M0FNU> {etch.name = "c"}, tensor<4xf16> {etch.name = "d"}
// F8: %[[A:.+]] = etch.cast %arg0 : (tensor<4xf32>) -> tensor<4xf8E4M3FN>
// F8: etch.cast %arg0 {saturate = false} : (tensor<4xf32>) -> tensor<4xf8E5M2>
// F8: etch.cast %arg0 {round_mode = "nearest"} : (tensor<4xf32>) -> tensor<4xf8E8M0FNU>
// F8: etch.cast %[[A]] : (tensor<4xf8E4M3FN>) -> tensor<4xf16>
// DequantizeLinear of a float8: decoded to f32, times the scale.
// F8: %[[AF:.+]] = etch.cast %[[A]] : (tensor<4xf8E4M3FN>) -> tensor<4xf32>
// F8: etch.mul %[[AF]], %arg1
// QuantizeLinear to a float8: x / scale, cast (saturating); the zero point
// is ignored.
// F8: %[[T:.+]] = etch.div %arg0, %arg1
// F8: etch.cast %[[T]] : (tensor<4xf32>) -> tensor<4xf8E5M2>

// int2: the range [-2, 1]; the packed zero point 0x03 is -1. float4e2m1:
// x / scale + zero point cast to its codes.
// INT2-LABEL: func.func @main(
// INT2-SAME: -> (tensor<2xi8> {etch.dtype = "int2", etch.name = "q", etch.shape = array<i64: 6>}, tensor<3xi8> {etch.dtype = "float4e2m1", etch.name = "q4", etch.shape = array<i64: 6>}
// INT2: etch.constant dense<-1> : tensor<i8>
// INT2: etch.cast %{{.+}} {input_storage = "i2"} : (tensor<i8>) -> tensor<f32>
// INT2: etch.constant dense<-2.000000e+00> : tensor<f32>
// INT2: etch.constant dense<1.000000e+00> : tensor<f32>
// INT2: %[[F4:.+]] = etch.cast %{{.+}} {output_storage = "f4E2M1FN"} : (tensor<6xf32>) -> tensor<6xi8>
// INT2: etch.cast %[[F4]] {input_storage = "f4E2M1FN"} : (tensor<6xi8>) -> tensor<6xf32>
// Four int2 per byte: lanes at bits 0, 2, 4, 6.
// INT2: etch.concat %{{.+}}, %{{.+}} {axis = 0 : i64} : (tensor<6xi8>, tensor<2xi8>) -> tensor<8xi8>
// INT2: etch.slice %{{.+}} {starts = array<i64: 3>, steps = array<i64: 4>}

// DequantizeLinear-19 with a float16 scale: computed in f32, a float16
// result.
// F16-LABEL: func.func @main(
// F16-SAME: %[[X:.+]]: tensor<4xf8E4M3FN> {etch.name = "x"}, %[[S:.+]]: tensor<f16> {etch.name = "s"}) -> (tensor<4xf16> {etch.name = "y"})
// F16: %[[XF:.+]] = etch.cast %[[X]] : (tensor<4xf8E4M3FN>) -> tensor<4xf32>
// F16: %[[SF:.+]] = etch.cast %[[S]] : (tensor<f16>) -> tensor<f32>
// F16: %[[Y:.+]] = etch.mul %[[XF]], %[[SF]]
// F16: etch.cast %[[Y]] : (tensor<4xf32>) -> tensor<4xf16>

// Types of values ONNX inference left untyped come from the producing
// node: the float4e2m1 codes between QuantizeLinear and DequantizeLinear
// decode as float4, the float8 between two Casts is f8E5M2.
// CHAIN-LABEL: func.func @main(
// CHAIN: %[[Q:.+]] = etch.cast %{{.+}} {output_storage = "f4E2M1FN"} : (tensor<6xf32>) -> tensor<6xi8>
// CHAIN: etch.cast %[[Q]] {input_storage = "f4E2M1FN"} : (tensor<6xi8>) -> tensor<6xf32>
// CHAIN: %[[C8:.+]] = etch.cast %arg0 : (tensor<6xf32>) -> tensor<6xf8E5M2>
// CHAIN: etch.cast %[[C8]] : (tensor<6xf8E5M2>) -> tensor<6xf16>

// ERR: node 'add_int4' (Add): tensors of type INT4 ('x') are not supported by Add (opset 21); supported: Cast, CastLike, BitCast, QuantizeLinear, DequantizeLinear

// BitCast: a float's bits through etch.bitcast; bool is the byte 0 or 1
// (a cast); int4 -> uint4 masks the sign-extended i8 to its 4-bit code
// (then packed for the uint4 output).
// BITCAST-LABEL: func.func @main(
// BITCAST-SAME: -> (tensor<2x3xi32> {etch.name = "xi"}, tensor<4xi8> {etch.name = "bu", etch.unsigned}, tensor<i16> {etch.name = "hu", etch.unsigned}, tensor<3xi8> {etch.dtype = "uint4", etch.name = "nu", etch.shape = array<i64: 5>, etch.unsigned})
// BITCAST: %[[N:.+]] = etch.sub %{{.+}}, %{{.+}} : (tensor<5xi8>, tensor<i8>) -> tensor<5xi8>
// BITCAST: %[[XI:.+]] = etch.bitcast %arg0 : (tensor<2x3xf32>) -> tensor<2x3xi32>
// BITCAST: %[[BU:.+]] = etch.cast %arg1 : (tensor<4xi1>) -> tensor<4xi8>
// BITCAST: %[[HU:.+]] = etch.bitcast %arg2 : (tensor<f16>) -> tensor<i16>
// BITCAST: %[[MASK:.+]] = etch.constant dense<15> : tensor<i8>
// BITCAST: etch.and %[[N]], %[[MASK]] : (tensor<5xi8>, tensor<i8>) -> tensor<5xi8>
// BITCAST: return %[[XI]], %[[BU]], %[[HU]], %{{.+}} :

// BITCAST-ERR: node 'f32_f16' (BitCast): bitcast from FLOAT (32 bits) to FLOAT16 (16 bits): the widths must match
