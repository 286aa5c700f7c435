// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-common-flatten-gathers))' %s | FileCheck %s
// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-common-bufferize-pipeline)' %s | FileCheck %s --check-prefix=BUF

// The vectorizer's gather from a 2-D tensor: base indices [0, 0], flat
// row-major offsets. The base becomes rank 1 at the start of the block.
// CHECK-LABEL: func.func @main
// CHECK-SAME: %[[T:.+]]: tensor<4x6xf32>
// CHECK-NEXT: %[[F:.+]] = tensor.collapse_shape %[[T]] {{\[}}[0, 1]] : tensor<4x6xf32> into tensor<24xf32>
// CHECK: arith.constant dense<0.0
// CHECK: %[[C0:[a-z0-9_]+]] = arith.constant 0 : index
// CHECK-NEXT: vector.gather %[[F]][%[[C0]]] [%{{.+}}], %{{.+}}, %{{.+}} : tensor<24xf32>, vector<8xindex>
// CHECK-NOT: vector.gather
// The function argument has an identity layout: a view, no copy.
// BUF-LABEL: func.func @main
// BUF-NOT: memref.copy
// BUF: %[[F:.+]] = memref.collapse_shape %arg0 {{\[}}[0, 1]] : memref<4x6xf32> into memref<24xf32>
// BUF: vector.gather %[[F]]
func.func @main(%t: tensor<4x6xf32>, %idx: vector<8xindex>) -> vector<8xf32> {
  %c0 = arith.constant 0 : index
  %mask = arith.constant dense<true> : vector<8xi1>
  %pass = arith.constant dense<0.0> : vector<8xf32>
  %g = vector.gather %t[%c0, %c0] [%idx], %mask, %pass
      : tensor<4x6xf32>, vector<8xindex>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  return %g : vector<8xf32>
}

// -----

// Base indices fold into the single offset: 2 * 6 + %j.
// CHECK-LABEL: func.func @main
// CHECK-SAME: %[[T:[a-z0-9]+]]: tensor<4x6xf32>, %{{.+}}: vector<8xindex>, %[[J:[a-z0-9]+]]: index
// CHECK: %[[C12:.+]] = arith.constant 12 : index
// CHECK: %[[O:.+]] = arith.addi %[[J]], %[[C12]] : index
// CHECK: vector.gather %{{.+}}[%[[O]]]
// BUF-LABEL: func.func @main
func.func @main(%t: tensor<4x6xf32>, %idx: vector<8xindex>, %j: index) -> vector<8xf32> {
  %c2 = arith.constant 2 : index
  %mask = arith.constant dense<true> : vector<8xi1>
  %pass = arith.constant dense<0.0> : vector<8xf32>
  %g = vector.gather %t[%c2, %j] [%idx], %mask, %pass
      : tensor<4x6xf32>, vector<8xindex>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  return %g : vector<8xf32>
}

// -----

// A dynamic inner size: the row offset is scaled by it at run time.
// CHECK-LABEL: func.func @main
// CHECK-SAME: %[[T:[a-z0-9]+]]: tensor<4x?xf32>, %{{.+}}: vector<8xindex>, %[[J:[a-z0-9]+]]: index
// CHECK: %[[F:.+]] = tensor.collapse_shape %[[T]] {{\[}}[0, 1]] : tensor<4x?xf32> into tensor<?xf32>
// CHECK: %[[D:.+]] = tensor.dim %[[T]], %{{.+}}
// CHECK: %[[R:.+]] = arith.muli %{{.+}}, %[[D]] : index
// CHECK: %[[O:.+]] = arith.addi %[[J]], %[[R]] : index
// CHECK: vector.gather %[[F]][%[[O]]]
// BUF-LABEL: func.func @main
func.func @main(%t: tensor<4x?xf32>, %idx: vector<8xindex>, %j: index) -> vector<8xf32> {
  %c1 = arith.constant 1 : index
  %mask = arith.constant dense<true> : vector<8xi1>
  %pass = arith.constant dense<0.0> : vector<8xf32>
  %g = vector.gather %t[%c1, %j] [%idx], %mask, %pass
      : tensor<4x?xf32>, vector<8xindex>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  return %g : vector<8xf32>
}

// -----

// Gathers in a loop from a base computed before it share one rank-1 view,
// built right after the base, outside the loop.
// CHECK-LABEL: func.func @main
// CHECK: %[[Y:.+]] = linalg.exp
// CHECK-NEXT: %[[F:.+]] = tensor.collapse_shape %[[Y]]
// CHECK: scf.for
// CHECK: vector.gather %[[F]]
// CHECK: vector.gather %[[F]]
// BUF-LABEL: func.func @main
func.func @main(%x: tensor<2x8xf32>, %idx: vector<8xindex>) -> vector<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %mask = arith.constant dense<true> : vector<8xi1>
  %pass = arith.constant dense<0.0> : vector<8xf32>
  %e = tensor.empty() : tensor<2x8xf32>
  %y = linalg.exp ins(%x : tensor<2x8xf32>) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %pass) -> (vector<8xf32>) {
    %g = vector.gather %y[%c0, %c0] [%idx], %mask, %pass
        : tensor<2x8xf32>, vector<8xindex>, vector<8xi1>, vector<8xf32> into vector<8xf32>
    %h = vector.gather %y[%c1, %c0] [%idx], %mask, %pass
        : tensor<2x8xf32>, vector<8xindex>, vector<8xi1>, vector<8xf32> into vector<8xf32>
    %s = arith.addf %g, %h : vector<8xf32>
    %a = arith.addf %acc, %s : vector<8xf32>
    scf.yield %a : vector<8xf32>
  }
  return %r : vector<8xf32>
}

// -----

// A masked gather: the offset is computed outside the vector.mask region.
// CHECK-LABEL: func.func @main
// CHECK: %[[C6:.+]] = arith.constant 6 : index
// CHECK-NEXT: vector.mask %{{.+}} { vector.gather %{{.+}}[%[[C6]]] [%{{.+}}], %{{.+}}, %{{.+}} : tensor<24xf32>
// BUF-LABEL: func.func @main
func.func @main(%t: tensor<4x6xf32>, %idx: vector<8xindex>, %m: vector<8xi1>) -> vector<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %mask = arith.constant dense<true> : vector<8xi1>
  %pass = arith.constant dense<0.0> : vector<8xf32>
  %g = vector.mask %m {
    vector.gather %t[%c1, %c0] [%idx], %mask, %pass
        : tensor<4x6xf32>, vector<8xindex>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  } : vector<8xi1> -> vector<8xf32>
  return %g : vector<8xf32>
}

// -----

// The pattern that gave wrong results (PP-OCRv4 det's FPN): a map that is
// padded for a 3x3 convolution and also resized (a gather). Decompose-pads
// and empty-tensor elimination let its producer write the interior of the
// padded buffer, a strided view, and the gather read that view with flat
// offsets (other elements). Now the gather reads a contiguous buffer: here
// the analysis keeps exp out of place (exp writes a contiguous buffer that
// the gather reads through a rank-1 view; it is copied into the interior).
// BUF-LABEL: func.func @main
// BUF: %[[P:.+]] = memref.view {{.+}} to memref<4x6xf32>
// BUF: %[[Y:.+]] = memref.view {{.+}} to memref<2x4xf32>
// BUF: linalg.exp ins(%arg0 : memref<2x4xf32>) outs(%[[Y]] : memref<2x4xf32>)
// BUF-NEXT: %[[F:.+]] = memref.collapse_shape %[[Y]] {{\[}}[0, 1]] : memref<2x4xf32> into memref<8xf32>
// BUF-NEXT: %[[I:.+]] = memref.subview %[[P]][1, 1] [2, 4] [1, 1]
// BUF-NEXT: memref.copy %[[Y]], %[[I]]
// BUF-NEXT: vector.gather %[[F]][%{{.+}}] [%{{.+}}], %{{.+}}, %{{.+}} : memref<8xf32>
// BUF: linalg.exp ins(%[[P]] : memref<4x6xf32>)
func.func @main(%x: tensor<2x4xf32>, %idx: vector<8xindex>)
    -> (tensor<4x6xf32>, vector<8xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %mask = arith.constant dense<true> : vector<8xi1>
  %pass = arith.constant dense<0.0> : vector<8xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %y = linalg.exp ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %p = tensor.pad %y low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<2x4xf32> to tensor<4x6xf32>
  %g = vector.gather %y[%c0, %c0] [%idx], %mask, %pass
      : tensor<2x4xf32>, vector<8xindex>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  %e2 = tensor.empty() : tensor<4x6xf32>
  %s = linalg.exp ins(%p : tensor<4x6xf32>) outs(%e2 : tensor<4x6xf32>) -> tensor<4x6xf32>
  return %s, %g : tensor<4x6xf32>, vector<8xf32>
}

// -----

// The same through a concatenation along the innermost dimension (Concat's
// insert_slice chain): the gathered map is written in place into its columns
// of the result, a strided view, and the gather reads a contiguous copy of
// it, made once right after the producer.
// BUF-LABEL: func.func @main
// BUF-SAME: %[[OUT:[a-z0-9]+]]: memref<2x8xf32> {etch.output}
// BUF: %[[C:.+]] = memref.view {{.+}} to memref<2x4xf32>
// BUF: %[[I:.+]] = memref.subview %[[OUT]][0, 4] [2, 4] [1, 1] : memref<2x8xf32> to memref<2x4xf32, strided<[8, 1], offset: 4>>
// BUF-NEXT: linalg.exp ins(%arg0 : memref<2x4xf32>) outs(%[[I]] :
// BUF-NEXT: memref.copy %[[I]], %[[C]] : memref<2x4xf32, strided<[8, 1], offset: 4>> to memref<2x4xf32>
// BUF-NEXT: %[[F:.+]] = memref.collapse_shape %[[C]] {{\[}}[0, 1]] : memref<2x4xf32> into memref<8xf32>
// BUF-NEXT: vector.gather %[[F]][%{{.+}}] [%{{.+}}], %{{.+}}, %{{.+}} : memref<8xf32>
func.func @main(%x: tensor<2x4xf32>, %z: tensor<2x4xf32>, %idx: vector<8xindex>)
    -> (tensor<2x8xf32>, vector<8xf32>) {
  %c0 = arith.constant 0 : index
  %mask = arith.constant dense<true> : vector<8xi1>
  %pass = arith.constant dense<0.0> : vector<8xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %y = linalg.exp ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %g = vector.gather %y[%c0, %c0] [%idx], %mask, %pass
      : tensor<2x4xf32>, vector<8xindex>, vector<8xi1>, vector<8xf32> into vector<8xf32>
  %c = tensor.empty() : tensor<2x8xf32>
  %c1 = tensor.insert_slice %z into %c[0, 0] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<2x8xf32>
  %c2 = tensor.insert_slice %y into %c1[0, 4] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<2x8xf32>
  return %c2, %g : tensor<2x8xf32>, vector<8xf32>
}
