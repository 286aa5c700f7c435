"""ai.onnx.ml ops (Binarizer, ArrayFeatureExtractor, LabelEncoder, TreeEnsemble),
TfIdfVectorizer and the ai.onnx.preview.training optimizers, compiled by
etch-compile and run: the attribute forms ONNX's node tests leave out. The ML
ops and TfIdfVectorizer are compared with ONNX Runtime; ONNX Runtime has no
training ops, so Adagrad/Momentum/Adam are compared with the operator spec's
formulas in NumPy (ONNX's own reference implementation)."""

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from etch_testing import reference, runner
from etch_testing.onnx_build import INPUT_DIST_KEY

ML = "ai.onnx.ml"
TRAINING = "ai.onnx.preview.training"
F, I32, I64, F64 = TensorProto.FLOAT, TensorProto.INT32, TensorProto.INT64, TensorProto.DOUBLE


def _model(name, nodes, inputs, outputs, opsets, dists=None):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets],
                              producer_name="etch_testing")
    model.ir_version = 8
    if dists:
        helper.set_model_props(model, {INPUT_DIST_KEY: json.dumps(dists)})
    return model


def _ml(op, inputs, outputs, name, **attrs):
    return helper.make_node(op, inputs, outputs, name=name, domain=ML, **attrs)


def _tensor(name, values, dtype):
    return numpy_helper.from_array(np.asarray(values, dtype=dtype), name)


def _tree(name, aggregate, post, dtype=np.float32, tracks=None):
    """Two trees on 3 features with every comparison mode and a set (equal
    values hit the splits)."""
    attrs = dict(
        # tree 0: nodes 0-2; tree 1: nodes 3-5.
        nodes_featureids=[0, 1, 2, 2, 0, 1],
        nodes_modes=_tensor("nodes_modes", [0, 1, 6, 2, 3, 5], np.uint8),
        nodes_splits=_tensor("nodes_splits", [0, -1, 0, 1, -1, 1], dtype),
        nodes_truenodeids=[1, 0, 1, 4, 2, 3],
        nodes_trueleafs=[0, 1, 1, 0, 1, 1],
        nodes_falsenodeids=[2, 1, 2, 5, 3, 4],
        nodes_falseleafs=[0, 1, 1, 0, 1, 1],
        leaf_targetids=[0, 1, 2, 0, 2, 1, 0, 1, 2],
        leaf_weights=_tensor("leaf_weights", [1.5, -2, 3, 0.5, 4, -1, 2.5, 0.25, -3], dtype),
        membership_values=_tensor("membership_values", [-1, 0, 1, np.nan], dtype),
        tree_roots=[0, 3], n_targets=3, aggregate_function=aggregate, post_transform=post)
    if tracks:
        attrs["nodes_missing_value_tracks_true"] = tracks
    et = F if dtype == np.float32 else F64
    # Integers in [-1, 1] (set members) and halves that hit the splits.
    # Integer inputs (Floor): ONNX Runtime tests set membership on integers
    # (categories), ONNX's reference on the exact values.
    return _model(name, [helper.make_node("Floor", ["x"], ["xi"]),
                         _ml("TreeEnsemble", ["xi"], ["y"], name, **attrs)], [("x", et, [9, 3])],
                  [("y", et, [9, 3])], [("", 17), (ML, 5)], {"x": ["uniform", -2.5, 2.5]})


def _cases():
    yield "binarizer", _model("binarizer", [_ml("Binarizer", ["x"], ["y"], "bin", threshold=0.5)],
                                  [("x", F, [4, 5])], [("y", F, [4, 5])], [("", 17), (ML, 1)])
    yield "array_feature_extractor_1d", _model(
        "array_feature_extractor_1d",
        [helper.make_node("Constant", [], ["i"], value=_tensor("i", [[3, 0, 3]], np.int64)),
         _ml("ArrayFeatureExtractor", ["x", "i"], ["y"], "afe")],
        [("x", F, [5])], [("y", F, [1, 3])], [("", 17), (ML, 1)])
    yield "label_encoder_int_float", _model(
        "label_encoder_int_float",
        [_ml("LabelEncoder", ["x"], ["y"], "le", keys_int64s=[-2, 0, 3, 0], values_floats=[0.5, 1.5, -2.0, 7.0],
             default_float=42.0)],
        [("x", I64, [3, 4])], [("y", F, [3, 4])], [("", 17), (ML, 2)], {"x": ["uniform", -3, 4]})
    yield "label_encoder_float_int", _model(
        "label_encoder_float_int",
        [_ml("LabelEncoder", ["x"], ["y"], "le", keys_floats=[-1.0, 0.0, 2.0], values_int64s=[10, 20, 30])],
        [("x", F, [10])], [("y", I64, [10])], [("", 17), (ML, 2)], {"x": ["uniform", -1.5, 2.5]})
    yield "label_encoder_tensors", _model(
        "label_encoder_tensors",
        [_ml("LabelEncoder", ["x"], ["y"], "le", keys_tensor=_tensor("k", [1, 2, 3], np.int64),
             values_tensor=_tensor("v", [-1.0, -2.0, -3.0], np.float64),
             default_tensor=_tensor("d", [0.5], np.float64))],
        [("x", I64, [2, 6])], [("y", F64, [2, 6])], [("", 17), (ML, 4)], {"x": ["uniform", 0, 5]})
    for agg in range(4):
        name = f"tree_ensemble_agg{agg}"
        yield name, _tree(name, agg, 0)
    yield "tree_ensemble_double_missing", _tree("tree_ensemble_double_missing", 1, 0, np.float64,
                                                tracks=[1, 0, 1, 0, 1, 0])
    yield "tfidf_idf_1d", _model(
        "tfidf_idf_1d",
        [helper.make_node("TfIdfVectorizer", ["x"], ["y"], name="tfidf", mode="IDF", min_gram_length=1,
                          max_gram_length=3, max_skip_count=1, ngram_counts=[0, 3, 7],
                          ngram_indexes=[4, 0, 2, 1, 3, 5, 6],
                          pool_int64s=[1, 2, 3, 1, 2, 2, 3, 3, 1, 1, 2, 3, 2],
                          weights=[0.5, 1.5, 2.0, 3.0, 0.25, 4.0, 5.0])],
        [("x", I32, [9])], [("y", F, [7])], [("", 17)], {"x": ["uniform", 0, 4]})
    yield "tfidf_tfidf_batch", _model(
        "tfidf_tfidf_batch",
        [helper.make_node("TfIdfVectorizer", ["x"], ["y"], name="tfidf", mode="TFIDF", min_gram_length=2,
                          max_gram_length=2, max_skip_count=2, ngram_counts=[0, 2],
                          ngram_indexes=[4, 3, 0, 1, 2], pool_int64s=[0, 1, 0, 1, 1, 0, 2, 2],
                          weights=[2.0, 0.5, 1.0, 3.0, 1.5])],
        [("x", I64, [3, 8])], [("y", F, [3, 5])], [("", 17)], {"x": ["uniform", 0, 3]})


CASES = list(_cases())


@pytest.mark.parametrize("name,model", CASES, ids=[n for n, _ in CASES])
def test_ml_op(name, model, etch_compile, tmp_path):
    runner.run_case(name, model, tmp_path, etch_compile)


def _run_against(name, model, feeds, refs, etch_compile, case_dir):
    """Compiles `model`, runs it on `feeds` and compares with `refs`."""
    case_dir = Path(case_dir)
    onnx.save(model, case_dir / "model.onnx")
    ins = [vi.name for vi in model.graph.input]
    outs = [vi.name for vi in model.graph.output]
    inputs = []
    for i, n in enumerate(ins):
        reference.write_tensor(str(case_dir / f"in{i}.bin"), feeds[n])
        inputs.append(reference.TensorInfo(n, feeds[n].dtype.name, list(feeds[n].shape), f"in{i}.bin"))
    outputs = [reference.TensorInfo(n, refs[n].dtype.name, list(refs[n].shape), f"out{i}.bin")
               for i, n in enumerate(outs)]
    manifest = reference.Manifest("model.onnx", 0, inputs, outputs)
    proc = runner.compile_model(etch_compile, case_dir / "model.onnx", name, case_dir)
    assert proc.returncode == 0, runner.describe(proc)
    exe = runner.build_harness(name, case_dir, manifest)
    got = runner.run_harness(exe, case_dir, manifest)
    errors = [e for n, o in zip(outs, got) if (e := runner.compare(n, o, refs[n]))]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("post", [1, 2])
def test_tree_ensemble_post_transform(post, etch_compile, tmp_path):
    """SOFTMAX (1) and LOGISTIC (2) as the spec numbers them; ONNX Runtime
    1.32 swaps the two, so the reference is its untransformed score with the
    spec's transform applied in NumPy."""
    name = f"tree_ensemble_post{post}"
    model = _tree(name, 1, post)
    feeds = reference.make_inputs(model, 11)
    plain = _tree(name, 1, 0)
    score = reference.run_onnxruntime(plain, feeds)[0]
    if post == 1:
        e = np.exp(score - score.max(axis=1, keepdims=True))
        y = e / e.sum(axis=1, keepdims=True)
    else:
        y = 1 / (1 + np.exp(-score))
    _run_against(name, model, feeds, {"y": y.astype(np.float32)}, etch_compile, tmp_path)


# --- training ops: NumPy reference (ONNX's spec formulas) ---------------------

def _adagrad(r, t, x, g, h, norm, eps, decay):
    r_ = r / (1 + t * decay)
    gr = norm * x + g
    h_new = h + gr * gr
    return x - r_ * gr / (np.sqrt(h_new) + eps), h_new


def _momentum(r, t, x, g, v, norm, alpha, beta, nesterov):
    gr = norm * x + g
    v_new = alpha * v + (beta if t > 0 else 1) * gr
    return (x - r * (gr + alpha * v_new) if nesterov else x - r * v_new), v_new


def _adam(r, t, x, g, v, h, norm, post, alpha, beta, eps):
    gr = norm * x + g
    v_new = alpha * v + (1 - alpha) * gr
    h_new = beta * h + (1 - beta) * gr * gr
    ra = r * np.sqrt(1 - beta**t) / (1 - alpha**t) if t > 0 else r
    return (1 - post) * (x - ra * (v_new / (np.sqrt(h_new) + eps))), v_new, h_new


def _training_cases():
    rng = np.random.default_rng(7)
    shapes = [[3], [2, 4]]

    def tensors(*names):
        return {f"{n}{i}": rng.standard_normal(s).astype(np.float32) for n in names for i, s in enumerate(shapes)}

    for t in (0, 3):
        feeds = tensors("X", "G", "H")
        for k in range(2):
            feeds[f"H{k}"] = np.abs(feeds[f"H{k}"])
        outs = {}
        for k in range(2):
            outs[f"X{k}_new"], outs[f"H{k}_new"] = _adagrad(0.1, t, feeds[f"X{k}"], feeds[f"G{k}"], feeds[f"H{k}"],
                                                             0.01, 1e-4, 0.5)
        yield f"adagrad_t{t}", "Adagrad", ["X", "G", "H"], ["X", "H"], feeds, outs, dict(
            norm_coefficient=0.01, epsilon=1e-4, decay_factor=0.5), t
        for mode in ("standard", "nesterov"):
            feeds = tensors("X", "G", "V")
            outs = {}
            for k in range(2):
                outs[f"X{k}_new"], outs[f"V{k}_new"] = _momentum(0.1, t, feeds[f"X{k}"], feeds[f"G{k}"],
                                                                 feeds[f"V{k}"], 0.02, 0.9, 0.7, mode == "nesterov")
            yield f"momentum_{mode}_t{t}", "Momentum", ["X", "G", "V"], ["X", "V"], feeds, outs, dict(
                norm_coefficient=0.02, alpha=0.9, beta=0.7, mode=mode), t
        feeds = tensors("X", "G", "V", "H")
        for k in range(2):
            feeds[f"H{k}"] = np.abs(feeds[f"H{k}"])
        outs = {}
        for k in range(2):
            outs[f"X{k}_new"], outs[f"V{k}_new"], outs[f"H{k}_new"] = _adam(
                0.1, t, feeds[f"X{k}"], feeds[f"G{k}"], feeds[f"V{k}"], feeds[f"H{k}"], 0.01, 0.1, 0.8, 0.9, 1e-3)
        yield f"adam_t{t}", "Adam", ["X", "G", "V", "H"], ["X", "V", "H"], feeds, outs, dict(
            norm_coefficient=0.01, norm_coefficient_post=0.1, alpha=0.8, beta=0.9, epsilon=1e-3), t


TRAINING_CASES = list(_training_cases())


@pytest.mark.parametrize("case", TRAINING_CASES, ids=[c[0] for c in TRAINING_CASES])
def test_training_op(case, etch_compile, tmp_path):
    name, op, kinds, out_kinds, feeds, outs, attrs, t = case
    ins = ["R", "T"] + [f"{k}{i}" for k in kinds for i in range(2)]
    out_names = [f"{k}{i}_new" for k in out_kinds for i in range(2)]
    feeds = {"R": np.array(0.1, np.float32), "T": np.array(t, np.int64), **feeds}
    node = helper.make_node(op, ins, out_names, name=name, domain=TRAINING, **attrs)
    types = {"R": F, "T": I64}
    model = _model(name, [node], [(n, types.get(n, F), list(feeds[n].shape)) for n in ins],
                   [(n, F, list(outs[n].shape)) for n in out_names], [(TRAINING, 1)])
    _run_against(name, model, feeds, {n: outs[n].astype(np.float32) for n in out_names}, etch_compile,
                 tmp_path)
