// One API call (`?call=whatif|score|batch`) on a bundle (`?model=`), warmed up, then looped for
// 3 s once the driver (profile.mjs) has started Chromium's sampling profiler.
const q = new URLSearchParams(location.search);
const { load } = await import('/web/advisor-core.js');
const advisor = await load(q.get('model') ?? '/models/german_credit/manifest.json', { wasm: '/web/pkg-prof/advisor_bg.wasm' });
await advisor.complete;
const schema = advisor.schema();
// The page benchmark's applicants (page.mjs: its pool of 256 after its first).
const applicant = (await import('./applicants.mjs')).applicants(schema);
applicant();
const pool = Array.from({ length: 256 }, applicant);
const batch = Array.from({ length: 10000 }, (_, i) => pool[i % pool.length]);
const calls = {
  whatif: (i) => advisor.whatIf(pool[i % pool.length]),
  score: (i) => advisor.score(pool[i % pool.length]),
  batch: () => advisor.scoreBatch(batch),
};
const call = calls[q.get('call')];
if (!call) throw new Error(`?call= one of ${Object.keys(calls)}`);
for (let i = 0; i < 300; i++) call(i);
window.__READY = true;
await new Promise((go) => { window.__GO = go; });
const t = performance.now();
let n = 0;
while (performance.now() - t < 3000) call(n++);
window.__DONE = { calls: n, us_per_call: ((performance.now() - t) * 1e3) / n };
