#!/usr/bin/env bash
# Tree benchmark (issue 13): a 500-tree LightGBM model on give_me_some_credit
# (benches/reference/tree_bench_model.py; needs the reference venv, see its docstring) scored by
# the light runtime (web/pkg, Model.fromOnnx) beside onnxruntime-web in the same Chromium run of
# the shared harness, same model and rows. Extra arguments go to run.mjs (default: --reps 3).
#   REF_PYTHON=/tmp/refvenv/bin/python bash scripts/bench-trees.sh
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
BENCH_DIR="${BENCH_DIR:-${TMPDIR:-/tmp}/advisor-bench}"
python="${REF_PYTHON:-/tmp/refvenv/bin/python}"
[ -f web/pkg/advisor_bg.wasm ] || bash scripts/build-wasm.sh
if [ ! -d "$BENCH_DIR/node_modules" ]; then
  rm -rf "$BENCH_DIR" && cp -r "$SHARED/bench/browser" "$BENCH_DIR" && chmod -R u+w "$BENCH_DIR"
  (cd "$BENCH_DIR" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
fi
[ -f "$BENCH_DIR/models/lgbm500.onnx" ] || "$python" benches/reference/tree_bench_model.py "$SHARED/data" "$BENCH_DIR/models"
rm -rf "$BENCH_DIR/runtimes/advisor"
cp -r web/pkg "$BENCH_DIR/runtimes/advisor"
cp web/advisor-core.js "$BENCH_DIR/runtimes/advisor/"
cp benches/browser/advisor.mjs "$BENCH_DIR/runtimes/advisor.mjs"
node -e '
  const fs = require("fs"); const f = process.argv[1];
  const base = JSON.parse(fs.readFileSync(f)).filter((c) => !c.id.startsWith("advisor-"));
  base.push({ id: "advisor-light", label: "advisor wasm, light runtime (web/pkg)", adapter: "../runtimes/advisor.mjs", params: {} });
  fs.writeFileSync(f, JSON.stringify(base, null, 1));
' "$BENCH_DIR/configs.json"
cd "$BENCH_DIR"
node run.mjs --models lgbm500 --only "ort-wasm-1t,advisor-light" --no-results-md "${@:---reps 3}"
