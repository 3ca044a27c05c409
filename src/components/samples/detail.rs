//! One sample shown whole (`#sample-detail`): its id, dataset, group, task and split, its question
//! when the bundle has one, every model's correctness and exact cost, and every pick.

use std::sync::Arc;

use leptos::prelude::*;
use vlrb_board::ORACLE;
use vlrb_board::explorer::{Explorer, RowPicks};

/// The panel of sample row `i`; closing it clears `open`.
#[component]
pub fn SampleDetail(
    /// The explorer of the view.
    ex: Arc<Explorer>,
    /// The selected board rows' picks.
    picks: Vec<RowPicks>,
    /// The samples' question text, when the bundle has it.
    questions: Option<Arc<Vec<String>>>,
    /// The sample row.
    i: usize,
    /// The open sample (cleared by the close button).
    open: RwSignal<Option<usize>>,
) -> impl IntoView {
    let scenario = ex.scenario();
    let bench = scenario.bench().clone();
    let s = &bench.samples;
    let id = s.ids[i].clone();
    let panel = NodeRef::<leptos::html::Section>::new();
    // The panel takes the focus when it opens, so keyboard and screen-reader users land on it.
    Effect::new(move |_| {
        if let Some(el) = panel.get() {
            let _ = el.focus();
        }
    });
    let oracle = ex.oracle(i);
    let pick_line = |name: &str, pick: Option<usize>| {
        let text = match pick {
            Some(j) => format!(
                "{} ({}), {}",
                bench.models[j].name,
                bench.models[j].id,
                if bench.correct(i, j) {
                    "right"
                } else {
                    "wrong"
                }
            ),
            None => "routes test samples only".to_owned(),
        };
        view! {
            <li data-pick=name.to_owned() data-picked=pick.map(|j| bench.models[j].id.clone())>
                <strong>{name.to_owned()}</strong>": "{text}
            </li>
        }
    };
    let right = ex.correct_count(i);
    let pool = scenario.pool().len();
    view! {
        <section class="sample-detail" id="sample-detail" data-sample-id=id.clone() tabindex="-1"
            node_ref=panel aria-labelledby="sample-detail-title">
            <div class="detail-head">
                <h3 id="sample-detail-title">{format!("Sample {id}")}</h3>
                <button type="button" id="sample-detail-close" on:click=move |_| open.set(None)>"Close"</button>
            </div>
            <dl class="facts">
                <dt>"Id"</dt><dd><code>{id.clone()}</code></dd>
                <dt>"Dataset"</dt><dd>{s.dataset_of(i).to_owned()}</dd>
                <dt>"Task group"</dt><dd>{s.group_of(i).to_owned()}</dd>
                <dt>"Task"</dt><dd>{s.task_of(i).to_owned()}</dd>
                <dt>"Split"</dt><dd>{s.split[i].as_str()}</dd>
                <dt>"Right"</dt><dd>{format!("{right} of {pool} models")}</dd>
                {questions.map(|q| view! { <dt>"Question"</dt><dd class="question-text">{q[i].clone()}</dd> })}
            </dl>
            <h4>"Picks"</h4>
            <ul class="detail-picks">
                {pick_line(ORACLE, Some(oracle))}
                {picks.iter().filter(|p| p.name != ORACLE).map(|p| pick_line(&p.name, p.pick(i))).collect_view()}
            </ul>
            <h4>"Every model"</h4>
            <div class="table-wrap">
                <table class="detail-models">
                    <thead><tr>
                        <th scope="col">"Model"</th><th scope="col">"Id"</th><th scope="col">"Answer"</th>
                        <th scope="col">"Cost ($, exact)"</th><th scope="col">"Pool"</th>
                    </tr></thead>
                    <tbody>
                        {bench.models.iter().enumerate().map(|(j, m)| {
                            let cell = ex.cell(i, j);
                            let exact = cell.cost.to_string();
                            let shown = exact.clone();
                            view! {
                                <tr data-model=m.id.clone() data-correct=if cell.correct { "1" } else { "0" } data-cost=exact
                                    class:oracle=j == oracle>
                                    <th scope="row">{m.name.clone()}{(j == oracle).then_some(" (Oracle)")}</th>
                                    <td><code>{m.id.clone()}</code></td>
                                    <td class:right=cell.correct>{if cell.correct { "✓ right" } else { "✗ wrong" }}</td>
                                    <td class="num">{shown}</td>
                                    <td>{if cell.in_pool { "in" } else { "excluded" }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
