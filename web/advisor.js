// advisor's browser API: an ES module, no globals. Everything runs on this device.
//
//   import { load } from './advisor.js';
//   const advisor = await load('models/german_credit/manifest.json');
//   const report = advisor.score({ duration: 24, checking_status: 'A11', ... });
//   const answer = await advisor.ask('Why is my score low?', { applicant, lang: 'en' });
//
// This is `advisor-core.js` (everything the first score needs) plus the assistant: `ask`,
// `setFaq` and `loadAssistant`, which download `assistant.js` and its own wasm module on first
// use. A page that never asks can import `advisor-core.js` and download none of this.
//
// Types: advisor.d.ts. Errors are `Error`s with a stable `code` and the `field` path.
import * as core from './advisor-core.js';

export * from './advisor-core.js';

// Per advisor: its catalog's text (the assistant's module reads the catalog itself) and its
// assistant session once opened. Kept here, not in fields, so that `load` can return core's
// object with this class's methods (core constructs the advisor).
const assistantState = new WeakMap();

function stateOf(advisor) {
  let s = assistantState.get(advisor);
  if (!s) assistantState.set(advisor, (s = { catalogText: null, session: null }));
  return s;
}

/** A verified bundle, with the assistant. Methods are synchronous once loaded (but the assistant's). */
export class Advisor extends core.Advisor {
  /** Loads a product catalog (JSON text or bytes), checked against this model's fields. */
  setCatalog(json) {
    super.setCatalog(json); // checks it first
    stateOf(this).catalogText = typeof json === 'string' ? json : new TextDecoder().decode(json);
  }
  /** See advisor.d.ts: the assistant, in its own modules (assistant.js, pkg-assist/). */
  loadAssistant(options) {
    const s = stateOf(this);
    return (s.session ??= import('./assistant.js').then((m) => m.open(this, options)).catch((e) => {
      s.session = null;
      throw e;
    }));
  }
  async setFaq(json) {
    (await this.loadAssistant()).setFaq(json);
  }
  async ask(question, options) {
    return (await this.loadAssistant()).ask(question, options, stateOf(this).catalogText);
  }
}

/** Loads and verifies a bundle (see advisor-core.js `load`): an `Advisor` with the assistant. */
export async function load(source, options) {
  return Object.setPrototypeOf(await core.load(source, options), Advisor.prototype);
}
