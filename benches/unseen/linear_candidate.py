#!/usr/bin/env python3
"""Would a logistic-regression candidate in `fit --model auto` ship, and with what test AUC? On a
bundle's own rows: one-hot categories, standardised numbers (median for missing, clipped to the
0.5-99.5 % range) with a missing indicator, C from 0.003 to 1 chosen on the validation rows,
refitted on the training part; it ships where its validation AUC beats every candidate's in the
manifest (as `auto` chooses). A study (BENCHMARKS.md, "Tables unlike the shared ones"):

    advisor-train fit --spec S --data D --out B --seed N
    advisor-train split --model B --spec S --data D --out parts.csv
    python3 benches/unseen/linear_candidate.py B D parts.csv

Needs numpy, scikit-learn, lightgbm, onnx (the reference reader's imports); not CI.
"""
import json
import os
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "reference"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests"))
from lightgbm_same_rows import same_rows  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402


def encode(x, cats, fit):
    """The features as a logistic regression reads them (fitted on the `fit` rows)."""
    cols = []
    for j in range(x.shape[1]):
        v = x[:, j]
        miss = np.isnan(v)
        if j in cats:
            cols.extend((v == level).astype(float) for level in np.unique(v[fit][~miss[fit]]))
        else:
            w = np.where(miss, np.nanmedian(v[fit]), v)
            w = np.clip(w, *np.percentile(w[fit], [0.5, 99.5]))
            cols.append((w - w[fit].mean()) / (w[fit].std() or 1.0))
        if miss[fit].any():
            cols.append(miss.astype(float))
    return np.column_stack(cols)


def main(bundle, data, parts):
    m, x, y, cats, part = same_rows(bundle, data, parts)
    fit, val, test = (np.flatnonzero(part == p) for p in ("fit", "validation", "test"))
    X = encode(x, cats, fit)
    best = None
    for C in (0.003, 0.01, 0.03, 0.1, 0.3, 1.0):
        lr = LogisticRegression(C=C, max_iter=3000).fit(X[fit], y[fit])
        a = roc_auc_score(y[val], lr.predict_proba(X[val])[:, 1])
        if best is None or a > best[0]:
            best = (a, C)
    train = np.concatenate([fit, val])
    lr = LogisticRegression(C=best[1], max_iter=3000).fit(X[train], y[train])
    test_lr = roc_auc_score(y[test], lr.predict_proba(X[test])[:, 1])
    cands = m["training"]["model"]["candidates"]
    vbest = max(c["validation_auc"] for c in cands)
    ours = m["metrics"]["test"]["auc"]
    ships = best[0] > vbest
    print(json.dumps({"val_lr": round(best[0], 4), "C": best[1], "val_best_current": round(vbest, 4), "test_lr": round(test_lr, 4),
                      "test_current": round(ours, 4), "lr_ships": ships, "test_auto_with_lr": round(test_lr if ships else ours, 4)}))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
