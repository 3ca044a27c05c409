//! The visitor's own benchmarks: a bundle, or long-format files (packed in the pack worker by
//! `vlrb pack`'s reader, so the page never stalls), opened from disk; kept in IndexedDB for the
//! next visit, removable. Nothing is sent anywhere. A file that cannot be read leaves the benchmark
//! on screen as it was.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Uint8Array};
use leptos::prelude::*;
use vlrb_core::model::Benchmark;
use vlrb_formats::pack::{PACK_WORKER_SCRIPT, PackMessage, PackRequest, Packed};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::File;

use super::{AppState, loading};
use crate::web::{self, BenchInfo, WorkerHandle};

/// Where opening a benchmark from disk stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Status {
    /// Nothing under way.
    #[default]
    Idle,
    /// Reading or packing: what is happening.
    Working(String),
    /// A benchmark was opened: what to tell the visitor.
    Opened(String),
    /// The files could not be opened: the reader's message (file, line, culprit).
    Failed(String),
}

/// Opens the files a visitor chose or dropped: one `.vlrb` bundle, or the long-format files.
pub async fn open(state: AppState, files: Vec<File>) {
    if files.is_empty() || matches!(state.local_status.get_untracked(), Status::Working(_)) {
        return;
    }
    let label = files.iter().map(File::name).collect::<Vec<_>>().join(", ");
    state
        .local_status
        .set(Status::Working(format!("reading {label}")));
    let opened = if files.iter().any(|f| f.name().ends_with(".vlrb")) {
        open_bundle(&files).await
    } else {
        pack(state, &files).await
    };
    let (packed, bytes, decoded) = match opened {
        Ok(x) => x,
        Err(message) => return state.local_status.set(Status::Failed(message)),
    };
    let info = local_info(state, &packed, &label);
    let kept = match web::local_db::put(&info, &bytes).await {
        Ok(()) => "kept in this browser for your next visit".to_owned(),
        Err(e) => format!("shown for this visit only ({e})"),
    };
    state.local_status.set(Status::Opened(format!(
        "opened {} ({} samples x {} models) from {label}; {kept}; nothing was uploaded",
        info.name, packed.samples, packed.models
    )));
    state.index.update(|index| {
        index.retain(|b| !(b.local && b.name == info.name));
        index.push(info.clone());
    });
    state.group.set(None);
    state.dataset.set(None);
    state.selected.set(Vec::new());
    let generation = loading::begin(state, &info);
    loading::install(
        state,
        info,
        &bytes,
        decoded,
        None,
        generation,
        web::now_ms(),
    )
    .await;
}

/// Reads and checks one bundle file; gives the benchmark decoded (so it is decoded once).
async fn open_bundle(files: &[File]) -> Result<(Packed, Vec<u8>, Option<Benchmark>), String> {
    let [file] = files else {
        return Err(format!(
            "{} files chosen with a .vlrb bundle; open a bundle alone, or the long-format files \
             (records.csv, samples.csv, models.csv, *.npy) together",
            files.len()
        ));
    };
    let name = file.name();
    let bytes = web::read_file(file).await.map_err(|e| e.to_string())?;
    let bench = vlrb_web_decode::decode(&bytes)
        .await
        .map_err(|e| format!("{name}: {e}"))?;
    Ok((Packed::of(&bench, bytes.len()), bytes, Some(bench)))
}

/// Packs long-format files in a worker of their own (ended when done); the page decodes the bundle
/// when it installs it.
async fn pack(
    state: AppState,
    files: &[File],
) -> Result<(Packed, Vec<u8>, Option<Benchmark>), String> {
    let request = PackRequest {
        folder: folder_of(files),
        files: files.iter().map(File::name).collect(),
    };
    let text = serde_json::to_string(&request).map_err(|e| e.to_string())?;
    let parts = Array::of1(&JsValue::from_str(&text));
    files.iter().for_each(|f| {
        parts.push(f);
    });
    let mut settle = None;
    let answered = js_sys::Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let Some((resolve, reject)) = settle else {
        return Err("the browser did not start a promise".to_owned());
    };
    let handle: Rc<RefCell<Option<WorkerHandle>>> = Rc::new(RefCell::new(None));
    let on_message = {
        let handle = handle.clone();
        let reject = reject.clone();
        move |data: JsValue| {
            if data.is_array() {
                let _ = resolve.call1(&JsValue::NULL, &data);
                return;
            }
            match data
                .as_string()
                .map(|t| serde_json::from_str::<PackMessage>(&t))
            {
                Some(Ok(PackMessage::Ready)) => {
                    let posted = handle.borrow().as_ref().map(|h| h.post_parts(&parts));
                    if let Some(Err(e)) = posted {
                        let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&e.to_string()));
                    }
                }
                Some(Ok(PackMessage::Stage { text })) => {
                    state.local_status.set(Status::Working(text));
                }
                Some(Ok(PackMessage::Failed { message })) => {
                    let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&message));
                }
                _ => {}
            }
        }
    };
    let on_error = move |e: web::WebError| {
        let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&e.to_string()));
    };
    let started = WorkerHandle::start_raw(PACK_WORKER_SCRIPT, on_message, on_error)
        .map_err(|e| e.to_string())?;
    *handle.borrow_mut() = Some(started);
    let reply = wasm_bindgen_futures::JsFuture::from(answered).await;
    // The worker's job is done (or failed): it ends once the page is idle, after the benchmark
    // it packed has rendered.
    if let Some(worker) = handle.borrow_mut().take() {
        worker.end_when_idle();
    }
    let reply: Array = reply
        .map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))?
        .unchecked_into();
    let packed = match reply
        .get(0)
        .as_string()
        .map(|t| serde_json::from_str::<PackMessage>(&t))
    {
        Some(Ok(PackMessage::Packed(packed))) => packed,
        other => return Err(format!("unexpected answer from the worker: {other:?}")),
    };
    let bytes = reply
        .get(1)
        .dyn_into::<Uint8Array>()
        .map_err(|_| "the worker sent no bundle".to_owned())?
        .to_vec();
    Ok((packed, bytes, None))
}

/// The folder the files were chosen in, when the browser says (else empty): the benchmark's
/// default name when its files carry none.
fn folder_of(files: &[File]) -> String {
    files
        .first()
        .and_then(|f| js_sys::Reflect::get(f, &JsValue::from_str("webkitRelativePath")).ok())
        .and_then(|p| p.as_string())
        .and_then(|p| p.split('/').next().map(str::to_owned))
        .unwrap_or_default()
}

/// The index line of an opened benchmark: its own name, unless a served benchmark has it
/// (then `<name>-local`); a stored one of the same name is replaced.
fn local_info(state: AppState, packed: &Packed, label: &str) -> BenchInfo {
    let served = state.index.get_untracked();
    let name = if served.iter().any(|b| !b.local && b.name == packed.name) {
        format!("{}-local", packed.name)
    } else {
        packed.name.clone()
    };
    BenchInfo {
        title: format!("{name} (local: {label})"),
        name,
        file: label.to_owned(),
        synthetic: packed.synthetic,
        licence: packed.licence.clone(),
        datasets: packed.datasets.clone(),
        local: true,
    }
}

/// Forgets a stored benchmark; if it is on screen, the first served benchmark is shown.
pub async fn remove(state: AppState, name: String) {
    if let Err(e) = web::local_db::remove(&name).await {
        return state
            .local_status
            .set(Status::Failed(format!("cannot remove {name}: {e}")));
    }
    state
        .index
        .update(|index| index.retain(|b| !(b.local && b.name == name)));
    state
        .local_status
        .set(Status::Opened(format!("removed {name} from this browser")));
    if state.bench.get_untracked().as_deref() == Some(name.as_str())
        && let Some(first) = state.index.get_untracked().into_iter().next()
    {
        loading::load(state, first).await;
    }
}
