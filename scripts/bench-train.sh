#!/usr/bin/env bash
# Model quality and training speed on the four shared datasets, seeds 42/1/2, with default
# settings or with the `fit` flags given (e.g. `scripts/bench-train.sh --model gbdt`). Prints a
# markdown table (the one in BENCHMARKS.md) and each dataset's mean test AUC. With REF_PYTHON
# set (a Python with lightgbm, scikit-learn, onnx, onnxruntime, numpy), each row also gets
# LightGBM tuned + early stopping on the same rows (benches/reference/lightgbm_same_rows.py).
# Run on an idle machine for speed figures. ONLY=name[,name] runs those datasets only.
set -euo pipefail
source "$(dirname "$0")/env.sh"
flags=("$@")
cd "$ROOT"
cargo build --release -p advisor-train >&2
D="$SHARED/data"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "| dataset | seed | test AUC | uncalibrated AUC | KS | Brier | log loss | accuracy | shipped (chosen of run) | seconds | LightGBM tuned, same rows |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for ds in "german_credit $D/german_credit/german_credit.csv" \
          "australian_credit $D/australian_credit/australian.csv" \
          "give_me_some_credit $D/give_me_some_credit/cs-training.csv.gz" \
          "bank_marketing $D/bank_marketing/bank-full.csv"; do
  set -- $ds
  [ -z "${ONLY:-}" ] || [[ ",$ONLY," == *",$1,"* ]] || continue
  for seed in 42 1 2; do
    start=$EPOCHREALTIME
    "$TRAIN_BIN" fit --spec "specs/$1.toml" --data "$2" --out "$out/$1" --seed "$seed" --quiet "${flags[@]}" >/dev/null 2>&1 \
      || { echo "| $1 | $seed | fit failed |"; continue; }
    secs=$(python3 -c "print($EPOCHREALTIME - $start)")
    lgbm="–"
    if [ -n "${REF_PYTHON:-}" ]; then
      "$TRAIN_BIN" split --model "$out/$1" --spec "specs/$1.toml" --data "$2" --out "$out/parts.csv" >/dev/null
      lgbm=$("$REF_PYTHON" benches/reference/lightgbm_same_rows.py "$out/$1" "$2" "$out/parts.csv" 2>/dev/null | awk '/tuned/ {print $NF}')
    fi
    python3 - "$1" "$seed" "$out/$1" "$secs" "$lgbm" <<'PY'
import json, sys
name, seed, bundle, secs, lgbm = sys.argv[1:]
m = json.load(open(f"{bundle}/metrics.json")); t = m["test"]
u = (m.get("test_uncalibrated") or t)["auc"]
r = json.load(open(f"{bundle}/manifest.json"))["training"]
c = {x["family"]: x for x in r["model"]["candidates"]}[r["model"]["shipped"]]
shipped = f"{r['model']['shipped']} ({c['chosen']} of {c['run']})"
print(f"| {name} | {seed} | {t['auc']:.4f} | {u:.4f} | {t['ks']:.4f} | {t['brier']:.4f} | {t['log_loss']:.4f} | {t['accuracy']:.4f} | {shipped} | {float(secs):.1f} | {lgbm} |")
PY
  done
done | tee "$out/table"
python3 - "$out/table" <<'PY'
import sys, collections
auc, ref = collections.defaultdict(list), collections.defaultdict(list)
for line in open(sys.argv[1]):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) > 3 and cells[2][:1].isdigit():
        auc[cells[0]].append(float(cells[2]))
        if cells[-1][:1].isdigit():
            ref[cells[0]].append(float(cells[-1]))
for name, v in auc.items():
    r = ref.get(name)
    vs = f"; LightGBM tuned {sum(r) / len(r):.4f}" if r else ""
    print(f"mean test AUC {name}: {sum(v) / len(v):.4f} over {len(v)} seeds{vs}")
PY
