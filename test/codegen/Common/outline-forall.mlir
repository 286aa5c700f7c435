// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-common-outline-forall)' %s | FileCheck %s

// The forall becomes a launch of a body over its linearized iterations;
// the constant view of the arena is recomputed inside, so the body captures
// only the entry's pointers, which keep noalias (and readonly for the input).
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.+]]: memref<64xf32> {etch.name = "x"}, %[[Y:.+]]: memref<64xf32> {etch.name = "y", etch.output}, %[[A:.+]]: memref<256xi8> {etch.arena})
// CHECK-NOT: scf.forall
// CHECK: call @main_forall0_launch(%[[A]], %[[Y]]) : (memref<256xi8>, memref<64xf32>) -> ()
// CHECK: func.func private @main_forall0_launch(memref<256xi8>, memref<64xf32>)
// CHECK-SAME: etch.parallel_launch = {body = @main_forall0, count = 4 : i64}
// CHECK: func.func private @main_forall0(%[[BA:.+]]: memref<256xi8> {llvm.noalias}, %[[BY:.+]]: memref<64xf32> {llvm.noalias}, %[[BEGIN:.+]]: index, %[[END:.+]]: index, %[[TID:.+]]: index)
// CHECK: %[[V:.+]] = memref.view %[[BA]]
// CHECK: scf.for %[[N:.+]] = %[[BEGIN]] to %[[END]]
// CHECK:   %[[I0:.+]] = arith.muli %[[N]], %{{.+}} : index
// CHECK:   %[[I:.+]] = arith.addi %[[I0]], %{{.+}} : index
// CHECK:   memref.subview %[[V]][%[[I]]] [16] [1]
// CHECK:   memref.subview %[[BY]][%[[I]]] [16] [1]
func.func @main(%x: memref<64xf32> {etch.name = "x"}, %y: memref<64xf32> {etch.name = "y", etch.output},
                %arena: memref<256xi8> {etch.arena}) attributes {etch.arena_size = 256 : i64, etch.arena_align = 64 : i64} {
  %c0 = arith.constant 0 : index
  %big = memref.view %arena[%c0][] : memref<256xi8> to memref<64xf32>
  linalg.copy ins(%x : memref<64xf32>) outs(%big : memref<64xf32>)
  scf.forall (%i) = (0) to (64) step (16) {
    %in = memref.subview %big[%i] [16] [1] : memref<64xf32> to memref<16xf32, strided<[1], offset: ?>>
    %out = memref.subview %y[%i] [16] [1] : memref<64xf32> to memref<16xf32, strided<[1], offset: ?>>
    linalg.copy ins(%in : memref<16xf32, strided<[1], offset: ?>>) outs(%out : memref<16xf32, strided<[1], offset: ?>>)
  }
  return
}

// -----

// Two dimensions (3 x 2 tiles) linearize, last fastest; the input read in
// the body is readonly; the thread-index placeholder of per-thread scratch
// becomes the body's tid.
// CHECK-LABEL: func.func @two_dims
// CHECK: call @two_dims_forall0_launch(%{{.+}}, %{{.+}}, %{{.+}}) :
// CHECK: func.func private @two_dims_forall0_launch
// CHECK-SAME: count = 6 : i64
// CHECK: func.func private @two_dims_forall0(%[[A:.+]]: memref<512xi8> {llvm.noalias}, %[[X:.+]]: memref<6x4xf32> {llvm.noalias, llvm.readonly}, %[[Y:.+]]: memref<6x4xf32> {llvm.noalias}, %{{.+}}: index, %{{.+}}: index, %[[TID:.+]]: index)
// CHECK: scf.for %[[N:.+]] = 
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG: arith.remui %[[N]], %[[C2]]
// CHECK-DAG: arith.divui %[[N]], %[[C2]]
// CHECK: arith.muli %[[TID]]
// CHECK-NOT: etch.thread_index
func.func @two_dims(%x: memref<6x4xf32> {etch.name = "x"}, %y: memref<6x4xf32> {etch.name = "y", etch.output},
                    %arena: memref<512xi8> {etch.arena}) attributes {etch.arena_size = 512 : i64, etch.arena_align = 64 : i64} {
  scf.forall (%i, %j) = (0, 0) to (6, 4) step (2, 2) {
    %tid = func.call @etch.thread_index() : () -> index
    %c64 = arith.constant 64 : index
    %off = arith.muli %tid, %c64 : index
    %t = memref.view %arena[%off][] : memref<512xi8> to memref<2x2xf32>
    %in = memref.subview %x[%i, %j] [2, 2] [1, 1] : memref<6x4xf32> to memref<2x2xf32, strided<[4, 1], offset: ?>>
    %out = memref.subview %y[%i, %j] [2, 2] [1, 1] : memref<6x4xf32> to memref<2x2xf32, strided<[4, 1], offset: ?>>
    linalg.copy ins(%in : memref<2x2xf32, strided<[4, 1], offset: ?>>) outs(%t : memref<2x2xf32>)
    linalg.copy ins(%t : memref<2x2xf32>) outs(%out : memref<2x2xf32, strided<[4, 1], offset: ?>>)
  }
  return
}
func.func private @etch.thread_index() -> index

// -----

// A vector read in front of the loop (loop-invariant hoisting) goes to its
// thread through a stack slot: stored before the launch, loaded in the body.
// CHECK-LABEL: func.func @vector_capture
// CHECK: %[[SLOT:.+]] = memref.alloca() : memref<2xf32>
// CHECK: vector.store %{{.+}}, %[[SLOT]][%{{.+}}] : memref<2xf32>, vector<2xf32>
// CHECK: call @vector_capture_forall0_launch(%[[SLOT]], %{{.+}}) : (memref<2xf32>, memref<4x2xf32>) -> ()
// CHECK: func.func private @vector_capture_forall0(%[[BS:.+]]: memref<2xf32>, %{{.+}}: memref<4x2xf32> {llvm.noalias}
// CHECK: %[[V:.+]] = vector.load %[[BS]][%{{.+}}] : memref<2xf32>, vector<2xf32>
// CHECK: scf.for
// CHECK:   vector.store %[[V]]
func.func @vector_capture(%x: memref<2xf32> {etch.name = "x"}, %y: memref<4x2xf32> {etch.name = "y", etch.output},
                          %arena: memref<64xi8> {etch.arena}) attributes {etch.arena_size = 64 : i64, etch.arena_align = 64 : i64} {
  %c0 = arith.constant 0 : index
  %v = vector.load %x[%c0] : memref<2xf32>, vector<2xf32>
  scf.forall (%i) = (0) to (4) step (1) {
    vector.store %v, %y[%i, %c0] : memref<4x2xf32>, vector<2xf32>
  }
  return
}
