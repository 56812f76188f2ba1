#!/usr/bin/env bash
# How the model file stores the network's hidden weights (issue 17): the same fit (default
# settings, same split, seed and training) with `--weights f16` and `--weights int8` on the four
# shared sets, seeds 42/1/2: test metrics and model.onnx bytes (raw and gzip -9), as a markdown
# table. The network is identical until it is rounded, so the differences are the rounding's.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
cargo build --release -p advisor-train >&2
D="$SHARED/data"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
declare -A data=(
  [german_credit]="$D/german_credit/german_credit.csv"
  [give_me_some_credit]="$D/give_me_some_credit/cs-training.csv.gz"
  [australian_credit]="$D/australian_credit/australian.csv"
  [bank_marketing]="$D/bank_marketing/bank-full.csv"
)
row() {
  python3 - "$1" <<'PY'
import json, sys
m = json.load(open(sys.argv[1] + "/metrics.json"))["test"]
print(" | ".join(f"{m[k]:.5f}" for k in ("auc", "ks", "brier", "log_loss", "accuracy")))
PY
}
echo "| dataset | seed | shipped | weights | test AUC | KS | Brier | log loss | accuracy | model.onnx B | gzip -9 B |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for ds in german_credit give_me_some_credit australian_credit bank_marketing; do
  for seed in 42 1 2; do
    for w in f16 int8; do
      "$TRAIN_BIN" fit --spec "specs/$ds.toml" --data "${data[$ds]}" --seed "$seed" --weights "$w" --quiet --out "$out/m" >/dev/null 2>&1
      shipped=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['training']['model']['shipped'])" "$out/m/manifest.json")
      echo "| $ds | $seed | $shipped | $w | $(row "$out/m") | $(wc -c < "$out/m/model.onnx") | $(gzip -9c "$out/m/model.onnx" | wc -c) |"
      rm -rf "$out/m"
    done
  done
done
