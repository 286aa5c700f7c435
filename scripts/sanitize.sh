#!/usr/bin/env bash
# Sanitizer, fuzzing and memcheck CI for etch (issue 15), in build folders of
# their own so the Release build/ is untouched:
#   build-asan/  clang-22, -fsanitize=address,undefined (+ fuzzer-no-link):
#                the compiler, the runtime, the unit tests and the libFuzzer
#                targets test/fuzz (ETCH_FUZZ=ON)
#   build-tsan/  clang-22, -fsanitize=thread: the C runtime and its gtest only
#
#   bash scripts/sanitize.sh build     configure + build both (ninja -j$ETCH_JOBS)
#   bash scripts/sanitize.sh test      lit + ctest + e2e subset under ASan/UBSan,
#                                      runtime gtest under TSan, each fuzz target
#                                      for $ETCH_FUZZ_SECONDS (default 90) s
#   bash scripts/sanitize.sh fuzz <target> <seconds> [jobs]
#                                      a longer fuzzing run (corpus kept in
#                                      build-asan/fuzz-corpus/<target>)
# Reports abort the run (halt_on_error); any report fails the script.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ASAN_BUILD="${ETCH_ASAN_BUILD_DIR:-$ROOT/build-asan}"
TSAN_BUILD="${ETCH_TSAN_BUILD_DIR:-$ROOT/build-tsan}"
LLVM_PREFIX=/usr/lib/llvm-22
JOBS="${ETCH_JOBS:-$(nproc)}"
FUZZ_SECONDS="${ETCH_FUZZ_SECONDS:-90}"

# libMLIR/libLLVM are not instrumented: MLIR's StorageUniquer allocator
# poisons memory in a way ASan misreads without allow_user_poisoning=0.
# Leaks: LLVM/MLIR keep process-lifetime singletons (cl::opt registries,
# ManagedStatics, the dialect registry) that are reachable at exit; the
# suppression file names only those.
export ASAN_OPTIONS="allow_user_poisoning=0:detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_odr_violation=0"
export LSAN_OPTIONS="suppressions=$ROOT/test/fuzz/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"

log() { printf '\n== %s\n' "$*"; }

build() {
  local launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  if [[ ! -f "$ASAN_BUILD/build.ninja" ]]; then
    log "cmake: configuring $ASAN_BUILD (ASan+UBSan, fuzz targets)"
    # -O1: fast enough to run the tests, much faster to build than -O3.
    cmake -G Ninja -S "$ROOT" -B "$ASAN_BUILD" "${launcher[@]}" \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_FLAGS_RELEASE="-O1 -gline-tables-only -DNDEBUG" \
      -DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only -DNDEBUG" \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
      -DCMAKE_PREFIX_PATH="$LLVM_PREFIX" \
      -DLLVM_EXTERNAL_LIT="$LLVM_PREFIX/bin/lit" \
      -DETCH_SANITIZE=address,undefined -DETCH_FUZZ=ON
  fi
  log "build: $ASAN_BUILD (tools, unit tests, fuzz targets)"
  ninja -C "$ASAN_BUILD" -j "$JOBS"
  if [[ ! -f "$TSAN_BUILD/build.ninja" ]]; then
    log "cmake: configuring $TSAN_BUILD (runtime only, TSan)"
    cmake -G Ninja -S "$ROOT" -B "$TSAN_BUILD" "${launcher[@]}" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DETCH_BUILD_COMPILER=OFF \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
      -DETCH_SANITIZE=thread
  fi
  log "build: $TSAN_BUILD"
  ninja -C "$TSAN_BUILD" -j "$JOBS"
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
  local corpus_dir="$ASAN_BUILD/fuzz-corpus/$target"
  local crashes="$ASAN_BUILD/fuzz-crashes/$target"
  corpus "$corpus_dir"
  mkdir -p "$crashes"
  log "fuzz: $target for ${seconds}s ($jobs job(s)), corpus $corpus_dir"
  local args=(-max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len=65536
              -artifact_prefix="$crashes/" -print_final_stats=1)
  if ((jobs > 1)); then
    args+=(-fork="$jobs" -ignore_crashes=0)
  fi
  "$ASAN_BUILD/bin/$target" "${args[@]}" "$corpus_dir" "$ROOT/test/fuzz/regressions"
}

run_tests() {
  log "ASan/UBSan lit: check-etch"
  ninja -C "$ASAN_BUILD" check-etch
  log "ASan/UBSan ctest"
  ctest --test-dir "$ASAN_BUILD" --output-on-failure -j "$JOBS"
  log "ASan/UBSan e2e subset"
  # Models compiled by the instrumented etch-compile, linked and run with the
  # host compiler (single-threaded objects link nothing from the runtime).
  ETCH_BUILD_DIR="$ASAN_BUILD" ETCH_REQUIRE_COMPILER=1 "$ROOT/.venv/bin/python" -m pytest -q \
    -n "$JOBS" -p no:cacheprovider \
    test/e2e/test_malformed.py test/e2e/test_external_data.py test/e2e/test_errors.py \
    "test/e2e/test_single_ops.py::test_single_op[conv_3x3_pad1]" \
    "test/e2e/test_models.py::test_mnist_cnn_example"
  log "TSan: runtime thread pool"
  ctest --test-dir "$TSAN_BUILD" --output-on-failure -j "$JOBS"
  for target in etch-fuzz-import etch-fuzz-compile; do
    fuzz "$target" "$FUZZ_SECONDS"
  done
}

case "${1:-}" in
  build) build ;;
  test) run_tests ;;
  fuzz) shift; fuzz "$@" ;;
  *) echo "usage: $0 build|test|fuzz <target> <seconds> [jobs]" >&2; exit 2 ;;
esac
