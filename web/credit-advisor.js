// <credit-advisor>: the advisor as an embeddable custom element. ES modules, no globals (beyond
// registering the element). Everything is computed on this device. This file holds the element:
// its attributes and properties, loading, state and the steps form → review → result; the views
// are in widget/ (form, questionnaire, review, result, products), the texts in widget/strings.js.
//
//   <script type="module" src="credit-advisor.js"></script>
//   <credit-advisor model="models/german_credit/manifest.json" lang="en"></credit-advisor>
//
// Attributes (and properties of the same name): model (bundle manifest URL), lang (en | zh-CN),
// integrity (sha256 of the manifest), catalog (product catalog URL: products under the result),
// faq (the lender's FAQ for the assistant under the result; assistant="off" leaves the assistant
// out). Events: advisor-ready,
// advisor-score ({ report, whatIf, applicant }), advisor-error ({ code, field, message }).
// Theming: CSS custom properties (--advisor-*) and ::part(). See web/examples/README.md.
// Paths that depend on where this file is (the API, the CSS, the assistant's panel) are all
// here, so that the bundle built from it (credit-advisor.min.js, beside it) finds them too.
import { downloadBundle, fetchBytes, load } from './advisor-core.js';
import { h, emit } from './widget/dom.js';
import { UI, pickLang } from './widget/strings.js';
import { shellView } from './widget/shell.js';
import { formView, showProblems } from './widget/form.js';
import { reviewView } from './widget/review.js';
import { resultView } from './widget/result.js';
import { Session } from './widget/session.js';
import { fetchCatalog, loadAssistant, useCatalog } from './widget/sources.js';

const CSS_URL = new URL('./credit-advisor.css', import.meta.url).href;
/** What the widget's downloads use of the JS API. */
const API = { downloadBundle, fetchBytes };
/** Attributes that (re)load the model, catalog or assistant when they change. */
const LOADING = ['model', 'integrity', 'catalog', 'faq', 'assistant'];
let nextId = 0;

export class CreditAdvisor extends HTMLElement {
  static observedAttributes = [...LOADING, 'lang'];
  #root = this.attachShadow({ mode: 'open' });
  // The stylesheet link stays put across renders (re-creating it would refetch the CSS).
  #view = this.#root.appendChild(document.createElement('div'));
  #uid = `ca${nextId++}`;
  #advisor = null;
  /** Whether the full module has taken over (`advisor-ready`); the form and a first result work
   * before it. */
  #ready = false;
  #loading = null;
  #loadQueued = false;
  /** The applicant's session with the loaded advisor (null before it loads). */
  #s = null;
  /** The assistant: its panel module and readiness (null when off), and the conversation. */
  #assistant = null;
  #chat = [];
  /** What the views call back. */
  #on = {
    edited: (f, value) => this.#edited(f, value),
    answered: (key, value) => this.#answered(key, value),
    review: () => this.#toReview(),
    edit: () => this.#toForm(),
    confirm: () => this.#toResult(),
  };

  get #lang() {
    return pickLang(this.getAttribute('lang'));
  }
  get #t() {
    return UI[this.#lang];
  }
  /** The loaded advisor (see advisor.d.ts), or null before `advisor-ready`. */
  get advisor() {
    return this.#ready ? this.#advisor : null;
  }
  /** Resolves once the assistant (module, catalog, FAQ) is ready in the background, or is off. */
  get assistantReady() {
    return this.#assistant?.ready ?? Promise.resolve();
  }

  connectedCallback() {
    if (!this.#advisor && !this.#loading) this.#queueLoad();
  }

  attributeChangedCallback(name, old, value) {
    if (old === value || !this.isConnected) return;
    if (LOADING.includes(name)) this.#queueLoad();
    else if (name === 'lang' && this.#advisor) {
      if (this.#s.stage === 'result') this.#score();
      this.#render();
    }
  }

  /** One load for the attributes changed in one task: an upgraded element gets a change per
   * attribute (model, catalog, …) and each would otherwise download everything again. */
  #queueLoad() {
    if (this.#loadQueued) return;
    this.#loadQueued = true;
    queueMicrotask(() => {
      this.#loadQueued = false;
      if (this.isConnected) this.#load();
    });
  }

  // The form comes up on the scorer (load's `progressive`: schema, validate, the
  // questionnaire) while the full module loads, and so does a first result (score, band,
  // reasons); what-if, products, the catalog, `advisor-ready`, `advisor-score` and the assistant
  // wait for it.
  async #load() {
    const url = this.getAttribute('model');
    this.#advisor = null;
    this.#ready = false;
    this.#renderStatus(this.#t.loading, true);
    if (!url) return this.#fail({ code: 'BAD_INPUT', message: 'credit-advisor: the `model` attribute is missing', field: 'model' });
    const loading = (this.#loading = load(url, { integrity: this.getAttribute('integrity') || undefined, progressive: true }));
    const catalog = fetchCatalog(this, API, () => loading.then((advisor) => advisor.complete));
    try {
      const advisor = await loading;
      if (this.#loading !== loading) return; // superseded by a newer `model`
      this.#advisor = advisor;
      this.#s = new Session(advisor, !!catalog, this.#s?.answers);
      this.#render();
      performance.mark?.('advisor-interactive');
      await this.#complete(advisor, catalog, loading);
    } catch (e) {
      if (this.#loading === loading) this.#fail(e);
    } finally {
      if (this.#loading === loading) this.#loading = null;
    }
  }

  /** Once the full module is in: the catalog (checked against the model), `advisor-ready`,
   * then the assistant. A failure fails the load, as it did before the form. */
  async #complete(advisor, catalog, loading) {
    await advisor.complete;
    if (this.#loading !== loading) return;
    if (catalog) {
      await useCatalog(advisor, catalog, {
        attached: () => { if (this.#advisor === advisor && this.#s.stage === 'result' && this.#score()) this.#render(); },
        failed: (e) => { if (this.#advisor === advisor) this.#emitError(e); },
      });
    }
    this.#ready = true;
    emit(this, 'advisor-ready', advisor.info());
    // A result shown from the scorer gets its what-if and products.
    if (this.#s.stage === 'result' && !this.#s.result?.whatIf && this.#score()) this.#renderResult();
    this.#prepareAssistant(advisor, catalog);
  }

  #prepareAssistant(advisor, catalog) {
    this.#chat = [];
    if (this.getAttribute('assistant') === 'off') return (this.#assistant = null);
    const modules = { importPanel: () => import('./assistant-panel.js'), importAssistant: () => import('./assistant.js') };
    this.#assistant = loadAssistant(this, advisor, catalog, API, modules, {
      loaded: () => { if (this.#advisor === advisor && this.#s.stage === 'result') this.#render(); },
      failed: (e) => { if (this.#advisor === advisor) this.#emitError(e); },
    });
  }

  #assistantEl() {
    const { result } = this.#s;
    if (!result) return null;
    const ask = (q) => this.#assistant.ask(q, { lang: this.#lang, applicant: result.applicant, answers: this.#s.answersObject(this.#lang) });
    return this.#assistant?.view({ h, lang: this.#lang, uid: this.#uid, log: this.#chat, ask }) ?? null;
  }

  #fail(e) {
    this.#renderStatus(`${this.#t.loadFailed} (${e.code ?? 'ERROR'})`, false);
    this.#emitError(e);
  }

  #emitError(e) {
    emit(this, 'advisor-error', { code: e.code ?? 'INTERNAL', field: e.field ?? null, message: e.message ?? String(e) });
  }

  #shell(...content) {
    if (!this.#root.querySelector('link')) this.#root.prepend(h('link', { rel: 'stylesheet', href: CSS_URL }));
    const frame = { t: this.#t, lang: this.#lang, uid: this.#uid };
    this.#view.replaceChildren(shellView(frame, (code) => this.setAttribute('lang', code), ...content));
  }

  #renderStatus(text, busy) {
    this.#shell(h('p', { class: 'status', role: 'status', 'aria-busy': String(busy) }, text));
  }

  /** What the views show: the session at this moment, its texts, and what they call back. */
  #state() {
    const s = this.#s;
    return {
      t: this.#t, lang: this.#lang, uid: this.#uid, schema: s.schema(this.#lang), stage: s.stage, catalog: s.catalog, values: s.values,
      problems: s.problems, applicant: s.applicant(this.#lang), questionnaire: s.questionnaire(this.#lang), answers: s.answers, result: s.result, on: this.#on,
    };
  }

  #render() {
    if (!this.#advisor) return this.#load();
    const v = this.#state();
    const stage = { form: [], review: [reviewView(v)], result: [resultView(v), this.#assistantEl()] }[v.stage];
    this.#shell(formView(v), ...stage);
  }

  #renderResult() {
    this.#root.querySelector('[part="result"]')?.replaceWith(resultView(this.#state()));
  }

  /** Scores the session's applicant and emits `advisor-score` (once the full module is in:
   * before, the result is the report alone), or `advisor-error` and false. */
  #score() {
    try {
      const result = this.#s.score(this.#lang, this.#ready);
      if (this.#ready) emit(this, 'advisor-score', result);
      return true;
    } catch (e) {
      this.#emitError(e);
      return false;
    }
  }

  #focus(selector) {
    queueMicrotask(() => this.#root.querySelector(selector)?.focus());
  }

  #toReview() {
    if (!this.#s.validate(this.#lang)) {
      this.#render();
      return this.#focus(`[name="${CSS.escape([...this.#s.problems.keys()][0] ?? '')}"]`);
    }
    this.#s.stage = 'review';
    this.#render();
    this.#focus(`#${this.#uid}-review`);
  }

  #toForm() {
    this.#s.stage = 'form';
    this.#render();
    this.#focus('input, select');
  }

  #toResult() {
    // Before the full module is in (it usually is, long before), the scorer gives the score and
    // its reasons; #complete adds what-if and products.
    if (!this.#s.validate(this.#lang) || !this.#score()) return this.#toForm();
    this.#s.stage = 'result';
    this.#render();
    this.#focus(`#${this.#uid}-result`);
  }

  // A field changed: keep the value; once a result is shown (or the field has a message),
  // re-check and re-score live. Only what changed is updated, so typing stays fast and the
  // field keeps its focus and caret.
  #edited(f, value) {
    const s = this.#s;
    s.values[f.name] = value;
    if (s.stage !== 'result' && !s.problems.has(f.name)) return;
    s.validate(this.#lang);
    showProblems(this.#root, this.#state());
    if (s.stage === 'result') {
      if (s.problems.size === 0) this.#score();
      this.#renderResult();
    }
  }

  #answered(key, value) {
    this.#s.answers[key] = value;
    if (this.#s.stage === 'result' && this.#score()) this.#renderResult();
  }
}

// `model`, `catalog`, `faq` and `integrity` as properties reflecting their attributes (`lang` is
// every element's own).
for (const name of ['model', 'catalog', 'faq', 'integrity']) {
  Object.defineProperty(CreditAdvisor.prototype, name, {
    get() { return this.getAttribute(name); },
    set(value) { if (value == null) this.removeAttribute(name); else this.setAttribute(name, value); },
    configurable: true,
  });
}

if (!customElements.get('credit-advisor')) customElements.define('credit-advisor', CreditAdvisor);
