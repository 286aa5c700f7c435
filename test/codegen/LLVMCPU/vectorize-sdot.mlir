// RUN: etch-opt --split-input-file --pass-pipeline='builtin.module(func.func(etch-llvmcpu-vectorize))' %s | FileCheck %s

// An int8 x int8 -> int32 register tile (a quantized conv after
// DecomposeUnitWindow, the uint8 activation sign-flipped at import:
// out[f, ow] += sext(x[c, ow]) * sext(w[f, c])) on a CPU with Armv8.2
// dotprod: as on x86 VNNI, the channel rows are interleaved to 4 channels
// per i32 lane and each row's 4 weight bytes are broadcast; each (row,
// 4-lane vector, 4-channel group) is one sdot: 4 rows x 4 vectors x 2 groups.
// CHECK-LABEL: func.func @s8s8_tile_sdot
// CHECK-NOT:   vector.transpose
// CHECK:       vector.interleave %{{.+}}, %{{.+}} : vector<4xi8> -> vector<8xi8>
// CHECK-COUNT-32: llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"({{.*}}) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
// CHECK-NOT:   vector.contract
// CHECK-NOT:   llvm.call_intrinsic
// CHECK:       vector.transfer_write {{.*}} : vector<4x16xi32>, tensor<4x16xi32>
#mapx = affine_map<(f, ow, c) -> (c, ow)>
#mapw = affine_map<(f, ow, c) -> (f, c)>
#mapo = affine_map<(f, ow, c) -> (f, ow)>
module attributes {etch.target = {cpu = "cortex-a76", features = "", triple = "aarch64-linux-gnu"}} {
  func.func @s8s8_tile_sdot(%x: tensor<8x16xi8>, %w: tensor<4x8xi8>, %o: tensor<4x16xi32>) -> tensor<4x16xi32> {
    %r = linalg.generic {indexing_maps = [#mapx, #mapw, #mapo], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : tensor<8x16xi8>, tensor<4x8xi8>) outs(%o : tensor<4x16xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %ea = arith.extsi %a : i8 to i32
      %eb = arith.extsi %b : i8 to i32
      %m = arith.muli %ea, %eb : i32
      %s = arith.addi %acc, %m : i32
      linalg.yield %s : i32
    } -> tensor<4x16xi32>
    return %r : tensor<4x16xi32>
  }
}

// -----

// Both operands zero-extended (uint8 x uint8): udot.
// CHECK-LABEL: func.func @u8u8_tile_udot
// CHECK-COUNT-32: llvm.call_intrinsic "llvm.aarch64.neon.udot.v4i32.v16i8"
// CHECK-NOT:   llvm.call_intrinsic "llvm.aarch64.neon.sdot
#mapx = affine_map<(f, ow, c) -> (c, ow)>
#mapw = affine_map<(f, ow, c) -> (f, c)>
#mapo = affine_map<(f, ow, c) -> (f, ow)>
module attributes {etch.target = {cpu = "neoverse-n1", features = "", triple = "aarch64-linux-gnu"}} {
  func.func @u8u8_tile_udot(%x: tensor<8x16xi8>, %w: tensor<4x8xi8>, %o: tensor<4x16xi32>) -> tensor<4x16xi32> {
    %r = linalg.generic {indexing_maps = [#mapx, #mapw, #mapo], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : tensor<8x16xi8>, tensor<4x8xi8>) outs(%o : tensor<4x16xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %ea = arith.extui %a : i8 to i32
      %eb = arith.extui %b : i8 to i32
      %m = arith.muli %ea, %eb : i32
      %s = arith.addi %acc, %m : i32
      linalg.yield %s : i32
    } -> tensor<4x16xi32>
    return %r : tensor<4x16xi32>
  }
}

// -----

// A uint8 x int8 tile on a CPU with i8mm (neoverse-n2): usdot, the unsigned
// lanes first and the signed weights broadcast.
// CHECK-LABEL: func.func @u8s8_tile_usdot
// CHECK-COUNT-32: llvm.call_intrinsic "llvm.aarch64.neon.usdot.v4i32.v16i8"
// CHECK-NOT:   llvm.call_intrinsic
// CHECK-NOT:   vector.contract
#mapx = affine_map<(f, ow, c) -> (c, ow)>
#mapw = affine_map<(f, ow, c) -> (f, c)>
#mapo = affine_map<(f, ow, c) -> (f, ow)>
module attributes {etch.target = {cpu = "neoverse-n2", features = "", triple = "aarch64-linux-gnu"}} {
  func.func @u8s8_tile_usdot(%x: tensor<8x16xi8>, %w: tensor<4x8xi8>, %o: tensor<4x16xi32>) -> tensor<4x16xi32> {
    %r = linalg.generic {indexing_maps = [#mapx, #mapw, #mapo], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : tensor<8x16xi8>, tensor<4x8xi8>) outs(%o : tensor<4x16xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %ea = arith.extui %a : i8 to i32
      %eb = arith.extsi %b : i8 to i32
      %m = arith.muli %ea, %eb : i32
      %s = arith.addi %acc, %m : i32
      linalg.yield %s : i32
    } -> tensor<4x16xi32>
    return %r : tensor<4x16xi32>
  }
}

// -----

// A uint8 x int8 tile on a CPU with dotprod but not i8mm (cortex-a76; not
// what the importer makes there) has no dot product: one contraction.
// CHECK-LABEL: func.func @u8s8_tile_a76
// CHECK-NOT:   llvm.call_intrinsic
// CHECK:       vector.transfer_write {{.*}} : vector<4x16xi32>, tensor<4x16xi32>
#mapx = affine_map<(f, ow, c) -> (c, ow)>
#mapw = affine_map<(f, ow, c) -> (f, c)>
#mapo = affine_map<(f, ow, c) -> (f, ow)>
module attributes {etch.target = {cpu = "cortex-a76", features = "", triple = "aarch64-linux-gnu"}} {
  func.func @u8s8_tile_a76(%x: tensor<8x16xi8>, %w: tensor<4x8xi8>, %o: tensor<4x16xi32>) -> tensor<4x16xi32> {
    %r = linalg.generic {indexing_maps = [#mapx, #mapw, #mapo], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : tensor<8x16xi8>, tensor<4x8xi8>) outs(%o : tensor<4x16xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %ea = arith.extui %a : i8 to i32
      %eb = arith.extsi %b : i8 to i32
      %m = arith.muli %ea, %eb : i32
      %s = arith.addi %acc, %m : i32
      linalg.yield %s : i32
    } -> tensor<4x16xi32>
    return %r : tensor<4x16xi32>
  }
}

// -----

// A named int8 matmul tile (QLinearMatMul / QGemm: out[m, n] += A[m, k] *
// B[k, n]) is generalized and takes the same path: B's rows are the
// interleaved lane operand, A's 4-byte groups the broadcast one: 8 rows x
// 2 vectors x 4 groups.
// CHECK-LABEL: func.func @matmul_i8_sdot
// CHECK-COUNT-64: llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"
// CHECK-NOT:   llvm.call_intrinsic
// CHECK-NOT:   vector.contract
// CHECK:       vector.transfer_write {{.*}} : vector<8x8xi32>, tensor<8x8xi32>
module attributes {etch.target = {cpu = "cortex-a76", features = "", triple = "aarch64-linux-gnu"}} {
  func.func @matmul_i8_sdot(%a: tensor<8x16xi8>, %b: tensor<16x8xi8>, %o: tensor<8x8xi32>) -> tensor<8x8xi32> {
    %r = linalg.matmul ins(%a, %b : tensor<8x16xi8>, tensor<16x8xi8>) outs(%o : tensor<8x8xi32>) -> tensor<8x8xi32>
    return %r : tensor<8x8xi32>
  }
}

// -----

// Without dotprod (cortex-a53) the int8 tile keeps the generic widening
// lowering: no dot-product intrinsic.
// CHECK-LABEL: func.func @s8s8_tile_a53
// CHECK-NOT:   llvm.call_intrinsic
// CHECK:       vector.transfer_write {{.*}} : vector<4x16xi32>, tensor<4x16xi32>
#mapx = affine_map<(f, ow, c) -> (c, ow)>
#mapw = affine_map<(f, ow, c) -> (f, c)>
#mapo = affine_map<(f, ow, c) -> (f, ow)>
module attributes {etch.target = {cpu = "cortex-a53", features = "", triple = "aarch64-linux-gnu"}} {
  func.func @s8s8_tile_a53(%x: tensor<8x16xi8>, %w: tensor<4x8xi8>, %o: tensor<4x16xi32>) -> tensor<4x16xi32> {
    %r = linalg.generic {indexing_maps = [#mapx, #mapw, #mapo], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : tensor<8x16xi8>, tensor<4x8xi8>) outs(%o : tensor<4x16xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %ea = arith.extsi %a : i8 to i32
      %eb = arith.extsi %b : i8 to i32
      %m = arith.muli %ea, %eb : i32
      %s = arith.addi %acc, %m : i32
      linalg.yield %s : i32
    } -> tensor<4x16xi32>
    return %r : tensor<4x16xi32>
  }
}
