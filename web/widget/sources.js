// What <credit-advisor> downloads besides the model: the files its attributes name (`catalog`,
// `faq`) and the propensity models a catalog attaches to its products.
/** The bytes at the URL attribute `name` of `el` names, or null without one. */
export function fetchAttribute(el, name) {
  const url = el.getAttribute(name);
  if (!url) return null;
  return fetch(new URL(url, document.baseURI)).then(async (res) => {
    if (!res.ok) throw Object.assign(new Error(`${name}: HTTP ${res.status}`), { code: 'FETCH_FAILED', field: name });
    return new Uint8Array(await res.arrayBuffer());
  });
}

/** The catalog's bytes and its products' propensity models (downloaded from beside it as soon
 * as the catalog is in, while the model may still be loading, with the API's `downloadBundle`),
 * or null without a catalog. Failures surface when `bytes` / `propensity` are awaited. */
export function fetchCatalog(el, downloadBundle) {
  const bytes = fetchAttribute(el, 'catalog');
  if (!bytes) return null;
  const base = new URL(el.getAttribute('catalog'), document.baseURI);
  const propensity = bytes.then((b) => {
    const products = JSON.parse(new TextDecoder().decode(b)).products ?? [];
    return Promise.all(products.filter((p) => p.propensity_model)
      .map(async (p) => [p.id, await downloadBundle(new URL(p.propensity_model, base))]));
  });
  for (const p of [bytes, propensity]) p.catch(() => {}); // reported once the model is in
  return { bytes, propensity };
}

/** Gives `advisor` the catalog; its propensity models attach in the background (the form does
 * not wait for them), then `attached()` runs, or `failed(error)` (that product keeps the
 * catalog's fallback ranking). */
export async function useCatalog(advisor, { bytes, propensity }, { attached, failed }) {
  advisor.setCatalog(await bytes);
  propensity.then(async (list) => {
    for (const [id, bundle] of list) await advisor.setPropensityModel(id, bundle);
  }).then(attached, failed);
}

/** Loads the assistant in the background: its panel module (`importPanel()`), its wasm module
 * and the FAQ. The first score never waits for it. `ready` resolves once it is (or failed:
 * `failed(error)`); `view(...)` is its panel, or null until then. */
export function loadAssistant(el, advisor, importPanel, { loaded, failed }) {
  const state = { panel: null, ready: null, view: (args) => state.panel?.assistantPanel(args) ?? null };
  state.ready = Promise.all([importPanel(), fetchAttribute(el, 'faq')])
    .then(async ([panel, faqBytes]) => {
      await advisor.loadAssistant();
      if (faqBytes) await advisor.setFaq(faqBytes);
      state.panel = panel;
      loaded();
    })
    .catch(failed);
  return state;
}
