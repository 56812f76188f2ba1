// The host listens to the widget's events; the result never leaves the page.
const widget = document.querySelector('credit-advisor');
const box = document.getElementById('next-step');
const text = document.getElementById('next-step-text');

widget.addEventListener('advisor-score', (e) => {
  const { report } = e.detail;
  box.hidden = false;
  text.textContent = report.decision === 'approve'
    ? `Band ${report.band.name}: you are likely to qualify. Visit a branch to apply.`
    : `Band ${report.band.name}: see the advice above to improve your chances before applying.`;
});
widget.addEventListener('advisor-error', (e) => {
  box.hidden = false;
  text.textContent = `The advisor could not run (${e.detail.code}).`;
});
