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
import { load } from './advisor.js';
import { h, emit } from './widget/dom.js';
import { UI, pickLang } from './widget/strings.js';
import { shellView } from './widget/shell.js';
import { formView, showProblems } from './widget/form.js';
import { answersObject } from './widget/questionnaire.js';
import { reviewView } from './widget/review.js';
import { resultView } from './widget/result.js';
import { fetchCatalog, loadAssistant, useCatalog } from './widget/sources.js';

const CSS_URL = new URL('./credit-advisor.css', import.meta.url).href;
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
  #loading = null;
  #loadQueued = false;
  #values = {};
  #stage = 'form'; // form → review → result
  #problems = new Map();
  #result = null;
  #schemaCache = null;
  #catalog = false; // true once a catalog is loaded
  #answers = {};
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
    return this.#advisor;
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
      if (this.#stage === 'result') this.#score();
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

  async #load() {
    const url = this.getAttribute('model');
    this.#advisor = null;
    this.#renderStatus(this.#t.loading, true);
    if (!url) return this.#fail({ code: 'BAD_INPUT', message: 'credit-advisor: the `model` attribute is missing', field: 'model' });
    const loading = (this.#loading = load(url, { integrity: this.getAttribute('integrity') || undefined }));
    const catalog = fetchCatalog(this); // downloads while the model loads
    try {
      const advisor = await loading;
      if (this.#loading !== loading) return; // superseded by a newer `model`
      this.#catalog = false;
      if (catalog) {
        await useCatalog(advisor, catalog, {
          attached: () => { if (this.#advisor === advisor && this.#stage === 'result' && this.#score()) this.#render(); },
          failed: (e) => { if (this.#advisor === advisor) this.#emitError(e); },
        });
        this.#catalog = true;
      }
      this.#advisor = advisor;
      this.#values = {};
      this.#stage = 'form';
      this.#render();
      performance.mark?.('advisor-interactive');
      emit(this, 'advisor-ready', advisor.info());
      this.#prepareAssistant(advisor);
    } catch (e) {
      if (this.#loading === loading) this.#fail(e);
    } finally {
      if (this.#loading === loading) this.#loading = null;
    }
  }

  #prepareAssistant(advisor) {
    this.#chat = [];
    if (this.getAttribute('assistant') === 'off') return (this.#assistant = null);
    this.#assistant = loadAssistant(this, advisor, {
      loaded: () => { if (this.#advisor === advisor && this.#stage === 'result') this.#render(); },
      failed: (e) => { if (this.#advisor === advisor) this.#emitError(e); },
    });
  }

  #assistantEl() {
    if (!this.#result) return null;
    const ask = (q) => this.#advisor.ask(q, { lang: this.#lang, applicant: this.#result.applicant, answers: this.#answersObject() });
    return this.#assistant?.view({ lang: this.#lang, uid: this.#uid, log: this.#chat, ask }) ?? null;
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

  /** The applicant as the API takes it: texts as typed, empty → null. */
  #applicant() {
    return Object.fromEntries(this.#schema().fields.map((f) => [f.name, (this.#values[f.name] ?? '').trim() || null]));
  }

  #validate() {
    this.#problems = new Map(this.#advisor.validate(this.#applicant()).map((p) => [p.field, p]));
    return this.#problems.size === 0;
  }

  #schema() {
    if (this.#schemaCache?.lang !== this.#lang || this.#schemaCache.advisor !== this.#advisor) {
      this.#schemaCache = { lang: this.#lang, advisor: this.#advisor, schema: this.#advisor.schema(this.#lang) };
    }
    return this.#schemaCache.schema;
  }

  #questionnaire() {
    return this.#catalog ? this.#advisor.questionnaire(this.#lang) : [];
  }

  #answersObject() {
    return answersObject(this.#questionnaire(), this.#answers);
  }

  /** What the views show: the state of this moment, its texts, and what they call back. */
  #state() {
    return {
      t: this.#t, lang: this.#lang, uid: this.#uid, schema: this.#schema(), stage: this.#stage, catalog: this.#catalog,
      values: this.#values, problems: this.#problems, applicant: this.#applicant(), questionnaire: this.#questionnaire(),
      answers: this.#answers, result: this.#result, on: this.#on,
    };
  }

  #render() {
    if (!this.#advisor) return this.#load();
    const v = this.#state();
    const stage = { form: [], review: [reviewView(v)], result: [resultView(v), this.#assistantEl()] }[this.#stage];
    this.#shell(formView(v), ...stage);
  }

  #renderResult() {
    this.#root.querySelector('[part="result"]')?.replaceWith(resultView(this.#state()));
  }

  #score() {
    const a = this.#applicant();
    const lang = this.#lang;
    try {
      this.#result = { report: this.#advisor.score(a, { lang }), whatIf: this.#advisor.whatIf(a, { lang }), applicant: a };
      if (this.#catalog) this.#result.products = this.#advisor.recommend(a, this.#answersObject(), { lang });
    } catch (e) {
      this.#emitError(e);
      return false;
    }
    emit(this, 'advisor-score', this.#result);
    return true;
  }

  #focus(selector) {
    queueMicrotask(() => this.#root.querySelector(selector)?.focus());
  }

  #toReview() {
    if (!this.#validate()) {
      this.#render();
      return this.#focus(`[name="${CSS.escape([...this.#problems.keys()][0] ?? '')}"]`);
    }
    this.#stage = 'review';
    this.#render();
    this.#focus(`#${this.#uid}-review`);
  }

  #toForm() {
    this.#stage = 'form';
    this.#render();
    this.#focus('input, select');
  }

  #toResult() {
    if (!this.#validate() || !this.#score()) return this.#toForm();
    this.#stage = 'result';
    this.#render();
    this.#focus(`#${this.#uid}-result`);
  }

  // A field changed: keep the value; once a result is shown (or the field has a message),
  // re-check and re-score live. Only what changed is updated, so typing stays fast and the
  // field keeps its focus and caret.
  #edited(f, value) {
    this.#values[f.name] = value;
    if (this.#stage !== 'result' && !this.#problems.has(f.name)) return;
    this.#validate();
    showProblems(this.#root, this.#state());
    if (this.#stage === 'result') {
      if (this.#problems.size === 0) this.#score();
      this.#renderResult();
    }
  }

  #answered(key, value) {
    this.#answers[key] = value;
    if (this.#stage === 'result' && this.#score()) this.#renderResult();
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
