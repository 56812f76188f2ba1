// End-to-end tests of the advisor page and the embedding example in real headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core). Run by scripts/test.sh after
// scripts/build-wasm.sh; screenshots go to $ADVISOR_ARTIFACTS (default target dir).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { APPLICANT, button, fill } from './customer.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ART = process.env.ADVISOR_ARTIFACTS ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target'), 'browser-artifacts');
const PORT = Number(process.env.ADVISOR_TEST_PORT ?? 8731);
const BASE = `http://127.0.0.1:${PORT}`;
const AXE = readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; form-action 'none'";

let server, browser;

before(async () => {
  mkdirSync(ART, { recursive: true });
  server = spawn('python3', [path.join(ROOT, 'scripts/serve.py'), path.join(ROOT, 'web'), String(PORT), '-q'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${BASE}/index.html`)).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

/** A fresh page recording every request, CSP violation, page error and widget event.
 * `audit`: the page's CSP is bypassed so that axe-core (which injects styles) can run; CSP and
 * requests are checked in the non-audit runs of the same flows. `widget: false`: no wait for
 * the page's widget (a test that blocks its script). */
async function open(url, { audit = false, block, widget = true } = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, bypassCSP: audit });
  const page = await context.newPage();
  if (block) await page.route(block, (route) => route.fulfill({ status: 404, body: '' }));
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => {
    window.__csp = [];
    window.__events = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    // What the page had downloaded when the widget became ready (the first score's files).
    document.addEventListener('advisor-ready', () => {
      window.__beforeReady = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);
    }, { once: true });
    for (const type of ['advisor-score', 'advisor-error', 'advisor-ready']) {
      document.addEventListener(type, (e) => window.__events.push({ type, code: e.detail?.code, score: e.detail?.report?.score }));
    }
  });
  await page.goto(`${BASE}/${url}`);
  if (widget) {
    await page.waitForFunction(() => document.querySelector('credit-advisor')?.advisor, null, { timeout: 30000 });
    // The assistant loads in the background once the form is up; "after load" starts when it is in.
    await page.evaluate(() => document.querySelector('credit-advisor').assistantReady);
  }
  return { page, context, requests, errors };
}

// caret: 'initial' — the default injects a <style> to hide the caret, which the page's CSP (rightly) blocks.
const shot = (page, name) => page.screenshot({ path: path.join(ART, `${name}.png`), fullPage: true, caret: 'initial' });

/** axe-core over the document and the widget's shadow root: no serious or critical violations. */
async function axe(page, state) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(found, [], `axe in state "${state}"`);
}

const labels = (page) => page.locator('credit-advisor label').allInnerTexts();

/** The whole customer session; `check(state)` runs at each state (axe + screenshot in the audit run). */
async function session(page, check) {
  await check('1-form');

  await fill(page, APPLICANT);
  await button(page, 'Review my answers').click();
  const review = page.locator('credit-advisor [part="review"]');
  await review.waitFor();
  assert.match(await review.innerText(), /Loan duration\s+48 months/);
  await check('2-review');

  await button(page, 'Confirm and see my result').click();
  const result = page.locator('credit-advisor [part="result"]');
  await result.waitFor();
  const score1 = Number(await result.locator('.score').innerText());
  assert.ok(score1 >= 300 && score1 <= 850, `score ${score1}`);
  assert.match(await result.locator('.band').innerText(), /^[A-E] · /);
  assert.match(await result.locator('.probability').innerText(), /^\d+(\.\d)?%$/);
  const reasons = await result.locator('[part="reasons"] li').allInnerTexts();
  assert.ok(reasons.length >= 1 && reasons.length <= 4, `${reasons.length} reasons`);
  assert.ok(reasons.some((r) => /Loan duration|Checking account/.test(r)), reasons.join(' | '));
  const advice1 = await result.innerText();
  await check('3-result');

  // Edit a field: the result and the advice update live.
  await page.locator('credit-advisor [name="duration"]').fill('6');
  await page.waitForFunction((s) => Number(document.querySelector('credit-advisor').shadowRoot.querySelector('.score')?.textContent) !== s, score1);
  const score2 = Number(await result.locator('.score').innerText());
  assert.ok(score2 > score1, `a 6-month loan scores higher (${score2} vs ${score1})`);
  assert.notEqual(await result.innerText(), advice1);
  await check('4-edited');

  // Switch language: every label changes, and the result is in Chinese too.
  const en = await labels(page);
  await page.locator('credit-advisor').getByRole('button', { name: '中文' }).click();
  await page.locator('credit-advisor [part="result"] h3', { hasText: '您的结果' }).waitFor();
  const zh = await labels(page);
  assert.equal(zh.length, en.length);
  zh.forEach((l, i) => {
    assert.notEqual(l, en[i], `label ${i} did not change`);
    assert.match(l, /[\u4e00-\u9fff]/, `label ${i} "${l}" is not Chinese`);
  });
  assert.match(await result.innerText(), /降低您评分的因素/);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.match(await page.locator('#tagline').innerText(), /[\u4e00-\u9fff]/, 'the page itself follows the language');
  await check('5-result-zh');
}

test('a person fills the form, reviews, sees the result, edits live and switches language', async () => {
  const { page, context, requests, errors } = await open('index.html');
  const assetCount = requests.length;
  await session(page, async () => {});
  // Privacy: nothing was requested after the initial assets, during the whole session.
  assert.deepEqual(requests.slice(assetCount), [], 'requests after load');
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
  assert.deepEqual(errors, []);
  const events = await page.evaluate(() => window.__events.map((e) => e.type));
  assert.ok(events.filter((t) => t === 'advisor-score').length >= 2, events.join());
  // Properties reflect their attributes; a language code in any case is understood.
  const props = await page.evaluate(() => {
    const w = document.querySelector('credit-advisor');
    w.lang = 'EN';
    return { model: w.model, same: w.model === w.getAttribute('model'), catalog: w.catalog === w.getAttribute('catalog') };
  });
  assert.ok(props.model && props.same && props.catalog, JSON.stringify(props));
  await page.locator('credit-advisor [part="result"] h3', { hasText: 'Your result' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await context.close();
});

test('the form and a first result come from the scorer before the full module arrives; advice follows it', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(/\/pkg\/advisor(_relaxed)?_bg\.wasm$/, async (route) => { await held; await route.continue(); });
  // The catalog's propensity models download once the full module is in (on a slow network
  // the form and the first result get the bandwidth first).
  const propensity = [];
  page.on('request', (r) => { if (r.url().includes('/catalogs/bank_deposit/')) propensity.push(r.url()); });
  await page.addInitScript(() => {
    window.__ready = false;
    window.__scores = 0;
    document.addEventListener('advisor-ready', () => { window.__ready = true; }, { once: true });
    document.addEventListener('advisor-score', () => { window.__scores += 1; });
  });
  await page.goto(`${BASE}/index.html`);
  await page.locator('credit-advisor [part="form"] select').first().waitFor();
  const early = await page.evaluate(() => ({
    ready: window.__ready,
    advisor: document.querySelector('credit-advisor').advisor,
    questions: document.querySelector('credit-advisor').shadowRoot.querySelectorAll('fieldset.questionnaire select').length,
    full: performance.getEntriesByType('resource').some((e) => /^\/pkg\/advisor(_relaxed)?_bg\.wasm$/.test(new URL(e.name).pathname) && e.responseEnd > 0),
  }));
  assert.deepEqual({ ready: early.ready, advisor: early.advisor, full: early.full }, { ready: false, advisor: null, full: false });
  assert.ok(early.questions > 0, 'the questionnaire is in the form already');
  await fill(page, APPLICANT);
  await button(page, 'Review my answers').click();
  await button(page, 'Confirm and see my result').click();
  // The score, band and reasons from the scorer; what would improve it is pending, no products
  // yet, no `advisor-score` (its what-if is not there), and the full module not fetched.
  const result = page.locator('credit-advisor [part="result"]');
  await result.locator('.score').waitFor();
  const first = Number(await result.locator('.score').innerText());
  assert.ok(first >= 300 && first <= 850, `score ${first}`);
  assert.ok((await result.locator('[part="reasons"] li').count()) >= 1, 'reasons');
  assert.equal(await result.locator('.pending').innerText(), 'Working out what would improve it…');
  assert.equal(await result.locator('[part="advice"], [part="products"]').count(), 0);
  assert.deepEqual(await page.evaluate(() => ({ ready: window.__ready, scores: window.__scores, full: performance.getEntriesByType('resource').some((e) => /^\/pkg\/advisor(_relaxed)?_bg\.wasm$/.test(new URL(e.name).pathname) && e.responseEnd > 0) })),
    { ready: false, scores: 0, full: false });
  assert.deepEqual(propensity, [], 'no propensity model is fetched before the full module');
  release();
  await result.locator('[part="advice"] li').first().waitFor();
  await result.locator('[part="products"]').waitFor();
  await page.waitForLoadState('networkidle');
  assert.equal(propensity.length, 2, `the propensity model's manifest and graph: ${propensity}`);
  assert.equal(await result.locator('.pending').count(), 0);
  assert.equal(Number(await result.locator('.score').innerText()), first, 'the full module scores what the scorer did');
  // `advisor-score` once the full module is in (again when the catalog's propensity models
  // attach and rank the products anew).
  assert.deepEqual(await page.evaluate(() => ({ ready: window.__ready, scored: window.__scores >= 1, advisor: !!document.querySelector('credit-advisor').advisor })),
    { ready: true, scored: true, advisor: true });
  await context.close();
});

test('custom-elements.json describes the element as it is: attributes, properties, events, parts', async () => {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'web/custom-elements.json'), 'utf8'));
  const decl = manifest.modules[0].declarations[0];
  const names = (list) => list.map((x) => x.name).sort();
  const { page, context } = await open('index.html');
  // The parts shown at each step of a whole session (form, review, result, products, assistant).
  const parts = new Set();
  const collect = async () => {
    const shown = await page.evaluate(() => [...document.querySelector('credit-advisor').shadowRoot.querySelectorAll('[part]')]
      .flatMap((n) => n.getAttribute('part').split(/\s+/)));
    shown.forEach((p) => parts.add(p));
  };
  await session(page, collect);
  await collect();
  const seen = await page.evaluate(() => {
    const el = document.querySelector('credit-advisor');
    return { attributes: [...customElements.get('credit-advisor').observedAttributes].sort(),
      members: Object.fromEntries(['advisor', 'model', 'catalog', 'faq', 'integrity', 'assistantReady'].map((m) => [m, m in el])) };
  });
  await context.close();
  assert.deepEqual(names(decl.attributes), seen.attributes, 'attributes');
  for (const m of decl.members) assert.ok(seen.members[m.name] ?? false, `member ${m.name} is not on the element`);
  assert.deepEqual(names(decl.cssParts), [...parts].sort(), 'parts');
  const source = ['web/credit-advisor.js', ...['form', 'result', 'sources'].map((f) => `web/widget/${f}.js`)].map((f) => readFileSync(path.join(ROOT, f), 'utf8')).join('\n');
  const emitted = [...new Set([...source.matchAll(/emit\(this, '([a-z-]+)'/g)].map((m) => m[1]))].sort();
  assert.deepEqual(names(decl.events), emitted, 'events');
});

test('every state of the session passes axe-core (no serious or critical violations)', async () => {
  const { page, context } = await open('index.html', { audit: true });
  await session(page, async (state) => {
    await axe(page, state);
    await shot(page, state);
  });
  await context.close();
});


for (const audit of [false, true]) test(`bad input shows the message next to the field and scores nothing${audit ? ' (axe)' : ''}`, async () => {
  const { page, context } = await open('index.html', { audit });
  const bad = { ...APPLICANT, age: '', duration: 'abc', credit_amount: '99999999' };
  await fill(page, bad);
  await button(page, 'Review my answers').click();
  const err = (name) => page.locator(`credit-advisor [name="${name}"] ~ .error`);
  await err('age').waitFor();
  assert.equal(await err('age').innerText(), 'Please fill in this field.');
  assert.equal(await err('duration').innerText(), 'Please enter a whole number, using digits only.');
  assert.match(await err('credit_amount').innerText(), /^Please enter a number from \d+ to \d+\.$/);
  for (const name of ['age', 'duration', 'credit_amount']) {
    const input = page.locator(`credit-advisor [name="${name}"]`);
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    const described = await input.getAttribute('aria-describedby');
    assert.ok(described.includes(await err(name).getAttribute('id')), `${name} is described by its message`);
  }
  assert.equal(await page.locator('credit-advisor [name="purpose"]').getAttribute('aria-invalid'), 'false');
  assert.match(await page.locator('credit-advisor .summary').innerText(), /3 problems/);
  // Focus moved to the first bad field.
  assert.equal(await page.evaluate(() => document.querySelector('credit-advisor').shadowRoot.activeElement?.name), 'duration');
  assert.equal(await page.locator('credit-advisor [part="review"], credit-advisor [part="result"]').count(), 0);
  assert.equal(await page.evaluate(() => window.__events.filter((e) => e.type === 'advisor-score').length), 0);
  if (audit) {
    await axe(page, 'errors');
    await shot(page, '6-errors');
  } else {
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
  }

  // Fixing a field clears its message as the person types.
  await page.locator('credit-advisor [name="duration"]').fill('12');
  await page.waitForFunction(() => !document.querySelector('credit-advisor').shadowRoot.querySelector('[name="duration"] ~ .error')?.textContent);
  assert.equal(await page.locator('credit-advisor [name="duration"]').getAttribute('aria-invalid'), 'false');
  await context.close();
});

test('the embedding example works under the strict CSP with SRI and host theming', async () => {
  // The SRI and manifest pins in the example are the real files' (scripts/sri.sh --write).
  const html = readFileSync(path.join(ROOT, 'web/examples/embed.html'), 'utf8');
  const sri = `sha384-${createHash('sha384').update(readFileSync(path.join(ROOT, 'web/credit-advisor.min.js'))).digest('base64')}`;
  assert.ok(html.includes(`integrity="${sri}"`), 'embed.html pins an old credit-advisor.min.js: run scripts/build-web.sh, then scripts/sri.sh --write');
  const { page, context, requests, errors } = await open('examples/embed.html');
  const assets = requests.length;
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.equal(csp, CSP);
  const accent = await page.locator('credit-advisor').evaluate((el) => getComputedStyle(el.shadowRoot.querySelector('button[part~="primary"]')).backgroundColor);
  assert.equal(accent, 'rgb(138, 59, 18)', 'host theme reaches the widget');
  await fill(page, { ...APPLICANT, checking_status: 'A14', duration: '12', credit_amount: '1500', age: '45' });
  await button(page, 'Review my answers').click();
  await button(page, 'Confirm and see my result').click();
  await page.locator('#next-step:not([hidden])').waitFor();
  assert.match(await page.locator('#next-step-text').innerText(), /^Band [A-E]:/);
  assert.deepEqual(requests.slice(assets), []);
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
  assert.deepEqual(errors, []);
  await shot(page, '7-example');
  await context.close();

  const audit = await open('examples/embed.html', { audit: true });
  await axe(audit.page, 'example');
  await audit.context.close();
});

test('a bundle that fails its integrity check is refused with advisor-error', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE}/index.html`);
  await page.waitForFunction(() => document.querySelector('credit-advisor')?.advisor);
  const detail = await page.evaluate(() => new Promise((resolve) => {
    const w = document.createElement('credit-advisor');
    w.addEventListener('advisor-error', (e) => resolve(e.detail));
    w.setAttribute('integrity', '0'.repeat(64));
    w.setAttribute('model', 'models/german_credit/manifest.json');
    document.body.append(w);
  }));
  assert.equal(detail.code, 'BAD_BUNDLE');
  assert.match(detail.message, /sha256/);
  await context.close();
});

// A lender's own models, imported (`scripts/train-default.sh`): the onnxmltools LightGBM fixture,
// and skl2onnx's ColumnTransformer + LogisticRegression fitted on a DataFrame (one input per
// column, categories as strings, bound to the spec by name).
for (const [what, bundle] of [
  ['LightGBM model', 'german_credit_lightgbm'],
  ['scikit-learn pipeline (ColumnTransformer, one input per column)', 'german_credit_sklearn_pipeline'],
]) test(`a lender's own ${what}, imported, drives the widget: score, reasons, advice`, async () => {
  const { page, context, errors } = await open('index.html');
  // The page's widget, pointed at the imported bundle.
  await page.evaluate((b) => new Promise((resolve) => {
    const w = document.querySelector('credit-advisor');
    w.addEventListener('advisor-ready', resolve, { once: true });
    w.setAttribute('model', `models/${b}/manifest.json`);
  }), bundle);
  const info = await page.evaluate(() => document.querySelector('credit-advisor').advisor.info());
  assert.equal(info.runtime, 'light');
  await fill(page, APPLICANT);
  await button(page, 'Review my answers').click();
  await button(page, 'Confirm and see my result').click();
  const result = page.locator('credit-advisor [part="result"]');
  await result.waitFor();
  const score1 = Number(await result.locator('.score').innerText());
  assert.ok(score1 >= 300 && score1 <= 850, `score ${score1}`);
  const reasons = await result.locator('[part="reasons"] li').allInnerTexts();
  assert.ok(reasons.length >= 1 && reasons.length <= 4, `${reasons.length} reasons`);
  assert.ok((await result.locator('[part="advice"] li').count()) >= 1, 'what-if advice');
  // The same applicant through the API: the widget shows the imported model's own score.
  const api = await page.evaluate((a) => document.querySelector('credit-advisor').advisor.score(a).score, APPLICANT);
  assert.equal(Math.round(api), Math.round(score1));
  await page.locator('credit-advisor [name="duration"]').fill('6');
  await page.waitForFunction((s) => Number(document.querySelector('credit-advisor').shadowRoot.querySelector('.score')?.textContent) !== s, score1);
  assert.ok(Number(await result.locator('.score').innerText()) > score1, 'a 6-month loan scores higher');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the widget survives a burst of 10,000 random inputs (no uncaught error, memory stable)', async () => {
  const { page, context, errors } = await open('index.html');
  const cdp = await context.newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  // Get to the live-result stage first, so every edit re-validates and re-scores.
  await fill(page, APPLICANT);
  await button(page, 'Review my answers').click();
  await button(page, 'Confirm and see my result').click();
  await page.locator('credit-advisor [part="result"]').waitFor();
  const burst = (n, seed) => page.evaluate(([n, seed]) => {
    let s = seed;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const pick = (a) => a[Math.floor(rnd() * a.length)];
    const values = () => pick([
      '', ' ', '0', '-1', '1e308', '-1e308', 'NaN', 'Infinity', '-Infinity', '12.5', '999999999999', 'abc', '٣', '１２',
      '\u0000', '<script>', 'A11', 'A14', 'A43', '"quoted"', '1,5', '0x10', String(Math.floor(rnd() * 200)),
      'x'.repeat(Math.floor(rnd() * 5000)), '🙂', String(rnd() * 1e6),
    ]);
    const root = document.querySelector('credit-advisor').shadowRoot;
    const widget = document.querySelector('credit-advisor');
    for (let i = 0; i < n; i++) {
      const r = rnd();
      if (r < 0.01) { widget.setAttribute('lang', pick(['en', 'zh-CN', 'fr', ''])); continue; }
      if (r < 0.02) { root.querySelector('button[type="submit"], button[part~="primary"]')?.click(); continue; }
      const fields = root.querySelectorAll('input, select');
      const el = fields[Math.floor(rnd() * fields.length)];
      if (el.tagName === 'SELECT') {
        const opts = [...el.options].map((o) => o.value).concat(['bogus']);
        el.value = pick(opts);
        el.dispatchEvent(new Event('change', { bubbles: true }));
      } else {
        el.value = values();
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }
    }
    // The API directly, with arbitrary objects.
    const adv = widget.advisor;
    let errorsThrown = 0;
    for (let i = 0; i < n; i++) {
      const a = {};
      for (const f of adv.schema().fields) if (rnd() < 0.9) a[f.name] = pick([values(), rnd() * 1e4, null, undefined, NaN, [], {}, true]);
      try { adv.score(a); } catch (e) { if (!e.code || e.code === 'INTERNAL') throw e; errorsThrown++; }
    }
    return errorsThrown;
  }, [n, seed]);
  await burst(500, 7); // warm-up: caches, JIT, wasm memory reach their working size
  const before = await heap();
  const thrown = await burst(10000, 42);
  const after = await heap();
  assert.ok(thrown > 1000, `only ${thrown} rejected applicants`);
  assert.deepEqual(errors, [], 'uncaught errors');
  assert.ok(after < before * 1.5 + 2e6, `JS heap grew from ${before} to ${after} bytes`);
  // Still fully working.
  await page.evaluate(() => document.querySelector('credit-advisor').setAttribute('lang', 'en'));
  const ok = await page.evaluate((a) => document.querySelector('credit-advisor').advisor.score(a).score, APPLICANT);
  assert.ok(ok >= 300 && ok <= 850);
  await context.close();
});

test('products: eligible cards with reasons, exclusions with their rule, the suitability gate', async () => {
  const { page, context, requests, errors } = await open('index.html');
  const assets = requests.length;
  await fill(page, { ...APPLICANT, checking_status: 'A14', duration: '12', credit_amount: '1500', age: '45', installment_commitment: '2' });
  await button(page, 'Review my answers').click();
  await button(page, 'Confirm and see my result').click();
  const products = page.locator('credit-advisor [part="products"]');
  // The propensity model attaches in the background; the card shows its estimate once it is in.
  await products.locator('li.product[data-product="term-deposit"]', { hasText: 'estimated interest' }).waitFor();
  const cards = await products.locator('li.product').evaluateAll((els) => els.map((e) => e.dataset.product));
  assert.ok(cards.includes('savings-account') && cards.includes('everyday-card'), cards.join());
  assert.ok(!cards.some((c) => c.endsWith('-fund')), 'no fund without the questionnaire');
  // The term deposit has a propensity model (bank_marketing, over age): it ranks first, with
  // the model's estimate on its card, and the estimate follows the age given.
  assert.equal(cards[0], 'term-deposit', cards.join());
  const interest = async () => {
    const text = await products.locator('li.product[data-product="term-deposit"]').textContent();
    return Number(/estimated interest: (\d+)%/.exec(text)?.[1]);
  };
  const at45 = await interest();
  assert.ok(at45 > 0 && at45 < 100, `estimated interest ${at45}`);
  const age = page.locator('credit-advisor [name="age"]');
  await age.fill('75');
  await age.dispatchEvent('change');
  await page.waitForFunction((v) => {
    const li = document.querySelector('credit-advisor').shadowRoot.querySelector('li.product[data-product="term-deposit"]');
    const m = /estimated interest: (\d+)%/.exec(li?.textContent ?? '');
    return m && Number(m[1]) !== v;
  }, at45);
  assert.ok((await interest()) > at45, 'older customers subscribe more often in bank_marketing');
  const texts = (loc) => loc.evaluateAll((els) => els.map((e) => e.textContent)); // inside a closed <details>
  const excluded = await texts(products.locator('details li'));
  assert.ok(excluded.some((x) => /Global equity fund — needs the suitability questionnaire first/.test(x)), excluded.join(' | '));
  // A cautious investor: capacity for loss "up to 10 %" caps the class at 3.
  for (const [key, value] of [['objective', '3'], ['horizon', '4'], ['risk_tolerance', '3'], ['capacity_for_loss', '1'], ['knowledge', '2']]) {
    await page.locator(`credit-advisor [name="q-${key}"]`).selectOption(value);
  }
  await page.locator('credit-advisor [part="products"]', { hasText: 'risk class: 3 of 7' }).waitFor();
  const after = await page.locator('credit-advisor [part="products"] li.product').evaluateAll((els) => els.map((e) => e.dataset.product));
  assert.ok(after.includes('money-market-fund'), after.join());
  assert.ok(!after.includes('balanced-fund') && !after.includes('equity-fund'), after.join());
  const why = await texts(page.locator('credit-advisor [part="products"] details li'));
  assert.ok(why.some((x) => /Balanced fund — its risk class 4 is above your risk class 3/.test(x)), why.join(' | '));
  assert.deepEqual(requests.slice(assets), [], 'requests after load');
  assert.deepEqual(errors, []);
  await shot(page, '8-products');
  await context.close();
});

test('a propensity model that fails to download is reported and its product falls back', async () => {
  const { page, context, errors } = await open('index.html', { block: '**/bank_deposit/**' });
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'advisor-error'));
  const events = await page.evaluate(() => window.__events);
  assert.deepEqual(events.filter((e) => e.type === 'advisor-error').map((e) => e.code), ['FETCH_FAILED']);
  // The credit check still works, and the term deposit is ranked by the catalog's fallback.
  await fill(page, { ...APPLICANT, checking_status: 'A14', duration: '12', credit_amount: '1500', age: '45', installment_commitment: '2' });
  await button(page, 'Review my answers').click();
  await button(page, 'Confirm and see my result').click();
  const deposit = page.locator('credit-advisor [part="products"] li.product[data-product="term-deposit"]');
  await deposit.waitFor();
  assert.ok(!/estimated interest/.test(await deposit.textContent()));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the page requests each file once and logs no console error', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const requests = [];
  const consoleErrors = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('requestfailed', (r) => consoleErrors.push(`failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) consoleErrors.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.goto(`${BASE}/index.html`, { waitUntil: 'networkidle' });
  await page.waitForFunction(() => document.querySelector('credit-advisor')?.advisor);
  // The propensity model attaches in the background: wait until the network is quiet again.
  await page.waitForLoadState('networkidle');
  const counts = {};
  for (const p of requests) counts[p] = (counts[p] ?? 0) + 1;
  const repeated = Object.entries(counts).filter(([, n]) => n > 1);
  assert.deepEqual(repeated, [], `requested more than once: ${JSON.stringify(counts)}`);
  for (const f of ['/catalogs/bank_deposit/manifest.json', '/catalogs/bank_deposit/model.onnx', '/favicon.svg']) {
    assert.equal(counts[f], 1, `${f}: ${JSON.stringify(counts)}`);
  }
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('the first score downloads no assistant code: the widget is ready before any of it is fetched', async () => {
  const { page, context } = await open('index.html');
  const before = await page.evaluate(() => window.__beforeReady);
  assert.ok(before.includes('/advisor-core.js') && before.some((p) => /^\/pkg\/advisor(_relaxed)?_bg\.wasm$/.test(p)), JSON.stringify(before));
  const assistant = before.filter((p) => /^\/(advisor|assistant|assistant-panel)\.js$|^\/pkg-assist\//.test(p));
  assert.deepEqual(assistant, [], 'assistant files before the widget was ready');
  await context.close();
});

/** Asks the widget's assistant a question (typed, then Enter) and returns the last answer's text. */
async function askWidget(page, question) {
  const answers = page.locator('credit-advisor [part="chat"] li.a');
  const before = await answers.count();
  await page.locator('credit-advisor [name="question"]').fill(question);
  await page.locator('credit-advisor [name="question"]').press('Enter');
  await page.waitForFunction((n) => document.querySelector('credit-advisor').shadowRoot.querySelectorAll('[part="chat"] li.a').length > n, before);
  return answers.nth(before);
}

for (const audit of [false, true]) test(`the assistant answers from the applicant's own result, in English and Chinese${audit ? ' (axe)' : ''}`, async () => {
  const { page, context, requests, errors } = await open('index.html', { audit });
  const assets = requests.length;
  await fill(page, APPLICANT);
  await button(page, 'Review my answers').click();
  await button(page, 'Confirm and see my result').click();
  const result = page.locator('credit-advisor [part="result"]');
  await result.waitFor();
  const score = await result.locator('.score').innerText();
  const panel = page.locator('credit-advisor [part="assistant"]');
  await panel.waitFor();
  // Why: the applicant's own score and first reason.
  const firstReason = (await result.locator('[part="reasons"] li').first().innerText()).replace(/\s*\(.*\)$/, '');
  let answer = await askWidget(page, 'why was I turned down?');
  assert.equal(await answer.getAttribute('data-intent'), 'reasons');
  assert.match(await answer.innerText(), new RegExp(`Your score is ${score}`));
  assert.ok((await answer.innerText()).includes(firstReason), `${await answer.innerText()} lacks ${firstReason}`);
  // Follow a suggestion (a button), then an FAQ entry and a product that is not offered.
  await panel.getByRole('button', { name: 'How can I improve my score?' }).click();
  await page.waitForFunction(() => document.querySelector('credit-advisor').shadowRoot.querySelectorAll('[part="chat"] li.a[data-intent="improve"]').length === 1);
  answer = await askWidget(page, 'can I pay my loan off early?');
  assert.match(await answer.innerText(), /early repayment is free of charge/);
  answer = await askWidget(page, "why can't I get the premium card?");
  assert.equal(await answer.getAttribute('data-intent'), 'not_eligible');
  const rule = await page.locator('credit-advisor [part="products"] details li[data-product="premium-card"]').evaluate((e) => e.textContent.split(' — ')[1]);
  assert.ok((await answer.innerText()).includes(rule), `${await answer.innerText()} lacks the rule "${rule}"`);
  // Markup in a question is shown as text.
  answer = await askWidget(page, '<img src=x onerror=alert(1)>hello');
  assert.equal(await page.locator('credit-advisor [part="chat"] img').count(), 0);
  if (audit) await axe(page, 'assistant-en');
  await shot(page, `9-assistant-en${audit ? '-axe' : ''}`);
  // In Chinese: the conversation stays, new answers are Chinese.
  await page.locator('credit-advisor').getByRole('button', { name: '中文' }).click();
  await page.locator('credit-advisor [part="assistant"] h4', { hasText: '对结果有疑问' }).waitFor();
  answer = await askWidget(page, '为什么我的分数这么低');
  assert.equal(await answer.getAttribute('data-intent'), 'reasons');
  assert.match(await answer.innerText(), new RegExp(`您的分数是 ${score}`));
  answer = await askWidget(page, '为什么我不能办白金卡');
  assert.equal(await answer.getAttribute('data-intent'), 'not_eligible');
  if (audit) await axe(page, 'assistant-zh');
  await shot(page, `9-assistant-zh${audit ? '-axe' : ''}`);
  if (!audit) {
    assert.deepEqual(requests.slice(assets), [], 'requests after load');
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('ask() timing in Chromium: the example catalog and a 50-entry FAQ', async () => {
  const { page, context } = await open('index.html');
  const timing = await page.evaluate(async (applicant) => {
    // The JS API with the assistant (advisor.js), on the page's model and catalog.
    const el = document.querySelector('credit-advisor');
    const advisor = await (await import(new URL('advisor.js', document.baseURI))).load(el.model);
    advisor.setCatalog(new Uint8Array(await (await fetch(el.catalog)).arrayBuffer()));
    const faq = { entries: Array.from({ length: 50 }, (_, i) => ({
      id: `entry-${i}`,
      questions: { en: [`How does service number ${i} work for customers?`, `Question ${i} about fees and terms`], 'zh-CN': [`第 ${i} 项服务怎么用？`] },
      answer: { en: `Answer ${i}.`, 'zh-CN': `回答 ${i}。` },
    })) };
    await advisor.setFaq(JSON.stringify(faq));
    const questions = ['why was I declined?', 'how can I improve my score?', 'can I repay early?', 'why can\'t I get the premium card?', '为什么我的分数低', '我可以申请哪些产品'];
    const times = [];
    for (let i = 0; i < 120; i++) {
      const t0 = performance.now();
      await advisor.ask(questions[i % questions.length], { lang: i % 2 ? 'zh-CN' : 'en', applicant });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { p50: times[60], p90: times[108] };
  }, Object.fromEntries(Object.entries(APPLICANT)));
  console.log(`# ask() in Chromium: p50 ${timing.p50.toFixed(3)} ms, p90 ${timing.p90.toFixed(3)} ms`);
  assert.ok(timing.p50 > 0);
  await context.close();
});

/** Horizontal overflow: the page wider than the viewport, or an element of the widget reaching
 * past the widget's own box. */
async function overflow(page) {
  return page.evaluate(() => {
    const host = document.querySelector('credit-advisor');
    const box = host.getBoundingClientRect();
    const past = [...host.shadowRoot.querySelectorAll('*')]
      .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > box.right + 1)
      .map((e) => `${e.tagName.toLowerCase()}.${e.getAttribute('class') ?? ''}`);
    return { page: document.documentElement.scrollWidth - window.innerWidth, past: past.slice(0, 5) };
  });
}

/** Form, review, result with products and an assistant answer, then the result in Chinese with
 * another answer: `check(state)` at each. */
async function everyState(page, check) {
  await check('form');
  await fill(page, APPLICANT);
  await button(page, 'Review my answers').click();
  await check('review');
  await button(page, 'Confirm and see my result').click();
  await page.locator('credit-advisor [part="assistant"]').waitFor();
  await askWidget(page, 'why was I declined?');
  await check('result, products, assistant');
  await page.locator('credit-advisor').getByRole('button', { name: '中文' }).click();
  await page.locator('credit-advisor [part="result"] h3', { hasText: '您的结果' }).waitFor();
  await askWidget(page, '我怎样才能提高分数？');
  await check('zh-CN result');
}

for (const width of [320, 375, 768]) test(`no horizontal overflow at ${width} px in any state, en and zh-CN`, async () => {
  const context = await browser.newContext({ viewport: { width, height: 740 } });
  const page = await context.newPage();
  await page.goto(`${BASE}/index.html`);
  await page.waitForFunction(() => document.querySelector('credit-advisor')?.advisor);
  await page.evaluate(() => document.querySelector('credit-advisor').assistantReady);
  await everyState(page, async (state) => assert.deepEqual(await overflow(page), { page: 0, past: [] }, `${width} px, ${state}`));
  await shot(page, `10-phone-${width}`);
  await context.close();
});

/** axe with WCAG 2.2's target-size rule on (24 × 24 px at least; ours are 44). */
async function axeTargets(page, state) {
  // Our own bar is 44 × 44 px for every control (WCAG 2.5.5, AAA).
  const small = await page.evaluate(() => [...document.querySelector('credit-advisor').shadowRoot.querySelectorAll('button, input, select, summary')]
    .filter((e) => e.getClientRects().length)
    .map((e) => [e, e.getBoundingClientRect()])
    .filter(([, r]) => r.height < 43.5 || r.width < 43.5)
    .map(([e, r]) => `${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`));
  assert.deepEqual(small, [], `controls under 44 px in state "${state}"`);
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'], rules: { 'target-size': { enabled: true } } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'target-size')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(', ')}`);
  });
  assert.deepEqual(found, [], `axe in state "${state}"`);
}

for (const [width, scheme, textZoom] of [[320, 'light', 1], [375, 'dark', 1], [768, 'dark', 1], [375, 'light', 2]]) {
  test(`axe at ${width} px, ${scheme}${textZoom > 1 ? ', text at 200 %' : ''}: every state, target sizes, no overflow`, async () => {
    const context = await browser.newContext({ viewport: { width, height: 740 }, bypassCSP: true, colorScheme: scheme, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(`${BASE}/index.html`);
    if (textZoom > 1) await page.addStyleTag({ content: `html { font-size: ${textZoom * 100}%; }` });
    await page.waitForFunction(() => document.querySelector('credit-advisor')?.advisor);
    await page.evaluate(() => document.querySelector('credit-advisor').assistantReady);
    const state = async (name) => {
      assert.deepEqual(await overflow(page), { page: 0, past: [] }, `${width} px ${scheme} ×${textZoom}, ${name}`);
      await axeTargets(page, `${width} px ${scheme} ×${textZoom}, ${name}`);
    };
    if (scheme === 'dark') {
      const bg = await page.locator('credit-advisor [part="container"]').evaluate((e) => getComputedStyle(e).backgroundColor);
      assert.equal(bg, 'rgb(23, 25, 28)', 'the dark theme applies');
    }
    await everyState(page, state);
    await shot(page, `11-${width}-${scheme}-x${textZoom}`);
    await context.close();
  });
}

test('the assistant module: errors carry their code and name the entry; hostile questions get answers', async () => {
  const { page, context } = await open('index.html');
  const out = await page.evaluate(async (applicant) => {
    const el = document.querySelector('credit-advisor');
    const advisor = await (await import(new URL('advisor.js', document.baseURI))).load(el.model);
    advisor.setCatalog(new Uint8Array(await (await fetch(el.catalog)).arrayBuffer()));
    const errors = [];
    for (const bad of ['{"entries": [{"id": "a b", "questions": {"en": ["q"]}, "answer": {"en": "a", "zh-CN": "a"}}]}', '{"entries": [', '\u00ff']) {
      try {
        await advisor.setFaq(bad);
        errors.push(null);
      } catch (e) {
        errors.push({ code: e.code, message: e.message });
      }
    }
    const hostile = ['', '\u0000\u001b[31m', 'why '.repeat(25000), '<img src=x onerror=alert(1)>', '😀 مرحبا 你好', '\ud800'];
    const answers = [];
    for (const q of hostile) {
      const a = await advisor.ask(q, { lang: 'en', applicant });
      answers.push({ intent: a.intent, ok: typeof a.answer === 'string' && a.answer.length > 0, suggestions: a.suggestions.length });
    }
    const after = await advisor.ask('why was I declined?', { lang: 'en', applicant });
    const product = await advisor.ask("why can't I get the premium card?", { lang: 'en', applicant });
    return { errors, answers, after: after.intent, product: [product.intent, product.product] };
  }, Object.fromEntries(Object.entries(APPLICANT)));
  assert.equal(out.errors[0].code, 'SPEC');
  assert.match(out.errors[0].message, /entry 1 \(`a b`\): the id must be/);
  assert.match(out.errors[1].message, /^faq: line 1 column/);
  assert.equal(out.errors[2].code, 'SPEC');
  for (const a of out.answers) assert.ok(a.ok && a.suggestions >= 2 && a.suggestions <= 4, JSON.stringify(a));
  assert.equal(out.after, 'reasons', 'the module still answers after bad input');
  assert.deepEqual(out.product, ['not_eligible', 'premium-card'], 'advisor.js passes the catalog it was given');
  await context.close();
});

test('progressive load: the scorer gives the first score before the full module is fetched; the full one takes over', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // The full module's wasm is held back until the test releases it: NOT_READY is deterministic.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(/\/pkg\/advisor(_relaxed)?_bg\.wasm$/, async (route) => { await held; await route.continue(); });
  await page.goto(`${BASE}/favicon.svg`); // a document of the site with no widget on it
  await page.evaluate(async (applicant) => {
    const core = await import(new URL('/advisor-core.js', location.href));
    const advisor = await core.load('/models/german_credit/manifest.json', { progressive: true });
    const errorOf = (f) => { try { f(); return null; } catch (e) { return e.code; } };
    window.__progressive = {
      core, advisor, applicant,
      first: advisor.score(applicant),
      fetched: performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname),
      early: ['whatIf', 'scoreBatch', 'recommend', 'setCatalog'].map((m) => errorOf(() => advisor[m](m === 'scoreBatch' ? [applicant] : applicant))),
      questions: advisor.questionnaire('zh-CN').length,
      validated: advisor.validate(applicant).length,
    };
  }, APPLICANT);
  const early = await page.evaluate(() => ({ fetched: window.__progressive.fetched, early: window.__progressive.early, validated: window.__progressive.validated, questions: window.__progressive.questions }));
  assert.ok(early.fetched.includes('/pkg-score/advisor-score_bg.wasm'), JSON.stringify(early.fetched));
  assert.ok(!early.fetched.some((p) => p.startsWith('/pkg/')), `the full module before the first score: ${early.fetched}`);
  assert.deepEqual(early.early, ['NOT_READY', 'NOT_READY', 'NOT_READY', 'NOT_READY']);
  assert.equal(early.validated, 0);
  assert.equal(early.questions, 5, 'the questionnaire is in the scorer (the widget\'s form asks it)');
  release();
  const out = await page.evaluate(async () => {
    const { core, advisor, applicant, first } = window.__progressive;
    await advisor.complete;
    const full = await core.load('/models/german_credit/manifest.json');
    const lgbm = await core.load('/models/german_credit_lightgbm/manifest.json', { progressive: true });
    const lgbmRow = Object.fromEntries(lgbm.schema().fields.map((f) => [f.name, applicant[f.name] ?? null]));
    return {
      sameFirst: JSON.stringify(first) === JSON.stringify(full.score(applicant)),
      sameAfter: JSON.stringify(advisor.score(applicant)) === JSON.stringify(full.score(applicant)),
      sameWhatIf: JSON.stringify(advisor.whatIf(applicant)) === JSON.stringify(full.whatIf(applicant)),
      batch: advisor.scoreBatch([applicant])[0].score === first.score,
      // A bundle the scorer does not run (imported trees) loads in full: everything at once.
      lgbmWhatIf: Array.isArray(lgbm.whatIf(lgbmRow).changes),
      badIntegrity: await core.load('/models/german_credit/manifest.json', { progressive: true, integrity: '00'.repeat(32) }).then(() => null, (e) => e.code),
    };
  });
  assert.deepEqual(out, { sameFirst: true, sameAfter: true, sameWhatIf: true, batch: true, lgbmWhatIf: true, badIntegrity: 'BAD_BUNDLE' });
  await context.close();
});

/**
 * The index page with the JS API loaded in full on the page's model and batch.js arrived, as
 * `window.__api`: `{ advisor, batch, schema, base, model }` (`base`: the fixture applicant with
 * its numbers as numbers, as a program would send it).
 */
async function openWithEncoder() {
  const opened = await open('index.html');
  await opened.page.evaluate(async (applicant) => {
    const model = document.querySelector('credit-advisor').model;
    const core = await import(new URL('advisor-core.js', document.baseURI));
    const advisor = await core.load(model);
    await advisor.complete;
    const batch = await import(new URL('batch.js', document.baseURI));
    await new Promise((r) => setTimeout(r, 0)); // the API's own import of batch.js has settled
    const schema = advisor.schema();
    const base = Object.fromEntries(schema.fields.map((f) => [f.name, f.categories.length ? applicant[f.name] : Number(applicant[f.name])]));
    window.__api = { advisor, batch, schema, base, model };
  }, APPLICANT);
  return opened;
}

test('scoreBatch: rows the encoder takes score as score() does; every other row, and every bad one, as before', async () => {
  const { page, context } = await openWithEncoder();
  const out = await page.evaluate(async (applicant) => {
    const { advisor, batch, schema, base } = window.__api;
    // Keys in the schema's order (read in order) and in another (read by name).
    const fast = [base, { ...base, credit_amount: null, duration: 6 }, Object.fromEntries(Object.entries(base).reverse())];
    for (const f of schema.fields) for (const c of f.categories) fast.push({ ...base, [f.name]: c.value });
    // An object with a prototype of its own goes field by field (an inherited property is not
    // the applicant's: score() reads own fields only).
    const slow = [applicant, { ...base, class: 'good' }, { ...base, credit_amount: '6000' }, Object.assign(Object.create({ extra: 1 }), base)];
    const rows = [...fast, ...slow];
    const encoded = batch.encodeRows(batch.planner(schema), rows);
    const same = (q, r) => q.probability === r.probability && q.score === r.score && q.band === r.band.name && q.decision === r.decision;
    const got = advisor.scoreBatch(rows);
    const mismatched = got.map((q, i) => (same(q, advisor.score(rows[i])) ? null : i)).filter((i) => i !== null);
    const errorOf = (f) => { try { f(); return null; } catch (e) { return { code: e.code, field: e.field }; } };
    const bad = [{ ...base, age: 300 }, { ...base, duration: 12.5 }, { ...base, age: null }, { ...base, purpose: 'A499' },
      { ...base, credit_amount: NaN }, { ...base, credit_amount: Infinity }, { ...base, age: 'abc' }, { ...base, colour: 'green' },
      { ...base, purpose: 7 }, (({ age, ...rest }) => rest)(base), Object.assign(Object.create({ age: 23 }), (({ age, ...rest }) => rest)(base)),
      [], null, 42];
    const errors = bad.map((b) => ({ one: errorOf(() => advisor.score(b)), batch: errorOf(() => advisor.scoreBatch([base, b])) }));
    // A field name that Object.prototype holds: no row is the encoder's (`row.age` would read it).
    Object.prototype.age = 23;
    let polluted;
    try {
      polluted = { slow: batch.encodeRows(batch.planner(schema), [base]).slowIndex.length, missing: errorOf(() => advisor.scoreBatch([(({ age, ...rest }) => rest)(base)])) };
    } finally {
      delete Object.prototype.age;
    }
    return { n: rows.length, fastRows: fast.length, slowIndex: Array.from(encoded.slowIndex), mismatched, errors, polluted,
      notArray: errorOf(() => advisor.scoreBatch(42)), empty: advisor.scoreBatch([]).length };
  }, APPLICANT);
  assert.deepEqual(out.slowIndex, Array.from({ length: out.n - out.fastRows }, (_, i) => out.fastRows + i), 'the encoder takes exactly the plain rows');
  assert.deepEqual(out.mismatched, [], 'every row scores as score() scores it');
  for (const { one, batch } of out.errors) {
    assert.ok(one && batch, JSON.stringify({ one, batch }));
    assert.equal(batch.code, one.code);
    assert.equal(batch.field, one.field ? `[1].${one.field}` : '[1]');
  }
  assert.deepEqual(out.polluted, { slow: 1, missing: { code: 'MISSING_FIELD', field: '[0].age' } });
  assert.equal(out.notArray.code, 'BAD_INPUT');
  assert.equal(out.empty, 0);
  await context.close();
});

test("score: an applicant the encoder takes gets the module's own report and errors, in every language", async () => {
  const { page, context } = await openWithEncoder();
  const out = await page.evaluate(async () => {
    const { advisor, batch, schema, base, model } = window.__api;
    // The module's own report (the object read field by field, the report as JSON), from the
    // same module instance the API loaded.
    const pkg = await import(new URL('pkg/advisor.js', document.baseURI));
    const bytes = async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer());
    const url = new URL(model, document.baseURI);
    const manifest = await bytes(url);
    const raw = pkg.Advisor.fromBytes(manifest, await bytes(new URL(JSON.parse(new TextDecoder().decode(manifest)).graph.file, url)));
    // Every category of each field, each field not given, numbers outside the training range
    // (warnings), and bad values (errors).
    const rows = [base, { ...base, age: 90, duration: 100, credit_amount: 500000, num_dependents: 0 }, { ...base, age: 17 }, { ...base, duration: 12.5 }];
    for (const f of schema.fields) {
      rows.push({ ...base, [f.name]: null });
      for (const c of f.categories) rows.push({ ...base, [f.name]: c.value });
    }
    const plan = batch.planner(schema);
    const encoded = rows.filter((r) => batch.encodeOne(plan, r, new Float64Array(schema.fields.length))).length;
    const outcome = (f) => { try { return { report: f() }; } catch (e) { return { error: { code: e.code, field: e.field, message: e.message } }; } };
    const mismatched = [];
    let reports = 0, warned = 0;
    for (const lang of ['en', 'zh-CN', 'fr']) {
      for (const [i, a] of rows.entries()) {
        const got = outcome(() => advisor.score(a, { lang }));
        const want = outcome(() => raw.score(a, lang));
        if (JSON.stringify(got) !== JSON.stringify(want)) mismatched.push({ i, lang, got, want });
        reports += !!got.report;
        warned += got.report?.warnings.length > 0;
      }
    }
    raw.free();
    return { n: rows.length, encoded, reports, warned, mismatched: mismatched.slice(0, 2) };
  });
  assert.equal(out.encoded, out.n, 'every row goes the encoded way');
  assert.deepEqual(out.mismatched, []);
  assert.ok(out.reports > 3 * 40 && out.warned >= 3 * 10, JSON.stringify(out));
  await context.close();
});

test('the relaxed-SIMD build: chosen where Chromium validates it, scores as the other build to 1e-6; a preload or a missing file gives the other', async () => {
  // The page without its widget (which would load the module first: one module a page).
  const run = async ({ wasm, preload = false, missing = false } = {}) => {
    const { page, context } = await open('index.html', { widget: false, block: missing ? /(credit-advisor\.min\.js|advisor_relaxed_bg\.wasm)$/ : /credit-advisor\.min\.js$/ });
    const out = await page.evaluate(async ({ applicant, wasm, preload }) => {
      if (preload) document.head.append(Object.assign(document.createElement('link'), { rel: 'preload', as: 'fetch', crossOrigin: 'anonymous', href: 'pkg/advisor_bg.wasm' }));
      const core = await import(new URL('advisor-core.js', document.baseURI));
      const advisor = await core.load(document.querySelector('credit-advisor').getAttribute('model'), wasm ? { wasm } : {});
      const schema = advisor.schema();
      const base = Object.fromEntries(schema.fields.map((f) => [f.name, f.categories.length ? applicant[f.name] : Number(applicant[f.name])]));
      const rows = [base];
      for (const f of schema.fields) for (const c of f.categories) rows.push({ ...base, [f.name]: c.value });
      for (const age of [19, 30, 45, 70]) for (const duration of [6, 24, 60]) rows.push({ ...base, age, duration });
      return { simd: advisor.info().simd, relaxed: core.relaxedSimd(), p: advisor.scoreBatch(rows).map((r) => r.probability),
        reasons: rows.map((r) => advisor.score(r).reasons.map((x) => x.field).join()) };
    }, { applicant: APPLICANT, wasm, preload });
    await context.close();
    return out;
  };
  const relaxed = await run();
  const plain = await run({ wasm: 'pkg/advisor_bg.wasm' });
  assert.equal(relaxed.relaxed, true, 'Chromium validates relaxed SIMD');
  assert.equal(relaxed.simd, 'relaxed');
  assert.equal(plain.simd, 'simd128');
  const diff = Math.max(...relaxed.p.map((p, i) => Math.abs(p - plain.p[i])));
  assert.ok(diff <= 1e-6, `max |Δp| ${diff}`);
  assert.ok(relaxed.p.length > 50);
  assert.deepEqual(relaxed.reasons, plain.reasons);
  assert.equal((await run({ preload: true })).simd, 'simd128', 'a page that preloads advisor_bg.wasm gets it');
  const fallback = await run({ missing: true });
  assert.equal(fallback.simd, 'simd128', 'the relaxed file missing, the other loads');
  assert.deepEqual(fallback.p, plain.p);
});

test('a server that sends the wasm files with another type: both modules still load and score', async () => {
  const { page, context, errors } = await open('index.html', { widget: false, block: /credit-advisor\.min\.js$/ });
  const retyped = [];
  await page.route(/_bg\.wasm$/, async (route) => {
    const res = await route.fetch();
    retyped.push(new URL(route.request().url()).pathname);
    await route.fulfill({ response: res, headers: { ...res.headers(), 'content-type': 'application/octet-stream' } });
  });
  await page.reload(); // the page's preloads go through the route too
  const out = await page.evaluate(async (applicant) => {
    const core = await import(new URL('advisor-core.js', document.baseURI));
    const advisor = await core.load(document.querySelector('credit-advisor').getAttribute('model'), { progressive: true });
    const a = Object.fromEntries(advisor.schema().fields.map((f) => [f.name, f.categories.length ? applicant[f.name] : Number(applicant[f.name])]));
    const first = advisor.score(a).score;
    await advisor.complete;
    return { first, full: advisor.score(a).score, whatIf: advisor.whatIf(a) != null };
  }, APPLICANT);
  assert.ok(out.first > 0 && out.first === out.full && out.whatIf, JSON.stringify(out));
  assert.deepEqual(retyped.sort(), ['/pkg-score/advisor-score_bg.wasm', '/pkg/advisor_relaxed_bg.wasm'], 'both files went through the retyping route');
  assert.deepEqual(errors, []);
  await context.close();
});
