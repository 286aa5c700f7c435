#!/usr/bin/env bash
# The one setup command for a fresh Debian 12 (run as root from anywhere):
#   bash scripts/setup.sh
# Installs the toolchain (apt), makes .venv (PyPI: requirements.txt), configures
# and builds build/ (or $ETCH_BUILD_DIR) with Ninja, then compiles, links and runs
# examples/mnist_cnn through etch-compile. Re-running skips what is done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD="${ETCH_BUILD_DIR:-$ROOT/build}"
LLVM_PREFIX=/usr/lib/llvm-22
JOBS="${ETCH_JOBS:-$(nproc)}"

log() { printf '\n== %s\n' "$*"; }

# --- 1. System packages -------------------------------------------------------
APT_PACKAGES=(
  # compiler toolchain
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22 lld-22
  libonnx-dev libonnx-testdata libfmt-dev libgtest-dev libgmock-dev
  protobuf-compiler libprotobuf-dev ninja-build cmake gcc g++
  # Python side: exporters from Debian, the rest from PyPI into .venv
  python3-venv python3-onnx python3-torch python3-torchvision python3-numpy
  python3-setuptools python3-wheel  # pip install ./python --no-build-isolation (test_python.py)
  # embedded e2e targets (python/etch_testing/runner.py, test/e2e/test_embedded.py)
  gcc-aarch64-linux-gnu libc6-arm64-cross libc6-dev-arm64-cross qemu-user  # aarch64 Linux
  gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm  # Cortex-M (mps2-an386, mps3-an547)
  pocl-opencl-icd ocl-icd-opencl-dev opencl-headers clinfo  # OpenCL target, run on PoCL (CPU)
  # reliability (scripts/sanitize.sh, test/e2e/test_memcheck.py): clang's
  # sanitizer and libFuzzer runtimes, valgrind for generated code
  libclang-rt-22-dev valgrind
  # etch-tune's ssh device-farm test starts its own sshd on 127.0.0.1
  openssh-server
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt: installing ${missing[*]}"
  if [[ $EUID -ne 0 ]]; then
    echo "setup.sh: need root to install packages: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
  if [[ " ${missing[*]} " == *" openssh-server "* ]] && command -v systemctl >/dev/null; then
    # Only the tests' own sshd (127.0.0.1, a throwaway key) is wanted: do not
    # leave the system's ssh service running because this script installed it.
    log "apt: openssh-server is for the tuner's tests; stopping the ssh service it enabled"
    systemctl disable --now ssh >/dev/null 2>&1 || true
  fi
else
  log "apt: all ${#APT_PACKAGES[@]} packages present"
fi

# --- 2. Python venv -------------------------------------------------------------
# --system-site-packages: torch/torchvision/onnx/numpy come from Debian (torch
# 1.13 needs numpy 1.x); onnxruntime and pytest come from PyPI.
VENV="$ROOT/.venv"
STAMP="$VENV/.requirements.sha256"
want="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [[ ! -x "$VENV/bin/python" ]]; then
  log "venv: creating .venv"
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi
if [[ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]]; then
  log "venv: pip install -r requirements.txt"
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r requirements.txt
  echo "$want" >"$STAMP"
else
  log "venv: requirements up to date"
fi
"$VENV/bin/python" -c "import onnx, onnxruntime, numpy, torch, torchvision, pytest, xdist"

# etch-tune's cost model (xgboost), Ray runner (ray) and tuning-curve plot
# (matplotlib) in their own venv:
# its scipy must not move .venv's numpy 1.x (Debian's torch needs it).
# ~110 MB of wheels, ~30 s.
TUNE_VENV="$ROOT/.venv-tune"
if ! "$TUNE_VENV/bin/python" -c "import xgboost, ray, matplotlib" 2>/dev/null; then
  log "venv: creating .venv-tune (xgboost, ray and matplotlib for etch-tune)"
  /usr/bin/python3 -m venv --system-site-packages "$TUNE_VENV"
  "$TUNE_VENV/bin/python" -m pip install --disable-pip-version-check -q \
    "xgboost-cpu>=2.1,<3" "scipy>=1.10,<1.12" "numpy<2" "ray>=2.40,<3" "matplotlib>=3.7,<3.11"
fi

# ONNX 1.23 in a venv of its own (numpy 2, protobuf 6+; Debian's onnx 1.12 stays in
# .venv for the torch 1.13 exporter): its node-test generators write the
# node-1.23 conformance suite (step 4).
ONNX123_VERSION=1.23.2
VENV123="$ROOT/.venv-onnx123"
if [[ ! -x "$VENV123/bin/python" ]]; then
  log "venv: creating .venv-onnx123"
  /usr/bin/python3 -m venv "$VENV123"
fi
if [[ "$("$VENV123/bin/python" -c 'import onnx; print(onnx.__version__)' 2>/dev/null)" != "$ONNX123_VERSION" ]]; then
  log "venv: pip install onnx==$ONNX123_VERSION into .venv-onnx123"
  "$VENV123/bin/python" -m pip install --disable-pip-version-check -q "onnx==$ONNX123_VERSION"
fi

# ONNX Runtime's quantizer (the models test_quant.py quantizes with quantize_static)
# and its 4-bit MatMulNBitsQuantizer (test_int4.py) need a newer onnx than .venv's
# Debian 1.12 (and ml_dtypes, onnx_ir): installed apart, into
# build/quant-env, and put on PYTHONPATH only for that step.
if ! PYTHONPATH="$BUILD/quant-env" "$VENV/bin/python" -c "import onnxruntime.quantization, onnxruntime.quantization.matmul_nbits_quantizer" 2>/dev/null; then
  log "venv: onnx for ONNX Runtime's quantizer into $BUILD/quant-env"
  PYTHON="$VENV/bin/python" QUANT_ENV="$BUILD/quant-env" bash "$ROOT/scripts/setup_quant_env.sh"
fi

# --- 3. Configure and build -------------------------------------------------------
LIT="$LLVM_PREFIX/bin/lit"
[[ -x "$LIT" ]] || LIT="$(command -v lit || true)"
if [[ ! -f "$BUILD/build.ninja" ]]; then
  log "cmake: configuring $BUILD"
  cmake -G Ninja -S "$ROOT" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$LLVM_PREFIX" \
    -DLLVM_EXTERNAL_LIT="$LIT"
fi
log "build: ninja -C build -j$JOBS"
cmake --build "$BUILD" -j "$JOBS"

# --- 4. ONNX 1.23 node tests (the node-1.23 conformance suite, ~6 s, 56 MB) ---------
DATA123="$BUILD/onnx-1.23-testdata"
if [[ "$(cat "$DATA123/ONNX_VERSION" 2>/dev/null)" != "$ONNX123_VERSION" ]]; then
  log "conformance: generating ONNX $ONNX123_VERSION node tests into $DATA123"
  "$VENV123/bin/python" -W ignore "$ROOT/python/etch_testing/gen_onnx_node_tests.py" "$DATA123"
fi

# --- 5. Main job: compile, link and run examples/mnist_cnn -------------------------
ETCH_COMPILE="${ETCH_COMPILE:-$BUILD/bin/etch-compile}"
if [[ ! -x "$ETCH_COMPILE" ]]; then
  if [[ -f "$ROOT/tools/etch-compile/CMakeLists.txt" ]]; then
    echo "setup.sh: $ETCH_COMPILE was not built" >&2
    exit 1
  fi
  log "example: skipped, this tree has no tools/etch-compile yet"
  exit 0
fi
EX_SRC="$ROOT/examples/mnist_cnn"
EX_OUT="$BUILD/examples/mnist_cnn"
mkdir -p "$EX_OUT"
log "example: etch-compile examples/mnist_cnn/mnist_cnn.onnx"
"$ETCH_COMPILE" "$EX_SRC/mnist_cnn.onnx" --target=x86_64-linux-gnu --name=mnist_cnn \
  -o "$EX_OUT/mnist_cnn.o"
cc -std=c11 -O2 -I"$ROOT/runtime/include" -I"$EX_OUT" -I"$EX_SRC" \
  "$EX_SRC/main.c" "$EX_OUT/mnist_cnn.o" -o "$EX_OUT/mnist_cnn"
log "example: running build/examples/mnist_cnn/mnist_cnn"
"$EX_OUT/mnist_cnn"
