// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-common-decompose-pads))' %s | FileCheck %s
// RUN: etch-opt --pass-pipeline='builtin.module(func.func(etch-common-decompose-pads),etch-common-bufferize-pipeline)' %s --split-input-file | FileCheck %s --check-prefix=BUF


// A pad of a computed tensor: the border strips are filled before the
// producer (dims before the padded one restricted to the interior), and the
// source is inserted into the interior.
// CHECK-LABEL: func.func @main
// CHECK-DAG: %[[Z:.+]] = arith.constant 0.0
// CHECK: %[[P:.+]] = tensor.empty() : tensor<4x7xf32>
// CHECK: %[[T:.+]] = linalg.fill ins(%[[Z]] : f32) outs(%{{.+}} : tensor<1x7xf32>)
// CHECK: %[[S0:.+]] = tensor.insert_slice %[[T]] into %[[P]][0, 0] [1, 7] [1, 1]
// CHECK: %[[B:.+]] = linalg.fill ins(%[[Z]] : f32) outs(%{{.+}} : tensor<1x7xf32>)
// CHECK: %[[S1:.+]] = tensor.insert_slice %[[B]] into %[[S0]][3, 0] [1, 7] [1, 1]
// CHECK: %[[L:.+]] = linalg.fill ins(%[[Z]] : f32) outs(%{{.+}} : tensor<2x1xf32>)
// CHECK: %[[S2:.+]] = tensor.insert_slice %[[L]] into %[[S1]][1, 0] [2, 1] [1, 1]
// CHECK: %[[R:.+]] = linalg.fill ins(%[[Z]] : f32) outs(%{{.+}} : tensor<2x2xf32>)
// CHECK: %[[S3:.+]] = tensor.insert_slice %[[R]] into %[[S2]][1, 5] [2, 2] [1, 1]
// CHECK: %[[Y:.+]] = linalg.exp
// CHECK: %[[O:.+]] = tensor.insert_slice %[[Y]] into %[[S3]][1, 1] [2, 4] [1, 1]
// CHECK-NOT: tensor.pad
// CHECK: return %[[O]]
// After bufferization the strips are filled in the output buffer and exp
// writes its interior in place: no fill of the whole buffer, no copy.
// BUF-LABEL: func.func @main
// BUF-SAME: %[[OUT:[a-z0-9]+]]: memref<4x7xf32> {etch.output}
// BUF-NOT: linalg.fill ins(%{{.*}}) outs(%[[OUT]] :
// BUF: %[[I:.+]] = memref.subview %[[OUT]][1, 1] [2, 4] [1, 1]
// BUF-NEXT: linalg.exp ins(%{{.+}}) outs(%[[I]] :
func.func @main(%x: tensor<2x4xf32>) -> tensor<4x7xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %y = linalg.exp ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %p = tensor.pad %y low[1, 1] high[1, 2] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<2x4xf32> to tensor<4x7xf32>
  return %p : tensor<4x7xf32>
}

// -----

// The padding value is defined after the producer: the border goes at the pad.
// CHECK-LABEL: func.func @main
// CHECK: linalg.exp
// CHECK: %[[V:.+]] = tensor.extract
// CHECK: linalg.fill ins(%[[V]] : f32) outs(%{{.+}} : tensor<2xf32>)
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[2] [3] [1]
// BUF-LABEL: func.func @main
func.func @main(%x: tensor<3xf32>, %v: tensor<f32>) -> tensor<5xf32> {
  %e = tensor.empty() : tensor<3xf32>
  %y = linalg.exp ins(%x : tensor<3xf32>) outs(%e : tensor<3xf32>) -> tensor<3xf32>
  %c = tensor.extract %v[] : tensor<f32>
  %p = tensor.pad %y low[2] high[0] {
  ^bb0(%i: index):
    tensor.yield %c : f32
  } : tensor<3xf32> to tensor<5xf32>
  return %p : tensor<5xf32>
}

// -----

// A pad whose body is not a constant, or marked nofold, stays.
// CHECK-LABEL: func.func @main
// CHECK: tensor.pad
// CHECK: tensor.pad
// CHECK-NOT: tensor.pad
// BUF-LABEL: func.func @main
func.func @main(%x: tensor<3xf32>) -> (tensor<5xf32>, tensor<4xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    %f = arith.index_cast %i : index to i32
    %g = arith.sitofp %f : i32 to f32
    tensor.yield %g : f32
  } : tensor<3xf32> to tensor<5xf32>
  %q = tensor.pad %x nofold low[1] high[0] {
  ^bb0(%i: index):
    tensor.yield %zero : f32
  } : tensor<3xf32> to tensor<4xf32>
  return %p, %q : tensor<5xf32>, tensor<4xf32>
}

// -----

// A pad whose source has other users is rewritten too: the producer writes
// the interior of the padded buffer and the other user reads it there.
// CHECK-LABEL: func.func @main
// CHECK: %[[Y:.+]] = linalg.exp
// CHECK: tensor.insert_slice %[[Y]] into %{{.+}}[1] [3] [1]
// CHECK-NOT: tensor.pad
// BUF-LABEL: func.func @main
// BUF: %[[I:.+]] = memref.subview %[[P:.+]][1] [3] [1] : memref<5xf32> to memref<3xf32, strided<[1], offset: 1>>
// BUF: linalg.exp ins(%{{.+}}) outs(%[[I]] :
// BUF: linalg.exp ins(%[[P]] : memref<5xf32>)
// BUF: linalg.exp ins(%[[I]] :
func.func @main(%x: tensor<3xf32>) -> (tensor<5xf32>, tensor<3xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3xf32>
  %y = linalg.exp ins(%x : tensor<3xf32>) outs(%e : tensor<3xf32>) -> tensor<3xf32>
  %r = tensor.pad %y low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %zero : f32
  } : tensor<3xf32> to tensor<5xf32>
  %e5 = tensor.empty() : tensor<5xf32>
  %s = linalg.exp ins(%r : tensor<5xf32>) outs(%e5 : tensor<5xf32>) -> tensor<5xf32>
  %t = tensor.empty() : tensor<3xf32>
  %u = linalg.exp ins(%y : tensor<3xf32>) outs(%t : tensor<3xf32>) -> tensor<3xf32>
  return %s, %u : tensor<5xf32>, tensor<3xf32>
}
