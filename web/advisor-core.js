// advisor's browser API: an ES module, no globals. Everything runs on this device.
//
//   import { load } from './advisor-core.js';
//   const advisor = await load('models/german_credit/manifest.json');
//   const report = advisor.score({ duration: 24, checking_status: 'A11', ... });
//
// Types: advisor.d.ts. Errors are `Error`s with a stable `code` and the `field` path.

const DEFAULT_GRAPH = 'model.onnx';
// The module's two builds: `full` (every method; pkg/) and `score` (load, info, schema,
// validate, score, questionnaire, predictRaw for the trainer's own networks; pkg-score/), which `load`'s
// `progressive` option scores with first while the full one loads.
const MODULES = { full: () => import('./pkg/advisor.js'), score: () => import('./pkg-score/advisor-score.js') };
const booting = {};
let full = null; // the full build's exports, once instantiated
let broken = false;

// The full module comes in two builds with the same glue: pkg/advisor_bg.wasm, and
// pkg/advisor_relaxed_bg.wasm with relaxed SIMD's multiply-add (fused where the processor can:
// about 15 % faster scoring and what-if in Chromium; BENCHMARKS.md). The relaxed one loads
// where the browser validates this probe (one f32x4.relaxed_madd), unless the caller names a
// file (`wasm`) or the page already preloads advisor_bg.wasm (no second download); if it
// cannot be fetched (a bundle that left it out), the other one does.
const RELAXED_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0,
  32, 0, 32, 1, 32, 2, 253, 133, 2, 11];
/** Whether this browser runs wasm relaxed SIMD (its multiply-add validates). */
export function relaxedSimd() {
  try {
    return WebAssembly.validate(new Uint8Array(RELAXED_PROBE));
  } catch {
    return false;
  }
}

function relaxedWasm() {
  if (!relaxedSimd() || globalThis.document?.querySelector('link[rel="preload"][href$="advisor_bg.wasm"]')) return undefined;
  return new URL('./pkg/advisor_relaxed_bg.wasm', import.meta.url);
}

function boot(kind, wasmUrl) {
  booting[kind] ??= MODULES[kind]().then(async (m) => {
    const relaxed = kind === 'full' && !wasmUrl ? relaxedWasm() : undefined;
    try {
      await m.default(wasmUrl || relaxed ? { module_or_path: wasmUrl ?? relaxed } : undefined);
    } catch (e) {
      if (!relaxed) throw e;
      await m.default();
    }
    if (kind === 'full') full = m;
    return m;
  });
  return booting[kind];
}

/** Compiles and instantiates the (full) wasm module once (`wasmUrl` overrides where it is fetched). */
export function ready(wasmUrl) {
  return boot('full', wasmUrl).then(() => undefined);
}

function fail(code, message, field = null) {
  const e = new Error(message);
  e.code = code;
  e.field = field;
  return e;
}

// Runs a call into wasm. Errors thrown by the module already carry `code`; a trap (a bug: inputs
// are checked before anything can panic) leaves the module unusable, so later calls fail fast.
function call(fn) {
  if (broken) throw fail('INTERNAL', 'advisor: the module stopped after an internal error; reload the page');
  try {
    return fn();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      broken = true;
      throw fail('INTERNAL', `advisor: internal error (${e.message}); reload the page`);
    }
    throw e;
  }
}

function bytesOf(v, what) {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (typeof v === 'string') return new TextEncoder().encode(v);
  throw fail('BAD_INPUT', `${what} must be bytes (Uint8Array or ArrayBuffer), got ${v === null ? 'null' : typeof v}`);
}

/** The bytes at `url`; a failure is a `FETCH_FAILED` error naming the URL (and `field`). */
export async function fetchBytes(url, fetchFn = globalThis.fetch.bind(globalThis), field = null) {
  let res;
  try {
    res = await fetchFn(url);
  } catch (e) {
    throw fail('FETCH_FAILED', `could not fetch ${url}: ${e.message}`, field);
  }
  if (!res.ok) throw fail('FETCH_FAILED', `could not fetch ${url}: HTTP ${res.status}`, field);
  return new Uint8Array(await res.arrayBuffer());
}

/** Fetches a bundle's manifest and its graph (from beside it): `[manifest, graph]` bytes. */
async function fetchBundle(source, fetchFn) {
  const manifestUrl = new URL(source, globalThis.location?.href);
  // The graph is almost always `model.onnx` beside the manifest: fetch it at the same time
  // (used only if the manifest names that file).
  const early = fetchBytes(new URL(DEFAULT_GRAPH, manifestUrl), fetchFn).catch((e) => e);
  const manifest = await fetchBytes(manifestUrl, fetchFn);
  let file;
  try {
    file = JSON.parse(new TextDecoder().decode(manifest))?.graph?.file;
  } catch {
    throw fail('BAD_BUNDLE', `bundle: ${manifestUrl} is not JSON`);
  }
  if (typeof file !== 'string' || !/^[\w.-]+$/.test(file) || file.startsWith('.')) {
    throw fail('BAD_BUNDLE', 'bundle: graph.file must be a plain file name beside the manifest');
  }
  let graph;
  if (file === DEFAULT_GRAPH) {
    graph = await early;
    if (graph instanceof Error) throw graph;
  } else {
    graph = await fetchBytes(new URL(file, manifestUrl), fetchFn);
  }
  return [manifest, graph];
}

/**
 * Downloads a bundle — its `manifest.json` at `source` and the graph beside it — without
 * loading it: `{ manifest, graph }` bytes for `load()` or `setPropensityModel()`, so that the
 * download can start before the module is ready. Option: `fetch`.
 */
export async function downloadBundle(source, { fetch: fetchFn = globalThis.fetch.bind(globalThis) } = {}) {
  const [manifest, graph] = await fetchBundle(source, fetchFn);
  return { manifest, graph };
}

/**
 * Loads and verifies a bundle. `source` is the URL of its `manifest.json` (the graph is fetched
 * from beside it), or `{ manifest, graph }` bytes. Options: `integrity` (sha256 hex the manifest
 * bytes must have), `wasm` (URL of advisor_bg.wasm), `fetch`, `progressive` (score first with
 * the smaller scorer module, `scoreWasm` its URL: `info`, `schema`, `validate`, `score`,
 * `questionnaire` and `predictRaw` work at once, the rest once `advisor.complete` has resolved).
 */
export async function load(source, options = {}) {
  const kind = options.progressive ? 'score' : 'full';
  const [[manifest, graph], module] = await Promise.all([bundleOf(source, options), boot(kind, options[kind === 'full' ? 'wasm' : 'scoreWasm'])]);
  const open = (m) => call(() => m.Advisor.fromBytes(manifest, graph, options.integrity ?? undefined));
  if (kind === 'full') {
    const raw = open(module);
    batchModule();
    return new Advisor(raw);
  }
  let first;
  try {
    first = open(module);
  } catch (e) {
    // The scorer runs the trainer's own networks; any other bundle loads in full.
    if (e.code === 'UNSUPPORTED_GRAPH') return load({ manifest, graph }, { ...options, progressive: false });
    throw e;
  }
  return new Advisor(first, boot('full', options.wasm).then((m) => {
    batchModule();
    return open(m);
  }));
}

/** `[manifest, graph]` bytes of `source` (a manifest URL or `{ manifest, graph }` bytes). */
async function bundleOf(source, options) {
  if (typeof source === 'string' || source instanceof URL) return fetchBundle(source, options.fetch ?? globalThis.fetch.bind(globalThis));
  if (source && typeof source === 'object') return [bytesOf(source.manifest, 'manifest'), bytesOf(source.graph, 'graph')];
  throw fail('BAD_INPUT', 'load() takes a manifest URL or { manifest, graph } bytes');
}

// scoreBatch's encoder (batch.js) starts loading once a bundle has loaded, off the first
// score's path; until it has arrived, rows are read field by field (same results, same
// errors, slower).
// Decisions by the position scoreEncoded returns (`Decision::ALL` in core/src/score.rs).
const DECISIONS = ['approve', 'refer', 'decline'];
let batch = null;
let batchLoading = null;

/**
 * score()'s report from the module's packed one and the bundle's texts in its language (the
 * layout: `Report::pack` in core/src/advisor.rs).
 */
function unpack([n, text], texts) {
  const reasons = new Array(n[4]);
  let at = 5, off = 0;
  for (let i = 0; i < reasons.length; i++, at += 4) {
    const { field, label } = texts.fields[n[at]];
    const value = text.slice(off, (off += n[at + 2]));
    reasons[i] = { field, label, value, points: n[at + 1], text: text.slice(off, (off += n[at + 3])) };
  }
  const warnings = new Array(n[at++]);
  for (let i = 0; i < warnings.length; i++, at += 2) warnings[i] = { ...texts.warnings[n[at]][n[at + 1]] };
  return { probability: n[0], score: n[1], band: { ...texts.bands[n[2]] }, decision: DECISIONS[n[3]], reasons, warnings };
}
function batchModule() {
  batchLoading ??= import('./batch.js').then((m) => { batch = m; }, () => { batchLoading = null; });
  return batch;
}

/** A verified bundle. Methods are synchronous once loaded. */
export class Advisor {
  #raw;
  #rest = null; // loading the full module (progressive loads), then null
  #restError = null;
  #freed = false;
  #schema = null;
  #plan = null;
  #values = null; // score's encoded applicant (copied into the module by each call)
  #texts = new Map(); // reportTexts by language
  /** Resolves once every method works: at once, or (`progressive`) once the full module has
   * loaded; rejects with the error that stopped it. */
  complete;
  /** @internal use load(). `rest`: the full module's advisor, still loading. */
  constructor(raw, rest = null) {
    this.#raw = raw;
    this.#rest = rest;
    this.complete = rest
      ? rest.then((raw) => {
        if (this.#freed) return raw.free();
        this.#raw.free();
        this.#raw = raw;
        this.#rest = null;
      }, (e) => {
        this.#restError = e;
        throw e;
      })
      : Promise.resolve();
    this.complete.catch(() => {}); // thrown again by the methods that need it
  }
  // What-if, batches, the catalog and recommendations run in the full module only.
  #full(method) {
    if (this.#restError) throw this.#restError;
    if (this.#rest) throw fail('NOT_READY', `advisor: ${method}() needs the full module, still loading: await advisor.complete first`);
    return this.#raw;
  }
  /** Model name, runtime (`light`/`tract`), inputs, producer, test metrics. */
  info() {
    return call(() => this.#raw.info());
  }
  /** Fields, types, ranges, categories and display names in `lang` (`en`, `zh-CN`). */
  schema(lang = 'en') {
    return call(() => this.#raw.schema(lang));
  }
  /** `{ probability, score, band, decision, reasons, warnings }` for one applicant. */
  score(applicant, { lang = 'en' } = {}) {
    return call(() => {
      // Encoded here once batch.js has arrived (one call across instead of one a field), and
      // the report packed (its texts by position; they cross once per language): the full
      // module's (the scorer reads the object and returns the report whole).
      const values = batch && this.#raw.scoreValues && this.#encodeOne(applicant);
      if (!values) return this.#raw.score(applicant, lang);
      const packed = this.#raw.scoreValues(values, lang);
      let texts = this.#texts.get(lang);
      if (!texts) this.#texts.set(lang, (texts = this.#raw.reportTexts(lang)));
      return unpack(packed, texts);
    });
  }
  /** Every problem in an applicant, at most one per field: `[{ code, field, message }]`. */
  validate(applicant) {
    return call(() => this.#raw.validate(applicant));
  }
  /** The smallest single changes to actionable fields that reach the next better band. */
  whatIf(applicant, { lang = 'en' } = {}) {
    return call(() => this.#full('whatIf').whatIf(applicant, lang));
  }
  /** `[{ probability, score, band, decision }]` for many applicants. */
  scoreBatch(rows) {
    return call(() => {
      const schema = (this.#schema ??= this.#raw.schema('en'));
      // What is not an array of at most maxBatch rows goes as it is: the module says what is wrong.
      const raw = this.#full('scoreBatch');
      const ok = Array.isArray(rows) && rows.length <= full.Advisor.maxBatch();
      const fast = ok ? batchModule() : null;
      const { values, slowIndex } = fast
        ? fast.encodeRows((this.#plan ??= fast.planner(schema)), rows)
        : { values: new Float64Array(0), slowIndex: Uint32Array.from({ length: ok ? rows.length : 0 }, (_, i) => i) };
      const packed = raw.scoreEncoded(rows, values, slowIndex);
      const out = new Array(packed.length / 4);
      for (let r = 0, i = 0; r < out.length; r++, i += 4) {
        out[r] = { probability: packed[i], score: packed[i + 1], band: schema.bands[packed[i + 2]].name, decision: DECISIONS[packed[i + 3]] };
      }
      return out;
    });
  }
  /** `applicant` encoded by batch.js (loaded), or null when the module must read it field by field. */
  #encodeOne(applicant) {
    this.#plan ??= batch.planner((this.#schema ??= this.#raw.schema('en')));
    this.#values ??= new Float64Array(this.#plan.fields.length);
    return batch.encodeOne(this.#plan, applicant, this.#values) ? this.#values : null;
  }
  /** Probabilities for raw rows (Float32Array, fields in schema order, categories as indices). */
  predictRaw(rows) {
    return call(() => this.#raw.predictRaw(rows));
  }
  /** Loads a product catalog (JSON text or bytes), checked against this model's fields. */
  setCatalog(json) {
    call(() => this.#full('setCatalog').setCatalog(bytesOf(json, 'catalog')));
  }
  /**
   * Attaches a propensity model to catalog product `productId` (which declares
   * `propensity_model`): a manifest URL or `{ manifest, graph }` bytes. Hashes are checked.
   */
  async setPropensityModel(productId, source, { fetch: fetchFn = globalThis.fetch.bind(globalThis) } = {}) {
    const [manifest, graph] = typeof source === 'string' || source instanceof URL
      ? await fetchBundle(source, fetchFn)
      : [bytesOf(source.manifest, 'manifest'), bytesOf(source.graph, 'graph')];
    return call(() => this.#full('setPropensityModel').setPropensityModel(productId, manifest, graph));
  }
  /** The suitability questionnaire: `[{ key, question, options }]`. */
  questionnaire(lang = 'en') {
    return call(() => this.#raw.questionnaire(lang));
  }
  /** Ranked eligible products with reasons, and the excluded ones with the rule that excluded each. */
  recommend(applicant, answers = null, { lang = 'en' } = {}) {
    return call(() => this.#full('recommend').recommend(applicant, answers, lang));
  }
  /** Frees the wasm memory held by this bundle. */
  free() {
    this.#freed = true;
    this.#raw.free();
  }
}

/** A bare ONNX model (dense MLP on the light build; any graph on the tract build). */
export async function loadModel(bytes, nInputs, options = {}) {
  const { Model } = await boot('full', options.wasm);
  const raw = call(() => Model.fromOnnx(bytesOf(bytes, 'model'), nInputs));
  return {
    runtime: raw.runtime,
    predict: (rows) => call(() => raw.predict(rows)),
    free: () => raw.free(),
  };
}
