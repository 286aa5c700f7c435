"""Writes the fuzz targets' seed corpus (scripts/sanitize.sh calls this).

Seeds: the repo's example models, the e2e single-op models
(etch_testing.models.single_op_models) and up to --node-tests small ONNX
node-test models (/usr/share/libonnx-testdata). Only models up to 32 KiB:
the compile target skips larger inputs.

    .venv/bin/python test/fuzz/make_corpus.py <dir> [--node-tests N] [--max-seeds N]
"""

import argparse
import hashlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))

MAX_BYTES = 32 * 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("--node-tests", type=int, default=120)
    parser.add_argument("--max-seeds", type=int, default=0,
                        help="keep an even spread of at most this many (0: all)")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)

    blobs = []
    for path in sorted(REPO.glob("examples/**/*.onnx")):
        blobs.append(path.read_bytes())
    from etch_testing import models
    for _, model in models.single_op_models():
        blobs.append(model.SerializeToString())
    node_dir = Path("/usr/share/libonnx-testdata/data/node")
    node_models = sorted(node_dir.glob("*/model.onnx")) if node_dir.is_dir() else []
    # An even spread over the (alphabetical) op names.
    step = max(1, len(node_models) // max(args.node_tests, 1))
    for path in node_models[::step][: args.node_tests]:
        blobs.append(path.read_bytes())

    blobs = [b for b in blobs if len(b) <= MAX_BYTES]
    if args.max_seeds and len(blobs) > args.max_seeds:
        step = len(blobs) / args.max_seeds
        blobs = [blobs[int(i * step)] for i in range(args.max_seeds)]
    written = 0
    for data in blobs:
        if len(data) > MAX_BYTES:
            continue
        (args.dir / hashlib.sha1(data).hexdigest()).write_bytes(data)
        written += 1
    print(f"make_corpus: {written} seeds in {args.dir}")


if __name__ == "__main__":
    main()
