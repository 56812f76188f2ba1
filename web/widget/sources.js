// What <credit-advisor> downloads besides the model: the files its attributes name (`catalog`,
// `faq`) and the propensity models a catalog attaches to its products. `api` is the JS API's
// `{ fetchBytes, downloadBundle }` (passed in: see credit-advisor.js).

/** The bytes at the URL attribute `name` of `el` names, or null without one. */
export function fetchAttribute(el, name, api) {
  const url = el.getAttribute(name);
  return url ? api.fetchBytes(new URL(url, document.baseURI), undefined, name) : null;
}

/** The catalog's bytes and its products' propensity models, or null without a catalog. The
 * catalog downloads at once; the propensity models from beside it once `after()`'s promise
 * resolves (the full module is in: on a slow network the form and the first result need the
 * bandwidth, and products rank by the catalog's fallback until a model attaches). Failures
 * surface when `bytes` / `propensity` are awaited. */
export function fetchCatalog(el, api, after) {
  const bytes = fetchAttribute(el, 'catalog', api);
  if (!bytes) return null;
  const base = new URL(el.getAttribute('catalog'), document.baseURI);
  const propensity = Promise.all([bytes, after()]).then(([b]) => {
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

/** Loads the assistant in the background: its panel module (`importPanel()`), its session
 * (`importAssistant()`: assistant.js, which fetches its wasm module), the FAQ and the catalog's
 * text (`catalog` from `fetchCatalog`, or null). The first score never waits for it. `ready`
 * resolves once it is (or failed: `failed(error)`); `view(...)` is its panel, or null until
 * then; `ask(question, options)` answers once ready. */
export function loadAssistant(el, advisor, catalog, api, { importPanel, importAssistant }, { loaded, failed }) {
  const state = { panel: null, session: null, catalogText: null, ready: null };
  state.view = (args) => state.panel?.assistantPanel(args) ?? null;
  state.ask = async (question, options) => state.session.ask(question, options, state.catalogText);
  state.ready = Promise.all([importPanel(), importAssistant(), fetchAttribute(el, 'faq', api), catalog?.bytes])
    .then(async ([panel, assistant, faqBytes, catalogBytes]) => {
      const session = await assistant.open(advisor);
      if (faqBytes) session.setFaq(faqBytes);
      if (catalogBytes) state.catalogText = new TextDecoder().decode(catalogBytes);
      Object.assign(state, { panel, session });
      loaded();
    })
    .catch(failed);
  return state;
}
