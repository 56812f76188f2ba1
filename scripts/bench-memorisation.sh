#!/usr/bin/env bash
# What the default models reveal of their training rows on small tables, and what `fit`'s
# options change: for each table and seed, `fit` (default settings, then each setting given),
# `audit` (membership attack, training rows against test rows) and the test AUC; means over the
# seeds. Tables: German and Australian credit (../shared), and the first rows of
# benches/unseen/tables.py's tables (small_wide whole; 1,000 / 1,500 / 1,200 rows of
# thresholds, high_cardinality and informative_missing), each with the spec `init` drafts.
# Needs REF_PYTHON: a Python with numpy (not CI).
# Usage: REF_PYTHON=… scripts/bench-memorisation.sh [SETTINGS…]
#   e.g. scripts/bench-memorisation.sh "" "--model mlp" "--model mlp --weight-decay 0.1" "--model gbdt"
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
: "${REF_PYTHON:?set REF_PYTHON to a Python with numpy}"
settings=("$@"); [ ${#settings[@]} -gt 0 ] || settings=("")
cargo build --release -p advisor-train >&2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$REF_PYTHON" benches/unseen/tables.py "$out/all" >&2
tables=("german_credit specs/german_credit.toml $SHARED/data/german_credit/german_credit.csv"
  "australian_credit specs/australian_credit.toml $SHARED/data/australian_credit/australian.csv")
for t in small_wide:0 thresholds:1000 high_cardinality:1500 informative_missing:1200; do
  name=${t%%:*} rows=${t##*:}
  if [ "$rows" = 0 ]; then cp "$out/all/$name.csv" "$out/$name.csv"; else head -n $((rows + 1)) "$out/all/$name.csv" > "$out/$name.csv"; fi
  "$TRAIN_BIN" init --data "$out/$name.csv" --out "$out/$name.toml" >/dev/null 2>&1
  tables+=("$name $out/$name.toml $out/$name.csv")
done
echo "| table | settings | mean test AUC | mean attack AUC | shipped |"
echo "|---|---|---|---|---|"
for t in "${tables[@]}"; do
  read -r name spec csv <<<"$t"
  for s in "${settings[@]}"; do
    rows=""
    for seed in 42 1 2; do
      # shellcheck disable=SC2086 # the settings are words for fit
      "$TRAIN_BIN" fit --spec "$spec" --data "$csv" --out "$out/b" --seed "$seed" --quiet $s >/dev/null 2>"$out/err" \
        || { echo "| $name | $s | fit failed: $(tail -1 "$out/err") |"; continue 2; }
      attack=$("$TRAIN_BIN" audit --model "$out/b" --spec "$spec" --data "$csv" | sed -E 's/.*attack AUC ([0-9.]+).*/\1/')
      rows+="$(python3 -c 'import json,sys; b=sys.argv[1]; print(json.load(open(b+"/metrics.json"))["test"]["auc"], json.load(open(b+"/manifest.json"))["training"]["model"]["shipped"])' "$out/b") $attack;"
      rm -rf "$out/b"
    done
    python3 - "$name" "${s:-default}" "$rows" <<'PY'
import sys
name, s, rows = sys.argv[1], sys.argv[2], [r.split() for r in sys.argv[3].strip(';').split(';')]
auc = sum(float(r[0]) for r in rows) / len(rows)
attack = sum(float(r[2]) for r in rows) / len(rows)
print(f"| {name} | {s} | {auc:.4f} | {attack:.4f} | {' / '.join(r[1] for r in rows)} |")
PY
  done
done
