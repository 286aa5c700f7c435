// int4 weights (ImportInt4.cpp, Int4MatMulRewrite.cpp): MatMulNBits and a
// blocked int4 DequantizeLinear feeding MatMul share one form -- the packed
// bytes regrouped to [N / t, n_blocks, block_size / 2, 1, t] (t columns
// per group, folded at compile time), both nibbles by one broadcast shift,
// masked, widened, offset by the zero point and scaled per block, then an
// einsum over (block, pair, nibble). A blocked DequantizeLinear of a
// computed tensor gathers its scale per element. Models: gen_int4_models.py.
// RUN: etch-import %S/Inputs/matmulnbits.onnx | FileCheck %s --check-prefix=NBITS
// RUN: etch-import %S/Inputs/dq_int4_matmul.onnx | FileCheck %s --check-prefix=DQMM
// RUN: etch-import %S/Inputs/dq_blocked_input.onnx | FileCheck %s --check-prefix=BLOCKED

// K = 48 in two blocks of 32 (A zero-padded to 64), N = 4 (one group of 4
// columns); the packed uint4 zero points 0x21, 0x43, .. are 1, 2 for column
// 0, 3, 4 for column 1, ..
// NBITS-LABEL: func.func @main(
// NBITS-SAME: %[[A:.+]]: tensor<2x3x48xf32>
// NBITS: %[[B:.+]] = etch.constant dense_resource<b> : tensor<4x2x16xi8>
// NBITS: %[[ZP:.+]] = etch.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00, 7.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00, 8.000000e+00]]> : tensor<2x4xf32>
// NBITS: %[[B4:.+]] = etch.reshape %[[B]] : (tensor<4x2x16xi8>) -> tensor<1x4x2x16xi8>
// NBITS: %[[T:.+]] = etch.transpose %[[B4]] {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x4x2x16xi8>) -> tensor<1x2x16x4xi8>
// NBITS: %[[P:.+]] = etch.reshape %[[T]] : (tensor<1x2x16x4xi8>) -> tensor<1x2x16x1x4xi8>
// NBITS: %[[SH:.+]] = etch.constant dense<{{\[\[\[\[\[}}0], [4]]]]]> : tensor<1x1x1x2x1xi8>
// NBITS: %[[CODES:.+]] = etch.bit_shift %[[P]], %[[SH]] {left = false} : (tensor<1x2x16x1x4xi8>, tensor<1x1x1x2x1xi8>) -> tensor<1x2x16x2x4xi8>
// NBITS: %[[MASKED:.+]] = etch.and %[[CODES]]
// NBITS: %[[F:.+]] = etch.cast %[[MASKED]] {unsigned_input = true} : (tensor<1x2x16x2x4xi8>) -> tensor<1x2x16x2x4xf32>
// NBITS: %[[C:.+]] = etch.sub %[[F]], %{{.+}} : (tensor<1x2x16x2x4xf32>, tensor<1x2x1x1x4xf32>)
// NBITS: %[[W:.+]] = etch.mul %[[C]], %{{.+}} : (tensor<1x2x16x2x4xf32>, tensor<1x2x1x1x4xf32>) -> tensor<1x2x16x2x4xf32>
// NBITS: %[[A2:.+]] = etch.reshape %[[A]] : (tensor<2x3x48xf32>) -> tensor<6x48xf32>
// NBITS: %[[PAD:.+]] = etch.concat %[[A2]], %{{.+}} {axis = 1 : i64} : (tensor<6x48xf32>, tensor<6x16xf32>) -> tensor<6x64xf32>
// NBITS: %[[A4:.+]] = etch.reshape %[[PAD]] : (tensor<6x64xf32>) -> tensor<6x2x16x2xf32>
// NBITS: %[[Y:.+]] = etch.einsum %[[A4]], %[[W]] {input_labels = [array<i64: 0, 3, 4, 5>, array<i64: 1, 3, 4, 5, 2>], output_labels = array<i64: 0, 1, 2>}
// NBITS: %[[Y3:.+]] = etch.reshape %[[Y]] : (tensor<6x1x4xf32>) -> tensor<2x3x4xf32>
// NBITS: etch.add %[[Y3]], %{{.+}} : (tensor<2x3x4xf32>, tensor<4xf32>)

// int4 W [8, 2] repacked along K as uint4 (code + 8), zero point 1 + 8.
// DQMM-LABEL: func.func @main(
// DQMM: %[[B:.+]] = etch.constant dense<{{\[\[\[}}-88, -20], [32, 100]], {{\[\[}}-71, -3], [49, 117]]]> : tensor<2x2x2xi8>
// DQMM: %[[ZP:.+]] = etch.constant dense<9.000000e+00> : tensor<2x2xf32>
// DQMM: etch.reshape %[[B]]
// DQMM: etch.bit_shift
// DQMM: etch.sub
// DQMM: etch.einsum
// DQMM-NOT: etch.matmul

// BLOCKED-LABEL: func.func @main(
// BLOCKED-SAME: %[[S:[^:]+]]: tensor<4x2xf32> {etch.name = "s"}
// BLOCKED: %[[IDX:.+]] = etch.constant dense<[0, 0, 0, 1, 1, 1]> : tensor<6xi64>
// BLOCKED: %[[SCALE:.+]] = etch.gather %[[S]], %[[IDX]] {axis = 1 : i64} : (tensor<4x2xf32>, tensor<6xi64>) -> tensor<4x6xf32>
// BLOCKED: %[[X:.+]] = etch.cast %{{.+}} {input_storage = "ui4", unsigned_input = true} : (tensor<4x6xi8>) -> tensor<4x6xf32>
// BLOCKED: etch.mul %[[X]], %[[SCALE]]
