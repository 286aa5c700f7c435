// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-common-plan-memory)' %s | FileCheck %s

// A chain a -> b -> c: a and c are never live together, so c reuses a's bytes
// and the arena holds two 64-byte buffers.
// CHECK-LABEL: func.func @main
// CHECK-SAME: %[[ARENA:[a-z0-9]+]]: memref<128xi8> {etch.arena}
// CHECK-SAME: attributes {etch.arena_align = 64 : i64, etch.arena_lower_bound = 128 : i64, etch.arena_size = 128 : i64}
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C64:.+]] = arith.constant 64 : index
// CHECK: %[[A:.+]] = memref.view %[[ARENA]][%[[C0]]][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[B:.+]] = memref.view %[[ARENA]][%[[C64]]][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[C:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<128xi8> to memref<16xf32>
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
// CHECK: linalg.copy ins(%{{.+}} : memref<16xf32>) outs(%[[A]] : memref<16xf32>)
// CHECK: linalg.copy ins(%[[A]] : memref<16xf32>) outs(%[[B]] : memref<16xf32>)
// CHECK: linalg.copy ins(%[[B]] : memref<16xf32>) outs(%[[C]] : memref<16xf32>)
func.func @main(%x: memref<16xf32>, %y: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  linalg.copy ins(%x : memref<16xf32>) outs(%a : memref<16xf32>)
  %b = memref.alloc() : memref<16xf32>
  linalg.copy ins(%a : memref<16xf32>) outs(%b : memref<16xf32>)
  memref.dealloc %a : memref<16xf32>
  %c = memref.alloc() : memref<16xf32>
  linalg.copy ins(%b : memref<16xf32>) outs(%c : memref<16xf32>)
  linalg.copy ins(%c : memref<16xf32>) outs(%y : memref<16xf32>)
  return
}

// -----

// The view offset of c must equal a's (reuse), checked by value here.
// CHECK-LABEL: func.func @main
// CHECK-SAME: etch.arena_size = 128
// CHECK: memref.view %{{.+}}[%[[OFF_A:.+]]][] : memref<128xi8> to memref<16xf32>
// CHECK: memref.view
// CHECK: memref.view %{{.+}}[%[[OFF_A]]][] : memref<128xi8> to memref<16xf32>
func.func @main(%x: memref<16xf32>, %y: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  linalg.copy ins(%x : memref<16xf32>) outs(%a : memref<16xf32>)
  %b = memref.alloc() : memref<16xf32>
  linalg.copy ins(%a : memref<16xf32>) outs(%b : memref<16xf32>)
  %c = memref.alloc() : memref<16xf32>
  linalg.copy ins(%b : memref<16xf32>) outs(%c : memref<16xf32>)
  linalg.copy ins(%c : memref<16xf32>) outs(%y : memref<16xf32>)
  return
}

// -----

// A use through a subview inside a loop keeps %a live for the whole loop, so
// %b (defined before the loop, used after it) and %a cannot share; the
// scratch buffer %s allocated inside the loop is hoisted and may only share
// with buffers that are dead during the loop.
// CHECK-LABEL: func.func @main
// CHECK-SAME: memref<192xi8> {etch.arena}
// CHECK-SAME: etch.arena_size = 192
// CHECK-COUNT-3: memref.view
// CHECK: scf.for
// CHECK-NOT: memref.alloc
// CHECK: return
func.func @main(%x: memref<16xf32>, %y: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %a = memref.alloc() : memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  linalg.copy ins(%x : memref<16xf32>) outs(%b : memref<16xf32>)
  scf.for %i = %c0 to %c16 step %c4 {
    %s = memref.alloc() : memref<4xf32>
    %src = memref.subview %x[%i] [4] [1] : memref<16xf32> to memref<4xf32, strided<[1], offset: ?>>
    linalg.copy ins(%src : memref<4xf32, strided<[1], offset: ?>>) outs(%s : memref<4xf32>)
    %dst = memref.subview %a[%i] [4] [1] : memref<16xf32> to memref<4xf32, strided<[1], offset: ?>>
    linalg.copy ins(%s : memref<4xf32>) outs(%dst : memref<4xf32, strided<[1], offset: ?>>)
  }
  linalg.add ins(%a, %b : memref<16xf32>, memref<16xf32>) outs(%y : memref<16xf32>)
  return
}

// -----

// No buffers: a zero-sized arena.
// CHECK-LABEL: func.func @main
// CHECK-SAME: memref<0xi8> {etch.arena}
// CHECK-SAME: etch.arena_align = 64 : i64, etch.arena_lower_bound = 0 : i64, etch.arena_size = 0 : i64
func.func @main(%x: memref<4xf32>, %y: memref<4xf32>) {
  linalg.copy ins(%x : memref<4xf32>) outs(%y : memref<4xf32>)
  return
}

// -----

// Buffer sizes are rounded to the alignment; a bigger explicit alignment wins.
// CHECK-LABEL: func.func @main
// CHECK-SAME: memref<128xi8> {etch.arena}
// CHECK-SAME: etch.arena_align = 128 : i64, etch.arena_lower_bound = 6 : i64, etch.arena_size = 128 : i64
func.func @main(%x: memref<3xi8>, %y: memref<3xi8>) {
  %a = memref.alloc() {alignment = 128 : i64} : memref<3xi8>
  %b = memref.alloc() : memref<3xi8>
  linalg.copy ins(%x : memref<3xi8>) outs(%a : memref<3xi8>)
  linalg.copy ins(%a : memref<3xi8>) outs(%b : memref<3xi8>)
  linalg.copy ins(%a : memref<3xi8>) outs(%y : memref<3xi8>)
  linalg.copy ins(%b : memref<3xi8>) outs(%y : memref<3xi8>)
  return
}
