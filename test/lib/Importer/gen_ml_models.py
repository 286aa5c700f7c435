#!/usr/bin/python3
"""Generates the ai.onnx.ml / training / TfIdfVectorizer models under Inputs/
for ml.mlir.

Run with Debian's python (onnx 1.12): /usr/bin/python3 gen_ml_models.py
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

from gen_models import OUT, vi  # noqa: F401

import onnx
import os

ML = "ai.onnx.ml"
TRAINING = "ai.onnx.preview.training"


def save(name, nodes, inputs, outputs, opsets):
    graph = helper.make_graph(nodes, name, inputs, outputs)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets],
        producer_name="etch-gen-models")
    model.ir_version = 8
    onnx.save_model(model, os.path.join(OUT, name + ".onnx"))


def t(name, values, dtype):
    return numpy_helper.from_array(np.asarray(values, dtype=dtype), name)


def tree(name, post=0, modes=(0, 6)):
    return helper.make_node(
        "TreeEnsemble", ["x"], ["y"], name=name, domain=ML,
        nodes_featureids=[0, 1], nodes_modes=t("m", list(modes), np.uint8),
        nodes_splits=t("s", [0.5, 0], np.float32),
        nodes_truenodeids=[1, 0], nodes_trueleafs=[0, 1],
        nodes_falsenodeids=[2, 1], nodes_falseleafs=[1, 1],
        leaf_targetids=[0, 1, 0], leaf_weights=t("w", [1, 2, 3], np.float32),
        membership_values=t("mv", [1, 2, np.nan], np.float32),
        tree_roots=[0], n_targets=2, post_transform=post)


def main():
    F, I64 = TensorProto.FLOAT, TensorProto.INT64
    save("adagrad", [
        helper.make_node("Adagrad", ["r", "t", "x", "g", "h"], ["x2", "h2"],
                         name="adagrad", domain=TRAINING, decay_factor=0.5,
                         epsilon=1e-4, norm_coefficient=0.01),
    ], [vi("r", []), vi("t", [], I64), vi("x", [3]), vi("g", [3]),
        vi("h", [3])], [vi("x2", [3]), vi("h2", [3])], [(TRAINING, 1)])
    save("momentum_no_mode", [
        helper.make_node("Momentum", ["r", "t", "x", "g", "v"], ["x2", "v2"],
                         name="momentum", domain=TRAINING, alpha=0.9,
                         beta=0.1, norm_coefficient=0.0),
    ], [vi("r", []), vi("t", [], I64), vi("x", [3]), vi("g", [3]),
        vi("v", [3])], [vi("x2", [3]), vi("v2", [3])], [(TRAINING, 1)])
    save("tree_ensemble", [tree("tree")], [vi("x", [4, 2])],
         [vi("y", [4, 2])], [("", 17), (ML, 5)])
    save("tree_ensemble_probit", [tree("tree_probit", post=4)],
         [vi("x", [4, 2])], [vi("y", [4, 2])], [("", 17), (ML, 5)])
    save("label_encoder", [
        helper.make_node("LabelEncoder", ["x"], ["y"], name="le", domain=ML,
                         keys_int64s=[3, 1, 3], values_floats=[0.5, 1.5, 9],
                         default_float=-1.0),
    ], [vi("x", [2, 3], I64)], [vi("y", [2, 3])], [("", 17), (ML, 2)])
    save("label_encoder_strings", [
        helper.make_node("LabelEncoder", ["x"], ["y"], name="le_str",
                         domain=ML, keys_strings=["a"], values_int64s=[1]),
    ], [vi("x", [2], I64)], [vi("y", [2], I64)], [("", 17), (ML, 2)])
    save("tfidf", [
        helper.make_node("TfIdfVectorizer", ["x"], ["y"], name="tfidf",
                         mode="TF", min_gram_length=2, max_gram_length=2,
                         max_skip_count=1, ngram_counts=[0, 0],
                         ngram_indexes=[1, 0], pool_int64s=[5, 6, 6, 5]),
    ], [vi("x", [4], TensorProto.INT32)], [vi("y", [2])], [("", 9)])
    save("tfidf_strings", [
        helper.make_node("TfIdfVectorizer", ["x"], ["y"], name="tfidf_str",
                         mode="TF", min_gram_length=1, max_gram_length=1,
                         max_skip_count=0, ngram_counts=[0],
                         ngram_indexes=[0], pool_strings=["a"]),
    ], [vi("x", [4], I64)], [vi("y", [1])], [("", 9)])


if __name__ == "__main__":
    main()
