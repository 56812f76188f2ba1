// Types for advisor-core.js, the advisor's browser API for the first score (advisor.d.ts adds the assistant).

/** Stable error codes (`error.code`). */
export type ErrorCode =
  | 'MISSING_FIELD' | 'UNKNOWN_FIELD' | 'WRONG_TYPE' | 'NOT_FINITE' | 'OUT_OF_RANGE'
  | 'UNKNOWN_CATEGORY' | 'TOO_LONG' | 'BAD_INPUT' | 'BAD_BUNDLE' | 'UNSUPPORTED_GRAPH'
  | 'RUNTIME' | 'FETCH_FAILED' | 'INTERNAL' | 'SPEC' | 'PARAM' | 'BAD_DATA'
  /** A method of the full module called on a `progressive` load before `complete` resolved. */
  | 'NOT_READY';

/** Every error the API throws. */
export interface AdvisorError extends Error {
  code: ErrorCode;
  /** The field path (`"age"`, or `"[3].age"` in a batch), or null. */
  field: string | null;
  /** The row index, for scoreBatch errors. */
  row?: number;
}

export type Lang = 'en' | 'zh-CN';
/** A field value: a number, a category value, or null/undefined for "not given". */
export type FieldValue = number | string | null | undefined;
/** An applicant: every field of the schema (extra fields that are not in the spec are errors). */
export type Applicant = Record<string, FieldValue>;

/** A text by language; a language the spec leaves out is absent (English stands in). */
export type Text = Partial<Record<Lang, string>>;

export interface Band { name: string; label: string; min_score: number }

export interface Reason {
  field: string;
  label: string;
  /** The applicant's value, as displayed. */
  value: string;
  /** Score points this factor cost. */
  points: number;
  /** `label: value`. */
  text: string;
}

export interface Warning { field: string; code: 'NOT_GIVEN' | 'OUTSIDE_TRAINING_RANGE'; message: string }

export type Decision = 'approve' | 'refer' | 'decline';

export interface Report {
  /** Probability of the bad outcome. */
  probability: number;
  score: number;
  band: Band;
  decision: Decision;
  /** Up to four principal adverse factors, largest first. */
  reasons: Reason[];
  warnings: Warning[];
}

export interface Change {
  field: string;
  label: string;
  from: string;
  to: string;
  /** The new value as it would be sent. */
  value: number | string | null;
  score: number;
  band: string;
}

export interface WhatIf {
  band: string;
  /** The next better band, or null in the best band. */
  target: string | null;
  target_score: number | null;
  /** Single-field changes reaching the target, smallest first. */
  changes: Change[];
  /** When no single change reaches it: the changes that raise the score most (up to 3). */
  improvements: Change[];
}

export interface Problem { code: ErrorCode; field: string | null; message: string }

export interface Question { key: keyof Answers; question: string; options: string[] }
/** Each answer is an option index 0–4. */
export interface Answers { objective: number; horizon: number; risk_tolerance: number; capacity_for_loss: number; knowledge: number }
export interface Recommendation { id: string; kind: string; name: string; summary: string; rank_score: number; reasons: string[] }
export interface Exclusion { id: string; name: string; reason: string }
export interface Recommendations { client_risk_class: number | null; eligible: Recommendation[]; ineligible: Exclusion[] }

export interface Quick { probability: number; score: number; band: string; decision: Decision }

export interface Category { value: string; label: string; display: Text }

export interface Field {
  name: string;
  type: 'numeric' | 'categorical' | 'binary';
  label: string;
  display: Text;
  hint: string | null;
  group: string | null;
  unit: string | null;
  min: number | null;
  max: number | null;
  integer: boolean;
  required: boolean;
  actionable: boolean;
  direction: 'increase' | 'decrease' | 'any' | null;
  /** The training median, for numbers. */
  typical: number | null;
  categories: Category[];
}

export interface Schema {
  model: string;
  description: string;
  languages: Lang[];
  fields: Field[];
  bands: Band[];
  score_range: [number, number];
}

export interface Info {
  model: string;
  runtime: 'light' | 'tract';
  /** The module's arithmetic: `relaxed` (the relaxed-SIMD build, pkg/advisor_relaxed_bg.wasm) or `simd128`. */
  simd: 'relaxed' | 'simd128';
  inputs: number;
  producer: string;
  graphSha256: string;
  metrics: Record<string, number> | null;
}

export interface LoadOptions {
  /** sha256 (hex) the manifest's bytes must have. */
  integrity?: string;
  /** URL of the full module's wasm file. Left out, `load` picks pkg/advisor_relaxed_bg.wasm where
   * the browser has relaxed SIMD (and the page does not preload advisor_bg.wasm), else
   * pkg/advisor_bg.wasm. */
  wasm?: string | URL;
  fetch?: typeof fetch;
  /** Score first with the scorer module (pkg-score/, about 60 KB gzip less than the full one):
   * `info`, `schema`, `validate`, `score`, `questionnaire` and `predictRaw` work as soon as `load` resolves; the
   * other methods throw `NOT_READY` until `advisor.complete` resolves (the full module loads in
   * the background). A bundle the scorer does not run (trees, imported graphs) loads in full. */
  progressive?: boolean;
  /** URL of the scorer's advisor-score_bg.wasm, if not beside pkg-score/advisor-score.js. */
  scoreWasm?: string | URL;
}

/** Compiles the wasm module (load() does this too). */
export function ready(wasmUrl?: string | URL): Promise<void>;

/** Whether this browser runs wasm relaxed SIMD (what `load` picks the full module's build by). */
export function relaxedSimd(): boolean;

/** Downloads a bundle (its manifest and the graph beside it) without loading it, so that the
 * download can start before the module is ready; pass the result to load() or
 * setPropensityModel(). */
export function downloadBundle(
  source: string | URL,
  options?: { fetch?: typeof fetch },
): Promise<{ manifest: Uint8Array; graph: Uint8Array }>;

/** Loads and verifies a bundle from its manifest URL or from bytes. */
export function load(
  source: string | URL | { manifest: Uint8Array | ArrayBuffer | string; graph: Uint8Array | ArrayBuffer },
  options?: LoadOptions,
): Promise<Advisor>;

export class Advisor {
  /** @internal use load() */
  protected constructor();
  /** Resolves once every method works: at once, or (`progressive`) once the full module has
   * loaded; rejects with the error that stopped it (then those methods throw it too). */
  readonly complete: Promise<void>;
  info(): Info;
  schema(lang?: Lang): Schema;
  score(applicant: Applicant, options?: { lang?: Lang }): Report;
  whatIf(applicant: Applicant, options?: { lang?: Lang }): WhatIf;
  /** Every problem, at most one per field; empty when the applicant can be scored. */
  validate(applicant: Applicant): Problem[];
  scoreBatch(rows: Applicant[]): Quick[];
  /** Loads a product catalog (JSON), checked against this model's fields (errors name product and rule). */
  setCatalog(json: string | Uint8Array): void;
  /** Attaches a propensity model (manifest URL or bytes) to a product that declares `propensity_model`. */
  setPropensityModel(productId: string, source: string | URL | { manifest: Uint8Array | ArrayBuffer; graph: Uint8Array | ArrayBuffer }): Promise<void>;
  questionnaire(lang?: Lang): Question[];
  /** Without answers, investment products are excluded (suitability unknown). */
  recommend(applicant: Applicant, answers?: Answers | null, options?: { lang?: Lang }): Recommendations;
  /** Raw rows: fields in schema order, categories as their index, NaN = not given. */
  predictRaw(rows: Float32Array): Float32Array;
  free(): void;
}

export interface Model {
  runtime: 'light' | 'tract';
  predict(rows: Float32Array): Float32Array;
  free(): void;
}

/** A bare ONNX model taking [batch, nInputs] and returning [batch, 1]. */
export function loadModel(bytes: Uint8Array | ArrayBuffer, nInputs: number, options?: { wasm?: string | URL }): Promise<Model>;
