//! The Leptos application: benchmark picker and loading, provenance, the leaderboard with filters,
//! sorting, intervals and breakdowns, uploads, the Pareto plot, exports and the URL state.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use vlrb_core::bootstrap::{DEFAULT_RESAMPLES, DEFAULT_SEED, EntryInterval, PairedBootstrap};
use vlrb_core::bundle::{self, PROTOCOL_VERSION};
use vlrb_core::model::{Benchmark, Split};
use vlrb_core::predictions::SampleIndex;
use vlrb_core::soft_labels::{LAMBDA_GRID, lambda_text, parse_lambda};
use wasm_bindgen::JsCast;

use crate::board::{self, Entry, ExportContext, Filter, Kind, Row, SortKey};
use crate::plot::{self, PlotPoint};
use crate::sandbox::{self, CurvePoint, TrainRequest, WorkerMessage};
use crate::upload;
use crate::urlstate::{TrainSettings, ViewState};
use crate::web::{self, BenchInfo, SubmissionInfo};

/// A decoded benchmark with what the board derives from it once.
#[derive(Debug, Clone, PartialEq)]
struct Loaded {
    info: BenchInfo,
    bench: Arc<Benchmark>,
    /// Sample-id and model lookups for scoring uploads, built once per bundle.
    index: Arc<SampleIndex>,
    sha256: String,
    builtin: Vec<Entry>,
}

/// Where loading stands.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Index,
    Downloading { received: u64, total: Option<u64> },
    Decoding,
    Submissions,
    Ready,
    Failed(String),
}

/// A message shown next to the upload control.
#[derive(Debug, Clone, PartialEq)]
struct Notice {
    id: u64,
    file: String,
    ok: bool,
    text: String,
}

/// The last sandbox sweep: one test routing per lambda, drawn on the Pareto plot.
#[derive(Debug, Clone, PartialEq)]
struct SweepCurve {
    /// The leaderboard entry the sweep produced.
    entry: String,
    /// (lambda as text, test routing of that lambda's checkpoint), in sweep order.
    points: Vec<(String, Arc<vlrb_core::metrics::Routing>)>,
}

/// Bootstrap results for one (filter, entries) state.
#[derive(Debug, Clone, PartialEq)]
struct Intervals {
    key: (Filter, Vec<String>),
    by_name: HashMap<String, EntryInterval>,
    ms: f64,
}

/// Every signal of the page, `Copy` so handlers can capture it.
#[derive(Clone, Copy)]
struct State {
    index: RwSignal<Vec<BenchInfo>>,
    phase: RwSignal<Phase>,
    loaded: RwSignal<Option<Arc<Loaded>>>,
    extra: RwSignal<Vec<Entry>>,
    extra_errors: RwSignal<Vec<String>>,
    uploads: RwSignal<Vec<Entry>>,
    notices: RwSignal<Vec<Notice>>,
    storage_note: RwSignal<Option<String>>,
    bench: RwSignal<Option<String>>,
    group: RwSignal<Option<String>>,
    dataset: RwSignal<Option<String>>,
    sort: RwSignal<(SortKey, bool)>,
    selected: RwSignal<Vec<String>>,
    /// Sandbox settings of the last run started (in the URL).
    train: RwSignal<Option<TrainSettings>>,
    /// The last sandbox lambda sweep (drawn on the plot).
    sweep: RwSignal<Option<SweepCurve>>,
    intervals: RwSignal<Option<Intervals>>,
    ready_ms: RwSignal<Option<f64>>,
    load_timings: RwSignal<Option<String>>,
    load_generation: StoredValue<u64>,
    notice_counter: StoredValue<u64>,
}

impl State {
    fn filter(&self) -> Filter {
        Filter {
            group: self.group.get(),
            dataset: self.dataset.get(),
        }
    }

    fn entries(&self) -> Vec<Entry> {
        let Some(loaded) = self.loaded.get() else {
            return Vec::new();
        };
        let mut all = loaded.builtin.clone();
        all.extend(self.extra.get());
        all.extend(self.uploads.get());
        all
    }

    fn notice(&self, file: &str, ok: bool, text: String) {
        let id = self.notice_counter.get_value() + 1;
        self.notice_counter.set_value(id);
        self.notices.update(|n| {
            n.retain(|m| m.file != file);
            n.push(Notice {
                id,
                file: file.to_owned(),
                ok,
                text,
            });
            if n.len() > 12 {
                n.remove(0);
            }
        });
    }

    fn persist(&self) {
        let Some(loaded) = self.loaded.get_untracked() else {
            return;
        };
        let uploads = self.uploads.get_untracked();
        let key = upload::storage_key(&loaded.info.name);
        let value = (!uploads.is_empty()).then(|| upload::store(&loaded.sha256, &uploads));
        let result = web::storage_set(&key, value.as_deref());
        self.storage_note.set(result.err());
    }
}

/// The application root.
#[component]
pub fn App() -> impl IntoView {
    let initial = ViewState::parse(&web::location_search());
    let state = State {
        index: RwSignal::new(Vec::new()),
        phase: RwSignal::new(Phase::Index),
        loaded: RwSignal::new(None),
        extra: RwSignal::new(Vec::new()),
        extra_errors: RwSignal::new(Vec::new()),
        uploads: RwSignal::new(Vec::new()),
        notices: RwSignal::new(Vec::new()),
        storage_note: RwSignal::new(None),
        bench: RwSignal::new(initial.bench.clone()),
        group: RwSignal::new(initial.group.clone()),
        dataset: RwSignal::new(initial.dataset.clone()),
        sort: RwSignal::new((initial.sort, initial.descending)),
        selected: RwSignal::new(initial.selected.clone()),
        train: RwSignal::new(initial.train.clone()),
        sweep: RwSignal::new(None),
        intervals: RwSignal::new(None),
        ready_ms: RwSignal::new(None),
        load_timings: RwSignal::new(None),
        load_generation: StoredValue::new(0),
        notice_counter: StoredValue::new(0),
    };
    if let Some(theme) = web::storage_get("vlrb.theme") {
        web::set_root_attribute("data-theme", &theme);
    }

    spawn_local(async move {
        let text = match web::fetch_text_optional("bundles/index.json").await {
            Ok(Some(text)) => text,
            Ok(None) => {
                state.phase.set(Phase::Failed(
                    "bundles/index.json is missing: this site has no benchmark to show".into(),
                ));
                return;
            }
            Err(e) => {
                state.phase.set(Phase::Failed(e));
                return;
            }
        };
        match serde_json::from_str::<Vec<BenchInfo>>(&text) {
            Ok(list) if !list.is_empty() => {
                let wanted = state.bench.get_untracked();
                let chosen = match &wanted {
                    Some(name) => list.iter().find(|b| &b.name == name).cloned(),
                    None => list.first().cloned(),
                };
                state.index.set(list.clone());
                match chosen {
                    Some(info) => load(state, info).await,
                    None => state.phase.set(Phase::Failed(format!(
                        "no benchmark named {} on this site; available: {}",
                        wanted.unwrap_or_default(),
                        list.iter()
                            .map(|b| b.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))),
                }
            }
            Ok(_) => state.phase.set(Phase::Failed(
                "bundles/index.json lists no benchmark".into(),
            )),
            Err(e) => state.phase.set(Phase::Failed(format!(
                "bundles/index.json is malformed: {e}"
            ))),
        }
    });

    // The URL follows the view.
    Effect::new(move |_| {
        let view = ViewState {
            bench: state.bench.get(),
            group: state.group.get(),
            dataset: state.dataset.get(),
            sort: state.sort.get().0,
            descending: state.sort.get().1,
            selected: state.selected.get(),
            train: state.train.get(),
        };
        web::replace_query(&view.to_query());
    });

    // Bootstrap intervals, computed after the board has painted, in slices of about 25 ms so the
    // page stays responsive; a newer filter or set of entries abandons a stale run.
    Effect::new(move |_| {
        let Some(loaded) = state.loaded.get() else {
            return;
        };
        let entries = state.entries();
        let filter = state.filter();
        let key = (
            filter.clone(),
            entries.iter().map(|e| e.name.clone()).collect::<Vec<_>>(),
        );
        if state
            .intervals
            .get_untracked()
            .is_some_and(|i| i.key == key)
        {
            return;
        }
        spawn_local(async move {
            let stale = move |key: &(Filter, Vec<String>)| {
                untrack(|| {
                    let names = state.entries().into_iter().map(|e| e.name);
                    state.filter() != key.0 || !names.eq(key.1.iter().cloned())
                })
            };
            web::yield_now().await;
            if stale(&key) {
                return;
            }
            let t0 = web::now_ms();
            let routings: Vec<&vlrb_core::Routing> = entries.iter().map(|e| &*e.routing).collect();
            let contenders: Vec<bool> = entries.iter().map(|e| !e.is_oracle()).collect();
            let bench = &loaded.bench;
            let Ok(mut run) = PairedBootstrap::new(
                bench,
                &routings,
                |i| filter.keep(bench, i),
                &contenders,
                DEFAULT_RESAMPLES,
                DEFAULT_SEED,
            ) else {
                return;
            };
            let mut slice = 1;
            loop {
                let t = web::now_ms();
                if run.step(slice) {
                    break;
                }
                let per = ((web::now_ms() - t) / slice as f64).max(0.01);
                slice = ((25.0 / per) as usize).clamp(1, DEFAULT_RESAMPLES);
                web::yield_now().await;
                if stale(&key) {
                    return;
                }
            }
            let result = run.finish();
            let by_name = entries
                .iter()
                .zip(result.entries)
                .map(|(e, i)| (e.name.clone(), i))
                .collect();
            state.intervals.set(Some(Intervals {
                key,
                by_name,
                ms: web::now_ms() - t0,
            }));
        });
    });

    let rows = Memo::new(move |_| {
        let loaded = state.loaded.get()?;
        let filter = state.filter();
        let entries = state.entries();
        let mut rows = board::score(&loaded.bench, &entries, &filter);
        if let Some(iv) = state.intervals.get() {
            let same_entries = iv.key.1.iter().eq(entries.iter().map(|e| &e.name));
            if iv.key.0 == filter && same_entries {
                board::attach_intervals(&mut rows, &iv.by_name);
            }
        }
        let (key, descending) = state.sort.get();
        board::sort_rows(&mut rows, key, descending);
        Some(rows)
    });

    let data_state = move || match state.phase.get() {
        Phase::Ready => "ready",
        Phase::Failed(_) => "failed",
        _ => "loading",
    };

    view! {
        <header class="top">
            <div class="brand">
                <h1>"VL-RouterBench leaderboard"</h1>
                <p class="tagline">"Who routes vision-language queries best, at what cost. Scored in your browser with the benchmark's exact protocol."</p>
            </div>
            <div class="top-controls">
                <Picker state/>
                <ThemeToggle/>
            </div>
        </header>
        <main
            id="main"
            data-state=data_state
            data-ready-ms=move || state.ready_ms.get().map(board::raw)
            data-load-timings=move || state.load_timings.get()
        >
            <Status state/>
            {move || state.loaded.get().map(|loaded| view! {
                <Provenance state loaded=loaded.clone()/>
                <Controls state loaded=loaded.clone() rows/>
                <Leaderboard state loaded=loaded.clone() rows/>
                <Breakdowns state loaded=loaded.clone()/>
                <ParetoPlot state rows/>
                <Uploads state loaded=loaded.clone()/>
                <Sandbox state loaded=loaded.clone()/>
                <Format loaded/>
            })}
        </main>
        <footer class="foot">
            <p>
                "Protocol: " {PROTOCOL_VERSION}
                ". Numbers are recomputed from the bundle shown above; uploads are self-reported, verified rows come from the repository's submissions folder."
            </p>
        </footer>
    }
}

/// Downloads, decodes and installs one benchmark, then its submissions and stored uploads.
async fn load(state: State, info: BenchInfo) {
    let generation = state.load_generation.get_value() + 1;
    state.load_generation.set_value(generation);
    let current = move || state.load_generation.get_value() == generation;
    state.bench.set(Some(info.name.clone()));
    state.loaded.set(None);
    state.extra.set(Vec::new());
    state.extra_errors.set(Vec::new());
    state.uploads.set(Vec::new());
    state.notices.set(Vec::new());
    state.intervals.set(None);
    state.phase.set(Phase::Downloading {
        received: 0,
        total: None,
    });
    let t_start = web::now_ms();
    // The submissions manifest downloads alongside the bundle.
    let manifest = web::start_fetch(SUBMISSIONS);
    let url = format!("bundles/{}", info.file);
    let bytes = web::fetch_bytes(&url, |received, total| {
        if current() {
            state.phase.set(Phase::Downloading { received, total });
        }
    })
    .await;
    if !current() {
        return;
    }
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => return state.phase.set(Phase::Failed(e)),
    };
    let t_downloaded = web::now_ms();
    state.phase.set(Phase::Decoding);
    web::yield_now().await;
    if !current() {
        return;
    }
    let t_decode = web::now_ms();
    let decoded = bundle::read_header(&bytes).and_then(|h| Ok((h, bundle::decode(&bytes)?)));
    let (header, bench) = match decoded {
        Ok(x) => x,
        Err(e) => {
            return state.phase.set(Phase::Failed(format!(
                "{} could not be loaded: {e}",
                info.file
            )));
        }
    };
    if bench.name != info.name {
        return state.phase.set(Phase::Failed(format!(
            "{} holds benchmark {}, but bundles/index.json calls it {}",
            info.file, bench.name, info.name
        )));
    }
    let t_decoded = web::now_ms();
    let bench = Arc::new(bench);
    let index = Arc::new(SampleIndex::new(&bench));
    let builtin = board::builtin_entries(&bench);
    let t_routed = web::now_ms();
    // Filters and selections from a link that do not exist here are dropped.
    let groups = bench
        .samples
        .groups()
        .iter()
        .map(|g| g.to_string())
        .collect::<Vec<_>>();
    if state
        .group
        .get_untracked()
        .is_some_and(|g| !groups.contains(&g))
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
            Err(e) => state.storage_note.set(Some(e)),
        }
    }
    state.uploads.set(uploads);
    state.loaded.set(Some(Arc::new(Loaded {
        info: info.clone(),
        bench: bench.clone(),
        index: index.clone(),
        sha256: header.sha256,
        builtin,
    })));
    state.phase.set(Phase::Submissions);
    let (extra, errors) = load_submissions(&bench, &index, &info.name, manifest).await;
    if !current() {
        return;
    }
    let mut names: Vec<String> = state.entries().iter().map(|e| e.name.clone()).collect();
    let mut renamed = Vec::new();
    for mut e in extra {
        let taken: Vec<&str> = names.iter().map(String::as_str).collect();
        e.name = board::unique_name(&e.name, &taken);
        names.push(e.name.clone());
        renamed.push(e);
    }
    state.extra.set(renamed);
    state.extra_errors.set(errors);
    state.phase.set(Phase::Ready);
    let t_ready = web::now_ms();
    state.ready_ms.set(Some(t_ready));
    state.load_timings.set(Some(format!(
        "download {:.0} ms, decode {:.0} ms, baselines {:.0} ms, board and submissions {:.0} ms",
        t_downloaded - t_start,
        t_decoded - t_decode,
        t_routed - t_decoded,
        t_ready - t_routed
    )));
}

/// The manifest of verified submissions and reference routers (written at build time).
const SUBMISSIONS: &str = "submissions/index.json";

/// Verified submissions and reference routers for a benchmark, scored by the same code as uploads.
async fn load_submissions(
    bench: &Benchmark,
    index: &SampleIndex,
    name: &str,
    manifest: Result<js_sys::Promise, String>,
) -> (Vec<Entry>, Vec<String>) {
    let (mut entries, mut errors) = (Vec::new(), Vec::new());
    let text = match manifest {
        Ok(fetch) => web::text_optional(fetch, SUBMISSIONS).await,
        Err(e) => Err(e),
    };
    let list = match text {
        Ok(None) => return (entries, errors),
        Ok(Some(text)) => match serde_json::from_str::<Vec<SubmissionInfo>>(&text) {
            Ok(list) => list,
            Err(e) => {
                errors.push(format!("submissions/index.json is malformed: {e}"));
                return (entries, errors);
            }
        },
        Err(e) => {
            errors.push(e);
            return (entries, errors);
        }
    };
    let list: Vec<SubmissionInfo> = list.into_iter().filter(|s| s.bench == name).collect();
    // All requests start at once; each file is scored as it arrives.
    let fetches: Vec<_> = list.iter().map(|s| web::start_fetch(&s.file)).collect();
    for (sub, fetch) in list.into_iter().zip(fetches) {
        let text = match fetch {
            Ok(fetch) => web::text_optional(fetch, &sub.file).await,
            Err(e) => Err(e),
        };
        let scored = match text {
            Ok(Some(text)) => upload::score_file(bench, index, text.as_bytes(), &sub.file),
            Ok(None) => Err(format!(
                "{} is listed in {SUBMISSIONS} but missing",
                sub.file
            )),
            Err(e) => Err(e),
        };
        match scored {
            Ok(accepted) => entries.push(Entry {
                name: sub.meta.name.clone(),
                kind: sub.kind,
                routing: Arc::new(accepted.routing),
                meta: Some(sub.meta),
            }),
            Err(e) => errors.push(e),
        }
    }
    (entries, errors)
}

#[component]
fn Picker(state: State) -> impl IntoView {
    let on_change = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        if let Some(info) = state
            .index
            .get_untracked()
            .into_iter()
            .find(|b| b.name == name)
        {
            state.group.set(None);
            state.dataset.set(None);
            state.selected.set(Vec::new());
            spawn_local(load(state, info));
        }
    };
    view! {
        <label class="picker">
            <span>"Benchmark"</span>
            <select id="bench" on:change=on_change>
                {move || {
                    let current = state.bench.get();
                    state
                        .index
                        .get()
                        .into_iter()
                        .map(|b| {
                            let selected = current.as_deref() == Some(b.name.as_str());
                            let label = if b.synthetic {
                                format!("{} (synthetic)", b.title)
                            } else {
                                format!("{} (real data)", b.title)
                            };
                            view! { <option value=b.name.clone() selected=selected>{label}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}

#[component]
fn ThemeToggle() -> impl IntoView {
    let toggle = move |_| {
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        let current = root.as_ref().and_then(|r| r.get_attribute("data-theme"));
        let dark = match current.as_deref() {
            Some("dark") => true,
            Some(_) => false,
            None => web::prefers_dark(),
        };
        let next = if dark { "light" } else { "dark" };
        web::set_root_attribute("data-theme", next);
        // Not persisting the theme is harmless: the page then follows the system again.
        let _ = web::storage_set("vlrb.theme", Some(next));
    };
    view! {
        <button type="button" class="theme" id="theme-toggle" on:click=toggle aria-label="Switch between light and dark theme">
            "◐ Theme"
        </button>
    }
}

#[component]
fn Status(state: State) -> impl IntoView {
    move || {
        match state.phase.get() {
        Phase::Index => view! { <p class="status" role="status">"Loading the list of benchmarks…"</p> }.into_any(),
        Phase::Downloading { received, total } => {
            let mb = |b: u64| format!("{:.1} MB", b as f64 / 1e6);
            let text = match total {
                Some(t) => format!("Downloading the benchmark bundle: {} of {}", mb(received), mb(t)),
                None => format!("Downloading the benchmark bundle: {}", mb(received)),
            };
            view! {
                <div class="status" role="status">
                    <p>{text}</p>
                    <progress max=total.unwrap_or(0).max(1) as f64 value=received as f64></progress>
                </div>
            }
            .into_any()
        }
        Phase::Decoding => view! {
            <div class="status" role="status"><p>"Checking and decoding the bundle…"</p><progress></progress></div>
        }
        .into_any(),
        Phase::Submissions => view! {
            <p class="status" role="status">"Scoring verified submissions…"</p>
        }
        .into_any(),
        Phase::Ready => view! { <span class="visually-hidden" role="status">"Leaderboard ready"</span> }.into_any(),
        Phase::Failed(message) => view! {
            <div class="error-box" role="alert" id="load-error">
                <strong>"The benchmark could not be loaded. "</strong>
                <span>{message}</span>
            </div>
        }
        .into_any(),
    }
    }
}

#[component]
fn Provenance(state: State, loaded: Arc<Loaded>) -> impl IntoView {
    let p = loaded.bench.provenance.clone();
    let synthetic = p.synthetic || loaded.info.synthetic;
    let b = &loaded.bench;
    let count = |s: Split| b.samples.split.iter().filter(|&&x| x == s).count();
    let summary = format!(
        "{} samples ({} train, {} dev, {} test) x {} models, {} datasets",
        b.num_samples(),
        count(Split::Train),
        count(Split::Dev),
        count(Split::Test),
        b.num_models(),
        b.samples.datasets.len()
    );
    let extra_errors = move || {
        state
            .extra_errors
            .get()
            .into_iter()
            .map(|e| view! { <li>{e}</li> })
            .collect_view()
    };
    view! {
        <section class="provenance" aria-labelledby="about-data">
            {synthetic.then(|| view! {
                <div class="banner synthetic" id="synthetic-banner" role="note">
                    <strong>"Synthetic data. "</strong>
                    "This benchmark was generated to have VL-RouterBench's shape and to match its few published headline figures. Its numbers are not the paper's results and must not be cited as such."
                </div>
            })}
            {(!synthetic).then(|| view! {
                <div class="banner real" id="real-banner" role="note">
                    <strong>"Real data. "</strong>"Real models answered real questions; see the source and licence below."
                </div>
            })}
            <h2 id="about-data">{loaded.info.title.clone()}</h2>
            <dl class="facts">
                <dt>"Source"</dt><dd id="data-source">{p.source.clone()}</dd>
                <dt>"Licence"</dt><dd id="data-licence">{if p.licence.is_empty() { loaded.info.licence.clone() } else { p.licence.clone() }}</dd>
                {(!p.attribution.is_empty()).then(|| view! { <dt>"Attribution"</dt><dd>{p.attribution.clone()}</dd> })}
                <dt>"Size"</dt><dd>{summary}</dd>
                <dt>"Bundle SHA-256"</dt><dd><code id="bundle-sha256" class="hash">{loaded.sha256.clone()}</code></dd>
                <dt>"Protocol"</dt><dd id="protocol-version">{PROTOCOL_VERSION}</dd>
                {(!p.notes.is_empty()).then(|| view! { <dt>"Notes"</dt><dd>{p.notes.clone()}</dd> })}
            </dl>
            <ul class="error-list" id="submission-errors">{extra_errors}</ul>
        </section>
    }
}

#[component]
fn Controls(state: State, loaded: Arc<Loaded>, rows: Memo<Option<Vec<Row>>>) -> impl IntoView {
    let bench = loaded.bench.clone();
    let groups: Vec<String> = bench
        .samples
        .groups()
        .iter()
        .map(|g| g.to_string())
        .collect();
    let bench_for_datasets = bench.clone();
    let datasets = move || {
        let group = state.group.get();
        let s = &bench_for_datasets.samples;
        let mut list: Vec<String> = s
            .datasets
            .iter()
            .zip(&s.dataset_groups)
            .filter(|(_, g)| group.as_deref().is_none_or(|x| x == g.as_str()))
            .map(|(d, _)| d.clone())
            .collect();
        list.sort();
        list
    };
    let bench_for_group = bench.clone();
    let on_group = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let group = (!value.is_empty()).then_some(value);
        if let (Some(g), Some(d)) = (&group, state.dataset.get_untracked()) {
            let s = &bench_for_group.samples;
            let same = s
                .datasets
                .iter()
                .position(|x| *x == d)
                .is_some_and(|i| &s.dataset_groups[i] == g);
            if !same {
                state.dataset.set(None);
            }
        }
        state.group.set(group);
    };
    let on_dataset = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        state.dataset.set((!value.is_empty()).then_some(value));
    };
    let export_loaded = loaded.clone();
    let export = move |json: bool| {
        let Some(rows) = rows.get_untracked() else {
            return;
        };
        let l = &export_loaded;
        let context = ExportContext {
            benchmark: &l.info.name,
            synthetic: l.bench.provenance.synthetic || l.info.synthetic,
            source: &l.bench.provenance.source,
            bundle_sha256: &l.sha256,
            protocol_version: PROTOCOL_VERSION,
            subset: state.filter().describe(),
        };
        let result = if json {
            web::download(
                &format!("vlrb-{}-board.json", l.info.name),
                "application/json",
                &board::to_json(&context, &rows),
            )
        } else {
            web::download(
                &format!("vlrb-{}-board.csv", l.info.name),
                "text/csv",
                &board::to_csv(&context, &rows),
            )
        };
        if let Err(e) = result {
            state.notice("export", false, e);
        }
    };
    let permalink = move || {
        let (sort, descending) = state.sort.get();
        let view = ViewState {
            bench: state.bench.get(),
            group: state.group.get(),
            dataset: state.dataset.get(),
            sort,
            descending,
            selected: state.selected.get(),
            train: state.train.get(),
        };
        let query = view.to_query();
        if query.is_empty() {
            "?".to_owned()
        } else {
            query
        }
    };
    view! {
        <section class="controls" aria-label="Filters and export">
            <label>
                <span>"Task group"</span>
                <select id="filter-group" on:change=on_group>
                    <option value="" selected=move || state.group.get().is_none()>"All groups"</option>
                    {groups.into_iter().map(|g| {
                        let value = g.clone();
                        let is = g.clone();
                        view! { <option value=value selected=move || state.group.get().as_deref() == Some(is.as_str())>{g}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Dataset"</span>
                <select id="filter-dataset" on:change=on_dataset>
                    {move || {
                        let current = state.dataset.get();
                        let mut options = vec![view! { <option value="" selected=current.is_none()>"All datasets"</option> }.into_any()];
                        options.extend(datasets().into_iter().map(|d| {
                            let selected = current.as_deref() == Some(d.as_str());
                            view! { <option value=d.clone() selected=selected>{d.clone()}</option> }.into_any()
                        }));
                        options.collect_view()
                    }}
                </select>
            </label>
            <div class="export">
                <button type="button" id="export-csv" on:click={let export = export.clone(); move |_| export(false)}>"Export CSV"</button>
                <button type="button" id="export-json" on:click=move |_| export(true)>"Export JSON"</button>
                <a id="permalink" href=permalink>"Permalink to this view"</a>
            </div>
        </section>
    }
}

#[component]
fn Leaderboard(state: State, loaded: Arc<Loaded>, rows: Memo<Option<Vec<Row>>>) -> impl IntoView {
    let header = move |key: SortKey, label: &'static str, title: &'static str| {
        let aria = move || {
            let (k, d) = state.sort.get();
            if k != key {
                "none"
            } else if d {
                "descending"
            } else {
                "ascending"
            }
        };
        let arrow = move || {
            let (k, d) = state.sort.get();
            if k != key {
                ""
            } else if d {
                " ▼"
            } else {
                " ▲"
            }
        };
        view! {
            <th scope="col" aria-sort=aria title=title>
                <button type="button" class="sort" data-sort=key.id() on:click=move |_| {
                    state.sort.update(|(k, d)| {
                        if *k == key { *d = !*d } else { *k = key; *d = key.natural_descending() }
                    })
                }>{label}{arrow}</button>
            </th>
        }
    };
    let n_test = loaded.bench.samples.rows_in(Split::Test).len();
    let subset = move || {
        let rows = rows.get().unwrap_or_default();
        let n = rows.first().map_or(0, |r| r.metrics.num_samples);
        format!(
            "Scored on {} ({n} of {n_test} test samples; cost bounds of the whole benchmark).",
            state.filter().describe()
        )
    };
    let interval_note = move || match state.intervals.get() {
        Some(iv) => format!(
            "Brackets: 95% paired bootstrap intervals ({DEFAULT_RESAMPLES} resamples of the scored test samples, seed {DEFAULT_SEED}, computed in {:.0} ms). ≈ marks rows statistically tied with the leader ★ (Oracle excluded).",
            iv.ms
        ),
        None => "Computing 95% bootstrap intervals…".to_owned(),
    };
    let sha_short = loaded.sha256[..12].to_owned();
    let synthetic = loaded.bench.provenance.synthetic || loaded.info.synthetic;
    view! {
        <section class="board" aria-labelledby="board-title">
            <h2 id="board-title">"Leaderboard"</h2>
            <p class="numbers-source">
                {synthetic.then(|| view! { <strong class="tag synthetic">"SYNTHETIC"</strong> })}
                {format!(" {} · bundle {sha_short}… · {}", loaded.info.name, PROTOCOL_VERSION)}
            </p>
            <p class="subset" id="subset">{subset}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Leaderboard table">
                <table id="leaderboard">
                    <caption class="visually-hidden">"Routers, baselines and single models; select a row for its per-dataset breakdown"</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="sel">"Select"</th>
                            {header(SortKey::Name, "Entry", "Sort by name")}
                            {header(SortKey::Accuracy, "Avg Accuracy (%)", "Average Accuracy on the scored test samples")}
                            {header(SortKey::Cost, "Test-split cost ($)", "Dollars summed over the scored test samples (the paper's unit)")}
                            <th scope="col" title="Average cost per 1,000 queries">"$ / 1K queries"</th>
                            {header(SortKey::RankScore, "Rank Score (x100)", "Rank Score, beta 0.1, global cost bounds")}
                            {header(SortKey::Gap, "Gap to Oracle", "Oracle's Rank Score minus this row's, points")}
                            {header(SortKey::Pareto, "Pareto", "On the accuracy-cost frontier of the non-Oracle rows")}
                            {header(SortKey::Throughput, "K tok/s", "Router decision throughput, thousands of tokens per second, where measured")}
                        </tr>
                    </thead>
                    <tbody>
                        {move || rows.get().unwrap_or_default().into_iter().map(|r| row_view(state, r)).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="note" id="interval-note">{interval_note}</p>
        </section>
    }
}

fn row_view(state: State, r: Row) -> impl IntoView {
    let name = r.name.clone();
    let name_for_check = name.clone();
    let is_selected = {
        let name = name.clone();
        move || state.selected.get().contains(&name)
    };
    let is_selected_class = is_selected.clone();
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        let name = name_for_check.clone();
        state.selected.update(|s| {
            s.retain(|x| *x != name);
            if on {
                s.push(name);
            }
        });
    };
    let m = r.metrics;
    let ci = r.interval;
    let tie = ci.is_some_and(|i| i.tied_with_leader) && !r.leader;
    let kind = r.kind;
    view! {
        <tr data-entry=r.name.clone() data-kind=kind.id() class:selected=is_selected_class class=format!("kind-{}", kind.id())>
            <td class="sel">
                <input type="checkbox" prop:checked=is_selected on:change=toggle aria-label=format!("Select {}", r.name)/>
            </td>
            <th scope="row" class="entry">
                <span class="name">{r.name.clone()}</span>
                " "
                <span class=format!("badge {}", kind.id())>{kind.label()}</span>
                {r.leader.then(|| view! { <span class="leader" title="Leader: best Rank Score (Oracle excluded)">" ★"<span class="visually-hidden">" leader"</span></span> })}
                {tie.then(|| view! { <span class="tie" title="Statistically tied with the leader (95% paired bootstrap)">" ≈"<span class="visually-hidden">" tied with the leader"</span></span> })}
            </th>
            <td class="num" data-metric="accuracy" data-value=board::raw(m.accuracy)>
                {board::pct(m.accuracy)}
                {ci.map(|i| view! { <span class="ci">{format!(" [{}, {}]", board::pct(i.accuracy.low), board::pct(i.accuracy.high))}</span> })}
            </td>
            <td class="num">{board::dollars(m.total_cost())}</td>
            <td class="num" data-metric="avg_cost" data-value=board::raw(m.avg_cost)>{board::dollars(m.cost_per_1k())}</td>
            <td class="num" data-metric="rank_score" data-value=board::raw(m.rank_score)>
                {board::pct(m.rank_score)}
                {ci.map(|i| view! { <span class="ci">{format!(" [{}, {}]", board::pct(i.rank_score.low), board::pct(i.rank_score.high))}</span> })}
            </td>
            <td class="num">{r.gap_to_oracle.map(board::pct).unwrap_or_else(|| "–".into())}</td>
            <td class="flag">{if r.pareto { view! { <span title="Pareto-optimal">"✔"<span class="visually-hidden">" Pareto-optimal"</span></span> }.into_any() } else { view! { <span aria-label="not Pareto-optimal">"·"</span> }.into_any() }}</td>
            <td class="num">{r.throughput_ktps.map(|t| format!("{t:.1}")).unwrap_or_else(|| "–".into())}</td>
        </tr>
    }
}

#[component]
fn Breakdowns(state: State, loaded: Arc<Loaded>) -> impl IntoView {
    move || {
        let selected = state.selected.get();
        if selected.is_empty() {
            return view! { <p class="hint">"Select rows (first column) for their per-dataset breakdown; they are also highlighted in the plot and kept in the link."</p> }.into_any();
        }
        let entries = state.entries();
        let filter = state.filter();
        let bench = loaded.bench.clone();
        view! {
            <section class="breakdowns" aria-label="Per-dataset breakdowns">
                {selected.into_iter().filter_map(|name| entries.iter().find(|e| e.name == name).cloned()).map(|entry| {
                    let per = board::breakdown(&bench, &entry, &filter);
                    view! {
                        <div class="breakdown" data-breakdown=entry.name.clone()>
                            <h3>{format!("{}: per dataset", entry.name)}</h3>
                            <div class="table-wrap">
                            <table>
                                <thead><tr><th scope="col">"Dataset"</th><th scope="col">"Test samples"</th><th scope="col">"Avg Accuracy (%)"</th><th scope="col">"Test-split cost ($)"</th><th scope="col">"$ / 1K queries"</th><th scope="col">"Rank Score (x100)"</th></tr></thead>
                                <tbody>
                                    {per.into_iter().map(|d| view! {
                                        <tr data-dataset=d.dataset.clone()>
                                            <th scope="row">{d.dataset.clone()}</th>
                                            <td class="num">{d.metrics.num_samples}</td>
                                            <td class="num" data-metric="accuracy" data-value=board::raw(d.metrics.accuracy)>{board::pct(d.metrics.accuracy)}</td>
                                            <td class="num">{board::dollars(d.metrics.total_cost())}</td>
                                            <td class="num" data-metric="avg_cost" data-value=board::raw(d.metrics.avg_cost)>{board::dollars(d.metrics.cost_per_1k())}</td>
                                            <td class="num" data-metric="rank_score" data-value=board::raw(d.metrics.rank_score)>{board::pct(d.metrics.rank_score)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        </div>
                    }
                }).collect_view()}
            </section>
        }
        .into_any()
    }
}

/// A scored row as a plot point; a sweep point is never on the board's frontier.
fn plot_point(r: Row, selected: bool, sweep: bool) -> PlotPoint {
    PlotPoint {
        oracle: r.kind == Kind::Baseline && r.name == board::ORACLE,
        selected,
        cost_per_1k: r.metrics.cost_per_1k(),
        accuracy: r.metrics.accuracy,
        pareto: r.pareto && !sweep,
        kind: r.kind,
        name: r.name,
        sweep,
    }
}

#[component]
fn ParetoPlot(state: State, rows: Memo<Option<Vec<Row>>>) -> impl IntoView {
    let points = Memo::new(move |_| {
        let selected = state.selected.get();
        rows.get()
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                let chosen = selected.contains(&r.name);
                plot_point(r, chosen, false)
            })
            .collect::<Vec<_>>()
    });
    // The sandbox's last sweep, re-scored under the current filter like any row.
    let sweep_rows = Memo::new(move |_| {
        let (Some(loaded), Some(curve)) = (state.loaded.get(), state.sweep.get()) else {
            return Vec::new();
        };
        let entries: Vec<Entry> = curve
            .points
            .iter()
            .map(|(lambda, routing)| Entry {
                name: format!("λ={lambda}"),
                kind: Kind::Upload,
                routing: routing.clone(),
                meta: None,
            })
            .collect();
        board::score(&loaded.bench, &entries, &state.filter())
    });
    let svg = move || {
        let mut all = points.get();
        all.extend(
            sweep_rows
                .get()
                .into_iter()
                .map(|r| plot_point(r, false, true)),
        );
        plot::pareto_svg(&all)
    };
    let description = move || {
        let pts = points.get();
        let frontier: Vec<String> = pts
            .iter()
            .filter(|p| p.pareto)
            .map(|p| p.name.clone())
            .collect();
        format!(
            "Scatter plot of Average Accuracy against cost per 1,000 queries (log scale) for {} entries; Pareto frontier: {}.",
            pts.len(),
            frontier.join(", ")
        )
    };
    let legend = [
        Kind::Baseline,
        Kind::Model,
        Kind::Reference,
        Kind::Verified,
        Kind::Upload,
    ];
    view! {
        <section class="plot" aria-labelledby="plot-title">
            <h2 id="plot-title">"Accuracy vs cost"</h2>
            <figure>
                <div class="svg-holder" id="pareto-plot" role="img" aria-label=description inner_html=svg></div>
                <figcaption>
                    <ul class="legend">
                        {legend.into_iter().map(|k| view! { <li><span class=format!("glyph {}", k.id()) aria-hidden="true">{plot::legend_glyph(k)}</span>" "{k.label()}</li> }).collect_view()}
                        <li><span class="glyph line" aria-hidden="true">"—"</span>" Pareto frontier (Oracle excluded)"</li>
                        {move || state.sweep.get().map(|c| view! {
                            <li><span class="glyph sweep" aria-hidden="true">"- -"</span>" λ sweep of " {c.entry}</li>
                        })}
                    </ul>
                </figcaption>
            </figure>
            {move || {
                let rows = sweep_rows.get();
                (!rows.is_empty()).then(|| view! {
                    <div class="table-wrap">
                    <table id="sweep-points">
                        <caption>"The sandbox's λ sweep (test split, current filter): each λ's selected checkpoint"</caption>
                        <thead><tr><th scope="col">"λ"</th><th scope="col">"$ / 1K queries"</th><th scope="col">"Avg Accuracy (%)"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! {
                                <tr data-accuracy=board::raw(r.metrics.accuracy) data-avg-cost=board::raw(r.metrics.avg_cost)>
                                    <th scope="row">{r.name}</th>
                                    <td class="num">{board::dollars(r.metrics.cost_per_1k())}</td>
                                    <td class="num">{board::pct(r.metrics.accuracy)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                })
            }}
            <details class="plot-table">
                <summary>"The plotted points as a table"</summary>
                <div class="table-wrap">
                <table id="plot-data">
                    <thead><tr><th scope="col">"Entry"</th><th scope="col">"Kind"</th><th scope="col">"$ / 1K queries"</th><th scope="col">"Avg Accuracy (%)"</th><th scope="col">"Pareto"</th></tr></thead>
                    <tbody>
                        {move || points.get().into_iter().map(|p| view! {
                            <tr>
                                <th scope="row">{p.name.clone()}</th>
                                <td>{p.kind.label()}</td>
                                <td class="num">{board::dollars(p.cost_per_1k)}</td>
                                <td class="num">{board::pct(p.accuracy)}</td>
                                <td>{if p.pareto { "yes" } else { "no" }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </details>
        </section>
    }
}

#[component]
fn Uploads(state: State, loaded: Arc<Loaded>) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let accept = move |files: Vec<web_sys::File>| {
        let loaded = loaded.clone();
        spawn_local(async move {
            for file in files {
                let file_name = file.name();
                state.notice(&file_name, true, format!("Reading {file_name}…"));
                let bytes = match web::read_file(&file).await {
                    Ok(b) => b,
                    Err(e) => {
                        state.notice(&file_name, false, e);
                        continue;
                    }
                };
                state.notice(&file_name, true, format!("Scoring {file_name}…"));
                web::yield_now().await;
                let t0 = web::now_ms();
                let scored = upload::score_file(&loaded.bench, &loaded.index, &bytes, &file_name);
                let ms = web::now_ms() - t0;
                match scored {
                    Ok(accepted) => {
                        let names: Vec<String> =
                            state.entries().iter().map(|e| e.name.clone()).collect();
                        let taken: Vec<&str> = names.iter().map(String::as_str).collect();
                        let name = board::unique_name(&upload::entry_name(&file_name), &taken);
                        let ignored = accepted.ignored_rows;
                        state.uploads.update(|u| {
                            u.push(Entry {
                                name: name.clone(),
                                kind: Kind::Upload,
                                routing: Arc::new(accepted.routing),
                                meta: None,
                            })
                        });
                        state.persist();
                        let ignored = if ignored > 0 {
                            format!(", {ignored} train/dev rows ignored")
                        } else {
                            String::new()
                        };
                        state.notice(
                            &file_name,
                            true,
                            format!("Added {name} (parsed and scored in {ms:.1} ms{ignored})."),
                        );
                    }
                    Err(e) => state.notice(&file_name, false, e),
                }
            }
        });
    };
    let accept_input = accept.clone();
    let on_input = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        accept_input(file_list(input.files()));
        // Choosing the same file again must fire another change event.
        input.set_value("");
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        accept(file_list(ev.data_transfer().and_then(|d| d.files())));
    };
    let rename = move |old: String, new: String| {
        let names: Vec<String> = state
            .entries()
            .iter()
            .map(|e| e.name.clone())
            .filter(|n| *n != old)
            .collect();
        let taken: Vec<&str> = names.iter().map(String::as_str).collect();
        let new = board::unique_name(&new, &taken);
        state.uploads.update(|u| {
            u.iter_mut()
                .filter(|e| e.name == old)
                .for_each(|e| e.name = new.clone())
        });
        state.selected.update(|s| {
            s.iter_mut()
                .filter(|x| **x == old)
                .for_each(|x| *x = new.clone())
        });
        state.persist();
    };
    let remove = move |name: String| {
        state.uploads.update(|u| u.retain(|e| e.name != name));
        state.selected.update(|s| s.retain(|x| *x != name));
        state.persist();
    };
    view! {
        <section class="uploads" aria-labelledby="upload-title">
            <h2 id="upload-title">"Score your router"</h2>
            <p>"Upload predictions (CSV, TSV, JSON or JSONL; see the format below). They are scored here, in your browser, and never leave it. Uploaded rows are marked self-reported; to appear as verified, open a pull request adding your file to the repository's submissions folder."</p>
            <div
                class="dropzone"
                class:dragging=move || dragging.get()
                on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <label for="upload">"Choose files or drop them here"</label>
                <input type="file" id="upload" multiple accept=".csv,.tsv,.tab,.json,.jsonl,.ndjson,text/csv,application/json" on:change=on_input/>
            </div>
            <ul class="notices" id="upload-messages" aria-live="polite">
                {move || state.notices.get().into_iter().rev().map(|n| {
                    let id = n.id;
                    view! {
                        <li class:error=!n.ok class:ok=n.ok data-file=n.file.clone() role=if n.ok { "status" } else { "alert" }>
                            <span class="text">{n.text.clone()}</span>
                            <button type="button" class="dismiss" aria-label="Dismiss message" on:click=move |_| state.notices.update(|v| v.retain(|m| m.id != id))>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || state.storage_note.get().map(|n| view! { <p class="warning" role="status">{n}</p> })}
            <h3>"Your uploads"</h3>
            <ul class="my-uploads" id="my-uploads">
                {move || {
                    let list = state.uploads.get();
                    if list.is_empty() {
                        return view! { <li class="hint">"None yet. Uploads are kept in this browser for this benchmark."</li> }.into_any();
                    }
                    list.into_iter().map(|e| {
                        let old = e.name.clone();
                        let name_for_remove = e.name.clone();
                        view! {
                            <li data-upload=e.name.clone()>
                                <input type="text" class="rename" value=e.name.clone() aria-label=format!("Rename {}", e.name)
                                    on:change=move |ev| rename(old.clone(), event_target_value(&ev))/>
                                <button type="button" class="remove" aria-label=format!("Remove {}", e.name) on:click=move |_| remove(name_for_remove.clone())>"Remove"</button>
                            </li>
                        }
                    }).collect_view().into_any()
                }}
            </ul>
        </section>
    }
}

fn file_list(files: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    files
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default()
}

thread_local! {
    /// The sandbox's running training worker (terminated when replaced or dropped).
    static TRAINER: std::cell::RefCell<Option<web::WorkerHandle>> = const { std::cell::RefCell::new(None) };
}

/// Lambda at a position of the log-scale slider (10^position, three significant digits).
fn slider_lambda(position: f64) -> String {
    let value: f64 = format!("{:.2e}", 10f64.powf(position))
        .parse()
        .unwrap_or(1.0);
    lambda_text(value)
}

/// Router sandbox: trains a router on this bundle's features in a Web Worker (the core's routers,
/// as `vlrb train`, on WebGPU or the CPU), shows progress live, adds the finished run as a board
/// row, draws a lambda sweep on the plot and offers the run's predictions and weights.
#[component]
fn Sandbox(state: State, loaded: Arc<Loaded>) -> impl IntoView {
    use vlrb_core::model::Modality;
    let has = |m: Modality| loaded.bench.embeddings.iter().any(|e| e.modality == m);
    let mut feature_options: Vec<(&'static str, &'static str)> = Vec::new();
    if has(Modality::Text) && has(Modality::Vision) {
        feature_options.push(("concat", "Normalize-Concat (text + image)"));
    }
    if has(Modality::Text) {
        feature_options.push(("text", "Text only"));
    }
    if has(Modality::Vision) {
        feature_options.push(("image", "Image only"));
    }
    let webgpu = web::has_webgpu();
    // The form starts from the URL's settings (a shared link), else the defaults.
    let initial = state
        .train
        .get_untracked()
        .unwrap_or_else(|| TrainSettings::defaults(webgpu));
    let grid_texts: Vec<String> = LAMBDA_GRID.iter().map(|&l| lambda_text(l)).collect();
    let (lambda_mode, custom_text) =
        if initial.lambda == "sweep" || grid_texts.contains(&initial.lambda) {
            (initial.lambda.clone(), String::new())
        } else {
            ("custom".to_owned(), initial.lambda.clone())
        };
    let router = RwSignal::new(initial.router.clone());
    let features = RwSignal::new(
        feature_options
            .iter()
            .find(|f| f.0 == initial.features)
            .or(feature_options.first())
            .map_or("text", |f| f.0)
            .to_owned(),
    );
    let lambda = RwSignal::new(lambda_mode);
    let custom_lambda = RwSignal::new(custom_text);
    let cost_scale = RwSignal::new(initial.cost_scale.clone());
    let seed = RwSignal::new(initial.seed.clone());
    let epochs = RwSignal::new(initial.epochs.clone());
    let backend_choice = RwSignal::new(initial.backend.clone());
    let running = RwSignal::new(false);
    let stage = RwSignal::new(None::<String>);
    let curve = RwSignal::new(Vec::<CurvePoint>::new());
    let error = RwSignal::new(None::<String>);
    let finished = RwSignal::new(None::<String>);
    let ran_on = RwSignal::new(None::<String>);
    let bundle_url = format!("bundles/{}", loaded.info.file);
    let sha = loaded.sha256.clone();
    let test_rows = loaded.bench.samples.rows_in(Split::Test);
    let num_models = loaded.bench.num_models();
    let bench = loaded.bench.clone();
    // The last finished run's downloads: (file name, text) of its test picks in the upload format
    // and of its weights as JSON.
    let predictions = RwSignal::new(None::<(String, String)>);
    let weights = RwSignal::new(None::<(String, String)>);

    // The request waits here until the worker says it is ready.
    let pending = StoredValue::new(None::<String>);
    let stop_worker = move || TRAINER.with(|t| t.borrow_mut().take());
    // Ends the run with a message next to the sandbox.
    let fail = move |message: String| {
        stop_worker();
        running.set(false);
        stage.set(None);
        error.set(Some(message));
    };
    let on_message = move |text: String| match serde_json::from_str::<WorkerMessage>(&text) {
        Ok(WorkerMessage::Ready) => {
            let request = pending.get_value().unwrap_or_default();
            let sent = TRAINER.with(|t| t.borrow().as_ref().map(|h| h.post(&request)));
            if let Some(Err(e)) = sent {
                fail(e);
            }
        }
        Ok(WorkerMessage::Stage { text }) => stage.set(Some(text)),
        Ok(WorkerMessage::Progress {
            lambda,
            epoch,
            loss,
            dev_rank_score,
        }) => {
            let loss = loss.map_or_else(|| "-".to_owned(), |l| format!("{l:.4}"));
            stage.set(Some(format!(
                "λ={lambda} · epoch {epoch} · loss {loss} · dev Rank Score {:.2}",
                100.0 * dev_rank_score
            )));
            curve.update(|c| {
                c.push(CurvePoint {
                    lambda,
                    dev_rank_score,
                })
            });
        }
        Ok(WorkerMessage::Done(result)) => {
            stop_worker();
            running.set(false);
            let current = state
                .loaded
                .get_untracked()
                .is_some_and(|l| l.sha256 == result.request.bundle_sha256);
            let as_routing = |picks: &[u16]| {
                upload::routing_from_picks(&test_rows, num_models, picks).filter(|_| current)
            };
            let Some(routing) = as_routing(&result.picks) else {
                fail("the finished run belongs to another benchmark and was dropped".to_owned());
                return;
            };
            let names: Vec<String> = state.entries().iter().map(|e| e.name.clone()).collect();
            let taken: Vec<&str> = names.iter().map(String::as_str).collect();
            let name = board::unique_name(&sandbox::entry_name(&result), &taken);
            let stem = upload::file_stem(&name);
            predictions.set(Some((
                format!("{stem}.csv"),
                vlrb_core::predictions::to_csv(&bench, &routing),
            )));
            weights.set(Some((
                format!("{stem}.weights.json"),
                result.weights_json.clone(),
            )));
            if result.sweep.len() > 1 {
                let points: Option<Vec<_>> = result
                    .sweep
                    .iter()
                    .map(|p| Some((p.lambda.clone(), Arc::new(as_routing(&p.picks)?))))
                    .collect();
                state.sweep.set(points.map(|points| SweepCurve {
                    entry: name.clone(),
                    points,
                }));
            }
            state.uploads.update(|u| {
                u.push(Entry {
                    name: name.clone(),
                    kind: Kind::Upload,
                    routing: Arc::new(routing),
                    meta: None,
                })
            });
            state.persist();
            let sweep = result
                .sweep
                .iter()
                .map(|p| {
                    format!(
                        "λ={}: dev {:.2}, test {:.2}",
                        p.lambda,
                        100.0 * p.dev_rank_score,
                        100.0 * p.rank_score
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            stage.set(None);
            ran_on.set(Some(match &result.fallback {
                Some(why) => format!("Ran on {}. {why}.", result.backend),
                None => format!("Ran on {}.", result.backend),
            }));
            finished.set(Some(format!(
                "Added {name}: trained in {:.1} s on {}, {} epoch(s) for the chosen setting, decision throughput {:.0} K tokens/s. Lambdas (Rank Score x100): {sweep}.",
                result.seconds, result.backend, result.epochs, result.k_tokens_per_s
            )));
        }
        Ok(WorkerMessage::Failed { message }) => fail(message),
        Err(e) => fail(format!("unreadable message from the training worker: {e}")),
    };
    // Lambda and cost scale apply only to the soft-label routers (their fields are disabled for the
    // others, but keep what was typed).
    let uses_lambda = move || {
        vlrb_core::routers::RouterKind::parse(&router.get())
            .is_some_and(vlrb_core::routers::RouterKind::uses_lambda)
    };
    // The lambda setting as text: `sweep`, a grid value, or the custom value.
    let chosen_lambda = move || match lambda.get().as_str() {
        "custom" => custom_lambda.get().trim().to_owned(),
        mode => mode.to_owned(),
    };
    let start = move || {
        let settings = TrainSettings {
            router: router.get_untracked(),
            features: features.get_untracked(),
            lambda: untrack(chosen_lambda),
            cost_scale: cost_scale.get_untracked().trim().to_owned(),
            seed: seed.get_untracked().trim().to_owned(),
            epochs: epochs.get_untracked().trim().to_owned(),
            backend: backend_choice.get_untracked(),
        };
        let soft_labels = untrack(uses_lambda);
        let parsed = (|| -> Result<TrainRequest, String> {
            let lambda = match settings.lambda.as_str() {
                _ if !soft_labels => None,
                "sweep" => None,
                text => {
                    parse_lambda(text)?;
                    Some(text.to_owned())
                }
            };
            let cost_scale = match settings.cost_scale.as_str() {
                _ if !soft_labels => None,
                "" => None,
                t => Some(
                    t.parse::<f64>()
                        .ok()
                        .filter(|v| *v > 0.0 && v.is_finite())
                        .ok_or_else(|| format!("cost scale {t} is not a positive number"))?,
                ),
            };
            let seed = settings
                .seed
                .parse::<u64>()
                .map_err(|_| format!("seed {} is not a non-negative integer", settings.seed))?;
            let epochs = match settings.epochs.as_str() {
                "" => None,
                t => Some(
                    t.parse::<usize>()
                        .ok()
                        .filter(|v| *v > 0)
                        .ok_or_else(|| format!("epochs {t} is not a positive integer"))?,
                ),
            };
            Ok(TrainRequest {
                bundle_url: bundle_url.clone(),
                bundle_sha256: sha.clone(),
                router: settings.router.clone(),
                features: settings.features.clone(),
                lambda,
                cost_scale,
                seed,
                epochs,
                backend: settings.backend.clone(),
            })
        })();
        let request = match parsed {
            Ok(r) => r,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        state.train.set(Some(settings));
        error.set(None);
        finished.set(None);
        ran_on.set(None);
        predictions.set(None);
        weights.set(None);
        curve.set(Vec::new());
        stage.set(Some("starting the training worker".to_owned()));
        pending.set_value(Some(serde_json::to_string(&request).unwrap_or_default()));
        match web::WorkerHandle::start(sandbox::WORKER_SCRIPT, on_message.clone(), fail) {
            Ok(handle) => {
                TRAINER.with(|t| *t.borrow_mut() = Some(handle));
                running.set(true);
            }
            Err(e) => {
                stage.set(None);
                error.set(Some(e));
            }
        }
    };
    let train = {
        let start = start.clone();
        move |_| start()
    };
    let sweep = move |_| {
        lambda.set("sweep".to_owned());
        start();
    };
    let stop = move |_| {
        stop_worker();
        running.set(false);
        stage.set(Some("stopped".to_owned()));
    };
    on_cleanup(move || {
        stop_worker();
    });
    let backend_note = move || {
        ran_on.get().unwrap_or_else(|| {
            match (backend_choice.get().as_str(), webgpu) {
                ("cpu", _) => "Backend: CPU (WebAssembly in a Web Worker).",
                (_, true) => "Backend: WebGPU (the adapter is named when the run starts); if it is missing or lost, the run says so and continues on the CPU.",
                (_, false) => "Backend: this browser has no WebGPU (navigator.gpu), so training runs on the CPU (WebAssembly in a Web Worker).",
            }
            .to_owned()
        })
    };
    // The slider shows log10 of a custom lambda (or of a fixed grid value), 0 to 5.
    let slider_position = move || {
        parse_lambda(&chosen_lambda())
            .ok()
            .filter(|l| *l > 0.0)
            .map_or(2.0, |l| l.log10().clamp(0.0, 5.0))
            .to_string()
    };
    let download = move |file: &str, mime: &str, text: &str| {
        if let Err(e) = web::download(file, mime, text) {
            error.set(Some(e));
        }
    };
    view! {
        <section class="sandbox" aria-labelledby="sandbox-title">
            <h2 id="sandbox-title">"Router sandbox"</h2>
            <p>"Train a router on this benchmark's embeddings, here in your browser, exactly as " <code>"vlrb train"</code> " does natively (train split; lambda and checkpoints chosen on dev by Rank Score; test picks scored by the same evaluator as uploads). The finished run becomes a leaderboard row; a λ sweep is drawn on the plot."</p>
            <p class="note" id="sandbox-backend">{backend_note}</p>
            <div class="sandbox-form">
                <label>"Router"
                    <select id="sandbox-router" prop:value=move || router.get() on:change=move |ev| router.set(event_target_value(&ev))>
                        <option value="mlp">"MLP (light)"</option>
                        <option value="linear">"Linear (softmax regression)"</option>
                        <option value="knn">"kNN (k=5, cosine)"</option>
                        <option value="prknn">"PRkNN (k=7, Copeland)"</option>
                        <option value="ovr">"OVR (one logistic per model)"</option>
                        <option value="prototype">"Prototype (K-means)"</option>
                    </select>
                </label>
                <label>"Features"
                    <select id="sandbox-features" prop:value=move || features.get() on:change=move |ev| features.set(event_target_value(&ev))>
                        {feature_options.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Lambda"
                    <select id="sandbox-lambda" prop:disabled=move || !uses_lambda() prop:value=move || lambda.get() on:change=move |ev| lambda.set(event_target_value(&ev))>
                        <option value="sweep" title="Train each lambda of the grid below; keep the best on dev">"Sweep the grid"</option>
                        {LAMBDA_GRID.map(|l| {
                            let label = if l.is_infinite() { "∞ (cheapest correct)".to_owned() } else { lambda_text(l) };
                            view! { <option value=lambda_text(l)>{label}</option> }
                        }).collect_view()}
                        <option value="custom">"Custom…"</option>
                    </select>
                </label>
                <label>{move || if lambda.get() == "custom" { format!("λ = {} (log scale)", custom_lambda.get()) } else { "λ (log scale)".to_owned() }}
                    <input id="sandbox-lambda-slider" type="range" min="0" max="5" step="0.05" prop:disabled=move || !uses_lambda() prop:value=slider_position on:input=move |ev| {
                        if let Ok(position) = event_target_value(&ev).parse::<f64>() {
                            lambda.set("custom".to_owned());
                            custom_lambda.set(slider_lambda(position));
                        }
                    }/>
                </label>
                <label class:hidden=move || lambda.get() != "custom">"Custom lambda"
                    <input id="sandbox-custom-lambda" type="text" inputmode="decimal" placeholder="e.g. 250 or inf" prop:value=move || custom_lambda.get() on:input=move |ev| custom_lambda.set(event_target_value(&ev))/>
                </label>
                <label>"Cost scale"
                    <input id="sandbox-cost-scale" type="text" inputmode="decimal" placeholder="router default" prop:disabled=move || !uses_lambda() prop:value=move || cost_scale.get() on:input=move |ev| cost_scale.set(event_target_value(&ev))/>
                </label>
                <label>"Seed"
                    <input id="sandbox-seed" type="text" inputmode="numeric" prop:value=move || seed.get() on:input=move |ev| seed.set(event_target_value(&ev))/>
                </label>
                <label>"Max epochs"
                    <input id="sandbox-epochs" type="text" inputmode="numeric" placeholder="protocol (200/300)" prop:value=move || epochs.get() on:input=move |ev| epochs.set(event_target_value(&ev))/>
                </label>
                <label>"Backend"
                    <select id="sandbox-backend-choice" prop:value=move || backend_choice.get() on:change=move |ev| backend_choice.set(event_target_value(&ev))>
                        <option value="webgpu">"WebGPU (CPU if unavailable)"</option>
                        <option value="cpu">"CPU"</option>
                    </select>
                </label>
                <div class="sandbox-buttons">
                    <button type="button" id="sandbox-train" prop:disabled=move || running.get() on:click=train>"Train"</button>
                    <button type="button" id="sandbox-sweep" title="Train every λ of the grid and draw the router's trade-off on the plot" prop:disabled=move || running.get() || !uses_lambda() on:click=sweep>"Sweep λ"</button>
                    <button type="button" id="sandbox-stop" prop:disabled=move || !running.get() on:click=stop>"Stop"</button>
                </div>
            </div>
            <p class="status" id="sandbox-status" role="status" aria-live="polite">{move || stage.get()}</p>
            {move || {
                let points = curve.get();
                (!points.is_empty()).then(|| view! {
                    <div class="progress-holder" id="sandbox-chart" role="img" aria-label="Dev Rank Score after each epoch" inner_html=sandbox::progress_svg(&points)></div>
                })
            }}
            {move || error.get().map(|e| view! { <p class="notice error" id="sandbox-error" role="alert">{e}</p> })}
            {move || finished.get().map(|t| view! { <p class="notice ok" id="sandbox-done">{t}</p> })}
            <div class="sandbox-downloads">
                {move || predictions.get().map(|(file, csv)| view! {
                    <button type="button" id="sandbox-download" on:click=move |_| download(&file, "text/csv", &csv)>"Download the test predictions (CSV, upload format)"</button>
                })}
                {move || weights.get().map(|(file, json)| view! {
                    <button type="button" id="sandbox-weights" on:click=move |_| download(&file, "application/json", &json)>"Download the trained weights (JSON)"</button>
                })}
            </div>
        </section>
    }
}

#[component]
fn Format(loaded: Arc<Loaded>) -> impl IntoView {
    let b = loaded.bench.clone();
    let n_test = b.samples.rows_in(Split::Test).len();
    let example_id = b
        .samples
        .rows_in(Split::Test)
        .first()
        .map(|&i| b.samples.ids[i].clone())
        .unwrap_or_default();
    let example_model = b
        .models
        .first()
        .map(|m| (m.id.clone(), m.name.clone()))
        .unwrap_or_default();
    let name = loaded.info.name.clone();
    let template = move |_| {
        // A failed download leaves the page as it was; the format is documented right here.
        let _ = web::download(
            &format!("vlrb-{name}-template.csv"),
            "text/csv",
            &upload::template_csv(&b),
        );
    };
    let models = loaded
        .bench
        .models
        .iter()
        .map(|m| view! { <li><code>{m.id.clone()}</code>" ("{m.name.clone()}")"</li> })
        .collect_view();
    view! {
        <section class="format" id="format" aria-labelledby="format-title">
            <h2 id="format-title">"Submission format"</h2>
            <p>
                "One row per test sample with two columns: " <code>"sample_id"</code> " and " <code>"model"</code>
                " (a model id or its display name). This benchmark has " {n_test} " test samples; every one must appear exactly once, in any order. "
                "Rows for train or dev samples are ignored and counted. An unknown sample id or model, a duplicate or a missing test sample rejects the file, and the message names the culprit and its line."
            </p>
            <p>"Formats follow the file extension: " <code>".csv"</code> ", " <code>".tsv"</code> ", " <code>".json"</code> " (an array of objects), " <code>".jsonl"</code> " (one object per line)."</p>
            <pre><code>{format!("sample_id,model\n{example_id},{}\n…", example_model.0)}</code></pre>
            <pre><code>{format!("{{\"sample_id\": \"{example_id}\", \"model\": \"{}\"}}", example_model.1)}</code></pre>
            <p><button type="button" id="download-template" on:click=template>"Download a template CSV"</button>" (every test sample, routed to the cheapest model on average: replace the model column with your router's choices)."</p>
            <details>
                <summary>"Models of this benchmark"</summary>
                <ul class="models">{models}</ul>
            </details>
        </section>
    }
}
