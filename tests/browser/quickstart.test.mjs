// The README's quickstart, end to end, as a product team runs it: a labelled CSV file (German
// credit's, from ../shared/data) → `advisor-train init` → `fit` with the drafted spec unchanged
// → `report` → the widget in a page of their own, in headless Chromium. The customer's score and
// reasons in the widget must be what `advisor-train score --reasons` gives for the same row.
// Needs the release trainer (scripts/test.sh builds it; $TRAIN_BIN or the target dir's).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { APPLICANT, button, fill } from './customer.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHARED = process.env.ADVISOR_SHARED ?? path.join(ROOT, '../shared');
const DATA = path.join(SHARED, 'data/german_credit/german_credit.csv');
const TARGET = process.env.CARGO_TARGET_DIR ?? path.join(process.env.HOME, '.cache/advisor-target');
const TRAIN = process.env.TRAIN_BIN ?? path.join(TARGET, 'release/advisor-train');
const PORT = Number(process.env.ADVISOR_QUICKSTART_PORT ?? 8751);
const BASE = `http://127.0.0.1:${PORT}`;
// The team's bundle and page go under web/own/ (ignored by git), beside the widget's files.
const OWN = path.join(ROOT, 'web/own', `quickstart-${process.pid}`);

let work, server, browser;

before(async () => {
  assert.ok(existsSync(TRAIN), `no trainer at ${TRAIN}: cargo build --release -p advisor-train`);
  assert.ok(existsSync(path.join(ROOT, 'web/credit-advisor.min.js')), 'web/credit-advisor.min.js missing: run scripts/build-web.sh');
  work = mkdtempSync(path.join(tmpdir(), 'advisor-quickstart-'));
  mkdirSync(OWN, { recursive: true });
  server = spawn('python3', [path.join(ROOT, 'scripts/serve.py'), path.join(ROOT, 'web'), String(PORT), '-q'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${BASE}/index.html`)).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
});

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(OWN, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

/** `advisor-train args…`: what it printed (stdout and stderr); a failure fails the test with both. */
function train(...args) {
  try {
    return execFileSync(TRAIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`advisor-train ${args.join(' ')} failed:\n${e.stdout}\n${e.stderr}`);
  }
}

/** The CSV file's header and one row: the tests' applicant, with the columns it has no answer for
 * (the protected ones, which the model never reads) from the file's first row. */
function applicantCsv() {
  const [header, first] = readFileSync(DATA, 'utf8').split('\n');
  const names = header.split(',');
  const row = first.split(',');
  const keep = names.filter((n) => n !== 'class');
  return `${keep.join(',')}\n${keep.map((n) => APPLICANT[n] ?? row[names.indexOf(n)]).join(',')}\n`;
}

test('quickstart: init, fit, report, then the widget in a page of their own scores as the CLI does', async () => {
  const spec = path.join(work, 'loans.toml');
  const bundle = path.join(OWN, 'loans');
  // 1. init: a spec drafted from the data, with its summary and what to check.
  const drafted = train('init', '--data', DATA, '--out', spec);
  assert.match(drafted, /1000 rows, 21 columns: \d+ features, 1 label \(`class`, positive "2"\), \d+ protected/, drafted);
  assert.match(drafted, /TODO/, drafted);
  // 2. fit with the drafted spec, unchanged.
  train('fit', '--spec', spec, '--data', DATA, '--out', bundle, '--quiet');
  for (const f of ['manifest.json', 'model.onnx', 'metrics.json']) assert.ok(existsSync(path.join(bundle, f)), f);
  // 3. report: one self-contained HTML file.
  const report = path.join(work, 'loans-report.html');
  assert.match(train('report', '--model', bundle, '--spec', spec, '--data', DATA, '--out', report), /report written to .*test AUC 0\.\d+/);
  assert.match(readFileSync(report, 'utf8'), /^<!doctype html>/i);
  // What the CLI says of the applicant (the reference for the widget).
  writeFileSync(path.join(work, 'applicant.csv'), applicantCsv());
  train('score', '--model', bundle, '--data', path.join(work, 'applicant.csv'), '--out', path.join(work, 'scored.csv'), '--reasons');
  const [head, line] = readFileSync(path.join(work, 'scored.csv'), 'utf8').trim().split('\n');
  const cli = Object.fromEntries(head.split(',').map((k, i) => [k, line.split(',')[i]]));
  // 4. The README's two lines in their page.
  writeFileSync(path.join(OWN, 'index.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Our loans</title><link rel="icon" href="data:,">
<script type="module" src="../../credit-advisor.min.js"></script></head>
<body><credit-advisor model="loans/manifest.json" lang="en"></credit-advisor></body></html>\n`);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  await page.goto(`${BASE}/own/${path.basename(OWN)}/index.html`);
  await page.waitForFunction(() => document.querySelector('credit-advisor')?.advisor, null, { timeout: 30000 });
  await fill(page, APPLICANT);
  await button(page, 'Review my answers').click();
  await button(page, 'Confirm and see my result').click();
  const result = page.locator('credit-advisor [part="result"]');
  await result.locator('.score').waitFor();
  const shown = {
    score: Number(await result.locator('.score').innerText()),
    reasons: await result.locator('[part="reasons"] li').evaluateAll((li) => li.map((x) => [x.dataset.field, x.firstChild.textContent])),
  };
  const cliReasons = [1, 2, 3, 4].filter((i) => cli[`reason_${i}`]).map((i) => [cli[`reason_${i}`], cli[`reason_${i}_text`]]);
  assert.ok(cliReasons.length >= 1, JSON.stringify(cli));
  assert.deepEqual(shown, { score: Number(cli.score), reasons: cliReasons }, JSON.stringify(cli));
  assert.deepEqual(errors, []);
  await page.close();
});

test("a drafted spec's names with spaces (`Credit amount`) make a form whose ids, labels and messages still hold together", async () => {
  // A spreadsheet's export: headers with spaces in them become the fields' names.
  const rows = ['Credit amount,Saving accounts,Duration in months,Risk'];
  let seed = 11;
  const next = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let i = 0; i < 600; i++) {
    const months = 6 + next(60);
    rows.push(`${500 + next(9000)},${['little', 'moderate', 'rich'][next(3)]},${months},${next(100) < 15 + months / 2 ? 'bad' : 'good'}`);
  }
  const csv = path.join(work, 'spaces.csv');
  writeFileSync(csv, `${rows.join('\n')}\n`);
  const spec = path.join(work, 'spaces.toml');
  const bundle = path.join(OWN, 'spaces');
  assert.match(train('init', '--data', csv, '--out', spec), /1 label \(`Risk`, positive "bad"\)/);
  train('fit', '--spec', spec, '--data', csv, '--out', bundle, '--quiet');
  writeFileSync(path.join(OWN, 'spaces.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Spaces</title><link rel="icon" href="data:,">
<script type="module" src="../../credit-advisor.min.js"></script></head>
<body><credit-advisor model="spaces/manifest.json" lang="en"></credit-advisor></body></html>\n`);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${BASE}/own/${path.basename(OWN)}/spaces.html`);
  await page.waitForFunction(() => document.querySelector('credit-advisor')?.advisor, null, { timeout: 30000 });
  // A wrong value, so that each message is shown and referenced.
  await fill(page, { 'Credit amount': 'a lot', 'Saving accounts': 'moderate', 'Duration in months': '24' });
  await button(page, 'Review my answers').click();
  const broken = await page.locator('credit-advisor').evaluate((w) => {
    const root = w.shadowRoot;
    const out = [...root.querySelectorAll('[id]')].filter((e) => /\s/.test(e.id)).map((e) => `id "${e.id}"`);
    for (const l of root.querySelectorAll('label[for]')) if (!root.getElementById(l.htmlFor)) out.push(`label for "${l.htmlFor}"`);
    for (const e of root.querySelectorAll('[aria-describedby]')) {
      for (const id of e.getAttribute('aria-describedby').split(/\s+/)) if (!root.getElementById(id)) out.push(`described by "${id}"`);
    }
    const amount = root.querySelector('[name="Credit amount"]');
    return { out, message: root.getElementById(amount.getAttribute('aria-describedby').split(' ').pop())?.textContent };
  });
  assert.deepEqual(broken.out, []);
  assert.match(broken.message ?? '', /number/);
  await page.locator('credit-advisor [name="Credit amount"]').fill('2500');
  await button(page, 'Review my answers').click();
  await button(page, 'Confirm and see my result').click();
  await page.locator('credit-advisor [part="result"] .score').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
