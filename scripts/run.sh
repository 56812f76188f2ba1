#!/usr/bin/env bash
# The main job: install, build the trainer, check the shipped default bundle, and serve the
# advisor page on http://127.0.0.1:${PORT:-8080}/ (Ctrl-C stops it).
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
cargo build --release -p advisor-train
"$TRAIN_BIN" evaluate --model models/german_credit --data "$SHARED/data/german_credit/german_credit.csv" \
  || echo "(could not evaluate the default bundle against $SHARED/data; serving anyway)" >&2
rm -rf web/models && mkdir -p web/models && cp -r models/german_credit web/models/
echo "serving $ROOT/web on http://127.0.0.1:${PORT:-8080}/"
exec python3 -m http.server "${PORT:-8080}" --bind 127.0.0.1 --directory web
