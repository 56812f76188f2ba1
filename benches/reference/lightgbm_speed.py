#!/usr/bin/env python3
"""LightGBM's time to a fixed number of trees on a file's fit rows, one thread, with the settings
of `advisor-train fit --model gbdt` (learning rate 0.05, 31 leaves, 50 rows a leaf, L2 1,
subsample 0.8 every tree, colsample 0.8, 255 bins), no early stopping: the reference beside
`cargo run --release -p advisor-train --example gbdt_speed` (scripts/bench-gbdt.sh).

    python3 benches/reference/lightgbm_speed.py BUNDLE CSV PARTS_CSV TREES

BUNDLE is any bundle fitted with seed 42 on CSV (for its spec), PARTS_CSV its `advisor-train
split`. Needs `pip install lightgbm numpy onnx` (not needed by CI).
"""
import os
import sys
import time

import lightgbm as lgb
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from lightgbm_same_rows import same_rows  # noqa: E402


def main(bundle, data, parts_csv, trees):
    _, x, y, cats, part = same_rows(bundle, data, parts_csv)
    fit = np.flatnonzero(part == "fit")
    params = dict(objective="binary", learning_rate=0.05, num_leaves=31, min_child_samples=50, reg_lambda=1.0,
                  subsample=0.8, subsample_freq=1, colsample_bytree=0.8, max_bin=255, n_estimators=int(trees),
                  num_threads=1, verbose=-1, random_state=42)
    t0 = time.perf_counter()
    lgb.LGBMClassifier(**params).fit(x[fit], y[fit], categorical_feature=cats)
    print(f"LightGBM {lgb.__version__}: {len(fit)} rows, {trees} trees: {time.perf_counter() - t0:.3f} s (binning included)")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
