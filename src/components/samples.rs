//! The per-sample explorer (`#samples`): a virtualised table of the samples of a split and the
//! board's filter, with every model's correctness and cost, the Oracle's pick and the picks of the
//! selected board rows; filters, a search, and a sample shown whole when clicked.
//!
//! Nothing is built until the visitor opens the section, so the board stays first and fast. The
//! table renders only the rows in view (plus a margin) between two spacer rows of the right
//! heights, so scrolling 30,540 samples touches a few dozen rows.

mod detail;

use std::sync::Arc;

use leptos::prelude::*;
use vlrb_board::explorer::{Explorer, Query, RowPicks, SampleFilter, SplitChoice};
use vlrb_board::{Filter, ORACLE};
use vlrb_core::model::{Benchmark, Split};

use crate::state::{Loaded, use_app_state};
use crate::web;
use detail::SampleDetail;

/// Height of a table row, px (the CSS `#samples-table tbody tr` height).
const ROW_PX: f64 = 30.0;
/// Rows rendered above and below the ones in view.
const OVERSCAN: usize = 4;

/// The explorer of one view, compared by identity (a memo's value).
#[derive(Clone)]
struct Shared(Arc<Explorer>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The samples a query lists, and how long selecting them took.
#[derive(Clone, PartialEq)]
struct Listing {
    rows: Vec<u32>,
    ms: f64,
}

/// The explorer's section: closed, and not built, until opened.
#[component]
pub fn Samples(
    /// The benchmark on screen.
    loaded: Arc<Loaded>,
) -> impl IntoView {
    let built = RwSignal::new(false);
    let on_toggle = move |ev: leptos::ev::Event| {
        if event_target::<web_sys::Element>(&ev).has_attribute("open") {
            built.set(true);
        }
    };
    view! {
        <details class="samples" id="samples" on:toggle=on_toggle>
            <summary><h2>"Per-sample explorer"</h2></summary>
            {move || built.get().then(|| view! { <ExplorerView loaded=loaded.clone()/> })}
        </details>
    }
}

/// Controls, the virtualised table and the detail panel.
#[component]
fn ExplorerView(loaded: Arc<Loaded>) -> impl IntoView {
    let state = use_app_state();
    let bench = loaded.bench.clone();
    let n = bench.num_samples();
    // The question text is inflated now, when the explorer is first opened (never for the board).
    let (questions, text_error) = match bench.questions.as_ref().map(|q| q.texts()) {
        Some(Ok(texts)) => (Some(Arc::new(texts)), None),
        Some(Err(e)) => (
            None,
            Some(format!("The question text could not be read: {e}")),
        ),
        None => (None, None),
    };
    let has_text = questions.is_some();
    let built_with = questions.clone();
    let table_questions = questions.clone();
    let explorer = Memo::new(move |_| {
        let view = state.scenario.get()?;
        Some(
            Explorer::new(
                view.scenario.clone(),
                built_with.as_deref().map(Vec::as_slice),
            )
            .map(|e| Shared(Arc::new(e)))
            .map_err(|e| e.to_string()),
        )
    });
    let picks = Memo::new(move |_| {
        let selected = state.selected.get();
        let entries = state.entries();
        selected
            .iter()
            .filter_map(|name| entries.iter().find(|e| &e.name == name))
            .map(|e| RowPicks::of(e, n))
            .collect::<Vec<_>>()
    });

    let split = RwSignal::new(SplitChoice::One(Split::Test));
    let sample_filter = RwSignal::new(SampleFilter::All);
    let search = RwSignal::new(String::new());
    let listing = Memo::new(move |_| {
        let Some(Ok(ex)) = explorer.get() else {
            return Listing {
                rows: Vec::new(),
                ms: 0.0,
            };
        };
        let query = Query {
            split: split.get(),
            filter: Filter {
                group: state.group.get(),
                dataset: state.dataset.get(),
            },
            samples: sample_filter.get(),
            search: search.get(),
        };
        let t0 = web::now_ms();
        let rows = picks.with(|p| ex.0.select(&query, p));
        Listing {
            rows,
            ms: web::now_ms() - t0,
        }
    });

    // The window of rows in view.
    let scroller = NodeRef::<leptos::html::Div>::new();
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = RwSignal::new(600.0f64);
    let on_scroll = move |ev: leptos::ev::Event| {
        let el = event_target::<web_sys::Element>(&ev);
        viewport.set(f64::from(el.client_height()));
        scroll_top.set(f64::from(el.scroll_top()));
    };
    // A new listing starts at its top. Setting scrollTop forces a layout, so only when scrolled.
    Effect::new(move |_| {
        listing.track();
        if scroll_top.get_untracked() > 0.0 {
            if let Some(div) = scroller.get_untracked() {
                div.set_scroll_top(0);
            }
            scroll_top.set(0.0);
        }
    });
    let total = move || listing.with(|l| l.rows.len());
    let window = Memo::new(move |_| {
        let len = total();
        let first = ((scroll_top.get() / ROW_PX) as usize).saturating_sub(OVERSCAN);
        let count = (viewport.get() / ROW_PX).ceil() as usize + 2 * OVERSCAN;
        (first.min(len), (first + count).min(len))
    });
    let visible = move || {
        let (a, b) = window.get();
        listing.with(|l| l.rows[a..b].to_vec())
    };
    let top_px = move || format!("{}px", window.get().0 as f64 * ROW_PX);
    let bottom_px = move || format!("{}px", (total() - window.get().1) as f64 * ROW_PX);

    let open = RwSignal::new(None::<usize>);
    let split_options = {
        let published = loaded.published.clone();
        SplitChoice::available(&published)
    };
    let count_text = move || {
        let len = total();
        format!("{len} {}", if len == 1 { "sample" } else { "samples" })
    };
    let needs_two = move || {
        sample_filter.get() == SampleFilter::SelectedWrongOtherRight && picks.with(|p| p.len() < 2)
    };
    let synthetic = loaded.synthetic();
    let bench_for_table = bench.clone();
    view! {
        <div class="samples-controls">
            <label>"Split"
                <select id="samples-split" on:change=move |ev| {
                    if let Some(c) = SplitChoice::parse(&event_target_value(&ev)) { split.set(c) }
                }>
                    {split_options.into_iter().map(|c| view! {
                        <option value=c.id() selected=move || split.get() == c>{split_label(&bench, c)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>"Show"
                <select id="samples-filter" on:change=move |ev| {
                    if let Some(f) = SampleFilter::parse(&event_target_value(&ev)) { sample_filter.set(f) }
                }>
                    {SampleFilter::ALL.into_iter().map(|f| view! {
                        <option value=f.id() selected=move || sample_filter.get() == f>{f.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>{if has_text { "Search ids and question text" } else { "Search ids" }}
                <input type="search" id="samples-search" placeholder="e.g. MathVista" autocomplete="off"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))/>
            </label>
            <p class="samples-count" id="samples-count" role="status"
                data-count=total data-ms=move || listing.with(|l| vlrb_board::raw(l.ms))>
                {count_text}
            </p>
        </div>
        <p class="hint">{move || {
            let filter = state.filter();
            let within = if filter == Filter::default() {
                "The board's task group and dataset filters apply here too.".to_owned()
            } else {
                format!("Within the board's filter: {}.", filter.describe())
            };
            format!("{within} Columns: the view's Oracle pick, the picks of the rows selected on the board, then every model (✓ right, ✗ wrong, and the cost of its answer). Click a row, or focus it and press Enter, to see it whole.")
        }}</p>
        {text_error.map(|e| view! { <p class="error" role="alert" id="samples-text-error">{e}</p> })}
        {(!has_text).then(|| view! {
            <p class="note" id="samples-no-text">{if synthetic {
                "This benchmark has no question text (the demo is synthetic)."
            } else {
                "This benchmark's bundle has no question text."
            }}</p>
        })}
        {move || needs_two().then(|| view! {
            <p class="note" id="samples-hint">"Select two rows or more on the board: this lists the samples where the first selected row is wrong and another is right."</p>
        })}
        {move || match explorer.get() {
            Some(Err(e)) => view! { <p class="error-box" id="samples-error">{e}</p> }.into_any(),
            Some(Ok(ex)) => {
                let columns = picks.get().into_iter().filter(|p| p.name != ORACLE).collect::<Vec<_>>();
                let bench = bench_for_table.clone();
                // Column widths are CSS variables (narrower on phones); the table's width is
                // their sum, so the fixed layout never stretches them.
                let counts = format!(
                    "--texts: {}; --picks: {}; --models: {}",
                    u8::from(has_text),
                    1 + columns.len(),
                    bench.num_models()
                );
                let head = header(&bench, &ex.0, &columns, has_text);
                let rows = Arc::new(RowHtml::new(ex.0.clone(), columns, table_questions.clone()));
                view! {
                    <div class="samples-scroll" node_ref=scroller on:scroll=on_scroll tabindex="-1">
                        <table id="samples-table" style=counts>
                            {head}
                            <tbody>
                                <tr class="spacer" aria-hidden="true"><td style:height=top_px></td></tr>
                                <For each=visible key=|i| *i children=move |i| {
                                    sample_row(&rows, i as usize, open)
                                }/>
                                <tr class="spacer" aria-hidden="true"><td style:height=bottom_px></td></tr>
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }
            None => ().into_any(),
        }}
        {move || {
            let i = open.get()?;
            let Some(Ok(ex)) = explorer.get() else { return None };
            Some(view! {
                <SampleDetail ex=ex.0 picks=picks.get() questions=questions.clone() i=i open=open/>
            })
        }}
    }
}

/// The split selector's label of a choice, with its sample count.
fn split_label(bench: &Benchmark, choice: SplitChoice) -> String {
    let count = bench
        .samples
        .split
        .iter()
        .filter(|s| choice.keep(**s))
        .count();
    format!("{} ({count})", choice.id())
}

/// The column widths and header row.
fn header(
    bench: &Benchmark,
    ex: &Explorer,
    columns: &[RowPicks],
    has_text: bool,
) -> impl IntoView + use<> {
    let pool = ex.scenario().pool().clone();
    let col = |class: &'static str| view! { <col class=class/> };
    view! {
        <colgroup>
            {col("c-id")}{col("c-dataset")}
            {has_text.then(|| col("c-question"))}
            {col("c-pick")}
            {columns.iter().map(|_| col("c-pick")).collect_view()}
            {bench.models.iter().map(|_| col("c-model")).collect_view()}
        </colgroup>
        <thead>
            <tr>
                <th scope="col" class="sample-id">"Sample"</th>
                <th scope="col">"Dataset"</th>
                {has_text.then(|| view! { <th scope="col">"Question"</th> })}
                <th scope="col" class="pick" title="The view's Oracle: the cheapest right model of the pool, else the cheapest">"Oracle pick"</th>
                {columns.iter().map(|p| view! {
                    <th scope="col" class="pick" title=format!("{}'s pick (test samples only)", p.name)>{p.name.clone()}</th>
                }).collect_view()}
                {bench.models.iter().enumerate().map(|(j, m)| view! {
                    <th scope="col" class="model" class:excluded=!pool.contains(j)
                        title=format!("{} ({}){}", m.name, m.id, if pool.contains(j) { "" } else { ": not in the what-if pool" })>
                        {m.name.clone()}
                    </th>
                }).collect_view()}
            </tr>
        </thead>
    }
}

/// The markup of a row's cells, written as one string per row (one DOM call instead of hundreds,
/// so a filter or a scroll step renders in a few milliseconds); every name is escaped once per
/// table.
struct RowHtml {
    ex: Arc<Explorer>,
    /// The selected board rows shown as pick columns (the Oracle has its own).
    columns: Vec<RowPicks>,
    questions: Option<Arc<Vec<String>>>,
    /// Escaped entry names of `columns`.
    pick_names: Vec<String>,
    /// Escaped model ids and names.
    model_ids: Vec<String>,
    model_names: Vec<String>,
}

impl RowHtml {
    fn new(
        ex: Arc<Explorer>,
        columns: Vec<RowPicks>,
        questions: Option<Arc<Vec<String>>>,
    ) -> RowHtml {
        let models = &ex.scenario().bench().models;
        let escape = vlrb_board::html_escape;
        RowHtml {
            pick_names: columns.iter().map(|p| escape(&p.name)).collect(),
            model_ids: models.iter().map(|m| escape(&m.id)).collect(),
            model_names: models.iter().map(|m| escape(&m.name)).collect(),
            ex,
            columns,
            questions,
        }
    }

    /// The cells of sample row `i`: id, dataset, question, picks, then every model
    /// (`td[data-model][data-correct][data-cost]`, the cost as the exact f32).
    fn cells(&self, i: usize) -> String {
        let bench = self.ex.scenario().bench();
        let escape = vlrb_board::html_escape;
        let id = escape(&bench.samples.ids[i]);
        let mut html = format!(
            r#"<th scope="row" class="sample-id" title="{id}">{id}</th><td class="dataset">{}</td>"#,
            escape(bench.samples.dataset_of(i))
        );
        if let Some(q) = &self.questions {
            let q = escape(&q[i]);
            html += &format!(r#"<td class="question" title="{q}">{q}</td>"#);
        }
        self.pick(&mut html, "Oracle", i, Some(self.ex.oracle(i)));
        for (p, name) in self.columns.iter().zip(&self.pick_names) {
            self.pick(&mut html, name, i, p.pick(i));
        }
        for j in 0..bench.num_models() {
            let cell = self.ex.cell(i, j);
            let (mark, verdict) = if cell.correct {
                ("✓", "right")
            } else {
                ("✗", "wrong")
            };
            let classes = match (cell.correct, cell.in_pool) {
                (true, true) => "model num right",
                (false, true) => "model num",
                (true, false) => "model num right excluded",
                (false, false) => "model num excluded",
            };
            let outside = if cell.in_pool {
                ""
            } else {
                " (not in the what-if pool)"
            };
            html += &format!(
                r#"<td class="{classes}" data-model="{}" data-correct="{}" data-cost="{}" title="{}: {verdict}, ${}{outside}">{mark} {}</td>"#,
                self.model_ids[j],
                u8::from(cell.correct),
                cell.cost,
                self.model_names[j],
                cell.cost,
                vlrb_board::dollars(f64::from(cell.cost)),
            );
        }
        html
    }

    /// A pick cell (`td[data-pick][data-picked]`): the model and whether it is right; `name` is
    /// escaped.
    fn pick(&self, html: &mut String, name: &str, i: usize, pick: Option<usize>) {
        let bench = self.ex.scenario().bench();
        *html += &match pick {
            Some(j) => {
                let right = bench.correct(i, j);
                let (mark, verdict, class) = if right {
                    ("✓", "right", "pick right")
                } else {
                    ("✗", "wrong", "pick")
                };
                let model = &self.model_names[j];
                format!(
                    r#"<td class="{class}" data-pick="{name}" data-picked="{}" title="{name} picks {model} ({verdict})">{mark} {model}</td>"#,
                    self.model_ids[j]
                )
            }
            None => format!(
                r#"<td class="pick none" data-pick="{name}" title="{name} routes test samples only">–</td>"#
            ),
        };
    }
}

/// One sample's row (`tr[data-sample-id]`): focusable; click or Enter opens it whole.
fn sample_row(rows: &RowHtml, i: usize, open: RwSignal<Option<usize>>) -> impl IntoView + use<> {
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" || ev.key() == " " {
            ev.prevent_default();
            open.set(Some(i));
        }
    };
    view! {
        <tr data-sample-id=rows.ex.scenario().bench().samples.ids[i].clone() tabindex="0"
            class:open=move || open.get() == Some(i)
            on:click=move |_| open.set(Some(i)) on:keydown=on_key
            inner_html=rows.cells(i)>
        </tr>
    }
}
