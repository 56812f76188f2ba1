// The products view: the products the applicant qualifies for, best first, with why; those
// they do not, each with the rule that excluded it.
import { h } from './dom.js';

export function productsView(v) {
  const { t } = v;
  const r = v.result?.products;
  if (!r) return null;
  const card = (p) => h('li', { part: 'product', class: 'product', 'data-product': p.id },
    h('h5', {}, p.name), h('p', { class: 'muted' }, p.summary), h('ul', {}, p.reasons.map((x) => h('li', {}, x))));
  const excluded = r.ineligible.length
    ? h('details', {}, h('summary', {}, t.notEligibleTitle(r.ineligible.length)),
      h('ul', {}, r.ineligible.map((x) => h('li', { 'data-product': x.id }, `${x.name} — ${x.reason}`))))
    : null;
  return h('section', { part: 'products', class: 'products', 'aria-labelledby': `${v.uid}-products` },
    h('h4', { id: `${v.uid}-products` }, t.productsTitle),
    r.client_risk_class != null ? h('p', {}, t.riskClass(r.client_risk_class)) : null,
    r.eligible.length ? h('ul', { class: 'cards' }, r.eligible.map(card)) : h('p', {}, t.noProducts),
    excluded);
}
