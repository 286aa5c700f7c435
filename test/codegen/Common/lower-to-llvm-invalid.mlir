// RUN: etch-opt --verify-diagnostics --pass-pipeline='builtin.module(etch-common-lower-to-llvm)' %s

// Heap allocations left over are an error (they would need malloc).
func.func @main(%x: memref<4xf32>) {
  // expected-error @+1 {{would need malloc}}
  %a = memref.alloc() : memref<4xf32>
  return
}
