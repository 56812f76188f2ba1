// What a product team writes against the package's types: `tsc -p tests/types` must accept every
// line, and each `@ts-expect-error` line must be an error (so the types cannot silently become
// `any`). Type-checked only, never run.
import { load, downloadBundle, type Advisor, type Applicant, type Report, type Lang, type AssistantAnswer } from '../../web/advisor.js';
import { load as loadCore } from '../../web/advisor-core.js';
import type { CreditAdvisor, AdvisorScoreDetail, AdvisorErrorDetail } from '../../web/credit-advisor.js';

export async function api(): Promise<number> {
  const advisor: Advisor = await load('models/german_credit/manifest.json', { integrity: 'abc' });
  const lang: Lang = 'zh-CN';
  const schema = advisor.schema(lang);
  const applicant: Applicant = Object.fromEntries(schema.fields.map((f) => [f.name, f.typical ?? null]));
  const report: Report = advisor.score(applicant, { lang });
  const first = report.reasons[0]?.text ?? '';
  const whatIf = advisor.whatIf(applicant);
  const target: string | null = whatIf.target;
  const problems = advisor.validate(applicant).map((p) => `${p.code} ${p.field ?? ''}`);
  const batch = advisor.scoreBatch([applicant]).map((q) => q.decision);
  advisor.setCatalog('{"products": []}');
  const recs = advisor.recommend(applicant, { objective: 1, horizon: 1, risk_tolerance: 1, capacity_for_loss: 1, knowledge: 1 }, { lang });
  const names = recs.eligible.map((r) => r.name).concat(recs.ineligible.map((x) => x.reason));
  const answer: AssistantAnswer = await advisor.ask('Why is my score low?', { lang, applicant });
  const zh: string | undefined = schema.fields[0]?.display['zh-CN'];
  const bundle = await downloadBundle(new URL('https://example.org/m/manifest.json'));
  const p: Float32Array = advisor.predictRaw(new Float32Array(schema.fields.length));
  const quick = await loadCore('models/german_credit/manifest.json', { progressive: true, scoreWasm: 'pkg-score/advisor-score_bg.wasm' });
  const firstScore: number = quick.score(applicant).score;
  await quick.complete;
  // @ts-expect-error: complete is a promise, not a function
  quick.complete();
  // @ts-expect-error: a language the advisor does not speak
  advisor.score(applicant, { lang: 'fr' });
  // @ts-expect-error: a decision is one of three words
  const d: 'yes' = report.decision;
  return firstScore + first.length + (target ?? '').length + problems.length + batch.length + names.length + answer.suggestions.length
    + (zh ?? '').length + bundle.graph.length + p.length + d.length + report.score;
}

// The first score's module: the same scoring API, no assistant.
export async function core(): Promise<number> {
  const advisor = await loadCore('models/german_credit/manifest.json');
  const report = advisor.score({ duration: 24 });
  // @ts-expect-error: the assistant is in advisor.js
  await advisor.ask('Why is my score low?');
  return report.score;
}

export function element(): void {
  const el = document.createElement('credit-advisor');
  const typed: CreditAdvisor = el;
  typed.model = 'models/german_credit/manifest.json';
  typed.catalog = null;
  typed.faq = 'faqs/german_credit.json';
  typed.lang = 'zh-CN';
  const ready: Promise<void> = typed.assistantReady;
  el.addEventListener('advisor-score', (e) => {
    const detail: AdvisorScoreDetail = e.detail;
    console.log(detail.report.band.label, detail.whatIf.changes.length, ready);
  });
  el.addEventListener('advisor-error', (e) => {
    const detail: AdvisorErrorDetail = e.detail;
    console.log(detail.code, detail.field);
  });
  el.addEventListener('advisor-ready', (e) => console.log(e.detail.runtime, e.detail.metrics?.auc));
  // @ts-expect-error: `advisor` is read-only
  typed.advisor = null;
}
