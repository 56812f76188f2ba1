// The advisor page: keeps the document language in step with the widget and fills in
// "About this model" from the loaded bundle. No network requests of its own.
const widget = document.querySelector('credit-advisor');
const about = document.getElementById('about-text');

widget.addEventListener('advisor-ready', (e) => {
  const { model, runtime, metrics } = e.detail;
  const m = metrics ?? {};
  const f = (v) => (typeof v === 'number' ? v.toFixed(3) : '–');
  about.textContent = `Model “${model}”, scored in this browser by the ${runtime} runtime. On held-out test data: ` +
    `AUC ${f(m.auc)}, KS ${f(m.ks)}, Brier score ${f(m.brier)}, accuracy ${f(m.accuracy)}.`;
});
widget.addEventListener('advisor-error', (e) => {
  if (!widget.advisor) about.textContent = `The model could not be loaded: ${e.detail.message}`;
});
new MutationObserver(() => {
  document.documentElement.lang = widget.getAttribute('lang') || 'en';
}).observe(widget, { attributes: true, attributeFilter: ['lang'] });
