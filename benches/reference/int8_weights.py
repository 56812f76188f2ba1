"""What int8 hidden weights (per output column, symmetric, 127 steps) would do to a bundle's
test AUC and bytes, against the f16 the bundle stores (issue 17; a measurement, not a build).

Reads the spec and data file as `fit` does (categories as their code in the spec's order,
numbers, the spec's missing markers as NaN), keeps the rows `advisor-train split` puts in the
test part, and runs the bundle's graph in onnxruntime as shipped and with its `dense*_weight`
f16 initializers rounded to int8 grids (a float scale per column, or a power-of-two one).

    advisor-train split --model B --spec S --data D --out split.csv
    python benches/reference/int8_weights.py S D B split.csv
"""
import csv
import gzip
import sys
import tomllib

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper
from sklearn.metrics import roc_auc_score

spec_path, data_path, model_dir, split_path = sys.argv[1:5]
spec = tomllib.load(open(spec_path, "rb"))
feats = [c for c in spec["columns"] if c.get("role") == "feature"]
label = [c for c in spec["columns"] if c.get("role") == "label"][0]
with (gzip.open if data_path.endswith(".gz") else open)(data_path, "rt") as f:
    rows = list(csv.reader(f, delimiter=spec.get("delimiter", ",")))
idx = {h: i for i, h in enumerate(rows[0])}
parts = {int(line): part for line, part in list(csv.reader(open(split_path)))[1:]}
test = [r for i, r in enumerate(rows[1:]) if parts.get(i + 2) == "test"]


def cell(c, r):
    return r[idx[c.get("header", c["name"])]].strip().strip('"')


def encode(c, v):
    if c["type"] in ("categorical", "binary"):
        values = [k["value"] for k in c["categories"]]
        return float(values.index(v)) if v in values else np.nan
    return np.nan if v in ("", "NA") or v in c.get("missing", []) else float(v)


X = np.array([[encode(c, cell(c, r)) for c in feats] for r in test], dtype=np.float32)
y = np.array([int(cell(label, r) == label["positive"]) for r in test])


def run(model):
    s = ort.InferenceSession(model.SerializeToString())
    return s.run(None, {s.get_inputs()[0].name: X})[0].ravel()


def quantised(power_of_two, as_int8):
    m = onnx.load(f"{model_dir}/model.onnx")
    scales = []
    for t in m.graph.initializer:
        if t.name.startswith("dense") and t.name.endswith("_weight") and t.data_type == onnx.TensorProto.FLOAT16:
            w = numpy_helper.to_array(t).astype(np.float32)
            top = np.abs(w).max(axis=0)
            top[top == 0] = 1
            s = (2.0 ** np.ceil(np.log2(top / 127)) if power_of_two else top / 127).astype(np.float32)
            q = np.clip(np.round(w / s), -127, 127)
            if as_int8:  # the bytes a bundle would store: int8 values and a scale per column
                t.CopyFrom(numpy_helper.from_array(q.astype(np.int8), t.name))
                scales.append(numpy_helper.from_array(s, t.name.replace("weight", "scale")))
            else:  # the values it would compute with (the graph's Cast to float is then a no-op)
                t.CopyFrom(numpy_helper.from_array((q * s).astype(np.float32), t.name))
    m.graph.initializer.extend(scales)
    return m


shipped = onnx.load(f"{model_dir}/model.onnx")
base = run(shipped)
gz = lambda m: len(gzip.compress(m.SerializeToString(), 9))
print(f"f16 (as shipped): test AUC {roc_auc_score(y, base):.5f}, model {gz(shipped)} B gzip -9")
for power_of_two in (False, True):
    p = run(quantised(power_of_two, as_int8=False))
    name = "power-of-two" if power_of_two else "float"
    print(f"int8, {name} scale per column: test AUC {roc_auc_score(y, p):.5f}, max |Δp| {np.abs(p - base).max():.2e}, "
          f"model {gz(quantised(power_of_two, as_int8=True))} B gzip -9")
