// The result view: the score on a gauge, band, chance of problems and outcome; the reasons that
// lowered the score; what would improve it (a pending note while the full module loads); notes
// on the input; then the products.
import { h, fmt } from './dom.js';
import { productsView } from './products.js';

function gauge(t, report, [lo, hi]) {
  const frac = Math.max(0, Math.min(1, (report.score - lo) / (hi - lo)));
  const arc = 'M 10 100 A 90 90 0 0 1 190 100';
  return h('svg:svg', { viewBox: '0 0 200 110', class: 'gauge', part: 'gauge', role: 'img', 'aria-label': t.scoreOf(fmt(report.score), lo, hi) },
    h('svg:path', { d: arc, class: 'track', pathLength: 100 }),
    h('svg:path', { d: arc, class: `value band-${report.band.name}`, pathLength: 100, 'stroke-dasharray': `${fmt(frac * 100, 2)} 100` }),
    h('svg:text', { x: 100, y: 88, 'text-anchor': 'middle', class: 'gauge-score', 'aria-hidden': 'true' }, fmt(report.score)),
    h('svg:text', { x: 100, y: 106, 'text-anchor': 'middle', class: 'gauge-range', 'aria-hidden': 'true' }, `${lo}–${hi}`));
}

function facts(t, report) {
  return h('dl', { class: 'facts' },
    h('dt', {}, t.score), h('dd', { class: 'score' }, fmt(report.score)),
    h('dt', {}, t.band), h('dd', { class: 'band' }, `${report.band.name} · ${report.band.label}`),
    h('dt', {}, t.probability), h('dd', { class: 'probability' }, `${fmt(report.probability * 100, 1)}%`),
    h('dt', {}, t.decisionLabel), h('dd', { class: `decision ${report.decision}` }, t.decision[report.decision]));
}

function reasons(t, report) {
  if (!report.reasons.length) return h('p', {}, t.noReasons);
  return h('ol', { part: 'reasons', class: 'reasons' }, report.reasons.map((x) =>
    h('li', { 'data-field': x.field }, x.text, h('span', { class: 'muted' }, ` (${t.points(fmt(x.points))})`))));
}

function advice(t, whatIf) {
  if (!whatIf) return h('p', { class: 'muted pending', role: 'status' }, t.advicePending);
  const changeList = (list) => h('ul', { part: 'advice', class: 'advice' }, list.map((c) =>
    h('li', { 'data-field': c.field }, t.change(c), h('span', { class: 'muted' }, ` — ${t.changeResult({ ...c, score: fmt(c.score) })}`))));
  if (whatIf.target == null) return h('p', {}, t.adviceBest);
  if (whatIf.changes.length) return [h('p', {}, t.adviceTarget(whatIf.target, fmt(whatIf.target_score))), changeList(whatIf.changes)];
  return [h('p', {}, t.adviceNone), whatIf.improvements.length ? [h('p', {}, t.adviceMost), changeList(whatIf.improvements)] : null];
}

export function resultView(v) {
  const { t, result } = v;
  if (!result) return null;
  const { report, whatIf } = result;
  return h('section', { class: `result band-${report.band.name}`, part: 'result', 'aria-labelledby': `${v.uid}-result`, 'aria-live': 'polite' },
    h('h3', { id: `${v.uid}-result`, tabindex: '-1' }, t.resultTitle),
    v.problems.size ? h('p', { class: 'summary', role: 'status' }, t.stale) : null,
    h('div', { class: 'headline' }, gauge(t, report, v.schema.score_range), facts(t, report)),
    h('h4', {}, t.reasonsTitle),
    reasons(t, report),
    h('h4', {}, t.adviceTitle),
    advice(t, whatIf),
    report.warnings.length ? [h('h4', {}, t.warnings), h('ul', { class: 'warnings' }, report.warnings.map((w) => h('li', {}, w.message)))] : null,
    productsView(v));
}
