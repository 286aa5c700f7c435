#!/bin/bash
# Compile time and peak memory of etch-compile per suite model, as CPU time
# (user + sys: on a shared machine wall time measures the neighbours) and
# peak RSS, one line per model: "<model> <cpu s> <peak MiB>".
#   bench/compile_time.sh BUILD_DIR MODEL_CACHE [model ...]
# MODEL_CACHE holds the suite's .onnx files (bench/run_bench.py --cache).
# Where the time goes: add --time-report (phases, passes, LLVM back end) or
# LLVM's --time-passes to the etch-compile line.
set -euo pipefail
build=$1 cache=$2; shift 2
models=("$@")
if [ ${#models[@]} -eq 0 ]; then
  models=(mobilenet_v2 resnet18 efficientnet_b0 mobilenet_v3_small mobilenet_v3_large
          shufflenet_v2_x1_0 squeezenet1_1 mnasnet1_0 googlenet densenet121 regnet_y_400mf
          transformer_encoder ppocr_v4_det ppocr_v4_rec ppocr_cls silero_vad magika ddddocr_det)
fi
flags_for() {  # the compile flags bench/suite.py gives each model
  case $1 in
    ppocr_v4_det) echo --input-shape=x=1x3x480x480 ;;
    ppocr_v4_rec) echo --input-shape=x=1x3x48x320 ;;
    ppocr_cls) echo --input-shape=x=1x3x48x192 ;;
    silero_vad) echo --input-shape=input=1x512 --input-shape=state=2x1x128 --input-value=sr=16000 ;;
    magika) echo --input-shape=bytes=1x2048 ;;
  esac
}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for m in "${models[@]}"; do
  # shellcheck disable=SC2046
  /usr/bin/time -f "%U %S %M" -o "$work/t" "$build/bin/etch-compile" "$cache/$m.onnx" \
    --target=x86_64-linux-gnu --mcpu=native --name="$m" -o "$work/$m.o" $(flags_for "$m") \
    > "$work/log" 2>&1 || { echo "$m failed: $(tail -1 "$work/log")"; continue; }
  read -r user sys kb < "$work/t"
  echo "$m $(echo "$user + $sys" | bc) $((kb / 1024))"
done
