// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(etch-common-profile-instrument{model-name=net})' %s | FileCheck %s

// Two layers; the view (bookkeeping, no name) joins the layer after it, the
// tiled loop nest of "conv1" is one group, "relu1" another. The table takes
// the op and FLOPs from etch.profile.nodes and drops the attribute.
// CHECK-NOT: etch.profile.nodes
// CHECK-DAG: llvm.mlir.global internal constant @etch_profile_name("conv1\00")
// CHECK-DAG: llvm.mlir.global internal constant @etch_profile_op("conv\00")
// CHECK-DAG: llvm.mlir.global internal constant @etch_profile_name_{{[0-9]+}}("relu1\00")
// CHECK-DAG: llvm.mlir.global internal constant @etch_profile_model("net\00")
// CHECK-DAG: llvm.mlir.global internal constant @etch_profile_fused("\00")
// CHECK-DAG: llvm.mlir.global internal constant @etch_profile_layers() {{.*}} : !llvm.array<2 x struct<(ptr, ptr, i64, ptr)>>
// CHECK-DAG: llvm.mlir.constant(96 : i64) : i64
// CHECK-DAG: llvm.mlir.global internal @etch_profile_ns() {{.*}} : !llvm.array<2 x i64>
// CHECK-DAG: llvm.mlir.global internal @etch_profile() {{.*}} : !llvm.struct<(ptr, i32, ptr, ptr, i64, i64, i64, i64, ptr, i32)>
// CHECK-LABEL: func.func @main
// CHECK: %[[P:.+]] = llvm.mlir.addressof @etch_profile : !llvm.ptr
// CHECK-NEXT: call @etch_profile_begin(%[[P]]) : (!llvm.ptr) -> ()
// CHECK: memref.view
// CHECK: scf.for
// CHECK: }
// CHECK-NEXT: %[[L0:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @etch_profile_mark(%[[P]], %[[L0]]) : (!llvm.ptr, i32) -> ()
// CHECK-NEXT: linalg.generic
// CHECK: %[[L1:.+]] = arith.constant 1 : i32
// CHECK-NEXT: call @etch_profile_mark(%[[P]], %[[L1]])
// CHECK-NEXT: call @etch_profile_end(%[[P]]) : (!llvm.ptr) -> ()
// CHECK-NEXT: return
// CHECK-DAG: func.func private @etch_profile_begin(!llvm.ptr)
// CHECK-DAG: func.func private @etch_profile_mark(!llvm.ptr, i32)
// CHECK-DAG: func.func private @etch_profile_end(!llvm.ptr)
#map = affine_map<(d0) -> (d0)>
module attributes {etch.profile.nodes = {conv1 = {flops = 96 : i64, op = "conv"}, relu1 = {flops = 16 : i64, op = "relu"}}} {
  func.func @main(%x: memref<16xf32>, %y: memref<16xf32>, %arena: memref<64xi8>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %t = memref.view %arena[%c0][] : memref<64xi8> to memref<16xf32>
    scf.for %i = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i] : memref<16xf32>
      %w = arith.mulf %v, %v : f32
      memref.store %w, %t[%i] : memref<16xf32>
    } loc("conv1")
    linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
        ins(%t : memref<16xf32>) outs(%y : memref<16xf32>) {
    ^bb0(%in: f32, %out: f32):
      %z = arith.constant 0.0 : f32
      %r = arith.maximumf %in, %z : f32
      linalg.yield %r : f32
    } loc(fused["relu1", "bn1"])
    return
  }
}

// -----

// A node split into two groups (its pad, another layer, then its body) adds
// both groups' times to one counter: the same layer index twice.
// CHECK-LABEL: func.func @main
// CHECK: linalg.fill
// CHECK-NEXT: %[[A:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @etch_profile_mark(%{{.+}}, %[[A]])
// CHECK: linalg.copy
// CHECK-NEXT: %[[B:.+]] = arith.constant 1 : i32
// CHECK-NEXT: call @etch_profile_mark(%{{.+}}, %[[B]])
// CHECK: linalg.copy
// CHECK-NEXT: %[[C:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @etch_profile_mark(%{{.+}}, %[[C]])
func.func @main(%x: memref<16xf32>, %y: memref<16xf32>, %arena: memref<128xi8>) {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %a = memref.view %arena[%c0][] : memref<128xi8> to memref<16xf32>
  %b = memref.view %arena[%c64][] : memref<128xi8> to memref<16xf32>
  linalg.fill ins(%zero : f32) outs(%a : memref<16xf32>) loc("conv2")
  linalg.copy ins(%x : memref<16xf32>) outs(%b : memref<16xf32>) loc("other")
  linalg.copy ins(%b : memref<16xf32>) outs(%y : memref<16xf32>) loc("conv2")
  return
}

// -----

// Tile-and-fuse made the residual add the root of the nest that computes
// conv3: the nest is conv3's layer (more FLOPs), add3 is listed as fused and
// its FLOPs are counted there (64 + 16).
// CHECK-DAG: @etch_profile_name("conv3\00")
// CHECK-DAG: @etch_profile_fused{{.*}}("add3\00")
// CHECK-DAG: llvm.mlir.constant(80 : i64) : i64
// CHECK-LABEL: func.func @main
// CHECK: scf.for
// CHECK: }
// CHECK-NEXT: %[[L:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @etch_profile_mark(%{{.+}}, %[[L]])
// CHECK-NEXT: call @etch_profile_end
module attributes {etch.profile.nodes = {add3 = {flops = 16 : i64, op = "add"}, conv3 = {flops = 64 : i64, op = "conv"}}} {
  func.func @main(%x: memref<16xf32>, %y: memref<16xf32>, %arena: memref<64xi8>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    scf.for %i = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i] : memref<16xf32> loc("conv3")
      %w = arith.mulf %v, %v : f32 loc("conv3")
      %s = arith.addf %w, %v : f32
      memref.store %s, %y[%i] : memref<16xf32>
    } loc("add3")
    return
  }
}

// -----

// "act" has a small nest of its own (a fill) but is computed in "big"'s
// loops (two of its three ops are there): its FLOPs count in "big"
// (1000 + 10), where it is listed as fused; its own layer counts none.
// CHECK-DAG: @etch_profile_name("act\00")
// CHECK-DAG: @etch_profile_name{{.*}}("big\00")
// CHECK-DAG: @etch_profile_fused{{.*}}("act\00")
// CHECK-DAG: llvm.mlir.constant(1010 : i64) : i64
// CHECK-DAG: llvm.mlir.constant(0 : i64) : i64
// CHECK-LABEL: func.func @main
// CHECK: linalg.fill
// CHECK-NEXT: arith.constant 0 : i32
// CHECK-NEXT: call @etch_profile_mark
// CHECK: scf.for
// CHECK: arith.constant 1 : i32
// CHECK-NEXT: call @etch_profile_mark
module attributes {etch.profile.nodes = {act = {flops = 10 : i64, op = "mul"}, big = {flops = 1000 : i64, op = "conv"}}} {
  func.func @main(%x: memref<16xf32>, %y: memref<16xf32>, %arena: memref<64xi8>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    %zero = arith.constant 0.0 : f32
    linalg.fill ins(%zero : f32) outs(%y : memref<16xf32>) loc("act")
    scf.for %i = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i] : memref<16xf32> loc("big")
      %w = arith.mulf %v, %v : f32 loc("act")
      %u = arith.mulf %w, %v : f32 loc("act")
      memref.store %u, %y[%i] : memref<16xf32>
    } loc("big")
    return
  }
}
