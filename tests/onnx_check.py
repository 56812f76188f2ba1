#!/usr/bin/env python3
"""Scores a bundle's ONNX graph with Python onnxruntime — no Rust involved — and compares the
probabilities with advisor-train's (the light runtime's or tract's) output for the same file.

    advisor-train score --model DIR --data CSV --out scores.csv
    python3 tests/onnx_check.py DIR CSV scores.csv

Needs `pip install onnx onnxruntime numpy` (not needed by CI). Exits non-zero on any row whose
probability differs by more than 1e-5.
"""
import csv
import gzip
import json
import math
import sys

import numpy as np
import onnx
import onnxruntime as ort


def raw_rows(spec, path):
    """The graph's input: features in spec order; numbers, category codes, NaN for missing."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", newline="") as f:
        reader = csv.DictReader(f, delimiter=spec.get("delimiter", ","))
        feats = [c for c in spec["columns"] if c["role"] == "feature"]
        for row in reader:
            out = []
            for c in feats:
                cell = row[c.get("header", c["name"])]
                if cell in c.get("missing", [""]):
                    out.append(math.nan)
                elif c["type"] in ("categorical", "binary"):
                    values = [k["value"] for k in c["categories"]]
                    # `unlisted = "missing"`: a value the spec does not list reads as missing.
                    out.append(float(values.index(cell)) if cell in values or c.get("unlisted") != "missing" else math.nan)
                else:
                    out.append(float(cell))
            yield out


def main(bundle, data, scores):
    manifest = json.load(open(f"{bundle}/manifest.json"))
    model = onnx.load(f"{bundle}/{manifest['graph']['file']}")
    onnx.checker.check_model(model, full_check=True)
    x = np.array(list(raw_rows(manifest["spec"], data)), dtype=np.float32)
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    g = manifest["graph"]
    out = sess.run([g["output"]], {g["input"]: x})[0]
    # A network's graph gives [batch, 1]; a tree ensemble's [batch, 2] (column 1: positive).
    p = out[:, -1]
    with open(scores, newline="") as f:
        ref = np.array([float(r["probability"]) for r in csv.DictReader(f)], dtype=np.float64)
    diff = np.abs(p - ref)
    # advisor-train writes 6 decimals: allow their rounding on top of 1e-5.
    print(f"{len(p)} rows, max |onnxruntime - advisor-train score| = {diff.max():.2e}")
    if diff.max() > 1e-5 + 5e-7:
        sys.exit(f"row {int(diff.argmax()) + 1}: {p[diff.argmax()]} vs {ref[diff.argmax()]}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
