// Adapter plugging advisor's wasm module into the shared browser benchmark harness
// (../shared/bench/browser; see scripts/bench-browser.sh). The bare model: Model.fromOnnx.
import init, { Model } from './advisor/advisor.js';

let model, nIn;

export async function init_(modelBytes, opts) {
  await init();
  nIn = opts.nFeatures;
  model = Model.fromOnnx(modelBytes, nIn);
  return { runtime: `advisor (${model.runtime})`, version: '0.1.0', threads: 1 };
}
export { init_ as init };

export function score(rows, nRows) {
  return model.predict(rows.length === nRows * nIn ? rows : rows.subarray(0, nRows * nIn));
}
