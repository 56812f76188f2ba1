#!/usr/bin/env python3
"""LightGBM on the very rows a bundle was trained and tested on: the reference beside our own
network, on the same split, so that the two figures compare.

    advisor-train split --model DIR --spec SPEC --data CSV --out parts.csv
    python3 benches/reference/lightgbm_same_rows.py DIR CSV parts.csv

Reads the features as the graph does (tests/onnx_check.py's reader: numbers, category codes,
NaN for missing; categories are LightGBM categorical features) and prints the test AUC of
LightGBM with default settings (fitted on fit + validation rows) and of a tuned one (learning
rate 0.02, subsampling, early stopping on the validation rows). Needs
`pip install lightgbm scikit-learn onnx onnxruntime numpy` (not needed by CI).
"""
import csv
import gzip
import json
import os
import sys

import lightgbm as lgb
import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests"))
from onnx_check import raw_rows  # noqa: E402


def labels(spec, path):
    label = next(c for c in spec["columns"] if c["role"] == "label")
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", newline="") as f:
        return np.array([1 if row[label.get("header", label["name"])] == label["positive"] else 0
                         for row in csv.DictReader(f, delimiter=spec.get("delimiter", ","))])


def same_rows(bundle, data, parts_csv):
    """The bundle's manifest, the file's rows as the graph reads them, labels, the categorical
    features' positions, and each row's part (`fit`, `validation`, `test`)."""
    manifest = json.load(open(f"{bundle}/manifest.json"))
    spec = manifest["spec"]
    x = np.array(list(raw_rows(spec, data)), dtype=np.float64)
    feats = [c for c in spec["columns"] if c["role"] == "feature"]
    cats = [i for i, c in enumerate(feats) if c["type"] in ("categorical", "binary")]
    with open(parts_csv, newline="") as f:
        part = np.array([r["part"] for r in csv.DictReader(f)])
    return manifest, x, labels(spec, data), cats, part


def main(bundle, data, parts_csv):
    manifest, x, y, cats, part = same_rows(bundle, data, parts_csv)
    fit, val, test = (np.flatnonzero(part == p) for p in ("fit", "validation", "test"))
    seed = int(manifest["training"]["split_seed"])
    default = lgb.LGBMClassifier(verbose=-1, random_state=seed)
    default.fit(x[np.concatenate([fit, val])], y[np.concatenate([fit, val])], categorical_feature=cats)
    tuned = lgb.LGBMClassifier(verbose=-1, random_state=seed, n_estimators=5000, learning_rate=0.02, num_leaves=31,
                               min_child_samples=50, subsample=0.8, subsample_freq=1, colsample_bytree=0.8, reg_lambda=1.0)
    tuned.fit(x[fit], y[fit], eval_set=[(x[val], y[val])], eval_metric="auc", categorical_feature=cats,
              callbacks=[lgb.early_stopping(200, verbose=False)])
    ours = manifest["metrics"]["test"]["auc"]
    for name, m in (("LightGBM default", default), ("LightGBM tuned + early stop", tuned)):
        print(f"{name:<28} test AUC {roc_auc_score(y[test], m.predict_proba(x[test])[:, 1]):.4f}")
    print(f"{'this bundle':<28} test AUC {ours:.4f}   ({len(test)} test rows, lightgbm {lgb.__version__})")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
