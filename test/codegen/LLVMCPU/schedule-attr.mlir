// RUN: etch-opt --split-input-file %s | FileCheck %s
// RUN: etch-opt --split-input-file %s | etch-opt --split-input-file | FileCheck %s

// Round trip of #etch.schedule: fields print in a fixed order, empty lists
// and trailing empty tile levels are dropped.

// CHECK-LABEL: func.func @conv_schedule
// CHECK: etch.schedule = #etch.schedule<kind = conv, tile = {{\[}}[1, 64, 1, 0, 0, 0, 0], [0, 8, 0, 32, 0, 0, 0], [0, 0, 0, 0, 8, 1, 1]], vector = [1, 8, 1, 32, 8, 1, 1], parallel = [0, 1, 2, 3]>
func.func @conv_schedule() attributes {etch.schedule = #etch.schedule<kind = conv, vector = [1, 8, 1, 32, 8, 1, 1], tile = [[1, 64, 1, 0, 0, 0, 0], [0, 8, 0, 32, 0, 0, 0], [0, 0, 0, 0, 8, 1, 1]], parallel = [0, 1, 2, 3]>} {
  return
}

// -----

// CHECK-LABEL: func.func @elementwise_schedule
// CHECK: #etch.schedule<kind = elementwise, tile = {{\[}}[1, 128]], vector = [1, 128], interchange = [1, 0], unroll = [1, 2]>
func.func @elementwise_schedule() attributes {etch.schedule = #etch.schedule<kind = elementwise, tile = [[1, 128], [], []], vector = [1, 128], interchange = [1, 0], unroll = [1, 2]>} {
  return
}

// -----

// CHECK-LABEL: func.func @none_schedule
// CHECK: #etch.schedule<kind = none>
func.func @none_schedule() attributes {etch.schedule = #etch.schedule<kind = none>} {
  return
}
