// The tuning-database hook of etch-llvmcpu-select-strategy: workload keys,
// a record applied to every layer with its key, invalid records ignored
// with a warning (an error in strict mode), strict misses named.

// RUN: etch-opt --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{target-triple=x86_64-unknown-linux-gnu target-cpu=haswell annotate-workload-keys=true})' %s | FileCheck %s --check-prefix=KEY
// KEY-LABEL: func.func @two_matmuls
// KEY: linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = {{\[}}[0, 0, 0], [4, 16, 0], [0, 0, 8]]{{.*}}, etch.workload_key = "[[K:w1-[0-9a-f]+]]"}
// KEY: linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = {{\[}}[0, 0, 0], [4, 16, 0], [0, 0, 8]]{{.*}}, etch.workload_key = "[[K]]"}
// KEY: linalg.matmul {etch.schedule = {{.*}}, etch.workload_key = "[[OTHER:w1-[0-9a-f]+]]"}
// KEY-NOT: etch.workload_key = "[[K]]"

// A database with one record for the 64x64x64 matmul key: both layers take it.
// RUN: etch-opt --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{target-triple=x86_64-unknown-linux-gnu target-cpu=haswell annotate-workload-keys=true})' %s \
// RUN:   | sed -n 's/.*etch.workload_key = "\(w1-[0-9a-f]*\)".*/{"key":"\1","format":1,"status":"ok","median_us":5.0,"schedule":{"kind":"matmul","tile":[[0,0,0],[2,8,0],[0,0,4]],"vector":[2,8,4]}}/p' \
// RUN:   | head -n 1 > %t.good.jsonl
// RUN: etch-opt --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{target-triple=x86_64-unknown-linux-gnu target-cpu=haswell tuning-db=%t.good.jsonl})' %s | FileCheck %s --check-prefix=DB
// DB: module attributes {etch.tuning_db = {hash = "xxh3:{{[0-9a-f]+}}", layers = 3 : i64, path = "{{.*}}good.jsonl", tuned = 2 : i64}}
// DB-LABEL: func.func @two_matmuls
// DB: linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = {{\[}}[0, 0, 0], [2, 8, 0], [0, 0, 4]], vector = [2, 8, 4]>
// DB: linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = {{\[}}[0, 0, 0], [2, 8, 0], [0, 0, 4]], vector = [2, 8, 4]>
// DB: linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = {{\[}}[0, 0, 0], [4, 16, 0], [0, 0, 8]]

// Strict: the third matmul has no record.
// RUN: not etch-opt --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{target-triple=x86_64-unknown-linux-gnu target-cpu=haswell tuning-db=%t.good.jsonl tuning-db-strict=true})' %s 2>&1 | FileCheck %s --check-prefix=STRICT
// STRICT: error: tuning db '{{.*}}good.jsonl' has no record for this layer (workload w1-{{[0-9a-f]+}}); tune it or drop --tuning-db-strict

// A record that tiles the reduction loop at the register level fails
// verifyScheduleForOp: ignored with a warning, the heuristics decide.
// RUN: sed 's/\[\[0,0,0\],\[2,8,0\],\[0,0,4\]\]/[[0,0,0],[2,8,4],[0,0,0]]/' %t.good.jsonl > %t.bad.jsonl
// RUN: etch-opt --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{target-triple=x86_64-unknown-linux-gnu target-cpu=haswell tuning-db=%t.bad.jsonl})' %s 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: warning: tuning db '{{.*}}bad.jsonl' line 1: invalid schedule for this layer (workload w1-{{[0-9a-f]+}}): {{.*}}etch.schedule tile level 1 tiles reduction loop 2; level 2 tiles those; using the heuristics
// BAD: tuned = 0 : i64
// BAD: linalg.matmul {etch.schedule = #etch.schedule<kind = matmul, tile = {{\[}}[0, 0, 0], [4, 16, 0], [0, 0, 8]]
// RUN: not etch-opt --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{target-triple=x86_64-unknown-linux-gnu target-cpu=haswell tuning-db=%t.bad.jsonl tuning-db-strict=true})' %s 2>&1 | FileCheck %s --check-prefix=BADSTRICT
// BADSTRICT: error: tuning db '{{.*}}bad.jsonl' line 1: invalid schedule for this layer

// A record from another target does not match: the key includes the CPU.
// RUN: etch-opt --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512 tuning-db=%t.good.jsonl})' %s | FileCheck %s --check-prefix=OTHERCPU
// OTHERCPU: tuned = 0 : i64

// A missing database file is an error.
// RUN: not etch-opt --pass-pipeline='builtin.module(etch-llvmcpu-select-strategy{tuning-db=%t.missing.jsonl})' %s 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: --tuning-db: cannot read tuning database '{{.*}}missing.jsonl'

func.func @two_matmuls(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>,
                       %c: tensor<32x64xf32>)
    -> (tensor<64x64xf32>, tensor<64x64xf32>, tensor<32x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>)
                     outs(%f : tensor<64x64xf32>) -> tensor<64x64xf32>
  %1 = linalg.matmul ins(%b, %a : tensor<64x64xf32>, tensor<64x64xf32>)
                     outs(%f : tensor<64x64xf32>) -> tensor<64x64xf32>
  %e2 = tensor.empty() : tensor<32x64xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<32x64xf32>) -> tensor<32x64xf32>
  %2 = linalg.matmul ins(%c, %a : tensor<32x64xf32>, tensor<64x64xf32>)
                     outs(%f2 : tensor<32x64xf32>) -> tensor<32x64xf32>
  return %0, %1, %2 : tensor<64x64xf32>, tensor<64x64xf32>, tensor<32x64xf32>
}
