#!/usr/bin/env python3
"""The tree model of the browser benchmark (scripts/bench-trees.sh): LightGBM, 500 trees of up
to 31 leaves, on give_me_some_credit, converted by onnxmltools with one output `score` [N, 1]
(the positive class's probability; tests/fixtures/trees/make_fixtures.py's `sliced`), written in
the shared harness's model format: NAME.onnx, NAME.inputs.bin (10,000 test rows, float32, NaN
for missing), NAME.ref.bin (Python onnxruntime's scores), NAME.meta.json, NAME.data.json.

    /tmp/refvenv/bin/python benches/reference/tree_bench_model.py ../shared/data OUT_DIR

Needs the venv of make_fixtures.py (lightgbm, onnxmltools, onnxruntime); not run by CI.
"""
import hashlib
import json
import os
import sys

import numpy as np
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "fixtures", "trees"))
from make_fixtures import SEED, dataset, sliced  # noqa: E402

NAME, TREES, ROWS = "lgbm500", 500, 10_000


def main(data_dir, out):
    import lightgbm as lgb
    from onnxmltools import convert_lightgbm
    from onnxmltools.convert.common.data_types import FloatTensorType

    x, y, _ = dataset(data_dir, "give_me_some_credit", "cs-training.csv.gz")
    fit_x, fit_y, test_x = x[:-ROWS], y[:-ROWS], np.ascontiguousarray(x[-ROWS:])
    m = lgb.LGBMClassifier(n_estimators=TREES, num_leaves=31, learning_rate=0.05, verbose=-1, random_state=SEED).fit(fit_x, fit_y)
    model = sliced(convert_lightgbm(m, initial_types=[("x", FloatTensorType([None, x.shape[1]]))], zipmap=False, target_opset=15))
    model.graph.name = NAME
    os.makedirs(out, exist_ok=True)
    onnx_path = os.path.join(out, f"{NAME}.onnx")
    with open(onnx_path, "wb") as f:
        f.write(model.SerializeToString())
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(onnx_path, opts, providers=["CPUExecutionProvider"])
    ref = sess.run(["score"], {"x": test_x})[0].reshape(-1).astype(np.float32)
    test_x.astype("<f4").tofile(os.path.join(out, f"{NAME}.inputs.bin"))
    ref.astype("<f4").tofile(os.path.join(out, f"{NAME}.ref.bin"))
    tree = next(n for n in model.graph.node if n.op_type == "TreeEnsembleClassifier")
    nodes = len(next(a.ints for a in tree.attribute if a.name == "nodes_treeids"))
    meta = {
        "model": NAME, "n_features": int(x.shape[1]), "n_rows": ROWS, "trees": TREES, "nodes": nodes,
        "onnx_bytes": os.path.getsize(onnx_path), "onnx_sha256": hashlib.sha256(open(onnx_path, "rb").read()).hexdigest(),
        # The harness reports GFLOP/s from these; trees have no multiply-adds to count.
        "flops": {"params": nodes, "param_bytes_f32": 0, "macs_per_row": 0, "total_flops_per_row": 0},
        "reference_runtime": f"onnxruntime {ort.__version__} (Python, CPUExecutionProvider, intra_op_num_threads=1)",
        "score_min": float(ref.min()), "score_max": float(ref.max()), "score_mean": float(ref.mean()),
        "files": {"onnx": f"{NAME}.onnx", "inputs": f"{NAME}.inputs.bin", "reference": f"{NAME}.ref.bin", "json": f"{NAME}.data.json"},
    }
    json.dump(meta, open(os.path.join(out, f"{NAME}.meta.json"), "w"), indent=1)
    data = {"model": NAME, "n_features": int(x.shape[1]), "n_rows": ROWS, "input_name": "x", "output_name": "score",
            "inputs": [[None if np.isnan(v) else float(v) for v in r] for r in test_x[:100]], "reference": [float(v) for v in ref[:100]]}
    json.dump(data, open(os.path.join(out, f"{NAME}.data.json"), "w"), separators=(",", ":"))
    print(f"{NAME}: {TREES} trees, {nodes} nodes, {meta['onnx_bytes']:,} bytes; scores {meta['score_min']:.4f}..{meta['score_max']:.4f}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
