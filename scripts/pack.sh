#!/usr/bin/env bash
# The npm package product teams install: `npm pack` of web/ (its package.json lists the files:
# the widget, the JS API, the wasm modules, the types, the default bundle). Run after
# scripts/build-wasm.sh. Usage: scripts/pack.sh [OUT_DIR] (default: $CARGO_TARGET_DIR/pack);
# prints the tarball's path.
set -euo pipefail
source "$(dirname "$0")/env.sh"
out="${1:-$CARGO_TARGET_DIR/pack}"
mkdir -p "$out"
for f in web/pkg/advisor_bg.wasm web/pkg/advisor_relaxed_bg.wasm web/pkg-score/advisor-score_bg.wasm web/pkg-assist/assist.wasm web/credit-advisor.min.js web/models/german_credit/model.onnx; do
  [ -f "$ROOT/$f" ] || { echo "$f missing: run scripts/build-wasm.sh" >&2; exit 1; }
done
cd "$ROOT/web"
name=$(npm pack --silent --pack-destination "$out")
echo "$out/$name"
