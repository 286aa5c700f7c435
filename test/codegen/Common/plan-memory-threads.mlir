// RUN: etch-opt --pass-pipeline='builtin.module(etch-common-plan-memory{threads=4})' %s | FileCheck %s

// With threads=4 a buffer allocated inside an scf.forall is per-thread
// scratch: 4 copies of 64 bytes, live for the whole forall (so %big, live
// across it, does not share their bytes), picked by the thread's index.
// CHECK-LABEL: func.func @main
// CHECK-SAME: %[[ARENA:[a-z0-9]+]]: memref<512xi8> {etch.arena}
// CHECK-SAME: etch.arena_size = 512 : i64
// CHECK: memref.view %[[ARENA]][%{{.+}}][] : memref<512xi8> to memref<64xf32>
// CHECK: scf.forall
// CHECK: %[[TID:[0-9]+]] = func.call @etch.thread_index() : () -> index
// CHECK: %[[STRIDE:[a-z0-9_]+]] = arith.constant 64 : index
// CHECK: %[[SCALED:[0-9]+]] = arith.muli %[[TID]], %[[STRIDE]] : index
// CHECK: %[[BASE:[a-z0-9_]+]] = arith.constant 256 : index
// CHECK: %[[OFF:[0-9]+]] = arith.addi %[[BASE]], %[[SCALED]] : index
// CHECK: memref.view %[[ARENA]][%[[OFF]]][] : memref<512xi8> to memref<16xf32>
// CHECK: func.func private @etch.thread_index() -> index
func.func @main(%x: memref<64xf32>, %y: memref<64xf32>) {
  %big = memref.alloc() : memref<64xf32>
  linalg.copy ins(%x : memref<64xf32>) outs(%big : memref<64xf32>)
  scf.forall (%i) = (0) to (64) step (16) {
    %t = memref.alloc() : memref<16xf32>
    %in = memref.subview %big[%i] [16] [1] : memref<64xf32> to memref<16xf32, strided<[1], offset: ?>>
    %out = memref.subview %y[%i] [16] [1] : memref<64xf32> to memref<16xf32, strided<[1], offset: ?>>
    linalg.copy ins(%in : memref<16xf32, strided<[1], offset: ?>>) outs(%t : memref<16xf32>)
    linalg.copy ins(%t : memref<16xf32>) outs(%out : memref<16xf32, strided<[1], offset: ?>>)
  }
  return
}
