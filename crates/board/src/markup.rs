//! The leaderboard's rows and routing bars as HTML text. The page sets a table body's markup in
//! one call instead of building its ~1,000 elements one browser call at a time (the largest part
//! of a return visit's first render); the hooks are those of README's table (`tr[data-entry]`,
//! `td[data-metric][data-value]`, `.dist .seg[data-model][data-count]`). Every name is escaped.

use std::fmt::Write;

use crate::format::{dollars, html_escape, pct, raw};
use crate::rows::{ExcludedRow, Row};
use crate::snapshot::ModelLabel;

/// A model's segment colour: hues spread around the wheel by column, mid-tones readable on both
/// themes.
fn colour(column: usize) -> String {
    let hue = (column * 137) % 360;
    format!("hsl({hue} 55% 52%)")
}

/// The accessible label of a routing bar: "Routing of `name`: model count, ...".
pub fn routing_label(models: &[ModelLabel], picks: &[usize], name: &str) -> String {
    let summary = picks
        .iter()
        .enumerate()
        .filter(|&(_, &n)| n > 0)
        .map(|(j, n)| format!("{} {n}", models[j].name))
        .collect::<Vec<_>>()
        .join(", ");
    format!("Routing of {name}: {summary}")
}

/// The segments of a routing bar (`picks`: samples sent to each model column of `models`): one
/// `span.seg` per model with samples, its width its share, naming model, count and share on hover
/// and focus.
pub fn routing_segments(models: &[ModelLabel], picks: &[usize]) -> String {
    let total = picks.iter().sum::<usize>().max(1) as f64;
    let mut out = String::new();
    for (j, &n) in picks.iter().enumerate().filter(|&(_, &n)| n > 0) {
        let share = n as f64 / total * 100.0;
        let title = html_escape(&format!("{}: {n} samples ({share:.1}%)", models[j].name));
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            r#"<span class="seg" tabindex="0" data-model="{}" data-count="{n}" title="{title}" aria-label="{title}" style="width:{share:.3}%;background:{}"></span>"#,
            html_escape(&models[j].id),
            colour(j)
        );
    }
    out
}

/// A whole routing bar (`div.dist`), as the board's last column shows it.
pub fn routing_bar(models: &[ModelLabel], picks: &[usize], name: &str) -> String {
    format!(
        r#"<div class="dist" role="group" aria-label="{}">{}</div>"#,
        html_escape(&routing_label(models, picks, name)),
        routing_segments(models, picks)
    )
}

/// The table body of the board: `rows` in order (numbered from 1), then the `excluded` rows;
/// rows named in `selected` are marked (`tr.selected`, the checkbox checked).
pub fn board_rows(
    rows: &[Row],
    excluded: &[ExcludedRow],
    models: &[ModelLabel],
    selected: &[String],
) -> String {
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        scored_row(&mut out, i + 1, row, models, selected.contains(&row.name));
    }
    for row in excluded {
        excluded_row(&mut out, row);
    }
    out
}

/// One scored row.
fn scored_row(out: &mut String, position: usize, r: &Row, models: &[ModelLabel], selected: bool) {
    let name = html_escape(&r.name);
    let kind = r.kind.id();
    let m = &r.metrics;
    let o = &r.optimality;
    let ci = r.interval.as_ref();
    let tie = ci.is_some_and(|i| i.tied_with_leader) && !r.leader;
    let (class, checked) = if selected {
        (" selected", " checked")
    } else {
        ("", "")
    };
    let _ = write!(
        out,
        r#"<tr data-entry="{name}" data-kind="{kind}" class="kind-{kind}{class}"><td class="rank num">{position}</td><td class="sel"><input type="checkbox" aria-label="Select {name}"{checked}></td><th scope="row" class="entry"><span class="name">{name}</span> <span class="badge {kind}">{}</span>"#,
        r.kind.label()
    );
    if r.leader {
        out.push_str(r#"<span class="leader" title="Leader: best Rank Score (Oracle excluded)"> ★<span class="visually-hidden"> leader</span></span>"#);
    }
    if tie {
        out.push_str(r#"<span class="tie" title="Statistically tied with the leader (95% paired bootstrap)"> ≈<span class="visually-hidden"> tied with the leader</span></span>"#);
    }
    out.push_str("</th>");
    let interval =
        |low: f64, high: f64| format!(r#"<span class="ci"> [{}, {}]</span>"#, pct(low), pct(high));
    let _ = write!(
        out,
        r#"<td class="num" data-metric="rank_score" data-value="{}">{}{}</td>"#,
        raw(m.rank_score),
        pct(m.rank_score),
        ci.map_or(String::new(), |i| interval(
            i.rank_score.low,
            i.rank_score.high
        ))
    );
    let _ = write!(
        out,
        r#"<td class="num more" data-metric="accuracy" data-value="{}">{}{}</td><td class="num more">{}</td>"#,
        raw(m.accuracy),
        pct(m.accuracy),
        ci.map_or(String::new(), |i| interval(i.accuracy.low, i.accuracy.high)),
        dollars(m.total_cost())
    );
    metric_cell(out, "avg_cost", m.avg_cost, &dollars(m.cost_per_1k()));
    let _ = write!(
        out,
        r#"<td class="num more">{}</td>"#,
        r.gap_to_oracle.map_or_else(|| "–".to_owned(), pct)
    );
    out.push_str(if r.pareto {
        r#"<td class="flag more"><span title="Pareto-optimal">✔<span class="visually-hidden"> Pareto-optimal</span></span></td>"#
    } else {
        r#"<td class="flag more"><span aria-label="not Pareto-optimal">·</span></td>"#
    });
    metric_cell(
        out,
        "optimal_selection",
        o.optimal_selection,
        &pct(o.optimal_selection),
    );
    metric_cell(
        out,
        "cost_vs_oracle",
        o.cost_vs_oracle,
        &format!("{:.3}", o.cost_vs_oracle),
    );
    metric_cell(
        out,
        "accuracy_vs_oracle",
        o.accuracy_vs_oracle,
        &format!("{:.3}", o.accuracy_vs_oracle),
    );
    let _ = write!(
        out,
        r#"<td class="num more">{}</td><td class="more">{}</td></tr>"#,
        r.throughput_ktps
            .map_or_else(|| "–".to_owned(), |t| format!("{t:.1}")),
        routing_bar(models, &r.picks_per_model, &r.name)
    );
}

/// A `td[data-metric][data-value]` cell (shown on wide screens or with all columns).
fn metric_cell(out: &mut String, id: &str, value: f64, shown: &str) {
    let _ = write!(
        out,
        r#"<td class="num more" data-metric="{id}" data-value="{}">{shown}</td>"#,
        raw(value)
    );
}

/// A row that picks models outside the pool: marked, with no numbers.
fn excluded_row(out: &mut String, row: &ExcludedRow) {
    let kind = row.kind.id();
    let uses = &row.uses;
    let _ = write!(
        out,
        r#"<tr data-entry="{name}" data-kind="{kind}" data-excluded="{samples}" class="excluded kind-{kind}"><td class="rank num">–</td><td class="sel"></td><th scope="row" class="entry"><span class="name">{name}</span> <span class="badge {kind}">{label}</span></th><td class="excluded-note" colspan="11" title="{title}">uses excluded models ({samples} samples)</td></tr>"#,
        name = html_escape(&row.name),
        samples = uses.samples,
        label = row.kind.label(),
        title = html_escape(&format!(
            "Sample {} is routed to {}, which is not in the pool",
            uses.first_sample, uses.first_model
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entries::Kind;
    use vlrb_core::bootstrap::{EntryInterval, Interval};
    use vlrb_core::metrics::{Metrics, Optimality};
    use vlrb_core::scenario::UsesExcluded;

    fn models() -> Vec<ModelLabel> {
        ["a", "b<c", "d"]
            .iter()
            .map(|id| ModelLabel {
                id: (*id).to_owned(),
                name: format!("Model {id}"),
            })
            .collect()
    }

    fn row(name: &str) -> Row {
        Row {
            name: name.to_owned(),
            kind: Kind::Upload,
            metrics: Metrics {
                num_samples: 4,
                accuracy: 0.75,
                avg_cost: 0.0025,
                rank_score: 0.5,
            },
            optimality: Optimality {
                optimal_selection: 0.25,
                cost_vs_oracle: 0.5,
                accuracy_vs_oracle: 0.75,
            },
            picks_per_model: vec![3, 0, 1],
            gap_to_oracle: Some(0.125),
            pareto: true,
            interval: None,
            leader: false,
            throughput_ktps: None,
        }
    }

    /// How many times `needle` occurs in `haystack`.
    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    #[test]
    fn names_are_escaped_everywhere() {
        let hostile = r#"<b>"x'&y"#;
        let html = board_rows(&[row(hostile)], &[], &models(), &[]);
        assert!(!html.contains("<b>"), "{html}");
        let escaped = "&lt;b&gt;&quot;x&#39;&amp;y";
        // data-entry, the checkbox's label, the name cell and the bar's label.
        assert_eq!(count(&html, escaped), 4, "{html}");
    }

    #[test]
    fn a_row_carries_its_hooks_and_numbers() {
        let html = board_rows(&[row("r1")], &[], &models(), &[]);
        assert!(html.starts_with(r#"<tr data-entry="r1" data-kind="upload" class="kind-upload">"#));
        assert!(html.contains(r#"<td class="rank num">1</td>"#));
        for (metric, value) in [
            ("rank_score", "0.5"),
            ("accuracy", "0.75"),
            ("avg_cost", "0.0025"),
            ("optimal_selection", "0.25"),
            ("cost_vs_oracle", "0.5"),
            ("accuracy_vs_oracle", "0.75"),
        ] {
            assert!(
                html.contains(&format!(r#"data-metric="{metric}" data-value="{value}""#)),
                "{metric}: {html}"
            );
        }
        assert_eq!(count(&html, "<td"), 13, "{html}");
        assert!(
            html.contains(">$0.01000<"),
            "total cost of 4 samples: {html}"
        );
        assert!(html.contains(">12.50<"), "gap: {html}");
        assert!(html.contains("Pareto-optimal"));
        assert!(!html.contains(" checked") && !html.contains(" selected"));
    }

    #[test]
    fn selection_intervals_and_leader() {
        let mut leader = row("lead");
        leader.leader = true;
        let mut tied = row("tied");
        let interval = Interval {
            low: 0.4,
            high: 0.6,
        };
        tied.interval = Some(EntryInterval {
            accuracy: interval,
            rank_score: interval,
            tied_with_leader: true,
        });
        let html = board_rows(&[leader, tied], &[], &models(), &["tied".to_owned()]);
        let (first, second) = html.split_at(html.find("<tr data-entry=\"tied\"").unwrap());
        assert!(first.contains("class=\"leader\"") && !first.contains("class=\"tie\""));
        assert!(second.contains(r#"class="kind-upload selected""#) && second.contains(" checked>"));
        assert!(second.contains(r#"<td class="rank num">2</td>"#));
        assert_eq!(
            count(second, r#"<span class="ci"> [40.00, 60.00]</span>"#),
            2
        );
        assert!(second.contains("class=\"tie\""));
    }

    #[test]
    fn routing_bar_segments_are_shares_of_the_models_with_samples() {
        let bar = routing_bar(&models(), &[3, 0, 1], "r");
        assert_eq!(count(&bar, "class=\"seg\""), 2);
        assert!(bar.contains(r#"data-model="a" data-count="3""#) && bar.contains("width:75.000%"));
        assert!(bar.contains(r#"data-model="d" data-count="1""#) && bar.contains("width:25.000%"));
        assert!(bar.contains(r#"aria-label="Routing of r: Model a 3, Model d 1""#));
        let escaped = routing_bar(&models(), &[0, 2, 0], "r");
        assert!(
            escaped.contains(r#"data-model="b&lt;c" data-count="2""#),
            "{escaped}"
        );
        assert!(escaped.contains("Model b&lt;c: 2 samples (100.0%)") && !escaped.contains("b<c"));
    }

    #[test]
    fn excluded_rows_follow_the_scored_ones() {
        let excluded = ExcludedRow {
            name: "out".to_owned(),
            kind: Kind::Reference,
            uses: UsesExcluded {
                samples: 7,
                first_sample: "s<1>".to_owned(),
                first_model: "m".to_owned(),
            },
        };
        let html = board_rows(&[row("in")], &[excluded], &models(), &[]);
        let at = html.find(r#"<tr data-entry="out" data-kind="reference" data-excluded="7""#);
        assert!(
            at.is_some_and(|i| i > html.find("data-entry=\"in\"").unwrap()),
            "{html}"
        );
        assert!(html.contains("uses excluded models (7 samples)"));
        assert!(html.contains("Sample s&lt;1&gt; is routed to m"));
    }
}
