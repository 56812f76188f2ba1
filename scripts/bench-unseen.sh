#!/usr/bin/env bash
# Whether the defaults generalise: on made-up tables with what the shared sets lack
# (benches/unseen/tables.py: rare events, a 250-value category, informative missing values, 500
# rows × 80 columns, thresholds and interactions, integer codes beside an id, a constant and a
# copied column), `init` drafts a spec that is fitted unchanged with default settings; each row
# gets LightGBM tuned on the same rows and the AUC of the true probability (the ceiling).
# Needs REF_PYTHON: a Python with numpy, lightgbm, scikit-learn, onnx, onnxruntime (not CI).
# Usage: REF_PYTHON=… scripts/bench-unseen.sh [SEED...]   (default 42)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
: "${REF_PYTHON:?set REF_PYTHON to a Python with numpy, lightgbm, scikit-learn, onnx and onnxruntime}"
seeds=("${@:-42}")
cargo build --release -p advisor-train >&2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$REF_PYTHON" benches/unseen/tables.py "$out" >&2
echo "| table | seed | rows | test AUC | LightGBM tuned, same rows | difference | ceiling | Brier | shipped | TODOs | seconds |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for csv in "$out"/*.csv; do
  name=$(basename "$csv" .csv)
  "$TRAIN_BIN" init --data "$csv" --out "$out/$name.toml" >/dev/null
  todos=$(grep -c "^# TODO" "$out/$name.toml" || true)
  for seed in "${seeds[@]}"; do
    start=$EPOCHREALTIME
    "$TRAIN_BIN" fit --spec "$out/$name.toml" --data "$csv" --out "$out/$name" --seed "$seed" --quiet >/dev/null 2>"$out/err" \
      || { echo "| $name | $seed | fit failed: $(tail -1 "$out/err") |"; continue; }
    secs=$(python3 -c "print($EPOCHREALTIME - $start)")
    "$TRAIN_BIN" split --model "$out/$name" --spec "$out/$name.toml" --data "$csv" --out "$out/parts.csv" >/dev/null
    lgbm=$("$REF_PYTHON" benches/reference/lightgbm_same_rows.py "$out/$name" "$csv" "$out/parts.csv" 2>/dev/null | awk '/tuned/ {print $NF}')
    python3 - "$name" "$seed" "$out/$name" "$lgbm" "$(cat "$out/$name.oracle")" "$todos" "$secs" <<'PY'
import json, sys
name, seed, bundle, lgbm, ceiling, todos, secs = sys.argv[1:]
t = json.load(open(f"{bundle}/metrics.json"))["test"]
r = json.load(open(f"{bundle}/manifest.json"))["training"]
n = sum(r["rows"][p] for p in ("train", "validation", "test"))
print(f"| {name} | {seed} | {n} | {t['auc']:.4f} | {lgbm} | {t['auc'] - float(lgbm):+.4f} | {ceiling} | {t['brier']:.4f} "
      f"| {r['model']['shipped']} | {todos} | {float(secs):.1f} |")
PY
    rm -rf "${out:?}/$name"
  done
done
