// The npm package in the bundlers product teams use: web/examples/bundlers/{vite,webpack,esbuild}
// are each installed from the packed tarball (scripts/pack.sh; no registry), built with their
// own `npm run build` (the bundlers from the repo's node_modules), served, and loaded in
// headless Chromium: the widget is ready on the relaxed-SIMD build, the JS API scores an
// applicant, the assistant opens, and there is no console error, failed request or CSP
// violation. Run after build-wasm.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PORT = Number(process.env.ADVISOR_BUNDLER_PORT ?? 8741);
const BUNDLERS = ['vite', 'webpack', 'esbuild'];

let work, tarball, browser;

before(() => {
  work = mkdtempSync(path.join(tmpdir(), 'advisor-bundlers-'));
  tarball = execFileSync('bash', [path.join(ROOT, 'scripts/pack.sh'), work], { encoding: 'utf8' }).trim();
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  }).then((b) => { browser = b; });
});

after(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Copies example `name`, installs the tarball into it and builds it; returns its dist/. The
 * bundlers come from the repo's node_modules (their versions are the examples' devDependencies). */
function build(name) {
  const dir = path.join(work, name);
  cpSync(path.join(ROOT, 'web/examples/bundlers', name), dir, { recursive: true });
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  delete pkg.devDependencies;
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
  const env = { ...process.env, PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` };
  execFileSync('npm', ['install', '--offline', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', tarball], { cwd: dir, env, stdio: 'pipe' });
  execFileSync('npm', ['run', 'build'], { cwd: dir, env, stdio: 'pipe' });
  return path.join(dir, 'dist');
}

async function serve(dir, port) {
  const server = spawn('python3', [path.join(ROOT, 'scripts/serve.py'), dir, String(port), '-q'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/index.html`)).ok) return server; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error(`the server for ${dir} did not start`);
}

for (const [i, name] of BUNDLERS.entries()) {
  test(`the ${name} example, built from the package, scores in Chromium`, async () => {
    const dist = build(name);
    const port = PORT + i;
    const server = await serve(dist, port);
    const page = await browser.newPage();
    const problems = [];
    // (The example pages have no favicon of their own: the browser's request for one is theirs.)
    page.on('console', (m) => { if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`${m.text()} ${m.location().url}`); });
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    try {
      await page.goto(`http://127.0.0.1:${port}/index.html`);
      await page.waitForFunction(() => Number.isFinite(parseFloat(document.querySelector('#api-score')?.textContent)), null, { timeout: 30000 });
      await page.waitForFunction(() => document.querySelector('credit-advisor')?.advisor, null, { timeout: 30000 });
      const out = await page.evaluate(async () => {
        const el = document.querySelector('credit-advisor');
        await el.assistantReady;
        const typical = Object.fromEntries(el.advisor.schema('en').fields.map((f) => [f.name, f.typical ?? null]));
        return { api: Number(document.querySelector('#api-score').textContent), widget: el.advisor.score(typical).score, form: !!el.shadowRoot.querySelector('form'), simd: el.advisor.info().simd };
      });
      assert.equal(out.api, out.widget, 'the API and the widget score alike');
      assert.equal(out.simd, 'relaxed', 'the bundle has the relaxed-SIMD build (Chromium runs it)');
      assert.ok(out.api >= 300 && out.api <= 900 && out.form, JSON.stringify(out));
      assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
      server.kill();
    }
  });
}
