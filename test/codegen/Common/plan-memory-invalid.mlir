// RUN: etch-opt --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(etch-common-plan-memory)' %s

func.func @main(%x: memref<?xf32>, %n: index) {
  // expected-error @+1 {{has a dynamic shape}}
  %a = memref.alloc(%n) : memref<?xf32>
  linalg.copy ins(%x : memref<?xf32>) outs(%a : memref<?xf32>)
  return
}

// -----

func.func @main(%x: memref<4xf32>) -> memref<4xf32> {
  // expected-error @+1 {{is returned from the function}}
  %a = memref.alloc() : memref<4xf32>
  linalg.copy ins(%x : memref<4xf32>) outs(%a : memref<4xf32>)
  return %a : memref<4xf32>
}

// -----

// expected-error @+1 {{no function @main}}
module {
  func.func @other() {
    return
  }
}
