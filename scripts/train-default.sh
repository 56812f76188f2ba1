#!/usr/bin/env bash
# Reproduces the shipped bundles byte for byte: models/german_credit (the default credit model)
# and models/bank_deposit (the example catalog's term-deposit propensity model, trained on
# bank_marketing over `age`, the one field the German Credit form shares with it).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
cargo build --release -p advisor-train
"$TRAIN_BIN" fit --spec specs/german_credit.toml --data "$SHARED/data/german_credit/german_credit.csv" \
  --out models/german_credit --seed 42 --quiet
"$TRAIN_BIN" fit --spec specs/bank_marketing.toml --data "$SHARED/data/bank_marketing/bank-full.csv" \
  --features age --out models/bank_deposit --seed 42 --quiet
