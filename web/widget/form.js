// The form view: the model's fields, grouped, each with its label, hint and message; the
// investing questionnaire under them when a catalog is loaded.
import { h, fmt } from './dom.js';
import { questionnaireView } from './questionnaire.js';

/** The message for a problem (`{ code }` from `advisor.validate`) with `field`. */
export function problemText(t, problem, field) {
  const m = t.err[problem.code] ?? t.err.other;
  return typeof m === 'function' ? m(field) : m;
}

// By the field's place in the schema, not its name: a name may hold spaces (`Credit amount`, a
// drafted spec's header), which an id must not, and `aria-describedby` would split it apart.
const fieldId = (v, f, suffix = '') => `${v.uid}-f${v.schema.fields.indexOf(f)}${suffix}`;
/** The ids that describe a field's input: its hint, and its message when it has a problem. */
const describedBy = (v, f, problem) => [f.hint && fieldId(v, f, '-hint'), problem && fieldId(v, f, '-error')].filter(Boolean).join(' ');

function input(v, f, common) {
  const value = v.values[f.name] ?? '';
  if (f.categories.length) {
    return h('select', common, h('option', { value: '' }, v.t.choose),
      f.categories.map((c) => h('option', { value: c.value, selected: c.value === value }, c.label)));
  }
  const example = f.typical != null ? v.t.example(f.integer ? fmt(f.typical) : fmt(f.typical, 2)) : false;
  const inputmode = f.integer && (f.min ?? 0) >= 0 ? 'numeric' : 'decimal';
  return h('input', { ...common, type: 'text', inputmode, autocomplete: 'off', value, placeholder: example });
}

function fieldView(v, f) {
  const { t } = v;
  const problem = v.problems.get(f.name);
  const el = input(v, f, { id: fieldId(v, f), name: f.name, part: 'input', 'aria-invalid': String(!!problem), 'aria-describedby': describedBy(v, f, problem) || false, 'aria-required': String(f.required) });
  el.addEventListener('input', () => v.on.edited(f, el.value));
  el.addEventListener('change', () => v.on.edited(f, el.value));
  return h('div', { class: problem ? 'field invalid' : 'field', part: 'field' },
    h('label', { for: fieldId(v, f) }, f.label, f.unit ? h('span', { class: 'unit' }, ` (${f.unit})`) : null,
      f.required ? null : h('span', { class: 'optional' }, ` ${t.optional}`)),
    f.hint ? h('p', { class: 'hint', id: fieldId(v, f, '-hint') }, f.hint) : null,
    el,
    h('p', { class: 'error', id: fieldId(v, f, '-error'), hidden: !problem, part: 'error' }, problem ? problemText(t, problem, f) : ''));
}

/** The form: a summary of problems, the fields by group, the questionnaire, the review button. */
export function formView(v) {
  const { t } = v;
  const groups = new Map();
  for (const f of v.schema.fields) groups.set(f.group ?? 'other', [...(groups.get(f.group ?? 'other') ?? []), f]);
  const summary = v.problems.size && v.stage === 'form'
    ? h('p', { class: 'summary', role: 'alert', id: `${v.uid}-summary` }, t.errorsSummary(v.problems.size))
    : null;
  return h('form', { part: 'form', novalidate: true, 'aria-labelledby': `${v.uid}-title`, onsubmit: (e) => { e.preventDefault(); v.on.review(); } },
    summary,
    [...groups].map(([g, fields]) => h('fieldset', { part: 'group' }, h('legend', {}, t.groups[g] ?? g), fields.map((f) => fieldView(v, f)))),
    v.catalog ? questionnaireView(v) : null,
    v.stage === 'form' ? h('div', { class: 'actions' }, h('button', { type: 'submit', part: 'button primary' }, t.review)) : null);
}

/** Puts each field's message (or its absence) in place without re-rendering, so a field being
 * typed in keeps its focus and caret: text, visibility, ARIA state, and the summary. */
export function showProblems(root, v) {
  for (const f of v.schema.fields) {
    const input = root.getElementById(fieldId(v, f));
    const error = root.getElementById(fieldId(v, f, '-error'));
    if (!input || !error) continue;
    const problem = v.problems.get(f.name);
    const text = problem ? problemText(v.t, problem, f) : '';
    if (error.textContent !== text) error.textContent = text;
    error.hidden = !problem;
    input.setAttribute('aria-invalid', String(!!problem));
    const ids = describedBy(v, f, problem);
    if (ids) input.setAttribute('aria-describedby', ids);
    else input.removeAttribute('aria-describedby');
    input.closest('.field')?.classList.toggle('invalid', !!problem);
  }
  const summary = root.getElementById(`${v.uid}-summary`);
  if (summary && v.problems.size) summary.textContent = v.t.errorsSummary(v.problems.size);
  else summary?.remove();
}
