// If with a condition known at compile time imports the taken branch in
// place (ImportControlFlow.cpp); a condition computed at run time is an
// error naming --input-value. Loop and Scan are unrolled.
// RUN: etch-import %S/Inputs/if_shape.onnx | FileCheck %s
// RUN: etch-import %S/Inputs/if_input.onnx --input-value c=false | FileCheck %s --check-prefix=ELSE
// RUN: not etch-import %S/Inputs/if_input.onnx 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: etch-import %S/Inputs/loop.onnx | FileCheck %s --check-prefix=LOOP

// cond = (x.shape[0] == 1) folds to true: only the then branch remains.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.+]]: tensor<1x4xf32>
// CHECK-NOT: etch.neg
// CHECK: %[[Y:.+]] = etch.relu %[[X]] : tensor<1x4xf32>
// CHECK: return %[[Y]]

// ELSE: %[[Y:.+]] = etch.neg %{{.+}} : tensor<1x4xf32>
// ELSE-NOT: etch.relu
// ELSE: return %[[Y]]

// ERR: loc("if_1"): node 'if_1' (If): the 'cond' input ('c') must be a constant (initializer or Constant node; fix a graph input's value with --input-value c=v0,v1,...)

// A Loop with a constant trip count is unrolled: the body once per
// iteration, its loop-carried value threaded through.
// LOOP-LABEL: func.func @main(
// LOOP-SAME: %[[X:.+]]: tensor<1x4xf32>
// LOOP: %[[A:.+]] = etch.add %[[X]], %[[X]]
// LOOP: %[[B:.+]] = etch.add %[[A]], %[[A]]
// LOOP-NOT: etch.add
// LOOP: return %[[B]]
