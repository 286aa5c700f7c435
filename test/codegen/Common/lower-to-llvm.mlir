// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-common-lower-to-llvm-pipeline)' %s | FileCheck %s

// Bare pointers for memrefs, the arena view becomes a GEP, loops become
// branches; a 64-bit target (the default) gets i64 indices.
// CHECK-LABEL: llvm.func @main
// CHECK-SAME: (%[[X:.+]]: !llvm.ptr, %[[Y:.+]]: !llvm.ptr, %[[ARENA:.+]]: !llvm.ptr)
// CHECK: llvm.getelementptr %[[ARENA]][64] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK: llvm.icmp "slt" %{{.+}}, %{{.+}} : i64
// CHECK-NOT: memref
// CHECK-NOT: scf.
// CHECK: llvm.return
func.func @main(%x: memref<16xf32>, %y: memref<16xf32>, %arena: memref<128xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %t = memref.view %arena[%c64][] : memref<128xi8> to memref<16xf32>
  scf.for %i = %c0 to %c16 step %c1 {
    %v = memref.load %x[%i] : memref<16xf32>
    memref.store %v, %t[%i] : memref<16xf32>
  }
  memref.copy %t, %y : memref<16xf32> to memref<16xf32>
  return
}

// -----

// A 32-bit target (from etch.target) gets i32 indices everywhere, vectors
// included.
// CHECK-LABEL: llvm.func @main
// CHECK-NOT: llvm.mlir.constant({{.*}} : index) : i64
// CHECK: llvm.icmp "slt" %{{.+}}, %{{.+}} : i32
// CHECK: llvm.getelementptr %{{.+}}[%{{.+}}] : (!llvm.ptr, i32) -> !llvm.ptr, f32
// CHECK-NOT: (!llvm.ptr, i64)
// CHECK: llvm.return
module attributes {etch.target = {cpu = "cortex-m7", features = "", triple = "thumbv7em-unknown-none-eabihf"}} {
  func.func @main(%x: memref<16xf32>, %y: memref<16xf32>, %arena: memref<0xi8>) {
    %c0 = arith.constant 0 : index
    %c4 = arith.constant 4 : index
    %c16 = arith.constant 16 : index
    %pad = arith.constant 0.0 : f32
    scf.for %i = %c0 to %c16 step %c4 {
      %v = vector.transfer_read %x[%i], %pad {in_bounds = [true]} : memref<16xf32>, vector<4xf32>
      %e = vector.extract %v[2] : f32 from vector<4xf32>
      %b = vector.broadcast %e : f32 to vector<4xf32>
      %s = arith.addf %v, %b : vector<4xf32>
      vector.transfer_write %s, %y[%i] {in_bounds = [true]} : vector<4xf32>, memref<16xf32>
    }
    return
  }
}

// -----

// memref.copy never becomes a call to the MLIR runtime's memrefCopy, even
// for strided views; math ops never become libm calls.
// CHECK-LABEL: llvm.func @main
// CHECK-NOT: llvm.call
// CHECK-NOT: llvm.intr.exp
// CHECK-NOT: llvm.intr.log
// CHECK-NOT: llvm.intr.floor
// CHECK-NOT: llvm.intr.fma
// CHECK: llvm.return
func.func @main(%x: memref<4x8xf32>, %y: memref<4x4xf32>, %arena: memref<0xi8>) {
  %s = memref.subview %x[0, 2] [4, 4] [1, 1] : memref<4x8xf32> to memref<4x4xf32, strided<[8, 1], offset: 2>>
  memref.copy %s, %y : memref<4x4xf32, strided<[8, 1], offset: 2>> to memref<4x4xf32>
  %c0 = arith.constant 0 : index
  %v = memref.load %y[%c0, %c0] : memref<4x4xf32>
  %e = math.exp %v : f32
  %l = math.log %e : f32
  %f = math.floor %l : f32
  %t = math.tanh %f : f32
  memref.store %t, %y[%c0, %c0] : memref<4x4xf32>
  return
}


// -----

// Bool memory holds one byte per element (ETCH_BOOL): vector loads and
// stores of i1 move bytes, never LLVM's bit-packed <N x i1> memory form.
// CHECK-LABEL: llvm.func @bool_vectors
// CHECK: %[[B:.+]] = llvm.load %{{.+}} {alignment = 1 : i64} : !llvm.ptr -> vector<16xi8>
// CHECK: %[[M:.+]] = llvm.trunc %[[B]] : vector<16xi8> to vector<16xi1>
// CHECK: %[[N:.+]] = llvm.xor %[[M]]
// CHECK: %[[W:.+]] = llvm.zext %[[N]] : vector<16xi1> to vector<16xi8>
// CHECK: llvm.store %[[W]], %{{.+}} {alignment = 1 : i64} : vector<16xi8>, !llvm.ptr
// CHECK-NOT: vector<16xi1>, !llvm.ptr
func.func @bool_vectors(%a: memref<16xi1>, %b: memref<16xi1>) {
  %c0 = arith.constant 0 : index
  %t = arith.constant dense<true> : vector<16xi1>
  %v = vector.load %a[%c0] : memref<16xi1>, vector<16xi1>
  %n = arith.xori %v, %t : vector<16xi1>
  vector.store %n, %b[%c0] : memref<16xi1>, vector<16xi1>
  return
}

// -----

// bf16: arithmetic in f32, f32 -> bf16 rounding as integer code (round to
// nearest even: add 0x7fff plus the kept low bit; NaN becomes 0x7fc0), and
// what is left of bf16 (loads, stores, selects) moves as i16. No call to
// compiler-rt's __truncsfbf2 can come out of this.
// CHECK-LABEL: llvm.func @main
// CHECK-DAG: llvm.mlir.constant(32767 : i32)
// CHECK-DAG: llvm.mlir.constant(16 : i32)
// CHECK-DAG: llvm.mlir.constant(32704 : i16)
// CHECK: llvm.load %{{.+}} : !llvm.ptr -> i16
// CHECK: llvm.zext %{{.+}} : i16 to i32
// CHECK: llvm.shl
// CHECK: llvm.fadd %{{.+}}, %{{.+}} : f32
// CHECK: llvm.fcmp "une"
// CHECK: llvm.lshr
// CHECK: llvm.trunc %{{.+}} : i32 to i16
// CHECK: llvm.select %{{.+}}, %{{.+}}, %{{.+}} : i1, i16
// CHECK: llvm.store %{{.+}}, %{{.+}} : i16, !llvm.ptr
// CHECK-NOT: bf16
// CHECK: llvm.return
func.func @main(%x: memref<4xbf16>, %y: memref<4xbf16>, %c: memref<4xi1>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %x[%i] : memref<4xbf16>
    %s = arith.addf %v, %v : bf16
    %k = memref.load %c[%i] : memref<4xi1>
    %r = arith.select %k, %s, %v : bf16
    memref.store %r, %y[%i] : memref<4xbf16>
  }
  return
}
