// The review view: the answers as the applicant gave them, to confirm before scoring.
import { h } from './dom.js';

export function reviewView(v) {
  const { t } = v;
  const shown = (f) => {
    const value = v.applicant[f.name];
    if (value == null) return t.notGiven;
    if (f.categories.length) return f.categories.find((c) => c.value === value)?.label ?? value;
    return f.unit ? `${value} ${f.unit}` : value;
  };
  return h('section', { class: 'review', part: 'review', 'aria-labelledby': `${v.uid}-review` },
    h('h3', { id: `${v.uid}-review`, tabindex: '-1' }, t.reviewTitle),
    h('p', {}, t.reviewHelp),
    h('dl', {}, v.schema.fields.map((f) => [h('dt', {}, f.label), h('dd', {}, shown(f))])),
    h('div', { class: 'actions' },
      h('button', { type: 'button', part: 'button', onclick: v.on.edit }, t.edit),
      h('button', { type: 'button', part: 'button primary', onclick: v.on.confirm }, t.confirm)));
}
