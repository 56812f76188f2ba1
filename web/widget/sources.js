// What <credit-advisor> downloads besides the model: the files its attributes name (`catalog`,
// `faq`) and the propensity models a catalog attaches to its products. `api` is the JS API's
// `{ fetchBytes, downloadBundle }` (passed in: see credit-advisor.js).

/** The bytes at the URL attribute `name` of `el` names, or null without one. */
export function fetchAttribute(el, name, api) {
  const url = el.getAttribute(name);
  return url ? api.fetchBytes(new URL(url, document.baseURI), undefined, name) : null;
}

/** The catalog's bytes and its products' propensity models (downloaded from beside it as soon
 * as the catalog is in, while the model may still be loading), or null without a catalog.
 * Failures surface when `bytes` / `propensity` are awaited. */
export function fetchCatalog(el, api) {
  const bytes = fetchAttribute(el, 'catalog', api);
  if (!bytes) return null;
  const base = new URL(el.getAttribute('catalog'), document.baseURI);
  const propensity = bytes.then((b) => {
    const products = JSON.parse(new TextDecoder().decode(b)).products ?? [];
    return Promise.all(products.filter((p) => p.propensity_model)
      .map(async (p) => [p.id, await api.downloadBundle(new URL(p.propensity_model, base))]));
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
export function loadAssistant(el, advisor, api, importPanel, { loaded, failed }) {
  const state = { panel: null, ready: null, view: (args) => state.panel?.assistantPanel(args) ?? null };
  state.ready = Promise.all([importPanel(), fetchAttribute(el, 'faq', api)])
    .then(async ([panel, faqBytes]) => {
      await advisor.loadAssistant();
      if (faqBytes) await advisor.setFaq(faqBytes);
      state.panel = panel;
      loaded();
    })
    .catch(failed);
  return state;
}
