// The assistant's JS side (docs/assistant.md): loaded by advisor.js on the first
// `loadAssistant`, `setFaq` or `ask`, with its own wasm module, so the first score downloads
// neither. The question and everything in its context stay on this device.
import init, { Assistant } from './pkg-assist/assist.js';
import { bytesOf, call } from './advisor.js';

/** Compiles the assistant's module (once) and opens a session for `advisor`. */
export async function open(advisor, { wasm } = {}) {
  await init(wasm ? { module_or_path: wasm } : undefined);
  return new Session(advisor);
}

class Session {
  #advisor;
  #inner = new Assistant();
  #catalogText = null;
  #schemas = new Map();

  constructor(advisor) {
    this.#advisor = advisor;
  }

  setFaq(json) {
    const text = new TextDecoder().decode(bytesOf(json, 'faq'));
    call(() => this.#inner.setFaq(text));
  }

  // `catalogText`: the advisor's current catalog (already checked against the model by the main
  // module), given again whenever it changed.
  ask(question, { lang = 'en', applicant = null, answers = null } = {}, catalogText = null) {
    if (catalogText !== this.#catalogText) {
      call(() => this.#inner.setCatalog(catalogText ?? '{"products": []}'));
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
    return call(() => this.#inner.ask(String(question ?? ''), JSON.stringify(context)));
  }
}
