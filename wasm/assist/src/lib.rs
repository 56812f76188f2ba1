//! The assistant's browser module: [`advisor_core::assist`] behind wasm-bindgen. Everything
//! crosses as JSON text (the page's `JSON.stringify` / `JSON.parse`); every error is a JS
//! `Error` with a `code`, and nothing panics across the boundary.

use advisor_core::assist::{self, Context, FaqParams};
use advisor_core::recommend::CatalogParams;
use advisor_core::Error;
use wasm_bindgen::prelude::*;

fn js_error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code().into());
    err.into()
}

/// Longest JSON text taken (FAQ, catalog or context).
const MAX_JSON: usize = 4 << 20;

fn parse<T: serde::de::DeserializeOwned>(json: &str, what: &str) -> Result<T, JsValue> {
    if json.len() > MAX_JSON {
        return Err(js_error(&Error::Input(format!("{what}: more than 4 MiB"))));
    }
    serde_json::from_str(json).map_err(|e| js_error(&Error::Input(format!("{what}: {e}"))))
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
        let catalog: CatalogParams = parse(json, "catalog")?;
        self.inner.set_products(catalog.products);
        Ok(())
    }

    /// Answers `question`; `context` is JSON text: `{lang, report?, whatIf?, recommendations?,
    /// schema?}` as the main module returns them. The answer as JSON text.
    pub fn ask(&self, question: &str, context: &str) -> Result<String, JsValue> {
        let ctx: Context = parse(context, "context")?;
        serde_json::to_string(&self.inner.ask(question, &ctx)).map_err(|e| js_error(&Error::Runtime(e.to_string())))
    }
}

impl Default for Assistant {
    fn default() -> Self {
        Self::new()
    }
}
