// Renders the default bundle's card from its manifest (fields and test metrics). No scoring.
const el = document.getElementById('card');
const text = (tag, s) => Object.assign(document.createElement(tag), { textContent: s });

function table(head, rows) {
  const t = document.createElement('table');
  const hr = t.createTHead().insertRow();
  head.forEach((h) => hr.append(text('th', h)));
  const body = t.createTBody();
  rows.forEach((r) => {
    const tr = body.insertRow();
    r.forEach((c) => tr.append(text('td', String(c))));
  });
  return t;
}

try {
  const res = await fetch('models/german_credit/manifest.json');
  if (!res.ok) throw new Error(`manifest.json: HTTP ${res.status}`);
  const m = await res.json();
  const t = m.metrics.test;
  el.replaceChildren(
    text('h2', `Model: ${m.spec.name}`),
    text('p', m.spec.description),
    table(['AUC', 'KS', 'Brier', 'Log loss', 'Accuracy', 'Test rows'],
      [[t.auc, t.ks, t.brier, t.log_loss, t.accuracy].map((v) => v.toFixed(4)).concat(t.rows)]),
    text('h3', 'Fields'),
    table(['Field', 'Type', 'Role'], m.spec.columns.map((c) => [c.display.en || c.name, c.type, c.role])),
  );
} catch (e) {
  el.replaceChildren(text('p', `Could not load the model: ${e.message}`));
  el.firstChild.className = 'error';
}
