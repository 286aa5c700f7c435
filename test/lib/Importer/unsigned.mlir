// Unsigned integer tensors are signless; the ops whose result depends on
// signedness record it, and the C ABI's dtype comes from etch.unsigned.
// RUN: etch-import %S/Inputs/unsigned.onnx | FileCheck %s
// RUN: etch-import %S/Inputs/unsigned_reduce.onnx | FileCheck %s --check-prefix=REDUCE
// RUN: not etch-import %S/Inputs/unsigned_mean.onnx 2>&1 | FileCheck %s --check-prefix=MEAN

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[A:.+]]: tensor<4xi8> {etch.name = "a", etch.unsigned}, %[[B:.+]]: tensor<4xi8> {etch.name = "b", etch.unsigned})
// CHECK-SAME: -> (tensor<4xi1> {etch.name = "lt"}, tensor<4xf32> {etch.name = "f"}, tensor<4xi8> {etch.name = "s", etch.unsigned})
// CHECK: %[[Q:.+]] = etch.div %[[A]], %[[B]] {is_unsigned}
// CHECK: %[[MX:.+]] = etch.max %[[Q]], %[[B]] {is_unsigned}
// CHECK: %[[LT:.+]] = etch.less %[[MX]], %[[A]] {is_unsigned}
// Abs of an unsigned tensor is the tensor; Clip is max/min with its bounds
// (200 is -56 as i8).
// CHECK-NOT: etch.abs
// CHECK: %[[LO:.+]] = etch.constant dense<20> : tensor<i8>
// CHECK: %[[C0:.+]] = etch.max %[[MX]], %[[LO]] {is_unsigned}
// CHECK: %[[HI:.+]] = etch.constant dense<-56> : tensor<i8>
// CHECK: %[[C1:.+]] = etch.min %[[C0]], %[[HI]] {is_unsigned}
// CHECK: %[[F:.+]] = etch.cast %[[C1]] {unsigned_input = true} : (tensor<4xi8>) -> tensor<4xf32>
// Add wraps the same either way.
// CHECK: %[[S:.+]] = etch.add %[[A]], %[[B]] : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
// CHECK: return %[[LT]], %[[F]], %[[S]]

// Order-only ops (ReduceMax, MaxPool, ArgMin, TopK, ...) run on values with
// the sign bit flipped (x + -128 wrapping maps u8 order onto i8 order), and
// their value results are flipped back.
// REDUCE-LABEL: func.func @main(
// REDUCE-SAME: %[[A:.+]]: tensor<4xi8> {etch.name = "a", etch.unsigned}
// REDUCE: %[[BIAS:.+]] = etch.constant dense<-128> : tensor<i8>
// REDUCE: %[[F:.+]] = etch.add %[[A]], %[[BIAS]]
// REDUCE: %[[M:.+]] = etch.reduce_max %[[F]] {axes = array<i64: 0>}
// REDUCE: %[[BIAS2:.+]] = etch.constant dense<-128> : tensor<i8>
// REDUCE: %[[R:.+]] = etch.add %[[M]], %[[BIAS2]]
// REDUCE: return %[[R]]

// MEAN: loc("reducemean_0"): node 'reducemean_0' (ReduceMean): unsigned integer tensors (UINT8 'a') are not supported by ReduceMean
