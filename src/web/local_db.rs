//! The visitor's own benchmarks, kept in IndexedDB (database `vlrb`): their index lines in the
//! object store `info` (JSON text) and their bundles in `bundles` (bytes), both keyed by name.
//! Nothing leaves the browser.

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode,
};

use super::{BenchInfo, WebError};

const DATABASE: &str = "vlrb";
const VERSION: u32 = 1;
const INFO: &str = "info";
const BUNDLES: &str = "bundles";

/// Waits for a request's `success` (its result) or `error`.
async fn finished(request: &IdbRequest, context: &str) -> Result<JsValue, WebError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let done = request.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move || {
            let detail = failed
                .error()
                .ok()
                .flatten()
                .map_or_else(|| "unknown error".to_owned(), |e| e.message());
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&detail));
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map_err(|e| WebError::js(context, e))
}

/// Waits for a read-write transaction to commit.
async fn committed(tx: &IdbTransaction, context: &str) -> Result<(), WebError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let on_complete = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = tx.clone();
        let on_error = Closure::once_into_js(move || {
            let detail = failed
                .error()
                .map_or_else(|| "aborted".to_owned(), |e| e.message());
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&detail));
        });
        tx.set_oncomplete(Some(on_complete.unchecked_ref()));
        tx.set_onerror(Some(on_error.unchecked_ref()));
        tx.set_onabort(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|e| WebError::js(context, e))
}

/// Opens the database, creating its stores on first use.
async fn open() -> Result<IdbDatabase, WebError> {
    let factory = super::window()?
        .indexed_db()
        .map_err(|e| WebError::js("IndexedDB is not available", e))?
        .ok_or(WebError::Unavailable(
            "IndexedDB is not available in this browser (private mode?)",
        ))?;
    let request: IdbOpenDbRequest = factory
        .open_with_u32(DATABASE, VERSION)
        .map_err(|e| WebError::js("cannot open IndexedDB", e))?;
    let upgrading = request.clone();
    let on_upgrade = Closure::once_into_js(move || {
        if let Ok(db) = upgrading.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
            for store in [INFO, BUNDLES] {
                if !db.object_store_names().contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    finished(&request, "cannot open IndexedDB")
        .await?
        .dyn_into()
        .map_err(|e| WebError::js("cannot open IndexedDB", e))
}

/// A transaction over both stores.
fn transaction(db: &IdbDatabase, mode: IdbTransactionMode) -> Result<IdbTransaction, WebError> {
    let stores = Array::of2(&JsValue::from_str(INFO), &JsValue::from_str(BUNDLES));
    db.transaction_with_str_sequence_and_mode(&stores, mode)
        .map_err(|e| WebError::js("cannot use IndexedDB", e))
}

/// The result of one read request on `store` (in a read-only transaction of its own).
async fn read(
    store: &str,
    request: impl FnOnce(&IdbObjectStore) -> Result<IdbRequest, JsValue>,
) -> Result<JsValue, WebError> {
    let context = "cannot read IndexedDB";
    let db = open().await?;
    let tx = transaction(&db, IdbTransactionMode::Readonly)?;
    let store = tx
        .object_store(store)
        .map_err(|e| WebError::js(context, e))?;
    let request = request(&store).map_err(|e| WebError::js(context, e))?;
    finished(&request, context).await
}

/// The index lines of every stored benchmark.
pub async fn list() -> Result<Vec<BenchInfo>, WebError> {
    let all: Array = read(INFO, |store| store.get_all())
        .await?
        .dyn_into()
        .map_err(|e| WebError::js("cannot read IndexedDB", e))?;
    let mut infos = Vec::new();
    for text in all.iter().filter_map(|v| v.as_string()) {
        match serde_json::from_str::<BenchInfo>(&text) {
            Ok(info) => infos.push(info),
            Err(e) => {
                return Err(WebError::Js {
                    context: "a stored benchmark is unreadable".to_owned(),
                    detail: e.to_string(),
                });
            }
        }
    }
    Ok(infos)
}

/// A stored benchmark's bundle.
pub async fn bundle(name: &str) -> Result<Option<Vec<u8>>, WebError> {
    let value = read(BUNDLES, |store| store.get(&JsValue::from_str(name))).await?;
    Ok(value.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec))
}

/// Stores (or replaces) a benchmark: its index line and its bundle.
pub async fn put(info: &BenchInfo, bytes: &[u8]) -> Result<(), WebError> {
    let text = serde_json::to_string(info).map_err(|e| WebError::Js {
        context: "cannot store the benchmark".to_owned(),
        detail: e.to_string(),
    })?;
    let db = open().await?;
    let tx = transaction(&db, IdbTransactionMode::Readwrite)?;
    let context = "cannot store the benchmark in IndexedDB";
    let stores = (tx.object_store(INFO), tx.object_store(BUNDLES));
    let (Ok(info_store), Ok(bundle_store)) = stores else {
        return Err(WebError::Unavailable("IndexedDB stores are missing"));
    };
    let key = JsValue::from_str(&info.name);
    info_store
        .put_with_key(&JsValue::from_str(&text), &key)
        .map_err(|e| WebError::js(context, e))?;
    bundle_store
        .put_with_key(&Uint8Array::from(bytes), &key)
        .map_err(|e| WebError::js(context, e))?;
    committed(&tx, context).await
}

/// Removes a stored benchmark.
pub async fn remove(name: &str) -> Result<(), WebError> {
    let db = open().await?;
    let tx = transaction(&db, IdbTransactionMode::Readwrite)?;
    let context = "cannot remove the benchmark from IndexedDB";
    let key = JsValue::from_str(name);
    for store in [INFO, BUNDLES] {
        tx.object_store(store)
            .and_then(|s| s.delete(&key))
            .map_err(|e| WebError::js(context, e))?;
    }
    committed(&tx, context).await
}
