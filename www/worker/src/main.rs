//! Entry point of the training worker: says `ready` once its wasm runs, then answers each
//! [`TrainRequest`] (JSON text) with stage and progress messages and finally one `done` or
//! `failed` [`WorkerMessage`] (JSON text).

use js_sys::Uint8Array;
use vlrb_core::bundle;
use vlrb_web::sandbox::{self, TrainRequest, TrainResult, WorkerMessage};
use vlrb_web::web::js_error;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Response};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &WorkerMessage) {
    let text = serde_json::to_string(message).unwrap_or_default();
    // Posting a string to the page cannot fail short of the page being gone.
    let _ = scope().post_message(&JsValue::from_str(&text));
}

async fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let response: Response = JsFuture::from(scope().fetch_with_str(url))
        .await
        .map_err(|e| js_error(&format!("cannot fetch {url}"), e))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("cannot fetch {url}: HTTP {}", response.status()));
    }
    let buffer = response
        .array_buffer()
        .map_err(|e| js_error(&format!("cannot read {url}"), e))?;
    let buffer = JsFuture::from(buffer)
        .await
        .map_err(|e| js_error(&format!("cannot read {url}"), e))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

async fn train(request: TrainRequest) -> Result<TrainResult, String> {
    post(&WorkerMessage::Stage {
        text: format!("downloading {}", request.bundle_url),
    });
    let bytes = fetch(&request.bundle_url).await?;
    let header = bundle::read_header(&bytes).map_err(|e| e.to_string())?;
    if header.sha256 != request.bundle_sha256 {
        return Err(format!(
            "{} changed on the server (sha256 {} instead of {}); reload the page",
            request.bundle_url, header.sha256, request.bundle_sha256
        ));
    }
    post(&WorkerMessage::Stage {
        text: "decoding the bundle".to_owned(),
    });
    let bench = bundle::decode(&bytes).map_err(|e| e.to_string())?;
    let performance = scope().performance();
    let mut clock = move || performance.as_ref().map_or(0.0, |p| p.now() / 1000.0);
    sandbox::run(&bench, &request, &mut clock, &mut |m| post(&m)).await
}

fn main() {
    console_error_panic_hook::set_once();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move {
            let reply = match serde_json::from_str::<TrainRequest>(&text) {
                Ok(request) => match train(request).await {
                    Ok(result) => WorkerMessage::Done(Box::new(result)),
                    Err(message) => WorkerMessage::Failed { message },
                },
                Err(e) => WorkerMessage::Failed {
                    message: format!("malformed training request: {e}"),
                },
            };
            post(&reply);
        });
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&WorkerMessage::Ready);
}
