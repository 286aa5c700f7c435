#!/usr/bin/env bash
# The one test command (after scripts/setup.sh): lit, googletest (ctest),
# the e2e pytest suites, in build/ (or $ETCH_BUILD_DIR), then the
# reliability checks (scripts/sanitize.sh ci). Fails if any fails.
#   bash scripts/test.sh            extra arguments go to pytest, e.g. -m "not slow"
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD="${ETCH_BUILD_DIR:-$ROOT/build}"

echo "== lit: ninja -C build check-etch"
ninja -C "$BUILD" check-etch

echo "== googletest: ctest --test-dir build"
# setup.sh installs PoCL: the OpenCL runtime's fault-injection tests must not skip.
export ETCH_REQUIRE_OPENCL=1
ctest --test-dir "$BUILD" --output-on-failure -j "$(nproc)"

echo "== e2e: pytest -n auto test/e2e"
# Once the tree has etch-compile, e2e tests must not skip for want of it.
if [[ -f "$ROOT/tools/etch-compile/CMakeLists.txt" ]]; then
  export ETCH_REQUIRE_COMPILER=1
fi
# setup.sh installs the cross toolchains and qemu: embedded e2e must not skip.
export ETCH_REQUIRE_EMBEDDED=1
export ETCH_BUILD_DIR="$BUILD"
# setup.sh installs valgrind: the memcheck tests must not skip.
export ETCH_REQUIRE_VALGRIND=1
"$ROOT/.venv/bin/python" -m pytest -n auto test/e2e "$@"

echo "== reliability: scripts/sanitize.sh ci (TSan and ASan runtime, fuzz targets ${ETCH_FUZZ_SECONDS:-90} s each, ASan/UBSan compiler)"
# TSan and ASan runtime tests and the fuzz targets (about 5 minutes on 2
# cores), then the ASan/UBSan build of the whole compiler with its lit, ctest
# and e2e subset (about 12 minutes from scratch; ETCH_CI_ASAN=0 skips it).
bash "$ROOT/scripts/sanitize.sh" ci
