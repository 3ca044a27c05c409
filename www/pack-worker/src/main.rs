//! Entry point of the pack worker: says `ready` once its wasm runs, then answers each request (an
//! array of a [`PackRequest`]'s JSON text and the visitor's `File`s) with stage messages and either
//! `[packed JSON, bundle bytes]` (the bytes transferred, not copied) or a `failed` message naming
//! the file, line and culprit.

use js_sys::{Array, Uint8Array};
use vlrb_formats::pack::{PackMessage, PackRequest, pack};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, File, FileReaderSync, MessageEvent};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &PackMessage) {
    // Posting a string to the page cannot fail short of the page being gone.
    let _ = scope().post_message(&JsValue::from_str(&message.to_json()));
}

/// A JavaScript exception's message, with what was being done.
fn js_error(context: &str, e: &JsValue) -> String {
    let detail = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"));
    format!("{context}: {detail}")
}

/// Reads the request and its files, packs them and posts the bundle; a failure's message otherwise.
fn answer(data: &JsValue) -> Result<(), String> {
    let parts = data
        .dyn_ref::<Array>()
        .ok_or("malformed request to the pack worker: not an array")?;
    let request: PackRequest = parts
        .get(0)
        .as_string()
        .ok_or("malformed request to the pack worker: no JSON text")
        .and_then(|text| {
            serde_json::from_str(&text).map_err(|_| "malformed request to the pack worker")
        })?;
    if parts.length() as usize != request.files.len() + 1 {
        return Err(format!(
            "malformed request to the pack worker: {} file names but {} files",
            request.files.len(),
            parts.length().saturating_sub(1)
        ));
    }
    let reader = FileReaderSync::new().map_err(|e| js_error("cannot read files", &e))?;
    let mut contents = Vec::with_capacity(request.files.len());
    for (i, name) in request.files.iter().enumerate() {
        post(&PackMessage::Stage {
            text: format!("reading {name}"),
        });
        let file: File = parts
            .get(i as u32 + 1)
            .dyn_into()
            .map_err(|_| format!("{name} is not a file"))?;
        let buffer = reader
            .read_as_array_buffer(&file)
            .map_err(|e| js_error(&format!("cannot read {name}"), &e))?;
        contents.push((name.clone(), Uint8Array::new(&buffer).to_vec()));
    }
    post(&PackMessage::Stage {
        text: "checking and packing".to_owned(),
    });
    let (packed, bytes) = pack(&request.folder, contents).map_err(|e| e.to_string())?;
    let bytes = Uint8Array::from(bytes.as_slice());
    let message = JsValue::from_str(&PackMessage::Packed(packed).to_json());
    scope()
        .post_message_with_transfer(&Array::of2(&message, &bytes), &Array::of1(&bytes.buffer()))
        .map_err(|e| js_error("cannot post the bundle", &e))
}

fn main() {
    console_error_panic_hook::set_once();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        if let Err(message) = answer(&event.data()) {
            post(&PackMessage::Failed { message });
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&PackMessage::Ready);
}
