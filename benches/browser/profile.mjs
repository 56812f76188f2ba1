// Chromium's sampling profiler (CDP, 50 µs) over one API call in a loop; prints the calls' mean
// and each function's share of the samples (self time, or with its callees: --inclusive), wasm
// functions by name.
// Usage: node benches/browser/profile.mjs whatif|score|batch [--model /PATH/manifest.json] [--top 30] [--inclusive]
// (scripts/profile-page.sh builds web/pkg-prof/, serves the repo and runs this).
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(`--${k}`); return i >= 0 ? args[i + 1] : d; };
const call = args[0];
const base = opt('base', 'http://127.0.0.1:8099');
const model = opt('model', '/models/german_credit/manifest.json');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  const failed = new Promise((_, reject) => page.on('pageerror', reject));
  failed.catch(() => {}); // (raced below; an error after that is not this run's)
  const cdp = await page.context().newCDPSession(page);
  await page.goto(`${base}/benches/browser/profile.html?call=${call}&model=${encodeURIComponent(model)}`);
  await Promise.race([page.waitForFunction(() => window.__READY, null, { timeout: 120000 }), failed]);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  await page.evaluate(() => window.__GO());
  await page.waitForFunction(() => window.__DONE, null, { timeout: 60000 });
  const { profile } = await cdp.send('Profiler.stop');
  console.log(JSON.stringify(await page.evaluate(() => window.__DONE)));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id])));
  const nameOf = (id) => { const f = nodes.get(id).callFrame; return f.functionName || `(${f.url.split('/').pop()})`; };
  // Self time, or with `--inclusive` each function's samples with its callees (once per sample).
  const inclusive = args.includes('--inclusive');
  const share = new Map();
  for (const id of profile.samples) {
    const names = new Set([nameOf(id)]);
    for (let up = parent.get(id); inclusive && up !== undefined; up = parent.get(up)) names.add(nameOf(up));
    for (const name of names) share.set(name, (share.get(name) ?? 0) + 1);
  }
  const total = profile.samples.length;
  for (const [name, n] of [...share].sort((a, b) => b[1] - a[1]).slice(0, Number(opt('top', 30)))) {
    console.log(`${((100 * n) / total).toFixed(1).padStart(5)} %  ${name.slice(0, 150)}`);
  }
} finally {
  await browser.close();
}
