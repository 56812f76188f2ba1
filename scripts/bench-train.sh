#!/usr/bin/env bash
# Model quality and training speed with default settings on the three datasets, seeds 42/1/2.
# Prints a markdown table (the one in BENCHMARKS.md). Run on an idle machine for speed figures.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
cargo build --release -p advisor-train >&2
D="$SHARED/data"
out=$(mktemp -d)
echo "| dataset | seed | test AUC | KS | Brier | log loss | accuracy | best epoch | rows/s per epoch |"
echo "|---|---|---|---|---|---|---|---|---|"
for ds in "german_credit $D/german_credit/german_credit.csv" \
          "give_me_some_credit $D/give_me_some_credit/cs-training.csv.gz" \
          "bank_marketing $D/bank_marketing/bank-full.csv"; do
  set -- $ds
  for seed in 42 1 2; do
    log=$("$TRAIN_BIN" fit --spec "specs/$1.toml" --data "$2" --out "$out/$1" --seed "$seed" --quiet 2>/dev/null)
    python3 - "$1" "$seed" "$out/$1/metrics.json" "$log" <<'PY'
import json, re, sys
name, seed, path, log = sys.argv[1:]
t = json.load(open(path))["test"]
best = re.search(r"best epoch (\d+); (\d+) rows/s", log)
print(f"| {name} | {seed} | {t['auc']:.4f} | {t['ks']:.4f} | {t['brier']:.4f} | {t['log_loss']:.4f} | {t['accuracy']:.4f} | {best.group(1)} | {int(best.group(2)):,} |")
PY
  done
done
rm -rf "$out"
