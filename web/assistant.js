// The assistant's JS side (docs/assistant.md): loaded by advisor.js on the first
// `loadAssistant`, `setFaq` or `ask` (and by <credit-advisor> after its first score), with its
// own wasm module, so the first score downloads neither. The question and everything in its context stay on this device.
//
// The module (wasm/assist) has no wasm-bindgen glue: text goes in through a buffer from its
// `alloc`, each call returns 0 or 1 (error), and its output (the answer, or `{code, message}`)
// is read from `out_ptr`/`out_len`.
import { fetchBytes } from './advisor-core.js';

let module = null;
/** Set once the module trapped (a bug: inputs are checked first); its sessions then fail fast. */
let broken = false;
const encoder = new TextEncoder();
/** Characters of a question passed on (UTF-16 units; core reads at most 500 characters). */
const QUESTION_CHARS = 2000;

/** Compiles the assistant's module (once) and opens a session for `advisor`. */
export async function open(advisor, { wasm } = {}) {
  module ??= fetchBytes(wasm ?? new URL('./pkg-assist/assist.wasm', import.meta.url))
    .then((bytes) => WebAssembly.instantiate(bytes))
    .then((r) => r.instance.exports)
    .catch((e) => {
      module = null;
      throw e;
    });
  return new Session(advisor, await module);
}

const fail = (code, message) => Object.assign(new Error(message), { code, field: null });

/** The FAQ as text: JSON text, or its UTF-8 bytes. */
function textOf(json) {
  if (typeof json === 'string') return json;
  if (json instanceof ArrayBuffer || ArrayBuffer.isView(json)) return new TextDecoder().decode(json);
  throw fail('BAD_INPUT', `faq must be JSON text or bytes, got ${json === null ? 'null' : typeof json}`);
}

// Frees a session's assistant in the module once the session is collected.
const sessions = new FinalizationRegistry(([x, p]) => x.destroy(p));

class Session {
  #advisor;
  #x;
  #inner;
  #catalogText = null;
  #schemas = new Map();

  constructor(advisor, x) {
    this.#advisor = advisor;
    this.#x = x;
    this.#inner = x.create();
    sessions.register(this, [x, this.#inner]);
  }

  // Calls `fn` of the module with the assistant and each text as (pointer, length); returns the
  // output text, or throws its error. A trap stops this module, not the scoring one.
  #run(fn, ...texts) {
    if (broken) throw fail('INTERNAL', 'assistant: the module stopped after an internal error; reload the page');
    let failed, out;
    try {
      ({ failed, out } = this.#call(fn, texts));
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      broken = true;
      throw fail('INTERNAL', `assistant: internal error (${e.message}); reload the page`);
    }
    if (!failed) return out;
    const { code, message } = JSON.parse(out);
    throw fail(code, message);
  }

  #call(fn, texts) {
    const x = this.#x;
    const args = texts.flatMap((t) => {
      const b = encoder.encode(t);
      const p = x.alloc(b.length);
      new Uint8Array(x.memory.buffer, p, b.length).set(b);
      return [p, b.length];
    });
    const failed = x[fn](this.#inner, ...args);
    const out = new TextDecoder().decode(new Uint8Array(x.memory.buffer, x.out_ptr(), x.out_len()));
    return { failed, out };
  }

  setFaq(json) {
    this.#run('set_faq', textOf(json));
  }

  // `catalogText`: the advisor's current catalog (already checked against the model by the main
  // module), given again whenever it changed.
  ask(question, { lang = 'en', applicant = null, answers = null } = {}, catalogText = null) {
    if (catalogText !== this.#catalogText) {
      this.#run('set_catalog', catalogText ?? '{"products": []}');
      this.#catalogText = catalogText;
    }
    const advisor = this.#advisor;
    if (!this.#schemas.has(lang)) this.#schemas.set(lang, advisor.schema(lang));
    const context = { lang, schema: this.#schemas.get(lang) };
    if (applicant != null) {
      context.report = advisor.score(applicant, { lang });
      context.whatIf = advisor.whatIf(applicant, { lang });
      if (catalogText) context.recommendations = advisor.recommend(applicant, answers, { lang });
    }
    // The module reads a question's first 500 characters: a huge paste is not copied in whole.
    const text = String(question ?? '').slice(0, QUESTION_CHARS);
    return JSON.parse(this.#run('ask', text, JSON.stringify(context)));
  }
}
