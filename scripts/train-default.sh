#!/usr/bin/env bash
# Reproduces the shipped default bundle models/german_credit byte for byte.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
cargo build --release -p advisor-train
"$TRAIN_BIN" fit --spec specs/german_credit.toml --data "$SHARED/data/german_credit/german_credit.csv" \
  --out models/german_credit --seed 42 --quiet
