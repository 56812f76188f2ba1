//! The advisor in the browser: a thin `wasm-bindgen` layer over `advisor-core`.
//!
//! It reads JS values (without recursing into them), calls the core, and returns plain JS
//! objects. Every failure is thrown as a JS `Error` with a stable `code` and, where there is
//! one, the `field` path. The ES module `web/advisor.js` wraps this API with URL loading and
//! TypeScript types; use that one.

use advisor_core::advisor::Advisor as Core;
use advisor_core::applicant::{Value, MAX_FIELDS};
use advisor_core::bundle::sha256_hex;
use advisor_core::lang::Lang;
#[cfg(feature = "full")]
use advisor_core::matrix::Matrix;
use advisor_core::recommend::questionnaire;
#[cfg(feature = "full")]
use advisor_core::recommend::{Answers, Catalog, CatalogParams, Propensities};
use advisor_core::runtime::Runtime;
use advisor_core::Error;
use js_sys::{Array, JsString, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[cfg(all(test, target_arch = "wasm32"))]
mod tests;

/// Rows accepted by one `scoreBatch` (`scoreEncoded`) call.
#[cfg(feature = "full")]
const MAX_BATCH: u32 = 1_000_000;

/// A JS `Error` carrying `code` and `field` (`field` is prefixed with `[row].` for batches).
fn js_error(e: &Error, row: Option<u32>) -> JsValue {
    let field = match (row, e.field()) {
        (Some(r), Some(f)) => Some(format!("[{r}].{f}")),
        (Some(r), None) => Some(format!("[{r}]")),
        (None, f) => f.map(str::to_string),
    };
    let msg = match row {
        Some(r) => format!("row {r}: {e}"),
        None => e.to_string(),
    };
    let err = js_sys::Error::new(&msg);
    let _ = Reflect::set(&err, &"code".into(), &e.code().into());
    let _ = Reflect::set(&err, &"field".into(), &field.map_or(JsValue::NULL, |f| f.into()));
    if let Some(r) = row {
        let _ = Reflect::set(&err, &"row".into(), &r.into());
    }
    err.into()
}

#[cfg(feature = "full")]
fn input_error(msg: impl Into<String>) -> JsValue {
    js_error(&Error::Input(msg.into()), None)
}

/// Returns a result as plain JS objects (`null` for none). Goes through JSON text and the
/// engine's `JSON.parse`, which builds nested objects faster than one call per field.
fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    let fail = |m: String| js_error(&Error::Runtime(format!("could not return the result: {m}")), None);
    let text = serde_json::to_string(v).map_err(|e| fail(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| fail("JSON.parse failed".into()))
}

/// One field's value, by JS type, without looking inside objects or arrays.
fn read_value(v: &JsValue) -> Value {
    if v.is_null() || v.is_undefined() {
        Value::Null
    } else if let Some(n) = v.as_f64() {
        Value::Number(n)
    } else if let Some(s) = v.dyn_ref::<JsString>() {
        Value::Text(String::from(s))
    } else if let Some(b) = v.as_bool() {
        Value::Bool(b)
    } else if Array::is_array(v) {
        Value::Other("an array")
    } else if v.is_function() {
        Value::Other("a function")
    } else if v.is_bigint() {
        Value::Other("a bigint")
    } else if v.is_symbol() {
        Value::Other("a symbol")
    } else {
        Value::Other("an object")
    }
}

/// Reads an applicant object (`{field: value}`) into the model's raw row.
fn read_applicant(core: &Core, applicant: &JsValue) -> Result<Vec<f32>, Error> {
    let fields = applicant_fields(applicant)?;
    core.read(fields.iter().map(|(k, v)| (k.as_str(), v.clone())))
}

/// The fields of an applicant object, by name, each read without recursion.
fn applicant_fields(applicant: &JsValue) -> Result<Vec<(String, Value)>, Error> {
    if !applicant.is_object() || Array::is_array(applicant) || applicant.is_function() {
        return Err(Error::Input(format!("the applicant must be an object of field → value, got {}", kind(applicant))));
    }
    let obj: &Object = applicant.unchecked_ref();
    let keys = Object::keys(obj);
    if keys.length() as usize > MAX_FIELDS {
        return Err(Error::Input(format!("the applicant has {} fields, more than {MAX_FIELDS}", keys.length())));
    }
    let mut fields = Vec::with_capacity(keys.length() as usize);
    for k in keys.iter() {
        let name = k.as_string().unwrap_or_default();
        let v = Reflect::get(obj, &k).map_err(|_| Error::Input(format!("field `{name}` could not be read")))?;
        fields.push((name, read_value(&v)));
    }
    Ok(fields)
}

fn kind(v: &JsValue) -> &'static str {
    match read_value(v) {
        Value::Null => "null",
        Value::Number(_) => "a number",
        Value::Text(_) => "a text",
        Value::Bool(_) => "a boolean",
        Value::Other(k) => k,
    }
}

/// A verified model bundle, ready to score applicants.
#[wasm_bindgen]
pub struct Advisor {
    core: Core,
    #[cfg(feature = "full")]
    catalog: Option<Catalog>,
    #[cfg(feature = "full")]
    propensities: Propensities,
}

#[cfg(feature = "full")]
/// Reads questionnaire answers (an object with each of [`Answers::KEYS`], each an option index
/// 0–4); `null`/`undefined` means not answered.
fn read_answers(v: &JsValue) -> Result<Option<Answers>, Error> {
    if v.is_null() || v.is_undefined() {
        return Ok(None);
    }
    if !v.is_object() || Array::is_array(v) {
        return Err(Error::Input(format!("answers must be an object of question → option index, got {}", kind(v))));
    }
    let mut a = Answers::default();
    for (key, slot) in a.slots() {
        let field = format!("answers.{key}");
        let x = Reflect::get(v, &key.into()).map_err(|_| Error::Input(format!("{field} could not be read")))?;
        let n = match read_value(&x) {
            Value::Number(n) => n,
            Value::Null => return Err(Error::MissingField { field }),
            _ => return Err(Error::WrongType { field, expected: "an option index 0–4", got: kind(&x).to_string() }),
        };
        if !(0.0..=4.0).contains(&n) || n.fract() != 0.0 {
            return Err(Error::OutOfRange { field, value: n, min: 0.0, max: 4.0 });
        }
        *slot = n as u8;
    }
    Ok(Some(a))
}

#[wasm_bindgen]
impl Advisor {
    /// Loads a bundle from its two files. The graph's sha256 must match the manifest; when
    /// `manifestSha256` is given, the manifest's own bytes must match it too.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(manifest: &[u8], graph: &[u8], manifest_sha256: Option<String>) -> Result<Advisor, JsValue> {
        if let Some(want) = manifest_sha256 {
            let got = sha256_hex(manifest);
            if !got.eq_ignore_ascii_case(want.trim()) {
                return Err(js_error(&Error::Bundle(format!("manifest sha256 {got} does not match the expected {want}")), None));
            }
        }
        // The scorer (no `full`) runs only the trainer's own networks: fewer bytes; the JS
        // API loads any other bundle in the full module.
        #[cfg(feature = "full")]
        let core = Core::load(manifest, graph);
        #[cfg(not(feature = "full"))]
        let core = Core::load_network(manifest, graph);
        let core = core.map_err(|e| js_error(&e, None))?;
        Ok(Advisor {
            core,
            #[cfg(feature = "full")]
            catalog: None,
            #[cfg(feature = "full")]
            propensities: Propensities::default(),
        })
    }

    /// Model name, runtime, the kernel's arithmetic (`simd`: `relaxed` or `simd128`), inputs,
    /// producer and test metrics.
    pub fn info(&self) -> Result<JsValue, JsValue> {
        let b = self.core.bundle();
        let m = b.manifest();
        to_js(&serde_json::json!({
            "model": b.spec().name(),
            "runtime": b.runtime().name(),
            "simd": advisor_kernel::SIMD,
            "inputs": b.spec().n_features(),
            "producer": m.producer,
            "graphSha256": m.graph.sha256,
            "metrics": m.metrics.json().get("test"),
        }))
    }

    /// Fields, types, ranges, categories and display names, for building a form.
    pub fn schema(&self, lang: Option<String>) -> Result<JsValue, JsValue> {
        to_js(&self.core.schema(Lang::pick(lang.as_deref())))
    }

    /// `{probability, score, band, decision, reasons, warnings}` for one applicant.
    pub fn score(&self, applicant: JsValue, lang: Option<String>) -> Result<JsValue, JsValue> {
        let raw = read_applicant(&self.core, &applicant).map_err(|e| js_error(&e, None))?;
        let report = self.core.report(&raw, Lang::pick(lang.as_deref())).map_err(|e| js_error(&e, None))?;
        to_js(&report)
    }

    /// Every problem in an applicant, at most one per field: `[{code, field, message}]`, empty
    /// when the applicant can be scored. For forms that show each message next to its field.
    pub fn validate(&self, applicant: JsValue) -> Result<JsValue, JsValue> {
        let problems = match applicant_fields(&applicant) {
            Ok(fields) => self.core.problems(fields.iter().map(|(k, v)| (k.as_str(), v.clone()))),
            Err(e) => vec![e],
        };
        let list: Vec<serde_json::Value> =
            problems.iter().map(|e| serde_json::json!({"code": e.code(), "field": e.field(), "message": e.to_string()})).collect();
        to_js(&list)
    }

    /// The suitability questionnaire: `[{key, question, options}]` in `lang`.
    pub fn questionnaire(&self, lang: Option<String>) -> Result<JsValue, JsValue> {
        let lang = Lang::pick(lang.as_deref());
        let q: Vec<serde_json::Value> = questionnaire()
            .into_iter()
            .map(|(key, q, opts)| serde_json::json!({"key": key, "question": q.get(lang), "options": opts.iter().map(|o| o.get(lang)).collect::<Vec<_>>()}))
            .collect();
        to_js(&q)
    }

    /// Probabilities for raw rows (row-major: the schema's fields in order, numbers as given,
    /// categories as their index in `categories`, NaN = not given). Not checked against the
    /// spec: use `score`/`scoreBatch` for applicant data.
    #[wasm_bindgen(js_name = predictRaw)]
    pub fn predict_raw(&self, rows: &[f32]) -> Result<Vec<f32>, JsValue> {
        predict(self.core.bundle().runtime(), rows)
    }
}

/// What runs after the first score: what-if, the catalog and recommendations, batches (the
/// full module; the scorer, without the `full` feature, leaves them out).
#[cfg(feature = "full")]
#[wasm_bindgen]
impl Advisor {
    /// [`Advisor::score`] of an applicant encoded by position as `scoreEncoded`'s rows are
    /// (the features in order, numbers as given, a category as its code, NaN = not given): the
    /// same report, or the same error, without reading the object field by field, and packed
    /// (`[numbers, text]`, [`Report::pack`](advisor_core::advisor::Report::pack)) for
    /// advisor-core.js to unpack with [`Advisor::report_texts`].
    #[wasm_bindgen(js_name = scoreValues)]
    pub fn score_values(&self, values: &[f64], lang: Option<String>) -> Result<Array, JsValue> {
        let raw = self.core.read_encoded(values).map_err(|e| js_error(&e, None))?;
        let report = self.core.report(&raw, Lang::pick(lang.as_deref())).map_err(|e| js_error(&e, None))?;
        let (numbers, text) = report.pack();
        Ok(Array::of2(&js_sys::Float64Array::from(&numbers[..]), &JsValue::from_str(&text)))
    }

    /// The texts a packed report ([`Advisor::score_values`]) refers to, in `lang`: `{bands,
    /// fields, warnings}`.
    #[wasm_bindgen(js_name = reportTexts)]
    pub fn report_texts(&self, lang: Option<String>) -> Result<JsValue, JsValue> {
        to_js(&self.core.report_texts(Lang::pick(lang.as_deref())))
    }

    /// For actionable fields, the smallest single changes that reach the next better band.
    #[wasm_bindgen(js_name = whatIf)]
    pub fn what_if(&self, applicant: JsValue, lang: Option<String>) -> Result<JsValue, JsValue> {
        let raw = read_applicant(&self.core, &applicant).map_err(|e| js_error(&e, None))?;
        let advice = self.core.what_if(&raw, Lang::pick(lang.as_deref())).map_err(|e| js_error(&e, None))?;
        to_js(&advice)
    }

    /// Loads a product catalog (JSON), checked against this model's fields.
    #[wasm_bindgen(js_name = setCatalog)]
    pub fn set_catalog(&mut self, json: &[u8]) -> Result<(), JsValue> {
        let catalog = CatalogParams::parse(json, self.core.bundle().spec()).map_err(|e| js_error(&e, None))?;
        self.catalog = Some(catalog);
        self.propensities = Propensities::default();
        Ok(())
    }

    /// Attaches a propensity model (a bundle whose fields are fields of this model) to the
    /// catalog product `productId`, which must declare `propensity_model`. Hashes are checked.
    #[wasm_bindgen(js_name = setPropensityModel)]
    pub fn set_propensity_model(&mut self, product_id: &str, manifest: &[u8], graph: &[u8]) -> Result<(), JsValue> {
        let catalog = self.catalog.as_ref().ok_or_else(|| input_error("no catalog: call setCatalog first"))?;
        let bundle = advisor_core::bundle::Bundle::load(manifest, graph).map_err(|e| js_error(&e, None))?;
        self.propensities.attach(catalog, product_id, bundle, self.core.bundle().spec()).map_err(|e| js_error(&e, None))
    }

    /// `{client_risk_class, eligible: [{id, kind, name, summary, rank_score, reasons}],
    /// ineligible: [{id, name, reason}]}` for one applicant and (optional) questionnaire answers.
    pub fn recommend(&self, applicant: JsValue, answers: JsValue, lang: Option<String>) -> Result<JsValue, JsValue> {
        let catalog = self.catalog.as_ref().ok_or_else(|| input_error("no catalog: call setCatalog first"))?;
        let raw = read_applicant(&self.core, &applicant).map_err(|e| js_error(&e, None))?;
        let answers = read_answers(&answers).map_err(|e| js_error(&e, None))?;
        let r = self
            .core
            .recommend(catalog, &raw, answers.as_ref(), &self.propensities, Lang::pick(lang.as_deref()))
            .map_err(|e| js_error(&e, None))?;
        to_js(&r)
    }

    /// The most rows one `scoreEncoded` call takes.
    #[wasm_bindgen(js_name = maxBatch)]
    pub fn max_batch() -> u32 {
        MAX_BATCH
    }

    /// Scores an array of applicants (`rows`), four numbers per row: probability, score, the
    /// band's position in `schema().bands` and the decision's in approve, refer, decline.
    /// `web/batch.js` encodes what it can into `values` (row `r` at `r·k..(r+1)·k`: the features
    /// in order, numbers, category codes, NaN = not given); the rows in `slow_index` (ascending)
    /// are read from their objects field by field, as `score` reads one. The first bad row stops
    /// the batch; the error names it (`row`, `field: "[i].name"`).
    #[wasm_bindgen(js_name = scoreEncoded)]
    pub fn score_encoded(&self, rows: JsValue, values: &[f64], slow_index: &[u32]) -> Result<Vec<f64>, JsValue> {
        let rows: Array = rows.dyn_into().map_err(|v| input_error(format!("scoreBatch takes an array, got {}", kind(&v))))?;
        let n = rows.length();
        if n > MAX_BATCH {
            return Err(input_error(format!("{n} rows is more than the {MAX_BATCH} one call takes")));
        }
        if !slow_index.windows(2).all(|w| w[0] < w[1]) {
            return Err(input_error("scoreEncoded: the slow rows' positions must ascend"));
        }
        let spec = self.core.bundle().spec();
        let k = spec.n_features();
        let mut m = Matrix::with_capacity(n as usize, k);
        let mut slow = slow_index.iter().peekable();
        let encoded = self.core.encoded();
        let mut row = Vec::with_capacity(k);
        for r in 0..n {
            row.clear();
            let read = if slow.next_if(|&&i| i == r).is_some() {
                read_applicant(&self.core, &rows.get(r)).map(|raw| row.extend(raw))
            } else {
                match values.get(r as usize * k..(r as usize + 1) * k) {
                    Some(v) => encoded.read(v, &mut row),
                    None => Err(Error::Input(format!("{} encoded values for {n} rows of {k}", values.len()))),
                }
            };
            read.map_err(|e| js_error(&e, Some(r)))?;
            m.push_row(&row);
        }
        self.core.quick_packed(&m).map_err(|e| js_error(&e, None))
    }
}

fn predict(rt: &dyn Runtime, rows: &[f32]) -> Result<Vec<f32>, JsValue> {
    rt.predict_flat(rows).map_err(|e| js_error(&e, None))
}

#[cfg(feature = "full")]
/// A bare ONNX model (no bundle, no preprocessing): a dense MLP or a converted tree ensemble
/// (its first probability output) on the light runtime, or any graph in the general (tract) build.
#[wasm_bindgen]
pub struct Model {
    runtime: Box<dyn Runtime>,
}

#[cfg(feature = "full")]
#[wasm_bindgen]
impl Model {
    /// Reads an ONNX graph taking `[batch, nInputs]` floats and returning one probability per
    /// row (`[batch, 1]`, or the second column of `[batch, 2]`).
    #[wasm_bindgen(js_name = fromOnnx)]
    pub fn from_onnx(graph: &[u8], n_inputs: usize) -> Result<Model, JsValue> {
        if graph.len() > advisor_core::bundle::MAX_GRAPH_BYTES {
            return Err(js_error(&Error::Bundle(format!("graph is {} bytes, too large", graph.len())), None));
        }
        let runtime: Box<dyn Runtime> = match advisor_core::runtime::light(graph, n_inputs, None, None, None) {
            Ok(rt) => rt,
            #[cfg(feature = "tract")]
            Err(Error::Unsupported(_)) => {
                Box::new(advisor_core::runtime::TractRuntime::load(graph, n_inputs).map_err(|e| js_error(&e, None))?)
            }
            Err(e) => return Err(js_error(&e, None)),
        };
        Ok(Model { runtime })
    }

    /// `light` or `tract`.
    #[wasm_bindgen(getter)]
    pub fn runtime(&self) -> String {
        self.runtime.name().into()
    }

    /// One output per row of `rows` (row-major, `nInputs` values each).
    pub fn predict(&self, rows: &[f32]) -> Result<Vec<f32>, JsValue> {
        predict(self.runtime.as_ref(), rows)
    }
}

/// Logs a panic's message to the console before the module traps (panics are bugs: inputs are
/// checked before anything can panic, and the JS wrapper turns the trap into an `INTERNAL`
/// error).
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&format!("advisor: internal error: {info}").into())));
}
