"""etch's e2e test tooling: ONNX model generators, ONNX Runtime references and
the compile -> link -> run -> compare runner (pure Python: numpy, onnx,
onnxruntime)."""
