#!/usr/bin/env bash
# Browser benchmark: plugs web/pkg (and web/pkg-tract when built) into the shared harness
# (../shared/bench/browser, copied to a scratch dir) and runs it beside onnxruntime-web and
# TF.js in the same Chromium run. Extra arguments go to the harness's run.mjs
# (default: --reps 3). Results: $BENCH_DIR/results/summary.md.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
BENCH_DIR="${BENCH_DIR:-${TMPDIR:-/tmp}/advisor-bench}"
[ -f web/pkg/advisor_bg.wasm ] || bash scripts/build-wasm.sh
if [ ! -d "$BENCH_DIR/node_modules" ]; then
  rm -rf "$BENCH_DIR" && cp -r "$SHARED/bench/browser" "$BENCH_DIR" && chmod -R u+w "$BENCH_DIR"
  (cd "$BENCH_DIR" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
fi
rm -rf "$BENCH_DIR/runtimes/advisor" "$BENCH_DIR/runtimes/advisor-tract"
cp -r web/pkg "$BENCH_DIR/runtimes/advisor"
cp web/advisor-core.js "$BENCH_DIR/runtimes/advisor/"
cp benches/browser/advisor.mjs "$BENCH_DIR/runtimes/advisor.mjs"
configs='[{"id": "advisor-light", "label": "advisor wasm, light runtime (web/pkg)", "adapter": "../runtimes/advisor.mjs", "params": {}}'
if [ -f web/pkg-tract/advisor_bg.wasm ]; then
  cp -r web/pkg-tract "$BENCH_DIR/runtimes/advisor-tract"
  sed -e 's#./advisor/advisor.js#./advisor-tract/advisor.js#' -e "s#^const RELAXED_WASM = .*#const RELAXED_WASM = null;#" \
    benches/browser/advisor.mjs > "$BENCH_DIR/runtimes/advisor-tract.mjs"
  configs+=', {"id": "advisor-tract", "label": "advisor wasm, general build (tract)", "adapter": "../runtimes/advisor-tract.mjs", "params": {}}'
fi
configs+=']'
node -e '
  const fs = require("fs"); const f = process.argv[1];
  const base = JSON.parse(fs.readFileSync(f)).filter((c) => !c.id.startsWith("advisor-"));
  fs.writeFileSync(f, JSON.stringify(base.concat(JSON.parse(process.argv[2])), null, 1));
' "$BENCH_DIR/configs.json" "$configs"
only="ort-wasm-1t,tfjs-core-wasm-1t,js-naive,advisor-light"
[ -f web/pkg-tract/advisor_bg.wasm ] && only+=",advisor-tract"
cd "$BENCH_DIR"
node run.mjs --only "$only" --no-results-md "${@:---reps 3}"
