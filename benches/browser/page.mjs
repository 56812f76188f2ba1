// In-page benchmark of the advisor's JS API on the shipped bundle (driven by bench-page.mjs).
// t = 0 is the navigation start. Applicants are synthetic (seeded), drawn from the schema.
const T_MODULE = performance.now();
const q = new URLSearchParams(location.search);
const ITERS = Number(q.get('iters') ?? 2000);
const pkg = q.get('pkg') ?? 'pkg';
// Another bundle (a path from the served root), e.g. an imported tree model; products are then
// not measured (the catalog is the German Credit form's).
const model = q.get('model') ?? '/models/german_credit/manifest.json';
const shipped = model === '/models/german_credit/manifest.json';

// `progressive=1`: the first score from the scorer module (pkg-score/), the rest after
// `advisor.complete` (load's `progressive` option).
const progressive = q.get('progressive') === '1';
// The applicants' generator is fetched beside the module, not on the first score's path.
const generator = import('./applicants.mjs');
const { load } = await import(`/web/advisor-core.js`);
// The full module as load picks it for the default build (relaxed SIMD where the browser has
// it); `?wasm=` names a file, e.g. `/web/pkg/advisor_bg.wasm` to measure the other build.
const wasm = q.get('wasm') ?? (pkg === 'pkg' ? undefined : `/web/${pkg}/advisor_bg.wasm`);
const advisor = await load(model, { wasm, progressive });
const T_READY = performance.now();
const schema = advisor.schema();
const applicant = (await generator).applicants(schema);
const first = applicant();
const t0 = performance.now();
const firstReport = advisor.score(first);
const T_FIRST = performance.now();
// What the page had downloaded for its first score.
const FIRST_FILES = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => !p.startsWith('/benches/'));
await advisor.complete;

const pool = Array.from({ length: 256 }, applicant);
const median = (a) => { const s = Float64Array.from(a).sort(); return s[Math.floor(s.length / 2)]; };
const pct = (a, p) => { const s = Float64Array.from(a).sort(); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; };
function timeCalls(fn, n) {
  for (let i = 0; i < 100; i++) fn(pool[i % pool.length]);
  const t = new Float64Array(n);
  const start = performance.now();
  for (let i = 0; i < n; i++) { const a = performance.now(); fn(pool[i % pool.length]); t[i] = performance.now() - a; }
  const wall = performance.now() - start;
  return { p50_us: median(t) * 1e3, p99_us: pct(t, 99) * 1e3, mean_us: (wall / n) * 1e3 };
}
if (shipped) advisor.setCatalog(new Uint8Array(await (await fetch('/web/catalogs/german_credit.json')).arrayBuffer()));
const answers = { objective: 2, horizon: 3, risk_tolerance: 2, capacity_for_loss: 2, knowledge: 1 };
const R = {
  crossOriginIsolated: self.crossOriginIsolated,
  info: advisor.info(),
  module_start_ms: T_MODULE,
  ready_ms: T_READY,
  first_score_ms: T_FIRST,
  first_score_call_ms: T_FIRST - t0,
  first_score_files: FIRST_FILES,
  first_report: { score: firstReport.score, band: firstReport.band.name, reasons: firstReport.reasons.length },
  score_with_reasons: timeCalls((a) => advisor.score(a), ITERS),
  what_if: timeCalls((a) => advisor.whatIf(a), Math.min(ITERS, 300)),
  recommend: shipped ? timeCalls((a) => advisor.recommend(a, answers), ITERS) : null,
};
// The same score calls again: in the first pass V8 still runs part of the module as baseline
// (Liftoff) code while it compiles the optimised code in the background, which is most of that
// pass's tail (without Liftoff, `--js-flags=--no-liftoff`, the tail is gone; BENCHMARKS.md).
R.score_with_reasons_again = timeCalls((a) => advisor.score(a), ITERS);
// Batch: applicants through scoreBatch (checks + model), raw rows through predictRaw (model with
// preprocessing).
const batch = Array.from({ length: 10000 }, (_, i) => pool[i % pool.length]);
advisor.scoreBatch(batch);
// Five calls after a warm one, as predictRaw below: the median, and the first (one call was
// the figure until 2026-12-04; a single 20 ms call moves with a collection of the last one's
// 10,000 result objects).
const batchTimes = [];
let t;
for (let i = 0; i < 5; i++) { t = performance.now(); advisor.scoreBatch(batch); batchTimes.push(performance.now() - t); }
R.score_batch_rows_per_s = 10000 / (median(batchTimes) / 1e3);
R.score_batch_first_call_rows_per_s = 10000 / (batchTimes[0] / 1e3);
const nIn = schema.fields.length;
const raw = new Float32Array(10000 * nIn);
batch.forEach((a, r) => schema.fields.forEach((f, j) => {
  raw[r * nIn + j] = f.categories.length ? f.categories.findIndex((c) => c.value === a[f.name]) : a[f.name];
}));
advisor.predictRaw(raw);
const rawTimes = [];
for (let i = 0; i < 5; i++) { t = performance.now(); advisor.predictRaw(raw); rawTimes.push(performance.now() - t); }
R.predict_raw_rows_per_s = 10000 / (median(rawTimes) / 1e3);
document.getElementById('out').textContent = JSON.stringify(R, null, 1);
window.__RESULT = R;
console.log('__BENCH_PAGE_DONE__'); // the driver's signal (bench-page.mjs)
