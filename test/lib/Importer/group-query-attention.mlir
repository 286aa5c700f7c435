// com.microsoft GroupQueryAttention with a static KV cache, composed of etch
// ops, and its errors. Models: gen_gqa_models.py.
// RUN: etch-import %S/Inputs/gqa_decode.onnx | FileCheck %s --check-prefix=DECODE
// RUN: not etch-import %S/Inputs/gqa_window.onnx 2>&1 | FileCheck %s --check-prefix=WINDOW

// seqlens_k and total_sequence_length are run-time inputs: the write
// position p = (total == S ? 0 : seqlens_k + 1 - S) is an etch.where; the
// new key goes to present[p] through a gather (index clamp(j - p, 0, S-1))
// and a where over j < p (past) and j < p + S (new); zeros after. 4 query
// heads read 2 kv heads as (B, kvN, G*S, H) x (B, kvN, H, L); keys j < p + i
// + 1 and j < seqlens_k + 1 are visible.
// DECODE-LABEL: func.func @main(
// DECODE-SAME: %[[PK:[^:]+]]: tensor<2x2x6x8xf32> {etch.name = "pk"}, %[[PV:[^:]+]]: tensor<2x2x6x8xf32> {etch.name = "pv"}, %[[SL:[^:]+]]: tensor<2xi32> {etch.name = "seqlens"}, %[[TOT:[^:]+]]: tensor<i32> {etch.name = "total"})
// DECODE-SAME: -> (tensor<2x1x32xf32> {etch.name = "y"}, tensor<2x2x6x8xf32> {etch.name = "pk_out"}, tensor<2x2x6x8xf32> {etch.name = "pv_out"})
// DECODE: etch.cast %[[SL]] : (tensor<2xi32>) -> tensor<2xi64>
// DECODE: %[[PROMPT:.+]] = etch.equal %{{.+}}, %{{.+}} : (tensor<1x1x1x1xi64>, tensor<i64>) -> tensor<1x1x1x1xi1>
// DECODE: %[[P:.+]] = etch.where %[[PROMPT]], %{{.+}}, %{{.+}} : (tensor<1x1x1x1xi1>, tensor<2x1x1x1xi64>, tensor<2x1x1x1xi64>) -> tensor<2x1x1x1xi64>
// DECODE: %[[J:.+]] = etch.constant dense<{{\[\[\[}}[0], [1], [2], [3], [4], [5]]]]> : tensor<1x1x6x1xi64>
// DECODE: %[[IDX:.+]] = etch.expand %{{.+}} : (tensor<2x1x6x1xi64>) -> tensor<2x2x6x8xi64>
// DECODE: %[[INPAST:.+]] = etch.less %[[J]], %[[P]] : (tensor<1x1x6x1xi64>, tensor<2x1x1x1xi64>) -> tensor<2x1x6x1xi1>
// DECODE: %[[INNEW:.+]] = etch.less %[[J]], %{{.+}} : (tensor<1x1x6x1xi64>, tensor<2x1x1x1xi64>) -> tensor<2x1x6x1xi1>
// DECODE: %[[NK:.+]] = etch.gather_elements %{{.+}}, %[[IDX]] {axis = 2 : i64} : (tensor<2x2x1x8xf32>, tensor<2x2x6x8xi64>) -> tensor<2x2x6x8xf32>
// DECODE: %[[NK0:.+]] = etch.where %[[INNEW]], %[[NK]], %{{.+}} : (tensor<2x1x6x1xi1>, tensor<2x2x6x8xf32>, tensor<f32>) -> tensor<2x2x6x8xf32>
// DECODE: %[[PRK:.+]] = etch.where %[[INPAST]], %[[PK]], %[[NK0]]
// DECODE: %[[PRV:.+]] = etch.where %[[INPAST]], %[[PV]], %{{.+}}
// DECODE: %[[KT:.+]] = etch.transpose %[[PRK]] {perm = array<i64: 0, 1, 3, 2>} : (tensor<2x2x6x8xf32>) -> tensor<2x2x8x6xf32>
// DECODE: etch.matmul %{{.+}}, %[[KT]] : (tensor<2x2x2x8xf32>, tensor<2x2x8x6xf32>) -> tensor<2x2x2x6xf32>
// DECODE: etch.constant dense<0.353553385> : tensor<f32>
// DECODE: %[[VIS:.+]] = etch.and %{{.+}}, %{{.+}} : (tensor<2x1x1x1x6xi1>, tensor<2x1x1x1x6xi1>) -> tensor<2x1x1x1x6xi1>
// DECODE: %[[LOGITS:.+]] = etch.where %[[VIS]], %{{.+}}, %{{.+}} : (tensor<2x1x1x1x6xi1>, tensor<2x2x2x1x6xf32>, tensor<f32>) -> tensor<2x2x2x1x6xf32>
// DECODE: etch.softmax %[[LOGITS]] {axis = 4 : i64}
// DECODE: etch.matmul %{{.+}}, %[[PRV]] : (tensor<2x2x2x6xf32>, tensor<2x2x6x8xf32>) -> tensor<2x2x2x8xf32>
// DECODE: return %{{.+}}, %[[PRK]], %[[PRV]]

// WINDOW: node 'gqa_window' (GroupQueryAttention): attribute 'local_window_size' = 3 is not supported; supported: -1
