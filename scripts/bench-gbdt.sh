#!/usr/bin/env bash
# The trainer's trees (issue 14) beside LightGBM on give_me_some_credit: time to a fixed number
# of trees on the same fit rows with the same settings, one thread each, in the same run
# (train/examples/gbdt_speed.rs, benches/reference/lightgbm_speed.py), then the default gbdt
# bundle's bytes against its number of trees. Needs REF_PYTHON: a Python with lightgbm, numpy
# and onnx (not needed by CI). Usage: REF_PYTHON=… scripts/bench-gbdt.sh [TREES]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
trees=${1:-500}
: "${REF_PYTHON:?set REF_PYTHON to a Python with lightgbm, numpy and onnx}"
cargo build --release -p advisor-train --example gbdt_speed >&2
data="$SHARED/data/give_me_some_credit/cs-training.csv.gz"
spec=specs/give_me_some_credit.toml
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$TRAIN_BIN" fit --model gbdt --spec "$spec" --data "$data" --out "$out/default" --quiet >/dev/null 2>&1
"$TRAIN_BIN" split --model "$out/default" --spec "$spec" --data "$data" --out "$out/parts.csv" >/dev/null
echo "## Training time, $trees trees, one thread (alternating, 3 runs each)"
for run in 1 2 3; do
  "$CARGO_TARGET_DIR/release/examples/gbdt_speed" "$spec" "$data" "$trees"
  "$REF_PYTHON" benches/reference/lightgbm_speed.py "$out/default" "$data" "$out/parts.csv" "$trees"
done
echo "## model.onnx bytes against trees (gzip -9)"
for n in 100 300 1000; do
  "$CARGO_TARGET_DIR/release/examples/gbdt_speed" "$spec" "$data" "$n" | grep model.onnx
done
python3 - "$out/default" <<'PY'
import gzip, json, sys
d = sys.argv[1]
net = json.load(open(f"{d}/manifest.json"))["training"]["network"]
raw = open(f"{d}/model.onnx", "rb").read()
print(f"the default bundle (early stopping): {net['trees']} trees, {net['leaves']} leaves: {len(raw)} B raw, {len(gzip.compress(raw, 9))} B gzip -9")
PY
