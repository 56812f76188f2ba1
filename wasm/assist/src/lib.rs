//! The assistant's browser module: [`advisor_core::assist`] behind wasm-bindgen. The FAQ,
//! catalog and context come in as JSON text, read by core's small [`advisor_core::json`]
//! reader (not serde_json: bytes, BENCHMARKS.md); the answer goes out as a plain JS object.
//! Every error is a JS `Error` with a `code`, and nothing panics across the boundary.

use advisor_core::assist::context::CatalogView;
use advisor_core::assist::{self, Answer, Context, FaqParams};
use advisor_core::json::{self, FromJson};
use advisor_core::Error;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

fn js_error(e: &Error) -> JsValue {
    // Only reading the FAQ, catalog or context can fail, and those errors are text. Not
    // formatting the other variants keeps the float formatter out of this module.
    let message = match e {
        Error::Spec(m) | Error::Input(m) => m.as_str(),
        _ => "assistant: unexpected error",
    };
    let err = js_sys::Error::new(message);
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code().into());
    err.into()
}

// Single-threaded wasm: talc in place of the default dlmalloc, for bytes.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Longest JSON text taken (FAQ, catalog or context).
const MAX_JSON: usize = 4 << 20;

fn parse<T: FromJson>(text: &str, what: &str) -> Result<T, JsValue> {
    if text.len() > MAX_JSON {
        return Err(js_error(&Error::Input(format!("{what}: more than 4 MiB"))));
    }
    json::read(text.as_bytes()).map_err(|e| js_error(&Error::Input(format!("{what}: {e}"))))
}

/// The answer as a plain object: `{intent, product, faq, answer, confidence, suggestions}`.
fn to_js(a: &Answer) -> JsValue {
    let out = Object::new();
    let opt = |v: &Option<String>| v.as_deref().map_or(JsValue::NULL, JsValue::from);
    let suggestions: Array = a.suggestions.iter().map(|s| JsValue::from(s.as_str())).collect();
    for (key, value) in [
        ("intent", JsValue::from(a.intent.id())),
        ("product", opt(&a.product)),
        ("faq", opt(&a.faq)),
        ("answer", JsValue::from(a.answer.as_str())),
        ("confidence", JsValue::from(a.confidence)),
        ("suggestions", suggestions.into()),
    ] {
        let _ = Reflect::set(&out, &key.into(), &value);
    }
    out.into()
}

/// The assistant: the intents, and the lender's catalog and FAQ once given.
#[wasm_bindgen]
pub struct Assistant {
    inner: assist::Assistant,
}

#[wasm_bindgen]
impl Assistant {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Assistant {
        Assistant { inner: assist::Assistant::new() }
    }

    /// Gives the lender's FAQ (JSON text); errors name the entry.
    #[wasm_bindgen(js_name = setFaq)]
    pub fn set_faq(&mut self, json: &str) -> Result<(), JsValue> {
        let faq = FaqParams::parse(json.as_bytes()).map_err(|e| js_error(&e))?;
        self.inner.set_faq(faq);
        Ok(())
    }

    /// Gives the product catalog (JSON text, already checked against the model by the main
    /// module's `setCatalog`).
    #[wasm_bindgen(js_name = setCatalog)]
    pub fn set_catalog(&mut self, json: &str) -> Result<(), JsValue> {
        let catalog: CatalogView = parse(json, "catalog")?;
        self.inner.set_products(catalog.products);
        Ok(())
    }

    /// Answers `question`; `context` is JSON text: `{lang, report?, whatIf?, recommendations?,
    /// schema?}` as the main module returns them. The answer as an object.
    pub fn ask(&self, question: &str, context: &str) -> Result<JsValue, JsValue> {
        let ctx: Context = parse(context, "context")?;
        Ok(to_js(&self.inner.ask(question, &ctx)))
    }
}

impl Default for Assistant {
    fn default() -> Self {
        Self::new()
    }
}
