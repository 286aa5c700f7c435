#!/usr/bin/env bash
# Sanitizer, fuzzing and memcheck CI for etch (issue 15), in build folders of
# their own so the Release build/ is untouched:
#   build-tsan/       clang-22, -fsanitize=thread: the C runtime and its gtest
#   build-rt-asan/    clang-22, -fsanitize=address,undefined with LeakSanitizer
#                     on: the C runtime and its gtest (with OpenCL: the
#                     fault-injection test of the OpenCL runtime)
#   build/fuzz-lite/  the libFuzzer targets (test/fuzz) compiled by clang-22
#                     with ASan/UBSan and linked against the Release build's
#                     libraries (cheap: 4 files; crash-only for the compiler,
#                     see below)
#   build-asan/       clang-22, -fsanitize=address,undefined (+ fuzzer-no-link):
#                     the whole compiler, runtime, unit tests and fuzz targets
#                     instrumented (ETCH_SANITIZE, ETCH_FUZZ) at -O1; its lit,
#                     ctest and an e2e subset run in CI (ETCH_CI_ASAN=0 skips)
#
#   bash scripts/sanitize.sh ci          what scripts/test.sh runs: TSan and
#                                        ASan+LSan runtime tests, fuzz-lite
#                                        build, each fuzz target
#                                        for $ETCH_FUZZ_SECONDS (default 90) s,
#                                        then asan-build and asan-test (unless
#                                        ETCH_CI_ASAN=0)
#   bash scripts/sanitize.sh tsan        build-tsan: build + ctest
#   bash scripts/sanitize.sh rt-asan     build-rt-asan: build + ctest, leaks on
#   bash scripts/sanitize.sh fuzz-lite   build/fuzz-lite: build the fuzz targets
#   bash scripts/sanitize.sh asan-build  build-asan: configure + build
#   bash scripts/sanitize.sh asan-test   build-asan: lit, ctest, e2e subset
#   bash scripts/sanitize.sh fuzz <target> <seconds> [jobs]
#                                        one fuzz target (from build-asan/bin if
#                                        built, else build/fuzz-lite), corpus
#                                        kept in <that dir>/fuzz-corpus/<target>
# Reports abort the run (halt_on_error); any report fails the script.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ASAN_BUILD="${ETCH_ASAN_BUILD_DIR:-$ROOT/build-asan}"
TSAN_BUILD="${ETCH_TSAN_BUILD_DIR:-$ROOT/build-tsan}"
RT_ASAN_BUILD="${ETCH_RT_ASAN_BUILD_DIR:-$ROOT/build-rt-asan}"
BUILD="${ETCH_BUILD_DIR:-$ROOT/build}"
LITE="$BUILD/fuzz-lite"
LLVM_PREFIX=/usr/lib/llvm-22
JOBS="${ETCH_JOBS:-$(nproc)}"
FUZZ_SECONDS="${ETCH_FUZZ_SECONDS:-90}"

# libMLIR/libLLVM are not instrumented: MLIR's StorageUniquer allocator
# poisons memory in a way ASan misreads without allow_user_poisoning=0.
# Leak checking is off for the fuzz targets (a fuzzer process runs many
# inputs; libFuzzer's own -detect_leaks would attribute LLVM's lazily built
# singletons to whichever input first built them); asan_test turns it on.
export ASAN_OPTIONS="allow_user_poisoning=0:detect_leaks=0:halt_on_error=1:detect_odr_violation=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"

log() { printf '\n== %s\n' "$*"; }

launcher() {
  if command -v ccache >/dev/null; then
    echo -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
  fi
}

asan_build() {
  if [[ ! -f "$ASAN_BUILD/build.ninja" ]]; then
    log "cmake: configuring $ASAN_BUILD (ASan+UBSan, fuzz targets)"
    # -O1: fast enough to run the tests, much faster to build than -O3.
    # shellcheck disable=SC2046
    cmake -G Ninja -S "$ROOT" -B "$ASAN_BUILD" $(launcher) \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_FLAGS_RELEASE="-O1 -gline-tables-only -DNDEBUG" \
      -DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only -DNDEBUG" \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
      -DCMAKE_PREFIX_PATH="$LLVM_PREFIX" \
      -DLLVM_EXTERNAL_LIT="$LLVM_PREFIX/bin/lit" \
      -DETCH_SANITIZE=address,undefined -DETCH_FUZZ=ON
  fi
  log "build: $ASAN_BUILD"
  ninja -C "$ASAN_BUILD" -j "$JOBS"
}

tsan() {
  if [[ ! -f "$TSAN_BUILD/build.ninja" ]]; then
    log "cmake: configuring $TSAN_BUILD (runtime only, TSan)"
    # shellcheck disable=SC2046
    cmake -G Ninja -S "$ROOT" -B "$TSAN_BUILD" $(launcher) \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DETCH_BUILD_COMPILER=OFF \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
      -DETCH_SANITIZE=thread
  fi
  log "build + ctest: $TSAN_BUILD (runtime thread pool under TSan)"
  ninja -C "$TSAN_BUILD" -j "$JOBS"
  ctest --test-dir "$TSAN_BUILD" --output-on-failure -j "$JOBS"
}

# The runtime alone under ASan/UBSan, leak checking on (the runtime has no
# uninstrumented singletons to triage; the ICD loader and PoCL needed no
# suppressions either): mainly the OpenCL runtime's fault-injection test,
# where every injected failure must leave no host block behind.
rt_asan() {
  if [[ ! -f "$RT_ASAN_BUILD/build.ninja" ]]; then
    log "cmake: configuring $RT_ASAN_BUILD (runtime only, ASan+UBSan)"
    # shellcheck disable=SC2046
    cmake -G Ninja -S "$ROOT" -B "$RT_ASAN_BUILD" $(launcher) \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DETCH_BUILD_COMPILER=OFF \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
      -DETCH_SANITIZE=address,undefined
  fi
  log "build + ctest: $RT_ASAN_BUILD (runtime under ASan+UBSan+LSan)"
  ninja -C "$RT_ASAN_BUILD" -j "$JOBS"
  ASAN_OPTIONS="detect_leaks=1:halt_on_error=1" \
    ctest --test-dir "$RT_ASAN_BUILD" --output-on-failure -j "$JOBS"
}

# The fuzz targets without a sanitizer build of the whole compiler: their own
# four sources and the importer's boundary (validation, the model walk, tensor
# reads, external data, shape folding: $ETCH_FUZZ_LITE_SOURCES) compiled by
# clang with ASan/UBSan/libFuzzer, linked with the exact link line of the
# Release build's etch-compile. The rest of the compiler is not instrumented:
# there this finds what kills the Release compiler (signals, aborts, protobuf
# CHECKs, LLVM fatal errors, uncaught exceptions, runaway memory or time) but
# not silent memory errors. build-asan has the full instrumentation.
fuzz_lite() {
  log "build: $LITE (fuzz targets against $BUILD)"
  ninja -C "$BUILD" etch-compile
  mkdir -p "$LITE"
  local link libs
  link="$(ninja -C "$BUILD" -t commands bin/etch-compile | tail -1)"
  libs="${link#*-o bin/etch-compile }"
  libs="${libs% && :}"
  local cflags=(-std=c++17 -O1 -g -fno-rtti -fsanitize=fuzzer-no-link,address,undefined
                "-I$ROOT/include" "-I$BUILD/include" "-I$ROOT" "-I$BUILD" "-I$ROOT/runtime/include"
                -isystem "$LLVM_PREFIX/include" -DONNX_ML=1 -DONNX_NAMESPACE=onnx
                -D_GLIBCXX_USE_CXX11_ABI=1 -DNDEBUG)
  for f in FuzzCommon OnnxMutator ImportFuzzer CompileFuzzer; do
    clang++-22 "${cflags[@]}" -c "$ROOT/test/fuzz/$f.cpp" -o "$LITE/$f.o"
  done
  # The importer's boundary is instrumented too (ASan, UBSan and coverage):
  # these objects come before the Release archives on the link line, so the
  # archives' copies of them are never pulled in.
  local boundary=() f
  for f in ${ETCH_FUZZ_LITE_SOURCES:-ModelValidation TensorValidation OnnxImporter GraphImporter Tensors ExternalData ShapeInference ImportShape ImportTensorFold}; do
    clang++-22 "${cflags[@]}" -fexceptions -c "$ROOT/lib/Importer/$f.cpp" -o "$LITE/importer-$f.o"
    boundary+=("$LITE/importer-$f.o")
  done
  for t in Import Compile; do
    # shellcheck disable=SC2086
    (cd "$BUILD" && clang++-22 -fsanitize=fuzzer,address,undefined "$LITE/${t}Fuzzer.o" \
      "$LITE/FuzzCommon.o" "$LITE/OnnxMutator.o" "${boundary[@]}" $libs -o "$LITE/etch-fuzz-${t,,}")
  done
}

# Seeds: the repo's example models, the e2e single-op models and a slice of
# the ONNX node tests (small ones; opset <= 17 is what the importer reads).
corpus() {
  local dir="$1"
  mkdir -p "$dir"
  if [[ -z "$(ls -A "$dir")" ]]; then
    "$ROOT/.venv/bin/python" "$ROOT/test/fuzz/make_corpus.py" "$dir" \
      --max-seeds "${ETCH_FUZZ_SEEDS:-150}"
  fi
}

fuzz() {
  local target="$1" seconds="$2" jobs="${3:-1}"
  local bin="$ASAN_BUILD/bin/$target" dir="$ASAN_BUILD"
  if [[ ! -x "$bin" ]]; then
    bin="$LITE/$target"
    dir="$LITE"
  fi
  local corpus_dir="$dir/fuzz-corpus/$target" crashes="$dir/fuzz-crashes/$target"
  corpus "$corpus_dir"
  mkdir -p "$crashes"
  log "fuzz: $bin for ${seconds}s ($jobs job(s)), corpus $corpus_dir"
  local args=(-max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 -max_len=65536
              -artifact_prefix="$crashes/" -print_final_stats=1)
  if ((jobs > 1)); then
    args+=(-fork="$jobs" -ignore_crashes=0)
  fi
  # test/fuzz/regressions: every input that once crashed etch, run first.
  "$bin" "${args[@]}" "$corpus_dir" "$ROOT/test/fuzz/regressions"
}

asan_test() {
  # LeakSanitizer on: every compiler process of lit, ctest and the e2e subset
  # must free what it allocates (no suppressions were needed).
  local ASAN_OPTIONS="allow_user_poisoning=0:detect_leaks=1:halt_on_error=1:detect_odr_violation=0"
  export ASAN_OPTIONS
  log "ASan/UBSan lit: check-etch"
  ninja -C "$ASAN_BUILD" check-etch
  log "ASan/UBSan ctest"
  ctest --test-dir "$ASAN_BUILD" --output-on-failure -j "$JOBS"
  log "ASan/UBSan e2e subset"
  # Models compiled by the instrumented etch-compile, linked and run with the
  # host compiler (single-threaded objects link nothing from the runtime):
  # bad input (malformed models, external data, errors), every single-op
  # model, and the int8 paths (QDQ fusion, both requantization modes) on
  # x86-64. Cross targets and OpenCL link runtimes this build instruments
  # for the host; their compiler paths are the same.
  ETCH_BUILD_DIR="$ASAN_BUILD" ETCH_REQUIRE_COMPILER=1 "$ROOT/.venv/bin/python" -m pytest -q \
    -n "$JOBS" -p no:cacheprovider -m "not slow" \
    test/e2e/test_malformed.py test/e2e/test_external_data.py test/e2e/test_errors.py \
    test/e2e/test_models.py::test_run_checks_its_arguments \
    test/e2e/test_single_ops.py test/e2e/test_requant.py test/e2e/test_quant.py \
    -k "not aarch64 and not cortex and not opencl"
}

ci() {
  tsan
  rt_asan
  fuzz_lite
  for target in etch-fuzz-import etch-fuzz-compile; do
    fuzz "$target" "$FUZZ_SECONDS"
  done
  if [[ "${ETCH_CI_ASAN:-1}" == 1 ]]; then
    asan_build
    asan_test
  fi
}

case "${1:-}" in
  ci) ci ;;
  tsan) tsan ;;
  rt-asan) rt_asan ;;
  fuzz-lite) fuzz_lite ;;
  asan-build) asan_build ;;
  asan-test) asan_test ;;
  fuzz) shift; fuzz "$@" ;;
  *) echo "usage: $0 ci|tsan|rt-asan|fuzz-lite|asan-build|asan-test|fuzz <target> <seconds> [jobs]" >&2; exit 2 ;;
esac
