// User errors: each names what is wrong and where (node name or model file).
// RUN: not etch-import %S/Inputs/unsupported_op.onnx 2>&1 | FileCheck %s --check-prefix=UNKNOWN-OP
// RUN: not etch-import %S/Inputs/missing_input.onnx 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not etch-import %S/Inputs/custom_domain.onnx 2>&1 | FileCheck %s --check-prefix=DOMAIN
// RUN: not etch-import %S/Inputs/opset_too_new.onnx 2>&1 | FileCheck %s --check-prefix=OPSET
// RUN: not etch-import %S/Inputs/truncated.onnx 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// RUN: not etch-import %S/Inputs/does_not_exist.onnx 2>&1 | FileCheck %s --check-prefix=NOFILE
// RUN: not etch-import %S/Inputs/dynamic_input.onnx 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// RUN: etch-import %S/Inputs/dynamic_input.onnx --input-shape x=1x3x5 | FileCheck %s --check-prefix=PINNED
// RUN: not etch-import %S/Inputs/dynamic_input.onnx --input-shape x=1x3 2>&1 | FileCheck %s --check-prefix=PINRANK
// RUN: not etch-import %S/Inputs/dynamic_input.onnx --input-shape y=1x3x5 2>&1 | FileCheck %s --check-prefix=PINNAME
// RUN: not etch-import %S/Inputs/conv.onnx --input-shape x=1x4x8x8 2>&1 | FileCheck %s --check-prefix=PINFIXED
// RUN: not etch-import %S/Inputs/conv.onnx --input-shape x=1xfoo 2>&1 | FileCheck %s --check-prefix=PINSYNTAX
// A Concat of a rank-3 and a rank-0 input (found by etch-fuzz-import: an out-of-range dim read).
// RUN: not etch-import %S/../../fuzz/regressions/concat-rank0-input.onnx 2>&1 | FileCheck %s --check-prefix=CONCATRANK
// A LayerNormalization axis of -2^31 (found by etch-fuzz-import: a SEGV inside ONNX 1.12's shape inference).
// RUN: not etch-import %S/../../fuzz/regressions/layernorm-huge-axis.onnx 2>&1 | FileCheck %s --check-prefix=HUGEAXIS

// UNKNOWN-OP: loc("nms_0"): node 'nms_0': unsupported op 'NonMaxSuppression' (opset {{[0-9]+}}); supported ops: {{(.*, )?}}Add, {{.*}}, Conv, {{.*}}, Gather, {{.*}}, MaxPool, {{.*}}, Slice, {{.*}}, Unsqueeze{{(, .*)?$}}
// MISSING: loc("relu_orphan"): node 'relu_orphan' (Relu): input 'nowhere' is not produced by any node, initializer or graph input
// DOMAIN: loc("fused_0"): node 'fused_0': op 'FusedThing' of domain 'com.example' is not supported; supported: the default ONNX domain, ai.onnx.ml's ArrayFeatureExtractor, Binarizer, LabelEncoder, TreeEnsemble; ai.onnx.preview.training's Adagrad, Adam, Momentum; com.microsoft's {{.*}}FusedMatMul{{.*}}
// OPSET: opset_too_new.onnx:0:0: error: ONNX model '{{.*}}opset_too_new.onnx' uses opset 29; supported opsets: 1 to 28
// TRUNCATED: truncated.onnx:0:0: error: failed to parse ONNX model '{{.*}}truncated.onnx'
// NOFILE: error: cannot open ONNX model '{{.*}}does_not_exist.onnx': No such file or directory
// DYNAMIC: dynamic_input.onnx:0:0: error: graph input 'x' has a dynamic shape [Nx3x?]; pin it with --input-shape x=<d0>x3x<d2>
// PINNED: func.func @main(%{{.*}}: tensor<1x3x5xf32> {etch.name = "x"}) -> (tensor<1x3x5xf32> {etch.name = "y"})
// PINNED: etch.relu %{{.*}} : tensor<1x3x5xf32>
// PINRANK: error: --input-shape gives graph input 'x' rank 2, but the model declares rank 3 (Nx3x?)
// PINNAME: error: --input-shape names 'y', which is not a graph input; graph inputs: 'x'
// PINFIXED: error: --input-shape gives graph input 'x' dim 1 = 4, but the model fixes it to 3
// CONCATRANK: node 'clip_0' (Concat): input 1 has rank 0 and input 0 rank 3; all inputs must have the same rank
// HUGEAXIS: node 'LayerNormalization_0' (LayerNormalization): attribute 'axis' has value -2147483648, which indexes no tensor dimension
// PINSYNTAX: etch-import: bad --input-shape 'x=1xfoo': dimension 'foo' is not a non-negative integer
