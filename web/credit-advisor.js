// <credit-advisor>: the advisor as an embeddable custom element. One ES module, no globals
// (beyond registering the element). Everything is computed on this device.
//
//   <script type="module" src="credit-advisor.js"></script>
//   <credit-advisor model="models/german_credit/manifest.json" lang="en"></credit-advisor>
//
// Attributes: model (bundle manifest URL), lang (en | zh-CN), integrity (sha256 of the manifest),
// catalog (product catalog URL: products under the result), faq (the lender's FAQ for the
// assistant under the result; assistant="off" leaves the assistant out). Events: advisor-ready,
// advisor-score ({ report, whatIf, applicant }), advisor-error ({ code, field, message }).
// Theming: CSS custom properties (--advisor-*) and ::part(). See web/examples/README.md.
import { downloadBundle, load } from './advisor.js';

const UI = {
  en: {
    title: 'Credit check',
    privacy: 'Private by design: nothing you enter leaves this device. The model runs in your browser.',
    loading: 'Loading the model…',
    loadFailed: 'The model could not be loaded.',
    language: 'Language',
    groups: { loan: 'Your loan', finances: 'Your finances', history: 'Your credit history', employment: 'Work and income', personal: 'About you', housing: 'Home and property', other: 'Other details' },
    optional: '(optional)',
    choose: 'Choose…',
    example: (v) => `e.g. ${v}`,
    review: 'Review my answers',
    reviewTitle: 'Check your answers',
    reviewHelp: 'Please check these before we calculate your result. You can still change them afterwards.',
    notGiven: 'Not given',
    edit: 'Change answers',
    confirm: 'Confirm and see my result',
    errorsSummary: (n) => (n === 1 ? 'There is 1 problem with your answers.' : `There are ${n} problems with your answers.`),
    err: {
      MISSING_FIELD: 'Please fill in this field.',
      WRONG_TYPE: (f) => (f.categories.length ? 'Please choose one of the options.' : f.integer ? 'Please enter a whole number, using digits only.' : 'Please enter a number, using digits only.'),
      NOT_FINITE: 'Please enter a number, using digits only.',
      OUT_OF_RANGE: (f) => `Please enter a number from ${f.min ?? '…'} to ${f.max ?? '…'}.`,
      UNKNOWN_CATEGORY: 'Please choose one of the options.',
      TOO_LONG: 'This answer is too long.',
      other: 'This answer cannot be used.',
    },
    resultTitle: 'Your result',
    score: 'Score',
    scoreOf: (s, lo, hi) => `Score ${s} on a scale from ${lo} to ${hi}`,
    band: 'Risk band',
    probability: 'Estimated chance of repayment problems',
    decisionLabel: 'Outcome',
    decision: { approve: 'Likely to be approved', refer: 'Needs a closer look by the lender', decline: 'Likely to be declined' },
    reasonsTitle: 'What lowered your score',
    noReasons: 'Nothing in your answers lowered your score noticeably.',
    points: (p) => `−${p} points`,
    adviceTitle: 'What would improve it',
    adviceTarget: (band, score) => `To reach band ${band} (score ${score} or more), any one of these would do:`,
    adviceNone: 'No single change to the things you can act on reaches the next band.',
    adviceMost: 'These single changes would raise your score the most:',
    adviceBest: 'You are already in the best band.',
    change: (c) => `${c.label}: from ${c.from} to ${c.to}`,
    changeResult: (c) => `score ${c.score}, band ${c.band}`,
    stale: 'Fix the marked answers to update your result.',
    warnings: 'Notes',
    investing: 'Investing (optional): answer all five to see investment funds',
    productsTitle: 'Products for you',
    noProducts: 'No product in this catalog fits your answers yet.',
    notEligibleTitle: (n) => `Products you do not qualify for (${n})`,
    riskClass: (c) => `Your investment risk class: ${c} of 7`,
  },
  'zh-CN': {
    title: '信用评估',
    privacy: '隐私优先：您输入的任何内容都不会离开本设备，模型在您的浏览器中运行。',
    loading: '正在加载模型…',
    loadFailed: '无法加载模型。',
    language: '语言',
    groups: { loan: '您的贷款', finances: '您的财务状况', history: '您的信用记录', employment: '工作与收入', personal: '个人信息', housing: '住房与财产', other: '其他信息' },
    optional: '（选填）',
    choose: '请选择…',
    example: (v) => `例如 ${v}`,
    review: '检查我的回答',
    reviewTitle: '请核对您的回答',
    reviewHelp: '计算结果前请先核对以下内容，之后仍可修改。',
    notGiven: '未提供',
    edit: '修改回答',
    confirm: '确认并查看结果',
    errorsSummary: (n) => `您的回答中有 ${n} 处问题。`,
    err: {
      MISSING_FIELD: '请填写此项。',
      WRONG_TYPE: (f) => (f.categories.length ? '请选择其中一个选项。' : f.integer ? '请输入整数（仅限数字）。' : '请输入数字（仅限数字）。'),
      NOT_FINITE: '请输入数字（仅限数字）。',
      OUT_OF_RANGE: (f) => `请输入 ${f.min ?? '…'} 到 ${f.max ?? '…'} 之间的数字。`,
      UNKNOWN_CATEGORY: '请选择其中一个选项。',
      TOO_LONG: '此回答过长。',
      other: '此回答无法使用。',
    },
    resultTitle: '您的结果',
    score: '评分',
    scoreOf: (s, lo, hi) => `评分 ${s}（范围 ${lo} 至 ${hi}）`,
    band: '风险等级',
    probability: '预计出现还款问题的概率',
    decisionLabel: '结论',
    decision: { approve: '很可能获批', refer: '需要贷款机构进一步审核', decline: '很可能被拒绝' },
    reasonsTitle: '降低您评分的因素',
    noReasons: '您的回答中没有明显降低评分的因素。',
    points: (p) => `−${p} 分`,
    adviceTitle: '如何提高评分',
    adviceTarget: (band, score) => `要达到 ${band} 级（评分 ${score} 或以上），以下任意一项即可：`,
    adviceNone: '在您可以改变的因素中，没有单项改变能达到更高等级。',
    adviceMost: '以下单项改变最能提高您的评分：',
    adviceBest: '您已处于最佳等级。',
    change: (c) => `${c.label}：由 ${c.from} 改为 ${c.to}`,
    changeResult: (c) => `评分 ${c.score}，等级 ${c.band}`,
    stale: '请修正标出的回答以更新结果。',
    warnings: '说明',
    investing: '投资（选填）：回答全部五个问题即可查看投资基金',
    productsTitle: '适合您的产品',
    noProducts: '目录中暂无符合您回答的产品。',
    notEligibleTitle: (n) => `您暂不符合条件的产品（${n}）`,
    riskClass: (c) => `您的投资风险等级：${c}（共 7 级）`,
  },
};

const CSS_URL = new URL('./credit-advisor.css', import.meta.url).href;
const SVG = 'http://www.w3.org/2000/svg';
let nextId = 0;

/** Creates an element: h('p', { class: 'x', part: 'y' }, 'text', child…). */
function h(tag, attrs = {}, ...children) {
  const el = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c != null && c !== false) el.append(c);
  return el;
}

const fmt = (n, d = 0) => Number(n).toFixed(d);

export class CreditAdvisor extends HTMLElement {
  static observedAttributes = ['model', 'lang', 'integrity', 'catalog', 'faq', 'assistant'];
  #root = this.attachShadow({ mode: 'open' });
  // The stylesheet link stays put across renders (re-creating it would refetch the CSS).
  #view = this.#root.appendChild(document.createElement('div'));
  #uid = `ca${nextId++}`;
  #advisor = null;
  #loading = null;
  #values = {};
  #stage = 'form'; // form → review → result
  #problems = new Map();
  #result = null;
  #schemaCache = null;
  #catalog = false; // true once a catalog is loaded
  #answers = {};
  #loadQueued = false;
  /** The assistant: its panel module and readiness (null when off), and the conversation. */
  #assistant = null;
  #chat = [];

  get #lang() {
    return this.getAttribute('lang') === 'zh-CN' ? 'zh-CN' : 'en';
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
    if (name === 'model' || name === 'integrity' || name === 'catalog' || name === 'faq' || name === 'assistant') this.#queueLoad();
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
    // The catalog downloads while the model loads.
    const catalogUrl = this.getAttribute('catalog');
    const catalog = this.#fetchAttribute('catalog');
    // Propensity models the catalog attaches to products, downloaded from beside it as soon as
    // the catalog is in (while the model may still be loading).
    const propensity = catalog?.then((bytes) => {
      const base = new URL(catalogUrl, document.baseURI);
      const products = JSON.parse(new TextDecoder().decode(bytes)).products ?? [];
      return Promise.all(products.filter((p) => p.propensity_model)
        .map(async (p) => [p.id, await downloadBundle(new URL(p.propensity_model, base))]));
    });
    for (const p of [catalog, propensity]) p?.catch(() => {}); // reported below, once the model is in
    try {
      const advisor = await loading;
      if (this.#loading !== loading) return; // superseded by a newer `model`
      this.#catalog = false;
      if (catalog) {
        advisor.setCatalog(await catalog);
        this.#catalog = true;
        // Propensity models attach in the background, so the form does not wait for them; a
        // result already on screen is re-ranked once they are in. One that fails is reported
        // (`advisor-error`) and its product keeps the catalog's fallback ranking.
        propensity.then(async (list) => {
          for (const [id, bundle] of list) await advisor.setPropensityModel(id, bundle);
        }).then(
          () => { if (this.#advisor === advisor && this.#stage === 'result' && this.#score()) this.#render(); },
          (e) => { if (this.#advisor === advisor) this.#emitError(e); },
        );
      }
      this.#advisor = advisor;
      this.#values = {};
      this.#stage = 'form';
      this.#render();
      performance.mark?.('advisor-interactive');
      this.dispatchEvent(new CustomEvent('advisor-ready', { bubbles: true, composed: true, detail: advisor.info() }));
      this.#prepareAssistant(advisor);
    } catch (e) {
      if (this.#loading === loading) this.#fail(e);
    } finally {
      if (this.#loading === loading) this.#loading = null;
    }
  }

  /** The bytes at the URL an attribute (`catalog`, `faq`) names, or null without one. */
  #fetchAttribute(name) {
    const url = this.getAttribute(name);
    if (!url) return null;
    return fetch(new URL(url, document.baseURI)).then(async (res) => {
      if (!res.ok) throw Object.assign(new Error(`${name}: HTTP ${res.status}`), { code: 'FETCH_FAILED', field: name });
      return new Uint8Array(await res.arrayBuffer());
    });
  }

  /** Loads the assistant in the background once the form is up: its panel, its module and
   * the FAQ (the catalog is already in). The first score never waits for it; a failure is reported and the
   * result simply has no assistant. */
  #prepareAssistant(advisor) {
    this.#chat = [];
    if (this.getAttribute('assistant') === 'off') return (this.#assistant = null);
    const state = { panel: null, ready: null };
    state.ready = Promise.all([import('./assistant-panel.js'), this.#fetchAttribute('faq')])
      .then(async ([panel, faqBytes]) => {
        await advisor.loadAssistant();
        if (faqBytes) await advisor.setFaq(faqBytes);
        state.panel = panel;
        if (this.#advisor === advisor && this.#stage === 'result') this.#render();
      })
      .catch((e) => { if (this.#advisor === advisor) this.#emitError(e); });
    this.#assistant = state;
  }

  #assistantEl() {
    const panel = this.#assistant?.panel;
    if (!panel || !this.#result) return null;
    return panel.assistantPanel({
      h, lang: this.#lang, uid: this.#uid, log: this.#chat,
      ask: (q) => this.#advisor.ask(q, { lang: this.#lang, applicant: this.#result.applicant, answers: this.#answersObject() }),
    });
  }

  #fail(e) {
    this.#renderStatus(`${this.#t.loadFailed} (${e.code ?? 'ERROR'})`, false);
    this.#emitError(e);
  }

  #emitError(e) {
    const detail = { code: e.code ?? 'INTERNAL', field: e.field ?? null, message: e.message ?? String(e) };
    this.dispatchEvent(new CustomEvent('advisor-error', { bubbles: true, composed: true, detail }));
  }

  #shell(...content) {
    const t = this.#t;
    const langButton = (code, label) =>
      h('button', { type: 'button', lang: code, part: 'lang-button', 'aria-pressed': String(this.#lang === code), onclick: () => this.setAttribute('lang', code) }, label);
    if (!this.#root.querySelector('link')) this.#root.prepend(h('link', { rel: 'stylesheet', href: CSS_URL }));
    this.#view.replaceChildren(
      h('section', { class: 'advisor', part: 'container', 'aria-labelledby': `${this.#uid}-title`, lang: this.#lang },
        h('header', { part: 'header' },
          h('h2', { id: `${this.#uid}-title` }, t.title),
          h('div', { role: 'group', 'aria-label': t.language, class: 'langs' }, langButton('en', 'English'), langButton('zh-CN', '中文'))),
        h('p', { class: 'privacy', part: 'privacy' }, t.privacy),
        ...content));
  }

  #renderStatus(text, busy) {
    this.#shell(h('p', { class: 'status', role: 'status', 'aria-busy': String(busy) }, text));
  }

  /** The applicant as the API takes it: texts as typed, empty → null. */
  #applicant() {
    const a = {};
    for (const f of this.#schema().fields) {
      const v = (this.#values[f.name] ?? '').trim();
      a[f.name] = v === '' ? null : v;
    }
    return a;
  }

  #message(p, field) {
    const m = this.#t.err[p.code] ?? this.#t.err.other;
    return typeof m === 'function' ? m(field) : m;
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

  #render() {
    if (!this.#advisor) return this.#load();
    const t = this.#t;
    const schema = this.#schema();
    const id = (f, s = '') => `${this.#uid}-${f.name}${s}`;

    // The form, grouped, built from the model's schema.
    const groups = new Map();
    for (const f of schema.fields) {
      const g = f.group ?? 'other';
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(f);
    }
    const fieldEl = (f) => {
      const problem = this.#problems.get(f.name);
      const describedBy = [f.hint && id(f, '-hint'), problem && id(f, '-error')].filter(Boolean).join(' ') || false;
      const common = { id: id(f), name: f.name, part: 'input', 'aria-invalid': String(!!problem), 'aria-describedby': describedBy, 'aria-required': String(f.required) };
      const value = this.#values[f.name] ?? '';
      let input;
      if (f.categories.length) {
        input = h('select', common, h('option', { value: '' }, t.choose),
          f.categories.map((c) => h('option', { value: c.value, selected: c.value === value }, c.label)));
      } else {
        input = h('input', { ...common, type: 'text', inputmode: f.integer && (f.min ?? 0) >= 0 ? 'numeric' : 'decimal', autocomplete: 'off', value,
          placeholder: f.typical != null ? t.example(f.integer ? fmt(f.typical) : fmt(f.typical, 2)) : false });
      }
      input.addEventListener('input', () => this.#edited(f, input.value));
      input.addEventListener('change', () => this.#edited(f, input.value));
      return h('div', { class: problem ? 'field invalid' : 'field', part: 'field' },
        h('label', { for: id(f) }, f.label, f.unit ? h('span', { class: 'unit' }, ` (${f.unit})`) : null, f.required ? null : h('span', { class: 'optional' }, ` ${t.optional}`)),
        f.hint ? h('p', { class: 'hint', id: id(f, '-hint') }, f.hint) : null,
        input,
        h('p', { class: 'error', id: id(f, '-error'), hidden: !problem, part: 'error' }, problem ? this.#message(problem, f) : ''));
    };
    const summary = this.#problems.size && this.#stage === 'form'
      ? h('p', { class: 'summary', role: 'alert', id: `${this.#uid}-summary` }, t.errorsSummary(this.#problems.size))
      : null;
    const form = h('form', { part: 'form', novalidate: true, 'aria-labelledby': `${this.#uid}-title`, onsubmit: (e) => { e.preventDefault(); this.#toReview(); } },
      summary,
      [...groups].map(([g, fields]) => h('fieldset', { part: 'group' }, h('legend', {}, t.groups[g] ?? g), fields.map(fieldEl))),
      this.#catalog ? this.#questionnaireEl() : null,
      this.#stage === 'form' ? h('div', { class: 'actions' }, h('button', { type: 'submit', part: 'button primary' }, t.review)) : null);

    const parts = [form];
    if (this.#stage === 'review') parts.push(this.#reviewEl(schema));
    if (this.#stage === 'result') parts.push(this.#resultEl(schema), this.#assistantEl());
    this.#shell(...parts);
  }

  #questionnaireEl() {
    const t = this.#t;
    return h('fieldset', { part: 'group', class: 'questionnaire' }, h('legend', {}, t.investing),
      this.#advisor.questionnaire(this.#lang).map((q) => {
        const id = `${this.#uid}-q-${q.key}`;
        const select = h('select', { id, name: `q-${q.key}`, part: 'input' }, h('option', { value: '' }, t.choose),
          q.options.map((o, i) => h('option', { value: String(i), selected: String(i) === this.#answers[q.key] }, o)));
        select.addEventListener('change', () => {
          this.#answers[q.key] = select.value;
          if (this.#stage === 'result' && this.#score()) this.#root.querySelector('[part="result"]')?.replaceWith(this.#resultEl(this.#schema()));
        });
        return h('div', { class: 'field', part: 'field' }, h('label', { for: id }, q.question), select);
      }));
  }

  /** All five answers as option indices, or null while any is unanswered. */
  #answersObject() {
    const keys = this.#advisor.questionnaire(this.#lang).map((q) => q.key);
    if (!keys.every((k) => (this.#answers[k] ?? '') !== '')) return null;
    return Object.fromEntries(keys.map((k) => [k, Number(this.#answers[k])]));
  }

  #productsEl() {
    const t = this.#t;
    const r = this.#result?.products;
    if (!r) return null;
    const card = (p) => h('li', { part: 'product', class: 'product', 'data-product': p.id },
      h('h5', {}, p.name), h('p', { class: 'muted' }, p.summary), h('ul', {}, p.reasons.map((x) => h('li', {}, x))));
    return h('section', { part: 'products', class: 'products', 'aria-labelledby': `${this.#uid}-products` },
      h('h4', { id: `${this.#uid}-products` }, t.productsTitle),
      r.client_risk_class != null ? h('p', {}, t.riskClass(r.client_risk_class)) : null,
      r.eligible.length ? h('ul', { class: 'cards' }, r.eligible.map(card)) : h('p', {}, t.noProducts),
      r.ineligible.length ? h('details', {}, h('summary', {}, t.notEligibleTitle(r.ineligible.length)),
        h('ul', {}, r.ineligible.map((x) => h('li', { 'data-product': x.id }, `${x.name} — ${x.reason}`)))) : null);
  }

  #reviewEl(schema) {
    const t = this.#t;
    const a = this.#applicant();
    const shown = (f) => {
      const v = a[f.name];
      if (v == null) return t.notGiven;
      if (f.categories.length) return f.categories.find((c) => c.value === v)?.label ?? v;
      return f.unit ? `${v} ${f.unit}` : v;
    };
    return h('section', { class: 'review', part: 'review', 'aria-labelledby': `${this.#uid}-review` },
      h('h3', { id: `${this.#uid}-review`, tabindex: '-1' }, t.reviewTitle),
      h('p', {}, t.reviewHelp),
      h('dl', {}, schema.fields.map((f) => [h('dt', {}, f.label), h('dd', {}, shown(f))])),
      h('div', { class: 'actions' },
        h('button', { type: 'button', part: 'button', onclick: () => this.#toForm() }, t.edit),
        h('button', { type: 'button', part: 'button primary', onclick: () => this.#toResult() }, t.confirm)));
  }

  #resultEl(schema) {
    const t = this.#t;
    const r = this.#result;
    if (!r) return null;
    const { report, whatIf } = r;
    const [lo, hi] = schema.score_range;
    const frac = Math.max(0, Math.min(1, (report.score - lo) / (hi - lo)));
    const arc = 'M 10 100 A 90 90 0 0 1 190 100';
    const gauge = h('svg:svg', { viewBox: '0 0 200 110', class: 'gauge', part: 'gauge', role: 'img', 'aria-label': t.scoreOf(fmt(report.score), lo, hi) },
      h('svg:path', { d: arc, class: 'track', pathLength: 100 }),
      h('svg:path', { d: arc, class: `value band-${report.band.name}`, pathLength: 100, 'stroke-dasharray': `${fmt(frac * 100, 2)} 100` }),
      h('svg:text', { x: 100, y: 88, 'text-anchor': 'middle', class: 'gauge-score', 'aria-hidden': 'true' }, fmt(report.score)),
      h('svg:text', { x: 100, y: 106, 'text-anchor': 'middle', class: 'gauge-range', 'aria-hidden': 'true' }, `${lo}–${hi}`));
    const changeList = (list) => h('ul', { part: 'advice', class: 'advice' }, list.map((c) =>
      h('li', { 'data-field': c.field }, t.change(c), h('span', { class: 'muted' }, ` — ${t.changeResult({ ...c, score: fmt(c.score) })}`))));
    const advice = whatIf.target == null
      ? h('p', {}, t.adviceBest)
      : whatIf.changes.length
        ? [h('p', {}, t.adviceTarget(whatIf.target, fmt(whatIf.target_score))), changeList(whatIf.changes)]
        : [h('p', {}, t.adviceNone), whatIf.improvements.length ? [h('p', {}, t.adviceMost), changeList(whatIf.improvements)] : null];
    return h('section', { class: `result band-${report.band.name}`, part: 'result', 'aria-labelledby': `${this.#uid}-result`, 'aria-live': 'polite' },
      h('h3', { id: `${this.#uid}-result`, tabindex: '-1' }, t.resultTitle),
      this.#problems.size ? h('p', { class: 'summary', role: 'status' }, t.stale) : null,
      h('div', { class: 'headline' }, gauge,
        h('dl', { class: 'facts' },
          h('dt', {}, t.score), h('dd', { class: 'score' }, fmt(report.score)),
          h('dt', {}, t.band), h('dd', { class: 'band' }, `${report.band.name} · ${report.band.label}`),
          h('dt', {}, t.probability), h('dd', { class: 'probability' }, `${fmt(report.probability * 100, 1)}%`),
          h('dt', {}, t.decisionLabel), h('dd', { class: `decision ${report.decision}` }, t.decision[report.decision]))),
      h('h4', {}, t.reasonsTitle),
      report.reasons.length
        ? h('ol', { part: 'reasons', class: 'reasons' }, report.reasons.map((x) => h('li', { 'data-field': x.field }, x.text, h('span', { class: 'muted' }, ` (${t.points(fmt(x.points))})`))))
        : h('p', {}, t.noReasons),
      h('h4', {}, t.adviceTitle),
      advice,
      report.warnings.length ? [h('h4', {}, t.warnings), h('ul', { class: 'warnings' }, report.warnings.map((w) => h('li', {}, w.message)))] : null,
      this.#productsEl());
  }

  #score() {
    const a = this.#applicant();
    try {
      this.#result = { report: this.#advisor.score(a, { lang: this.#lang }), whatIf: this.#advisor.whatIf(a, { lang: this.#lang }), applicant: a };
      if (this.#catalog) this.#result.products = this.#advisor.recommend(a, this.#answersObject(), { lang: this.#lang });
    } catch (e) {
      this.#emitError(e);
      return false;
    }
    this.dispatchEvent(new CustomEvent('advisor-score', { bubbles: true, composed: true, detail: this.#result }));
    return true;
  }

  #focus(selector) {
    queueMicrotask(() => this.#root.querySelector(selector)?.focus());
  }

  #toReview() {
    if (!this.#validate()) {
      this.#render();
      const first = [...this.#problems.keys()][0];
      return this.#focus(`[name="${CSS.escape(first ?? '')}"]`);
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
    const schema = this.#schema();
    for (const field of schema.fields) this.#showProblem(field);
    const summary = this.#root.getElementById(`${this.#uid}-summary`);
    if (summary) {
      if (this.#problems.size) summary.textContent = this.#t.errorsSummary(this.#problems.size);
      else summary.remove();
    }
    if (this.#stage === 'result') {
      if (this.#problems.size === 0) this.#score();
      this.#root.querySelector('[part="result"]')?.replaceWith(this.#resultEl(schema));
    }
  }

  // Puts a field's message (or its absence) in place: text, visibility, ARIA state.
  #showProblem(f) {
    const input = this.#root.getElementById(`${this.#uid}-${f.name}`);
    const error = this.#root.getElementById(`${this.#uid}-${f.name}-error`);
    if (!input || !error) return;
    const problem = this.#problems.get(f.name);
    const text = problem ? this.#message(problem, f) : '';
    if (error.textContent !== text) error.textContent = text;
    error.hidden = !problem;
    input.setAttribute('aria-invalid', String(!!problem));
    const ids = [f.hint && `${this.#uid}-${f.name}-hint`, problem && error.id].filter(Boolean).join(' ');
    if (ids) input.setAttribute('aria-describedby', ids);
    else input.removeAttribute('aria-describedby');
    input.closest('.field')?.classList.toggle('invalid', !!problem);
  }
}

if (!customElements.get('credit-advisor')) customElements.define('credit-advisor', CreditAdvisor);
