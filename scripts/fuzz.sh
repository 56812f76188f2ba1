#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets: applicant, manifest, graph, bundle, csv, catalog, ask, trees, boost) for
# SECONDS each (default 60), two at a time, and prints executions per target and in total.
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]
# A crash stops with its input copied to fuzz/regressions/TARGET/, which
# tests/tests/fuzz_regressions.rs replays in every test run. Corpora live outside the repo.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
secs="${1:-60}"; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(applicant manifest graph bundle csv catalog ask trees boost)
command -v cargo-fuzz >/dev/null || cargo install -q cargo-fuzz --locked
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/advisor-fuzz-target}"
corpus="$CARGO_TARGET_DIR/corpus"
mkdir -p "$corpus"/{applicant,manifest,graph,bundle,csv,catalog,ask,trees,boost} "$CARGO_TARGET_DIR/logs"
cp web/catalogs/german_credit.json "$corpus/catalog/"
cp web/faqs/german_credit.json "$corpus/ask/"
printf "why was I declined?" > "$corpus/ask/why"; printf "为什么不能办白金卡" > "$corpus/ask/zh"
cp fuzz/seeds/applicant/* "$corpus/applicant/"
cp fuzz/seeds/boost/* "$corpus/boost/"
cp models/german_credit/manifest.json "$corpus/manifest/"
cp models/german_credit/model.onnx "$corpus/graph/"
# The converted tree models (LightGBM, XGBoost, scikit-learn) the light runtime is checked against.
cp tests/fixtures/trees/*.onnx "$corpus/trees/"
[ -f "$SHARED/bench/browser/models/mlp20.onnx" ] && cp "$SHARED/bench/browser/models/mlp20.onnx" "$corpus/graph/"
python3 - "$corpus/bundle/shipped" <<'PY'
import struct, sys
m = open("models/german_credit/manifest.json", "rb").read()
g = open("models/german_credit/model.onnx", "rb").read()
open(sys.argv[1], "wb").write(struct.pack("<I", len(m)) + m + g)
PY
# A manifest with a cross (checking_status × credit_history), so the fuzzer starts from one.
python3 - "$corpus/manifest/crossed.json" <<'PY'
import json, sys
m = json.load(open("models/german_credit/manifest.json"))
names = [c["name"] for c in m["spec"]["columns"] if c["role"] == "feature"]
pair = ["checking_status", "credit_history"]
m["spec"]["crosses"] = [{"columns": pair}]
m["preprocessing"]["crosses"] = [{"columns": pair, "inputs": [names.index(n) for n in pair],
                                  "kept": [[0.0, 0.0], [0.0, 2.0], [1.0, 2.0]]}]
json.dump(m, open(sys.argv[1], "w"))
PY
[ -f "$SHARED/data/german_credit/german_credit.csv" ] && head -40 "$SHARED/data/german_credit/german_credit.csv" > "$corpus/csv/german_head.csv"
(cd fuzz && cargo fuzz build -s none -a >/dev/null)

run_target() {
  local t=$1 log="$CARGO_TARGET_DIR/logs/$1.log"
  if (cd fuzz && cargo fuzz run -s none -a "$t" "$corpus/$t" -- -max_total_time="$secs" -print_final_stats=1 \
        -rss_limit_mb=2048 -timeout=10 >"$log" 2>&1); then
    echo "$t $(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | awk '{print $2}')"
  else
    mkdir -p "fuzz/regressions/$t"
    cp fuzz/artifacts/"$t"/* "fuzz/regressions/$t/" 2>/dev/null || true
    echo "$t CRASH (see $log; input saved under fuzz/regressions/$t/)"
  fi
}

results=$(mktemp)
pids=()
for t in "${targets[@]}"; do
  run_target "$t" >>"$results" &
  pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
wait
sort "$results"
total=$(awk '$2 ~ /^[0-9]+$/ {s+=$2} END {print s+0}' "$results")
crashes=$(grep -c CRASH "$results" || true)
rm -f "$results"
echo "fuzz: $total executions in ${#targets[@]} targets × ${secs}s, $crashes crashing targets"
[ "$crashes" = 0 ]
