// If with a condition known at compile time imports the taken branch in
// place (ImportControlFlow.cpp); with a condition known only at run time
// both branches are computed and selected (an error naming --input-value
// when their types differ). Loop and Scan are unrolled.
// RUN: etch-import %S/Inputs/if_shape.onnx | FileCheck %s
// RUN: etch-import %S/Inputs/if_input.onnx --input-value c=false | FileCheck %s --check-prefix=ELSE
// RUN: etch-import %S/Inputs/if_input.onnx | FileCheck %s --check-prefix=RUNTIME
// RUN: not etch-import %S/Inputs/if_mismatch.onnx 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: etch-import %S/Inputs/loop.onnx | FileCheck %s --check-prefix=LOOP
// RUN: etch-import %S/Inputs/scan_const_state.onnx | FileCheck %s --check-prefix=SCANCONST

// cond = (x.shape[0] == 1) folds to true: only the then branch remains.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<1x4xf32>
// CHECK-NOT: etch.neg
// CHECK: %[[Y:.+]] = etch.relu %[[X]] : tensor<1x4xf32>
// CHECK: return %[[Y]]

// ELSE: %[[Y:.+]] = etch.neg %{{.+}} : tensor<1x4xf32>
// ELSE-NOT: etch.relu
// ELSE: return %[[Y]]

// RUNTIME-LABEL: func.func @main(
// RUNTIME-SAME: %[[X:.+]]: tensor<1x4xf32> {etch.name = "x"}, %[[C:.+]]: tensor<i1> {etch.name = "c"}
// RUNTIME-DAG: %[[T:.+]] = etch.relu %[[X]] : tensor<1x4xf32>
// RUNTIME-DAG: %[[E:.+]] = etch.neg %[[X]] : tensor<1x4xf32>
// RUNTIME: %[[Y:.+]] = etch.where %[[C]], %[[T]], %[[E]]
// RUNTIME: return %[[Y]]

// ERR: loc("if_mm"): node 'if_mm' (If): the condition is computed at run time, so both branches are computed and selected; output 0 ('y') must then be a tensor of one static type in both branches, got 'tensor<1x4xf32>' and 'tensor<f32>'; it is computed from graph inputs 'a', 'b'{{.*}}

// A Loop with a constant trip count is unrolled: the body once per
// iteration, its loop-carried value threaded through.
// LOOP-LABEL: func.func @main(
// LOOP-SAME: %[[X:.+]]: tensor<1x4xf32>
// LOOP: %[[A:.+]] = etch.add %[[X]], %[[X]]
// LOOP: %[[B:.+]] = etch.add %[[A]], %[[A]]
// LOOP-NOT: etch.add
// LOOP: return %[[B]]

// A Scan state that starts as a constant, in a body ONNX could not infer as
// a whole: the body's Add is inferred alone with that constant under the
// body's name for it (state_in), four times.
// SCANCONST-LABEL: func.func @main(
// SCANCONST-SAME: -> (tensor<1x2x3xf32> {etch.name = "final"}, tensor<4x1x2x3xf32> {etch.name = "ys"})
// SCANCONST: %[[Z:.+]] = etch.constant dense<0.000000e+00> : tensor<1x2x3xf32>
// SCANCONST: %[[A0:.+]] = etch.add %[[Z]], %{{.+}} : (tensor<1x2x3xf32>, tensor<1x2x3xf32>) -> tensor<1x2x3xf32>
// SCANCONST: %[[A1:.+]] = etch.add %[[A0]], %{{.+}}
// SCANCONST: %[[A2:.+]] = etch.add %[[A1]], %{{.+}}
// SCANCONST: %[[A3:.+]] = etch.add %[[A2]], %{{.+}}
// SCANCONST: return %[[A3]], %{{.+}} : tensor<1x2x3xf32>, tensor<4x1x2x3xf32>
