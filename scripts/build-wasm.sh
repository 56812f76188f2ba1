#!/usr/bin/env bash
# Builds the browser module into web/pkg/ (light runtime: advisor graphs and dense MLPs) and
# copies the default bundle to web/models/, so web/ is ready to serve.
# `scripts/build-wasm.sh tract` builds the general build (tract: any ONNX graph) into
# web/pkg-tract/ instead. Both: wasm-pack --target web, profile `wasm` (size-tuned, simd128),
# then binaryen's wasm-opt -O3 (npm `binaryen`, never Debian's 108).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
variant="${1:-light}"
case "$variant" in
  light) out=web/pkg; features=() ;;
  tract) out=web/pkg-tract; features=(--features tract) ;;
  *) echo "usage: build-wasm.sh [light|tract]" >&2; exit 2 ;;
esac
wasm_opt="$ROOT/node_modules/.bin/wasm-opt"
[ -x "$wasm_opt" ] || { echo "wasm-opt missing: run scripts/setup.sh" >&2; exit 1; }
# One wasm-bindgen module into $1 as $2.js and $2_bg.wasm, built with cargo profile $3 (cargo
# options after them), optimised in place ($WASM_OPT_FEATURES: more features wasm-opt allows).
# -ocimfs=4000: a function with one caller is inlined only up to 4,000 bytes (binaryen's default
# has no limit, which made `fromBytes` one 38 KB function that V8 then spent 150 ms of a core
# optimising during the page's load, for a call made once; BENCHMARKS.md).
module() {
  local dir="$1" name="$2" profile="$3"; shift 3
  wasm-pack --quiet build wasm --target web --out-dir "../$dir" --out-name "$name" --profile "$profile" --no-pack "$@"
  "$wasm_opt" -O3 -ocimfs=4000 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue ${WASM_OPT_FEATURES:-} \
    "$dir/${name}_bg.wasm" -o "$dir/${name}_bg.wasm"
  rm -f "$dir/.gitignore"
}
module "$out" advisor wasm "${features[@]}"
# The full module again with relaxed SIMD as well (its own cargo profile, so its artifacts do
# not replace the others'): the kernel's multiply-adds fused where the engine fuses them. It
# goes beside the other as web/pkg/advisor_relaxed_bg.wasm, which advisor-core.js loads where
# the browser validates relaxed SIMD; the same glue serves both (checked here).
if [ "$variant" = light ]; then
  relaxed="$CARGO_TARGET_DIR/pkg-relaxed"
  rm -rf "$relaxed"
  RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" WASM_OPT_FEATURES=--enable-relaxed-simd \
    module "$(realpath --relative-to="$ROOT" "$relaxed")" advisor wasm-relaxed
  cmp -s "$relaxed/advisor.js" "$out/advisor.js" || { echo "the relaxed build's glue differs from $out/advisor.js" >&2; exit 1; }
  mv "$relaxed/advisor_bg.wasm" "$out/advisor_relaxed_bg.wasm"
  rm -rf "$relaxed"
fi
# The scorer: the same crate without its `full` feature (load, info, schema, validate, score,
# questionnaire, predictRaw), for `load(…, { progressive: true })` and the widget's form
# (web/advisor-core.js). Its own file names: a bundler that puts both modules' files in one
# folder (esbuild) must not mix them up.
[ "$variant" = light ] && module web/pkg-score advisor-score wasm-score --no-default-features
# The assistant: its own module (web/pkg-assist/assist.wasm), loaded when a customer first opens
# it. No wasm-bindgen glue (web/assistant.js talks to its exports), so plain cargo builds it.
if [ "$variant" = light ]; then
  cargo build --quiet -p advisor-assist-wasm --target wasm32-unknown-unknown --profile wasm-assist
  rm -rf web/pkg-assist && mkdir -p web/pkg-assist
  "$wasm_opt" -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-assist/advisor_assist_wasm.wasm" -o web/pkg-assist/assist.wasm
  ls -l web/pkg-assist/assist.wasm | awk '{print $5, $9}'
fi
# The page and the examples load the default bundle from web/models/ (and the tests an imported
# LightGBM model and a scikit-learn pipeline); the example catalog its
# term-deposit propensity model from beside it (catalog paths stay at or below the catalog).
rm -rf web/models web/catalogs/bank_deposit && mkdir -p web/models && cp -r models/german_credit models/german_credit_lightgbm models/german_credit_sklearn_pipeline web/models/
cp -r models/bank_deposit web/catalogs/
ls -l "$out"/advisor_bg.wasm $([ "$variant" = light ] && echo "$out"/advisor_relaxed_bg.wasm) "$out"/advisor.js $([ "$variant" = light ] && echo web/pkg-score/advisor-score_bg.wasm) | awk '{print $5, $9}'
# The widget and the page script, bundled (web/*.min.js).
bash "$ROOT/scripts/build-web.sh"
