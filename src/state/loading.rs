//! Loading: the list of benchmarks, then one benchmark's bundle (downloaded with progress, checked,
//! decoded), its built-in entries, stored uploads and verified submissions.

use std::sync::Arc;

use futures::channel::oneshot;
use leptos::prelude::*;
use vlrb_board::site::{
    BENCH_INDEX as INDEX, SUBMISSIONS_MANIFEST as SUBMISSIONS, SubmissionText, named_apart,
    score_submissions, served,
};
use vlrb_board::{BoardHead, Entry, upload};
use vlrb_core::bundle;
use vlrb_core::model::Benchmark;
use vlrb_core::predictions::SampleIndex;
use vlrb_core::scenario::Scenario;

use super::AppState;
use crate::web::{self, BenchInfo, SubmissionInfo};

/// A download begun with [`web::start_fetch`].
type Fetch = Result<js_sys::Promise, web::WebError>;

/// A decoded benchmark with what the board derives from it once.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Its line of `bundles/index.json`.
    pub info: BenchInfo,
    /// The benchmark.
    pub bench: Arc<Benchmark>,
    /// Sample-id and model lookups for scoring uploads, built once per bundle.
    pub index: Arc<SampleIndex>,
    /// The benchmark as published (every model, the bundle's costs and bounds).
    pub published: Arc<Scenario>,
    /// Baselines and single models, as published.
    pub builtin: Arc<Vec<Entry>>,
    /// Where the training worker fetches the bundle: relative to the site, or a `blob:` URL of a
    /// benchmark opened from disk.
    pub bundle_url: String,
    /// What the first screen shows of it besides the rows.
    pub head: Arc<BoardHead>,
}

impl Loaded {
    /// Whether the data is synthetic (by the bundle or the index).
    pub fn synthetic(&self) -> bool {
        self.head.synthetic
    }
}

/// Where loading stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Reading the list of benchmarks.
    Index,
    /// Downloading a bundle: bytes received, of the total when known.
    Downloading {
        /// Bytes received.
        received: u64,
        /// Content length, when the server said.
        total: Option<u64>,
    },
    /// Checking and decoding the bundle.
    Decoding,
    /// The board is complete.
    Ready,
    /// Nothing can be shown: why.
    Failed(String),
}

/// The list of benchmarks and the submissions' manifest, requested as the app starts, before its
/// first render (which may paint an earlier visit's board first).
pub struct FirstFetches {
    index: Fetch,
    manifest: Fetch,
}

impl FirstFetches {
    /// Requests both now.
    pub fn start() -> FirstFetches {
        FirstFetches {
            index: web::start_fetch(INDEX),
            manifest: web::start_fetch(SUBMISSIONS),
        }
    }
}

/// Reads the list of benchmarks and loads the one the URL names (or the first). The submissions'
/// manifest downloads beside the list, so their files can start as soon as the benchmark is known.
pub async fn start(state: AppState, first: FirstFetches) {
    let FirstFetches { index, manifest } = first;
    let index = match index {
        Ok(fetch) => web::text_optional(fetch, INDEX).await,
        Err(e) => Err(e),
    };
    let text = match index {
        Ok(Some(text)) => text,
        Ok(None) => {
            state.phase.set(Phase::Failed(format!(
                "{INDEX} is missing: this site has no benchmark to show"
            )));
            return;
        }
        Err(e) => {
            state.phase.set(Phase::Failed(e.to_string()));
            return;
        }
    };
    match serde_json::from_str::<Vec<BenchInfo>>(&text) {
        Ok(list) if !list.is_empty() => {
            let wanted = state.bench.get_untracked();
            let served = served(&list, wanted.as_deref()).cloned();
            state.index.set(list);
            if let Some(info) = served {
                // The visitor's own benchmarks (IndexedDB) join the picker while this one loads,
                // so reading them never delays the board.
                leptos::task::spawn_local(add_stored(state));
                return load_with(state, info, Some(manifest)).await;
            }
            // The link names no served benchmark: perhaps one of the visitor's own.
            add_stored(state).await;
            let index = state.index.get_untracked();
            match index.iter().find(|b| Some(&b.name) == wanted.as_ref()) {
                Some(info) => load(state, info.clone()).await,
                None => state.phase.set(Phase::Failed(format!(
                    "no benchmark named {} on this site or in this browser; available: {}",
                    wanted.unwrap_or_default(),
                    index
                        .iter()
                        .map(|b| b.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
            }
        }
        Ok(_) => state
            .phase
            .set(Phase::Failed(format!("{INDEX} lists no benchmark"))),
        Err(e) => state
            .phase
            .set(Phase::Failed(format!("{INDEX} is malformed: {e}"))),
    }
}

/// Adds the benchmarks the visitor opened from disk (IndexedDB) to the list; a failure is shown by
/// the opener.
async fn add_stored(state: AppState) {
    match web::local_db::list().await {
        Ok(local) => state.index.update(|index| index.extend(local)),
        Err(e) => state.local_status.set(super::local::Status::Failed(format!(
            "your stored benchmarks could not be read: {e}"
        ))),
    }
}

/// Downloads (or, for a benchmark opened from disk, reads from IndexedDB), decodes and installs
/// one benchmark with its submissions and stored uploads.
pub async fn load(state: AppState, info: BenchInfo) {
    load_with(state, info, None).await
}

/// [`load`], with the submissions' manifest when its download has already begun.
async fn load_with(state: AppState, info: BenchInfo, manifest: Option<Fetch>) {
    let generation = begin(state, &info);
    let current = move || state.load_generation.get_value() == generation;
    let t_start = web::now_ms();
    // A served benchmark's submissions (the manifest, then every file at once) download while the
    // bundle downloads and decodes, so they are scored before the board's first render.
    let submissions = (!info.local).then(|| {
        let (sender, receiver) = oneshot::channel();
        let name = info.name.clone();
        leptos::task::spawn_local(async move {
            // The receiver is gone only when the load failed or was replaced: nothing to keep.
            let _ = sender.send(fetch_submissions(&name, manifest).await);
        });
        receiver
    });
    let bytes = if info.local {
        match web::local_db::bundle(&info.name).await {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err(format!("{} is no longer stored in this browser", info.name)),
            Err(e) => Err(e.to_string()),
        }
    } else {
        let url = format!("bundles/{}", info.file);
        web::fetch_bytes(&url, |received, total| {
            if current() {
                state.phase.set(Phase::Downloading { received, total });
            }
        })
        .await
        .map_err(|e| e.to_string())
    };
    if !current() {
        return;
    }
    match bytes {
        Ok(bytes) => install(state, info, &bytes, None, submissions, generation, t_start).await,
        Err(e) => state.phase.set(Phase::Failed(e)),
    }
}

/// Starts a load: a new generation (so a stale load stops), the benchmark's name in the URL, the
/// previous benchmark's state cleared.
pub fn begin(state: AppState, info: &BenchInfo) -> u64 {
    let generation = state.load_generation.get_value() + 1;
    state.load_generation.set_value(generation);
    // A what-if view belongs to its benchmark: another benchmark starts as published.
    if state.bench.get_untracked().as_deref() != Some(info.name.as_str()) {
        state.what_if.set(Default::default());
    }
    state.bench.set(Some(info.name.clone()));
    super::snapshot::keep_only_for(state, info);
    // The previous local benchmark's bundle copy (its `blob:` URL) is no longer needed.
    if let Some(previous) = state.loaded.get_untracked()
        && previous.info.local
    {
        web::revoke_object_url(&previous.bundle_url);
    }
    state.loaded.set(None);
    state.extra.set(Vec::new());
    state.extra_errors.set(Vec::new());
    state.uploads.set(Vec::new());
    state.notices.set(Vec::new());
    state.intervals.set(None);
    state.ready_ms.set(None);
    state.phase.set(Phase::Downloading {
        received: 0,
        total: None,
    });
    generation
}

/// Decodes a bundle's bytes (unless the caller already has them `decoded`) and installs the
/// benchmark with its stored uploads and its downloaded `submissions` (served benchmarks), scored
/// before the first render so the board renders once.
pub async fn install(
    state: AppState,
    info: BenchInfo,
    bytes: &[u8],
    decoded: Option<Benchmark>,
    submissions: Option<oneshot::Receiver<SubmissionFiles>>,
    generation: u64,
    t_start: f64,
) {
    let current = move || state.load_generation.get_value() == generation;
    let t_downloaded = web::now_ms();
    state.phase.set(Phase::Decoding);
    web::yield_now().await;
    if !current() {
        return;
    }
    let t_decode = web::now_ms();
    let decoded = match decoded {
        Some(bench) => Ok(bench),
        None => vlrb_web_decode::decode(bytes).await,
    };
    if !current() {
        return;
    }
    let decoded = decoded.and_then(|bench| Ok((bundle::read_header(bytes)?, bench)));
    let (header, bench) = match decoded {
        Ok(x) => x,
        Err(e) => {
            return state.phase.set(Phase::Failed(format!(
                "{} could not be loaded: {e}",
                info.file
            )));
        }
    };
    // A served bundle must hold the benchmark its index line names (a local one is named by the
    // page, which may set a name of its own apart from the served ones).
    if !info.local
        && let Err(e) = info.check_holds(&bench.name)
    {
        return state.phase.set(Phase::Failed(e));
    }
    let bundle_url = if info.local {
        match web::object_url(bytes, "application/octet-stream") {
            Ok(url) => url,
            Err(e) => return state.phase.set(Phase::Failed(e.to_string())),
        }
    } else {
        format!("bundles/{}", info.file)
    };
    let t_decoded = web::now_ms();
    let bench = Arc::new(bench);
    let index = Arc::new(SampleIndex::new(&bench));
    let published = Arc::new(Scenario::published(bench.clone()));
    let builtin = Arc::new(vlrb_board::builtin_entries(&published));
    let t_routed = web::now_ms();
    // Filters and selections from a link that do not exist here are dropped.
    if state
        .group
        .get_untracked()
        .is_some_and(|g| !bench.samples.groups().iter().any(|x| *x == g))
    {
        state.group.set(None);
    }
    if state
        .dataset
        .get_untracked()
        .is_some_and(|d| !bench.samples.datasets.contains(&d))
    {
        state.dataset.set(None);
    }
    // Uploads stored for this bundle.
    let mut uploads = Vec::new();
    if let Some(text) = web::storage_get(&upload::storage_key(&info.name)) {
        match upload::restore(&bench, &header.sha256, &text) {
            Ok(u) => uploads = u,
            Err(e) => state.storage_note.set(Some(e.to_string())),
        }
    }
    let scored = match submissions {
        Some(files) => {
            let files = files.await;
            if !current() {
                return;
            }
            Some(match files {
                Ok(files) => files.score(&bench, &index),
                Err(oneshot::Canceled) => (
                    Vec::new(),
                    vec![format!(
                        "{SUBMISSIONS} and its files were not read: their download was cancelled"
                    )],
                ),
            })
        }
        None => None,
    };
    state.uploads.set(uploads);
    let head = Arc::new(BoardHead::of(&bench, &header.sha256, info.listed()));
    state.loaded.set(Some(Arc::new(Loaded {
        info: info.clone(),
        bench: bench.clone(),
        index: index.clone(),
        published,
        builtin,
        bundle_url,
        head,
    })));
    state.snapshot.set(None);
    // Set in the same task as the benchmark, so the page renders the board once.
    if let Some((extra, errors)) = scored {
        state
            .extra
            .set(named_apart(&mut state.taken_names(None), extra));
        state.extra_errors.set(errors);
    }
    state.phase.set(Phase::Ready);
    // Ready once the board is on screen: the page renders it in the next frame.
    web::after_next_paint().await;
    if !current() {
        return;
    }
    let t_ready = web::now_ms();
    state.ready_ms.set(Some(t_ready));
    super::snapshot::store(state);
    state.load_timings.set(Some(format!(
        "download {:.0} ms, decode {:.0} ms, baselines {:.0} ms, board and submissions {:.0} ms",
        t_downloaded - t_start,
        t_decoded - t_decode,
        t_routed - t_decoded,
        t_ready - t_routed
    )));
}

/// The verified submissions and reference routers of one benchmark, downloaded, not yet scored.
pub struct SubmissionFiles {
    /// Each listed file with its text.
    files: Vec<(SubmissionInfo, SubmissionText)>,
    /// Why the manifest could not be used.
    errors: Vec<String>,
}

/// Downloads the manifest (unless its download has begun), then every file it lists for benchmark
/// `name` at once.
async fn fetch_submissions(name: &str, manifest: Option<Fetch>) -> SubmissionFiles {
    let mut errors = Vec::new();
    let manifest = match manifest.unwrap_or_else(|| web::start_fetch(SUBMISSIONS)) {
        Ok(fetch) => web::text_optional(fetch, SUBMISSIONS).await,
        Err(e) => Err(e),
    };
    let list = match manifest {
        Ok(None) => Vec::new(),
        Ok(Some(text)) => match serde_json::from_str::<Vec<SubmissionInfo>>(&text) {
            Ok(list) => list,
            Err(e) => {
                errors.push(format!("{SUBMISSIONS} is malformed: {e}"));
                Vec::new()
            }
        },
        Err(e) => {
            errors.push(e.to_string());
            Vec::new()
        }
    };
    let list: Vec<SubmissionInfo> = list.into_iter().filter(|s| s.bench == name).collect();
    let fetches: Vec<_> = list.iter().map(|s| web::start_fetch(&s.file)).collect();
    let mut files = Vec::with_capacity(list.len());
    for (sub, fetch) in list.into_iter().zip(fetches) {
        let text = match fetch {
            Ok(fetch) => web::text_optional(fetch, &sub.file).await,
            Err(e) => Err(e),
        };
        files.push((sub, text.map_err(|e| e.to_string())));
    }
    SubmissionFiles { files, errors }
}

impl SubmissionFiles {
    /// Each file scored by the same code as uploads, and the reason for each one that could not be
    /// (the manifest's first).
    fn score(self, bench: &Benchmark, index: &SampleIndex) -> (Vec<Entry>, Vec<String>) {
        let (entries, errors) = score_submissions(bench, index, self.files);
        (entries, [self.errors, errors].concat())
    }
}
