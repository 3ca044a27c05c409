//! Browser glue: same-origin fetches with progress, yielding to the event loop, localStorage,
//! downloads, timing. Everything is relative to the page's own origin.

pub mod local_db;

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Response, Url};

pub use vlrb_board::site::{BenchInfo, SubmissionInfo};

/// A failed browser call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebError {
    /// A JavaScript exception or rejection: what was being done, and its message.
    #[error("{context}: {detail}")]
    Js {
        /// What was being done.
        context: String,
        /// The JavaScript error's message.
        detail: String,
    },
    /// The server answered with an error status.
    #[error("cannot fetch {url}: HTTP {status} {status_text}")]
    Http {
        /// The URL fetched.
        url: String,
        /// HTTP status.
        status: u16,
        /// Its reason phrase.
        status_text: String,
    },
    /// A browser facility this page needs is missing.
    #[error("{0}")]
    Unavailable(&'static str),
}

impl WebError {
    /// `context: detail` for a JavaScript exception or rejection (its message when it is an
    /// Error).
    pub fn js(context: &str, e: JsValue) -> WebError {
        let detail = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| format!("{e:?}"));
        WebError::Js {
            context: context.to_owned(),
            detail,
        }
    }

    fn http(url: &str, resp: &Response) -> WebError {
        WebError::Http {
            url: url.to_owned(),
            status: resp.status(),
            status_text: resp.status_text(),
        }
    }
}

fn window() -> Result<web_sys::Window, WebError> {
    web_sys::window().ok_or(WebError::Unavailable("no window"))
}

async fn response(url: &str) -> Result<Response, WebError> {
    let promise = window()?.fetch_with_str(url);
    let value = JsFuture::from(promise)
        .await
        .map_err(|e| WebError::js(&format!("cannot fetch {url}"), e))?;
    let resp: Response = value
        .dyn_into()
        .map_err(|e| WebError::js(&format!("cannot fetch {url}"), e))?;
    if !resp.ok() {
        return Err(WebError::http(url, &resp));
    }
    Ok(resp)
}

/// Fetches a same-origin URL's bytes, reporting (received, total if known) after every chunk.
pub async fn fetch_bytes(
    url: &str,
    progress: impl Fn(u64, Option<u64>),
) -> Result<Vec<u8>, WebError> {
    let resp = response(url).await?;
    let total = resp
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|s| s.parse::<u64>().ok());
    let fail = |e: JsValue| WebError::js(&format!("while downloading {url}"), e);
    let Some(body) = resp.body() else {
        return Ok(Vec::new());
    };
    let reader: web_sys::ReadableStreamDefaultReader = body
        .get_reader()
        .dyn_into()
        .map_err(|e: js_sys::Object| fail(e.into()))?;
    progress(0, total);
    let capacity = total.unwrap_or(0).min(1 << 30) as usize;
    vlrb_web_decode::read_all(&reader, capacity, None, |received| {
        progress(received as u64, total)
    })
    .await
    .map_err(|e| match e {
        vlrb_web_decode::StreamError::Failed(e) => fail(e),
        // No limit was set.
        vlrb_web_decode::StreamError::TooLong => {
            fail(JsValue::from_str("the download is too long"))
        }
    })
}

/// Fetches a same-origin URL as text; `Ok(None)` when it does not exist (HTTP 404).
pub async fn fetch_text_optional(url: &str) -> Result<Option<String>, WebError> {
    text_optional(start_fetch(url)?, url).await
}

/// Starts fetching a same-origin URL now (the request runs while other work is awaited); finish
/// with [`text_optional`].
pub fn start_fetch(url: &str) -> Result<js_sys::Promise, WebError> {
    Ok(window()?.fetch_with_str(url))
}

/// The text of a fetch begun with [`start_fetch`]; `Ok(None)` when the URL does not exist (404).
pub async fn text_optional(fetch: js_sys::Promise, url: &str) -> Result<Option<String>, WebError> {
    let value = JsFuture::from(fetch)
        .await
        .map_err(|e| WebError::js(&format!("cannot fetch {url}"), e))?;
    let resp: Response = value.dyn_into().map_err(|e| WebError::js(url, e))?;
    if resp.status() == 404 {
        return Ok(None);
    }
    if !resp.ok() {
        return Err(WebError::http(url, &resp));
    }
    let text = JsFuture::from(resp.text().map_err(|e| WebError::js(url, e))?)
        .await
        .map_err(|e| WebError::js(url, e))?;
    Ok(text.as_string())
}

/// The files chosen in the file input an event came from, in order; the input is cleared, so
/// choosing the same files again fires another change event.
pub fn take_input_files(ev: &web_sys::Event) -> Vec<web_sys::File> {
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return Vec::new();
    };
    let files = file_list(input.files());
    input.set_value("");
    files
}

/// The files of a file input or a drop, in order.
pub fn file_list(files: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    files
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default()
}

/// Reads a user-chosen file's bytes without blocking the page.
pub async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, WebError> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| WebError::js(&format!("cannot read {}", file.name()), e))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Lets the browser paint and handle input before continuing (a macrotask boundary).
pub async fn yield_now() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Ok(w) = window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Resolves once the browser is idle (`requestIdleCallback`), at most `timeout_ms` later; where
/// there are no idle callbacks (Safari), after the next task.
pub async fn when_idle(timeout_ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Ok(w) = window() else {
            let _ = resolve.call0(&JsValue::NULL);
            return;
        };
        let options = web_sys::IdleRequestOptions::new();
        options.set_timeout(timeout_ms);
        if w.request_idle_callback_with_options(&resolve, &options)
            .is_err()
        {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Resolves once the browser has painted the next frame: a task queued from that frame's
/// `requestAnimationFrame` callback runs after its paint. (A hidden tab paints no frame; this
/// then waits until it is shown.)
pub async fn after_next_paint() {
    next_paint(None).await;
}

/// Resolves once the browser has painted the next frame, or after `max_ms` where no frame comes
/// (a hidden tab): for work that should not share a frame with the change before it, but must
/// not wait for the tab to be shown.
pub async fn after_next_paint_within(max_ms: i32) {
    next_paint(Some(max_ms)).await;
}

/// The next frame's paint, or `max_ms` if given, whichever comes first.
async fn next_paint(max_ms: Option<i32>) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Ok(w) = window() else {
            let _ = resolve.call0(&JsValue::NULL);
            return;
        };
        if let Some(ms) = max_ms {
            // Resolving twice is harmless: the first one wins.
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
        let after_paint = resolve.clone();
        let queue = wasm_bindgen::closure::Closure::once_into_js(move || {
            if let Ok(w) = window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&after_paint, 0);
            }
        });
        if w.request_animation_frame(queue.unchecked_ref()).is_err() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Milliseconds since navigation start.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The localStorage key of the chosen theme.
pub const THEME_KEY: &str = "vlrb.theme";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads a localStorage item.
pub fn storage_get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Writes (or, for `None`, removes) a localStorage item; the error says why it failed (quota).
pub fn storage_set(key: &str, value: Option<&str>) -> Result<(), WebError> {
    let s = storage().ok_or(WebError::Unavailable("localStorage is unavailable"))?;
    match value {
        Some(v) => s.set_item(key, v),
        None => s.remove_item(key),
    }
    .map_err(|e| WebError::js("cannot write to this browser's storage", e))
}

/// A `blob:` URL of bytes held by the page (valid until the page closes), for a worker to fetch.
pub fn object_url(bytes: &[u8], mime: &str) -> Result<String, WebError> {
    let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| WebError::js("cannot hold the bundle", e))?;
    Url::create_object_url_with_blob(&blob).map_err(|e| WebError::js("cannot hold the bundle", e))
}

/// Releases a URL made by [`object_url`] (a failure only keeps the bytes until the page closes).
pub fn revoke_object_url(url: &str) {
    let _ = Url::revoke_object_url(url);
}

/// Offers `text` as a file download named `file_name`.
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), WebError> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| WebError::js("cannot build the download", e))?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|e| WebError::js("download", e))?;
    let document = window()?
        .document()
        .ok_or(WebError::Unavailable("no document"))?;
    let a: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| WebError::js("download", e))?
        .dyn_into()
        .map_err(|e: web_sys::Element| WebError::js("download", e.into()))?;
    a.set_href(&url);
    a.set_download(file_name);
    a.click();
    Url::revoke_object_url(&url).map_err(|e| WebError::js("download", e))
}

/// The page's query string (with `?`), or empty.
pub fn location_search() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Replaces the URL's query string without reloading or adding a history entry.
pub fn replace_query(query: &str) {
    let Some(w) = web_sys::window() else { return };
    let path = w.location().pathname().unwrap_or_default();
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{query}")));
    }
}

/// The text of the page's element `id` (a `<script type="application/json">` written at build
/// time), when the page has it.
pub fn element_text(id: &str) -> Option<String> {
    web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .text_content()
}

/// Sets an attribute on the `<html>` element (the theme).
pub fn set_root_attribute(name: &str, value: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute(name, value);
    }
}

/// Whether the visitor's system prefers a dark theme.
pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Whether the browser exposes WebGPU (`navigator.gpu`); an adapter may still be missing.
pub fn has_webgpu() -> bool {
    web_sys::window()
        .and_then(|w| Reflect::get(&w.navigator(), &JsValue::from_str("gpu")).ok())
        .is_some_and(|gpu| !gpu.is_undefined() && !gpu.is_null())
}

/// The browser's logical processors (`navigator.hardwareConcurrency`; 1 when unknown).
pub fn hardware_concurrency() -> usize {
    web_sys::window().map_or(1, |w| {
        w.navigator().hardware_concurrency().max(1.0) as usize
    })
}

/// A worker no longer needed ends at the page's next idle period, or this long after at most.
const END_WITHIN_MS: u32 = 2_000;

/// A running Web Worker and its message handlers (dropped with it).
pub struct WorkerHandle {
    worker: web_sys::Worker,
    _on_message: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
}

impl WorkerHandle {
    /// Starts `script` (same origin), handing each text message to `on_message` and a failure to
    /// start or run to `on_error`.
    pub fn start(
        script: &str,
        mut on_message: impl FnMut(String) + 'static,
        on_error: impl FnMut(WebError) + 'static,
    ) -> Result<WorkerHandle, WebError> {
        WorkerHandle::start_raw(
            script,
            move |data| on_message(data.as_string().unwrap_or_default()),
            on_error,
        )
    }

    /// Starts `script` (same origin), handing each message's data, whatever it is, to
    /// `on_message`, and a failure to start or run to `on_error`.
    pub fn start_raw(
        script: &str,
        mut on_message: impl FnMut(JsValue) + 'static,
        mut on_error: impl FnMut(WebError) + 'static,
    ) -> Result<WorkerHandle, WebError> {
        use wasm_bindgen::closure::Closure;
        let worker = web_sys::Worker::new(script)
            .map_err(|e| WebError::js(&format!("cannot start {script}"), e))?;
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| on_message(event.data()),
        );
        let script_name = script.to_owned();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let detail = Reflect::get(&event, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "it could not be loaded".to_owned());
            on_error(WebError::Js {
                context: format!("{script_name} failed"),
                detail,
            })
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerHandle {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Ends the worker now (it is also ended when dropped); messages it had already sent are no
    /// longer handled.
    pub fn terminate(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }

    /// Stops handling the worker's messages now and ends it once the page is idle (within two
    /// seconds). Ending a worker frees its memory, which holds up the page's own allocations for
    /// tens of milliseconds (BENCHMARKS.md, issue 14): not while a finished run renders.
    pub fn end_when_idle(self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        wasm_bindgen_futures::spawn_local(async move {
            when_idle(END_WITHIN_MS).await;
            drop(self);
        });
    }

    /// Posts a message of several parts (text and `File`s) to the worker.
    pub fn post_parts(&self, parts: &js_sys::Array) -> Result<(), WebError> {
        self.worker
            .post_message(parts)
            .map_err(|e| WebError::js("cannot message the worker", e))
    }

    /// Posts a text message to the worker.
    pub fn post(&self, text: &str) -> Result<(), WebError> {
        self.worker
            .post_message(&JsValue::from_str(text))
            .map_err(|e| WebError::js("cannot message the worker", e))
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        self.terminate();
    }
}
