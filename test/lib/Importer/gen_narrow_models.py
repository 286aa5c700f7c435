"""Generates the float8/int4/int2 models under Inputs/ for narrow-types.mlir.

onnx 1.12 has no names for element types 17..26, but TensorProto.data_type
and elem_type are plain int32 fields: the types are written by number and
packed initializers as raw bytes (ONNX's layout: the first element in the
lowest bits)."""

from onnx import TensorProto, helper

from gen_models import save, vi

F8E4M3FN, F8E5M2, UINT4, INT4, FLOAT4E2M1, F8E8M0, INT2 = 17, 19, 21, 22, 23, 24, 26


def packed(name, data_type, dims, raw):
    t = TensorProto()
    t.name = name
    t.data_type = data_type
    t.dims.extend(dims)
    t.raw_data = bytes(raw)
    return t


def main():
    # An int4 input (5 elements: 3 packed bytes) cast to float, and a float
    # cast to an int4 output; an int4 initializer [-8, 7, 1] (0x78, 0x01).
    save("cast_int4_io", [
        helper.make_node("Cast", ["x"], ["xf"], name="cast_in", to=TensorProto.FLOAT),
        helper.make_node("Cast", ["y"], ["yq"], name="cast_out", to=INT4),
        helper.make_node("Cast", ["w"], ["wf"], name="cast_w", to=TensorProto.FLOAT),
    ], [vi("x", [5], INT4), vi("y", [2, 3])],
        [vi("xf", [5]), vi("yq", [2, 3], INT4), vi("wf", [3])],
        [packed("w", INT4, [3], [0x78, 0x01])], opset=21, ir_version=10)
    # float8: Cast in and out, saturate off, e8m0 rounding, a float8
    # DequantizeLinear and QuantizeLinear to float8.
    save("cast_float8", [
        helper.make_node("Cast", ["x"], ["a"], name="to_e4m3", to=F8E4M3FN),
        helper.make_node("Cast", ["x"], ["b"], name="to_e5m2", to=F8E5M2, saturate=0),
        helper.make_node("Cast", ["x"], ["c"], name="to_e8m0", to=F8E8M0, round_mode="nearest"),
        helper.make_node("Cast", ["a"], ["d"], name="from_e4m3", to=TensorProto.FLOAT16),
        helper.make_node("DequantizeLinear", ["a", "s"], ["e"], name="dq_e4m3"),
        helper.make_node("QuantizeLinear", ["x", "s", "z"], ["f"], name="q_e5m2"),
    ], [vi("x", [4]), vi("s", [])],
        [vi("a", [4], F8E4M3FN), vi("b", [4], F8E5M2), vi("c", [4], F8E8M0),
         vi("d", [4], TensorProto.FLOAT16), vi("e", [4]), vi("f", [4], F8E5M2)],
        [packed("z", F8E5M2, [], [0])], opset=25, ir_version=11)
    # int2 and float4e2m1 quantization.
    save("quant_int2_fp4", [
        helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="q_int2"),
        helper.make_node("QuantizeLinear", ["x", "s", "z4"], ["q4"], name="q_fp4"),
        helper.make_node("DequantizeLinear", ["q4", "s"], ["d4"], name="dq_fp4"),
    ], [vi("x", [6]), vi("s", [])],
        [vi("q", [6], INT2), vi("q4", [6], FLOAT4E2M1), vi("d4", [6])],
        [packed("z", INT2, [], [0x03]), packed("z4", FLOAT4E2M1, [], [0])], opset=25, ir_version=11)
    # Opset 19+: a float16 scale gives a float16 result (a form libonnx 1.12's
    # inference does not know: InferenceForm.cpp hides the node from it).
    save("dequant_f16_scale", [
        helper.make_node("DequantizeLinear", ["x", "s"], ["y"], name="dq_f16"),
    ], [vi("x", [4], F8E4M3FN), vi("s", [], TensorProto.FLOAT16)],
        [vi("y", [4], TensorProto.FLOAT16)], opset=19, ir_version=9)
    # float4e2m1 and float8 only between nodes: libonnx 1.12 infers no type
    # for them; the importer records the type Cast/QuantizeLinear give.
    save("chain_fp4", [
        helper.make_node("QuantizeLinear", ["x", "s", "z4"], ["q4"], name="q_fp4"),
        helper.make_node("DequantizeLinear", ["q4", "s", "z4"], ["d4"], name="dq_fp4"),
        helper.make_node("Cast", ["x"], ["c8"], name="to_e5m2", to=F8E5M2),
        helper.make_node("Cast", ["c8"], ["c16"], name="from_e5m2", to=TensorProto.FLOAT16),
    ], [vi("x", [6]), vi("s", [])], [vi("d4", [6]), vi("c16", [6], TensorProto.FLOAT16)],
        [packed("z4", FLOAT4E2M1, [], [0])], opset=25, ir_version=11)
    # Arithmetic on int4 is not supported: a user error naming the node.
    bitcast_models()
    save("add_int4", [
        helper.make_node("Add", ["x", "x"], ["y"], name="add_int4"),
    ], [vi("x", [4], INT4)], [vi("y", [4], INT4)], opset=21, ir_version=10)


def bitcast_models():
    # BitCast-26: float32 -> int32 (the bits), bool -> uint8 (0 or 1),
    # float16 -> uint16, int4 -> uint4 (the 4-bit code).
    save("bitcast_26", [
        helper.make_node("BitCast", ["x"], ["xi"], name="f32_i32",
                         to=TensorProto.INT32),
        helper.make_node("BitCast", ["b"], ["bu"], name="bool_u8",
                         to=TensorProto.UINT8),
        helper.make_node("BitCast", ["h"], ["hu"], name="f16_u16",
                         to=TensorProto.UINT16),
        helper.make_node("BitCast", ["n"], ["nu"], name="i4_u4", to=UINT4),
    ], [vi("x", [2, 3]), vi("b", [4], TensorProto.BOOL),
        vi("h", [], TensorProto.FLOAT16), vi("n", [5], INT4)],
        [vi("xi", [2, 3], TensorProto.INT32), vi("bu", [4], TensorProto.UINT8),
         vi("hu", [], TensorProto.UINT16), vi("nu", [5], UINT4)],
        opset=26, ir_version=11)
    # Widths that differ: a user error naming the node.
    save("bitcast_width", [
        helper.make_node("BitCast", ["x"], ["y"], name="f32_f16",
                         to=TensorProto.FLOAT16),
    ], [vi("x", [3])], [vi("y", [3], TensorProto.FLOAT16)], opset=26,
        ir_version=11)


if __name__ == "__main__":
    main()
