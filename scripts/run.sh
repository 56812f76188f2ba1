#!/usr/bin/env bash
# The main job: install, build the trainer and the browser module, check the shipped default
# bundle, and serve the advisor page on http://127.0.0.1:${PORT:-8080}/ (Ctrl-C stops it).
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
cargo build --release -p advisor-train
"$TRAIN_BIN" evaluate --model models/german_credit --data "$SHARED/data/german_credit/german_credit.csv" \
  || echo "(could not evaluate the default bundle against $SHARED/data; serving anyway)" >&2
bash scripts/build-wasm.sh
exec python3 scripts/serve.py web "${PORT:-8080}"
