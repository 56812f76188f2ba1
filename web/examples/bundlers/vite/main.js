// A product team's app: the <credit-advisor> element, and the JS API for its own use. The model
// bundle is served beside the page (models/german_credit/, copied from the package at build).
import '@advisor/credit-advisor';
import { load } from '@advisor/credit-advisor/api';

load('models/german_credit/manifest.json').then((advisor) => {
  const typical = Object.fromEntries(advisor.schema('en').fields.map((f) => [f.name, f.typical ?? null]));
  document.querySelector('#api-score').textContent = String(advisor.score(typical).score);
});
