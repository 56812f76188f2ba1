// The investing questionnaire view (shown with a catalog): five questions whose answers decide
// which investment funds suit the applicant.
import { h } from './dom.js';

export function questionnaireView(v) {
  return h('fieldset', { part: 'group', class: 'questionnaire' }, h('legend', {}, v.t.investing),
    v.questionnaire.map((q) => {
      const id = `${v.uid}-q-${q.key}`;
      const select = h('select', { id, name: `q-${q.key}`, part: 'input' }, h('option', { value: '' }, v.t.choose),
        q.options.map((o, i) => h('option', { value: String(i), selected: String(i) === v.answers[q.key] }, o)));
      select.addEventListener('change', () => v.on.answered(q.key, select.value));
      return h('div', { class: 'field', part: 'field' }, h('label', { for: id }, q.question), select);
    }));
}

/** All answers as option indices (the API's `answers`), or null while any is unanswered. */
export function answersObject(questionnaire, answers) {
  const keys = questionnaire.map((q) => q.key);
  if (!keys.every((k) => (answers[k] ?? '') !== '')) return null;
  return Object.fromEntries(keys.map((k) => [k, Number(answers[k])]));
}
