// Adapter plugging advisor's wasm module into the shared browser benchmark harness
// (../shared/bench/browser; see scripts/bench-browser.sh). The bare model: Model.fromOnnx.
// The module's relaxed-SIMD build where the browser has it, as the JS API picks it
// (advisor-core.js, copied beside the module by scripts/bench-browser.sh).
import init, { Model } from './advisor/advisor.js';
import { relaxedSimd } from './advisor/advisor-core.js';

// (null in the general build's copy of this adapter: it has one build.)
const RELAXED_WASM = './advisor/advisor_relaxed_bg.wasm';
let model, nIn;

export async function init_(modelBytes, opts) {
  const relaxed = RELAXED_WASM !== null && relaxedSimd();
  await init(relaxed ? { module_or_path: new URL(RELAXED_WASM, import.meta.url) } : undefined);
  nIn = opts.nFeatures;
  model = Model.fromOnnx(modelBytes, nIn);
  return { runtime: `advisor (${model.runtime}, ${relaxed ? 'relaxed SIMD' : 'SIMD'})`, version: '0.1.0', threads: 1 };
}
export { init_ as init };

export function score(rows, nRows) {
  return model.predict(rows.length === nRows * nIn ? rows : rows.subarray(0, nRows * nIn));
}
