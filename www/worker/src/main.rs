//! Entry point of the training worker: says `ready` once its wasm runs, then answers each
//! [`PageMessage`] (JSON text): a training request with stage, progress and per-lambda messages
//! and finally one `done` or `failed` [`WorkerMessage`]; a weights request with the last finished
//! run's weights file, built only then from the compact form the worker kept.

use std::cell::RefCell;

use js_sys::Uint8Array;
use vlrb_core::bundle;
use vlrb_sandbox::{Finished, PageMessage, RunError, TrainRequest, Weights, WorkerMessage};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Response};

thread_local! {
    /// The last finished run's weights, compact (kNN-style routers name their reference rows),
    /// until the page asks for the file or starts another run.
    static LAST_WEIGHTS: RefCell<Option<Weights>> = const { RefCell::new(None) };
}

/// Why a training request could not be answered with a result.
#[derive(Debug, thiserror::Error)]
enum WorkerError {
    /// The page sent something that is not a request.
    #[error("malformed request to the training worker: {0}")]
    Request(String),
    /// A browser call failed (the JavaScript error's message).
    #[error("{context}: {detail}")]
    Js { context: String, detail: String },
    /// The server answered with an error status.
    #[error("cannot fetch {url}: HTTP {status}")]
    Http { url: String, status: u16 },
    /// The bundle is not the one the page scored against.
    #[error("{url} changed on the server (sha256 {found} instead of {expected}); reload the page")]
    Changed {
        url: String,
        found: String,
        expected: String,
    },
    /// The bundle could not be read.
    #[error("{0}")]
    Bundle(#[from] vlrb_core::Error),
    /// Training failed.
    #[error("{0}")]
    Run(#[from] RunError),
}

impl WorkerError {
    /// A JavaScript exception or rejection (its message when it is an Error).
    fn js(context: String, e: JsValue) -> WorkerError {
        let detail = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| format!("{e:?}"));
        WorkerError::Js { context, detail }
    }
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &WorkerMessage) {
    // Posting a string to the page cannot fail short of the page being gone.
    let _ = scope().post_message(&JsValue::from_str(&message.to_json()));
}

async fn fetch(url: &str) -> Result<Vec<u8>, WorkerError> {
    let response: Response = JsFuture::from(scope().fetch_with_str(url))
        .await
        .map_err(|e| WorkerError::js(format!("cannot fetch {url}"), e))?
        .unchecked_into();
    if !response.ok() {
        return Err(WorkerError::Http {
            url: url.to_owned(),
            status: response.status(),
        });
    }
    let buffer = response
        .array_buffer()
        .map_err(|e| WorkerError::js(format!("cannot read {url}"), e))?;
    let buffer = JsFuture::from(buffer)
        .await
        .map_err(|e| WorkerError::js(format!("cannot read {url}"), e))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

async fn train(request: TrainRequest) -> Result<Finished, WorkerError> {
    post(&WorkerMessage::Stage {
        text: format!("downloading {}", request.bundle_url),
    });
    let bytes = fetch(&request.bundle_url).await?;
    let header = bundle::read_header(&bytes)?;
    if header.sha256 != request.bundle_sha256 {
        return Err(WorkerError::Changed {
            url: request.bundle_url,
            found: header.sha256,
            expected: request.bundle_sha256,
        });
    }
    post(&WorkerMessage::Stage {
        text: "decoding the bundle".to_owned(),
    });
    let bench = vlrb_web_decode::decode(&bytes).await?;
    let performance = scope().performance();
    let mut clock = move || performance.as_ref().map_or(0.0, |p| p.now() / 1000.0);
    let crash_after = request.crash_after_lambdas;
    let mut lambdas_posted = 0;
    let mut report = |m: WorkerMessage| {
        let lambda = matches!(m, WorkerMessage::Lambda { .. });
        post(&m);
        if lambda {
            lambdas_posted += 1;
            if crash_after == Some(lambdas_posted) {
                // The test hook (TrainRequest::crash_after_lambdas): trap as a real crash does.
                std::process::abort();
            }
        }
    };
    Ok(vlrb_sandbox::run(
        std::sync::Arc::new(bench),
        &request,
        &mut clock,
        &mut report,
    )
    .await?)
}

/// The last finished run's weights file, or why there is none.
fn weights_file() -> WorkerMessage {
    let text = LAST_WEIGHTS.with(|w| w.borrow().as_ref().map(Weights::to_json));
    match text {
        Some(Ok(text)) => WorkerMessage::Weights { text },
        Some(Err(e)) => WorkerMessage::Failed {
            message: format!("cannot write the weights file: {e}"),
        },
        None => WorkerMessage::Failed {
            message: "this worker has no finished run to write the weights of".to_owned(),
        },
    }
}

/// Answers one message from the page.
async fn answer(data: JsValue) -> WorkerMessage {
    let message = data
        .as_string()
        .ok_or_else(|| WorkerError::Request("the message is not JSON text".to_owned()))
        .and_then(|text| {
            serde_json::from_str::<PageMessage>(&text)
                .map_err(|e| WorkerError::Request(e.to_string()))
        });
    match message {
        Ok(PageMessage::Train(request)) => {
            // A new run replaces the kept weights; drop them first to bound memory.
            LAST_WEIGHTS.with(|w| w.borrow_mut().take());
            match train(*request).await {
                Ok(finished) => {
                    LAST_WEIGHTS.with(|w| *w.borrow_mut() = Some(finished.weights));
                    WorkerMessage::Done(Box::new(finished.result))
                }
                Err(e) => WorkerMessage::Failed {
                    message: e.to_string(),
                },
            }
        }
        Ok(PageMessage::Weights) => weights_file(),
        Ok(PageMessage::Rebuild(request)) => {
            LAST_WEIGHTS.with(|w| w.borrow_mut().take());
            match train(*request).await {
                Ok(finished) => {
                    LAST_WEIGHTS.with(|w| *w.borrow_mut() = Some(finished.weights));
                    weights_file()
                }
                Err(e) => WorkerMessage::Failed {
                    message: e.to_string(),
                },
            }
        }
        Err(e) => WorkerMessage::Failed {
            message: e.to_string(),
        },
    }
}

fn main() {
    console_error_panic_hook::set_once();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        wasm_bindgen_futures::spawn_local(async move { post(&answer(data).await) });
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&WorkerMessage::Ready);
}
