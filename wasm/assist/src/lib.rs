//! The assistant's browser module: [`advisor_core::assist`] behind a plain C-style interface of
//! a few exported functions, text in and text out. Not wasm-bindgen: for a module whose whole
//! boundary is three calls taking and giving JSON text, its glue and conversions were a tenth
//! of the assistant's bytes (BENCHMARKS.md, "The assistant"); `web/assistant.js` is the JS side.
//!
//! The protocol: JS asks for a buffer (`alloc`), writes UTF-8 text into it, and calls a function
//! with its pointer and length; the module takes ownership of the buffer. Each call returns 0
//! on success or 1 on error, and leaves its result in the module's output, read with `out_ptr`
//! and `out_len`: the answer as JSON text, or `{"code", "message"}` for an error. The FAQ,
//! catalog and context are read by core's small [`advisor_core::json`] reader. Every input is
//! checked, and nothing panics across the boundary.

use std::cell::RefCell;

use advisor_core::assist::context::CatalogView;
use advisor_core::assist::{self, Context, FaqParams};
use advisor_core::json::{self, write_str, FromJson};
use advisor_core::Error;

// Single-threaded wasm: talc in place of the default dlmalloc, for bytes.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Longest JSON text taken (FAQ, catalog or context).
const MAX_JSON: usize = 4 << 20;

thread_local! {
    /// The last call's result (the module is single-threaded: one output at a time).
    static OUT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Leaves `text` as the call's output and returns `status`.
fn finish(status: u32, text: String) -> u32 {
    OUT.with(|o| *o.borrow_mut() = text);
    status
}

fn fail(e: &Error) -> u32 {
    // Only reading the FAQ, catalog or context can fail, and those errors are text. Not
    // formatting the other variants keeps the float formatter out of this module.
    let message = match e {
        Error::Spec(m) | Error::Input(m) => m.as_str(),
        _ => "assistant: unexpected error",
    };
    let mut out = String::from("{\"code\":");
    write_str(&mut out, e.code());
    out.push_str(",\"message\":");
    write_str(&mut out, message);
    out.push('}');
    finish(1, out)
}

/// Takes back the text JS wrote into a buffer from [`alloc`].
///
/// # Safety
/// `ptr` and `len` are a buffer [`alloc`] returned (or `len` 0), written by JS, not used after.
unsafe fn take(ptr: *mut u8, len: usize) -> Vec<u8> {
    if len == 0 {
        return Vec::new();
    }
    // SAFETY: the caller's contract: `alloc(len)` made this buffer, with capacity `len`.
    unsafe { Vec::from_raw_parts(ptr, len, len) }
}

fn text(bytes: Vec<u8>, what: &str) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| Error::Input(format!("{what}: not UTF-8 at byte {}", e.utf8_error().valid_up_to())))
}

fn parse<T: FromJson>(bytes: &[u8], what: &str) -> Result<T, Error> {
    if bytes.len() > MAX_JSON {
        return Err(Error::Input(format!("{what}: more than 4 MiB")));
    }
    json::read(bytes).map_err(|e| Error::Input(format!("{what}: {e}")))
}

/// A buffer of `len` bytes for JS to write text into (given back by the call it is passed to).
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len);
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// Where the last call's output is.
#[no_mangle]
pub extern "C" fn out_ptr() -> *const u8 {
    OUT.with(|o| o.borrow().as_ptr())
}

/// How many bytes the last call's output has.
#[no_mangle]
pub extern "C" fn out_len() -> usize {
    OUT.with(|o| o.borrow().len())
}

/// A new assistant with the built-in intents and no catalog or FAQ; free it with [`destroy`].
#[no_mangle]
pub extern "C" fn create() -> *mut assist::Assistant {
    Box::into_raw(Box::new(assist::Assistant::new()))
}

/// Frees an assistant from [`create`].
///
/// # Safety
/// `a` came from [`create`] and is not used after.
#[no_mangle]
pub unsafe extern "C" fn destroy(a: *mut assist::Assistant) {
    if !a.is_null() {
        // SAFETY: the caller's contract.
        drop(unsafe { Box::from_raw(a) });
    }
}

/// Gives the lender's FAQ (JSON text); errors name the entry.
///
/// # Safety
/// `a` came from [`create`]; `ptr`/`len` as for [`take`].
#[no_mangle]
pub unsafe extern "C" fn set_faq(a: *mut assist::Assistant, ptr: *mut u8, len: usize) -> u32 {
    // SAFETY: the caller's contract.
    let (a, bytes) = unsafe { (&mut *a, take(ptr, len)) };
    match FaqParams::parse(&bytes) {
        Ok(faq) => {
            a.set_faq(faq);
            finish(0, String::new())
        }
        Err(e) => fail(&e),
    }
}

/// Gives the product catalog (JSON text, already checked against the model by the main
/// module's `setCatalog`).
///
/// # Safety
/// As for [`set_faq`].
#[no_mangle]
pub unsafe extern "C" fn set_catalog(a: *mut assist::Assistant, ptr: *mut u8, len: usize) -> u32 {
    // SAFETY: the caller's contract.
    let (a, bytes) = unsafe { (&mut *a, take(ptr, len)) };
    match parse::<CatalogView>(&bytes, "catalog") {
        Ok(catalog) => {
            a.set_products(catalog.products);
            finish(0, String::new())
        }
        Err(e) => fail(&e),
    }
}

/// Answers a question; the context is JSON text: `{lang, report?, whatIf?, recommendations?,
/// schema?}` as the main module returns them. The output: the answer as JSON text.
///
/// # Safety
/// `a` came from [`create`]; each pointer and length as for [`take`].
#[no_mangle]
pub unsafe extern "C" fn ask(a: *const assist::Assistant, q: *mut u8, q_len: usize, ctx: *mut u8, ctx_len: usize) -> u32 {
    // SAFETY: the caller's contract.
    let (a, question, context) = unsafe { (&*a, take(q, q_len), take(ctx, ctx_len)) };
    let answer = text(question, "question").and_then(|q| Ok((q, parse::<Context>(&context, "context")?)));
    match answer {
        Ok((q, ctx)) => finish(0, a.ask(&q, &ctx).to_json()),
        Err(e) => fail(&e),
    }
}
