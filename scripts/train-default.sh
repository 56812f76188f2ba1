#!/usr/bin/env bash
# Reproduces the shipped bundles byte for byte: models/german_credit (the default credit model),
# models/bank_deposit (the example catalog's term-deposit propensity model, trained on
# bank_marketing over `age`, the one field the German Credit form shares with it) and
# models/german_credit_lightgbm (a LightGBM model converted by onnxmltools, the fixture
# tests/fixtures/trees/lightgbm_german.onnx, imported: what a lender's own model becomes) and
# models/german_credit_sklearn_pipeline (skl2onnx's ColumnTransformer + LogisticRegression fitted
# on a DataFrame, the fixture tests/fixtures/trees/sklearn_ct_logreg_german.onnx: one input per
# column, bound to the spec by name).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
cargo build --release -p advisor-train
"$TRAIN_BIN" fit --spec specs/german_credit.toml --data "$SHARED/data/german_credit/german_credit.csv" \
  --out models/german_credit --seed 42 --quiet
"$TRAIN_BIN" fit --spec specs/bank_marketing.toml --data "$SHARED/data/bank_marketing/bank-full.csv" \
  --features age --out models/bank_deposit --seed 42 --quiet
"$TRAIN_BIN" import --onnx tests/fixtures/trees/lightgbm_german.onnx --spec specs/german_credit.toml \
  --data "$SHARED/data/german_credit/german_credit.csv" --out models/german_credit_lightgbm --seed 42 >/dev/null
"$TRAIN_BIN" import --onnx tests/fixtures/trees/sklearn_ct_logreg_german.onnx --spec specs/german_credit.toml \
  --data "$SHARED/data/german_credit/german_credit.csv" --out models/german_credit_sklearn_pipeline --seed 42 >/dev/null
