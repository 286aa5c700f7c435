// ai.onnx.preview.training optimizers, ai.onnx.ml ops and TfIdfVectorizer
// (ImportTraining.cpp, ImportML.cpp, ImportTreeEnsemble.cpp,
// ImportTfIdf.cpp): compositions of etch ops with static shapes.
// Models: gen_ml_models.py.
// RUN: etch-import %S/Inputs/adagrad.onnx | FileCheck %s --check-prefix=ADAGRAD
// RUN: not etch-import %S/Inputs/momentum_no_mode.onnx 2>&1 | FileCheck %s --check-prefix=NOMODE
// RUN: etch-import %S/Inputs/tree_ensemble.onnx | FileCheck %s --check-prefix=TREE
// RUN: not etch-import %S/Inputs/tree_ensemble_probit.onnx 2>&1 | FileCheck %s --check-prefix=PROBIT
// RUN: etch-import %S/Inputs/label_encoder.onnx | FileCheck %s --check-prefix=LE
// RUN: not etch-import %S/Inputs/label_encoder_strings.onnx 2>&1 | FileCheck %s --check-prefix=LESTR
// RUN: etch-import %S/Inputs/tfidf.onnx | FileCheck %s --check-prefix=TFIDF
// RUN: not etch-import %S/Inputs/tfidf_strings.onnx 2>&1 | FileCheck %s --check-prefix=TFSTR

// r / (1 + t * decay_factor), g + norm * x, h + g^2, x - r * g / (sqrt + eps).
// ADAGRAD-LABEL: func.func @main(
// ADAGRAD: %[[T:.+]] = etch.cast %arg1 : (tensor<i64>) -> tensor<f32>
// ADAGRAD: %[[TD:.+]] = etch.mul %[[T]], %{{.+}} : (tensor<f32>, tensor<f32>) -> tensor<f32>
// ADAGRAD: %[[DEN:.+]] = etch.add %{{.+}}, %[[TD]]
// ADAGRAD: %[[R:.+]] = etch.div %arg0, %[[DEN]]
// ADAGRAD: %[[NX:.+]] = etch.mul %{{.+}}, %arg2 : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
// ADAGRAD: %[[G:.+]] = etch.add %[[NX]], %arg3
// ADAGRAD: %[[G2:.+]] = etch.mul %[[G]], %[[G]]
// ADAGRAD: %[[H:.+]] = etch.add %arg4, %[[G2]]
// ADAGRAD: %[[S:.+]] = etch.sqrt %[[H]]
// ADAGRAD: %[[AD:.+]] = etch.add %[[S]], %{{.+}}
// ADAGRAD: %[[RG:.+]] = etch.mul %[[R]], %[[G]]
// ADAGRAD: %[[STEP:.+]] = etch.div %[[RG]], %[[AD]]
// ADAGRAD: %[[X:.+]] = etch.sub %arg2, %[[STEP]]
// ADAGRAD: return %[[X]], %[[H]]

// NOMODE: node 'momentum' (Momentum): missing the required attribute 'mode'

// One tree of depth 2: nodes then leaves in one table (leaves their own
// successors), two steps of gathers from the root, a member set padded with
// NaN, leaf weights spread over the targets and summed over the trees.
// TREE-LABEL: func.func @main(
// TREE: %[[FEAT:.+]] = etch.constant dense<[0, 1, 0, 0, 0]> : tensor<5xi64>
// TREE: %[[TRUE:.+]] = etch.constant dense<[1, 2, 2, 3, 4]> : tensor<5xi64>
// TREE: %[[FALSE:.+]] = etch.constant dense<[4, 3, 2, 3, 4]> : tensor<5xi64>
// TREE: etch.constant dense<{{\[\[}}0x7FC00000, 0x7FC00000], [1.000000e+00, 2.000000e+00], {{.+}} : tensor<5x2xf32>
// TREE: %[[ROOT:.+]] = etch.expand %{{.+}} : (tensor<1xi64>) -> tensor<4x1xi64>
// TREE: %[[F0:.+]] = etch.gather %[[FEAT]], %[[ROOT]] {axis = 0 : i64}
// TREE: etch.gather_elements %arg0, %[[F0]] {axis = 1 : i64} : (tensor<4x2xf32>, tensor<4x1xi64>) -> tensor<4x1xf32>
// TREE: etch.reduce_max %{{.+}} {axes = array<i64: 2>, keepdims = false} : (tensor<4x1x2xi32>) -> tensor<4x1xi32>
// TREE: %[[C0:.+]] = etch.or
// TREE: %[[T0:.+]] = etch.gather %[[TRUE]], %[[ROOT]]
// TREE: %[[E0:.+]] = etch.gather %[[FALSE]], %[[ROOT]]
// TREE: %[[S1:.+]] = etch.where %[[C0]], %[[T0]], %[[E0]] : (tensor<4x1xi1>, tensor<4x1xi64>, tensor<4x1xi64>) -> tensor<4x1xi64>
// TREE: %[[S2:.+]] = etch.where {{.+}} -> tensor<4x1xi64>
// TREE: %[[W:.+]] = etch.gather %{{.+}}, %[[S2]] {axis = 0 : i64} : (tensor<5xf32>, tensor<4x1xi64>) -> tensor<4x1xf32>
// TREE: etch.equal %{{.+}} : (tensor<4x1x1xi64>, tensor<2xi64>) -> tensor<4x1x2xi1>
// TREE: %[[Y:.+]] = etch.reduce_sum %{{.+}} {axes = array<i64: 1>, keepdims = false} : (tensor<4x1x2xf32>) -> tensor<4x2xf32>
// TREE: return %[[Y]]

// PROBIT: node 'tree_probit' (TreeEnsemble): attribute 'post_transform' = 4 is not supported; supported: 0 (NONE), 1 (SOFTMAX), 2 (LOGISTIC)

// The first of duplicate keys wins (key 3 -> 0.5, as ONNX Runtime does).
// LE-LABEL: func.func @main(
// LE: %[[D:.+]] = etch.constant dense<-1.000000e+00> : tensor<f32>
// LE: %[[K:.+]] = etch.constant dense<[3, 1]> : tensor<2xi64>
// LE: %[[V:.+]] = etch.constant dense<[5.000000e-01, 1.500000e+00]> : tensor<2xf32>
// LE: %[[EQ:.+]] = etch.equal %{{.+}}, %[[K]] : (tensor<2x3x1xi64>, tensor<2xi64>) -> tensor<2x3x2xi1>
// LE: %[[EQI:.+]] = etch.cast %[[EQ]]
// LE: %[[I:.+]] = etch.arg_max %[[EQI]] {axis = 2 : i64, keepdims = false}
// LE: %[[F:.+]] = etch.reduce_max %[[EQI]]
// LE: %[[G:.+]] = etch.gather %[[V]], %[[I]]
// LE: %[[FB:.+]] = etch.cast %[[F]] : (tensor<2x3xi32>) -> tensor<2x3xi1>
// LE: etch.where %[[FB]], %[[G]], %[[D]]

// LESTR: node 'le_str' (LabelEncoder): 'keys_strings': string keys and values are not supported (etch tensors are numeric)

// Bigrams with skips 0 and 1 in a row of 4: windows (0,1) (1,2) (2,3) (0,2)
// (1,3); both tokens compared with the pool, counts scattered to columns.
// TFIDF-LABEL: func.func @main(
// TFIDF: %[[X:.+]] = etch.cast %{{.+}} : (tensor<1x4xi32>) -> tensor<1x4xi64>
// TFIDF: etch.constant dense<[0, 1, 2, 0, 1]> : tensor<5xi64>
// TFIDF: etch.equal %{{.+}} : (tensor<1x5x1xi64>, tensor<2xi64>) -> tensor<1x5x2xi1>
// TFIDF: etch.constant dense<[1, 2, 3, 2, 3]> : tensor<5xi64>
// TFIDF: %[[BOTH:.+]] = etch.and
// TFIDF: %[[HITS:.+]] = etch.cast %[[BOTH]] : (tensor<1x5x2xi1>) -> tensor<1x5x2xf32>
// TFIDF: %[[N:.+]] = etch.reduce_sum %[[HITS]] {axes = array<i64: 1>, keepdims = false}
// TFIDF: %[[COLS:.+]] = etch.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00], [1.000000e+00, 0.000000e+00]]>
// TFIDF: %[[Y:.+]] = etch.matmul %[[N]], %[[COLS]]
// TFIDF: etch.reshape %[[Y]] : (tensor<1x2xf32>) -> tensor<2xf32>

// TFSTR: node 'tfidf_str' (TfIdfVectorizer): 'pool_strings' is not supported (etch tensors are numeric); supported: pool_int64s
