//! The leaderboard's view logic, free of any DOM: entries (named routings), scoring them on a filtered
//! subset with the global bounds, the Pareto flag, the gap to the Oracle, sorting, number formats and
//! the CSV/JSON exports.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use vlrb_core::baselines::Baseline;
use vlrb_core::bootstrap::EntryInterval;
use vlrb_core::metrics::{DatasetMetrics, Metrics, Routing};
use vlrb_core::model::{Benchmark, Split};
use vlrb_core::pareto::pareto_frontier;

/// Name of the Oracle baseline: an upper bound, never a contender.
pub const ORACLE: &str = "Oracle";

/// Where a leaderboard entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// One of the five training-free baselines.
    Baseline,
    /// A single model answering every query.
    Model,
    /// A router trained natively by the project and shipped as per-sample picks.
    Reference,
    /// A submission from the repository's `submissions/` folder, scored at build time and in CI.
    Verified,
    /// A file uploaded in this browser: self-reported.
    Upload,
}

impl Kind {
    /// Human label shown in the board.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Baseline => "baseline",
            Kind::Model => "single model",
            Kind::Reference => "reference router",
            Kind::Verified => "verified",
            Kind::Upload => "self-reported",
        }
    }

    /// Stable lower-case id (CSS classes, exports).
    pub fn id(self) -> &'static str {
        match self {
            Kind::Baseline => "baseline",
            Kind::Model => "model",
            Kind::Reference => "reference",
            Kind::Verified => "verified",
            Kind::Upload => "upload",
        }
    }
}

/// Descriptive metadata of a verified submission (its `<entry>.json`).
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, Serialize)]
pub struct SubmissionMeta {
    /// Display name of the router.
    pub name: String,
    /// Who made it.
    #[serde(default)]
    pub authors: String,
    /// Paper or code link.
    #[serde(default)]
    pub link: String,
    /// One-paragraph description.
    #[serde(default)]
    pub description: String,
    /// Measured decision throughput, K tokens/s, when reported with its hardware.
    #[serde(default)]
    pub throughput_ktps: Option<f64>,
}

/// A leaderboard entry: a named routing of the test split. Every kind of row (baselines, models,
/// submissions, uploads, reference routers) is one of these and is scored by the same code.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Unique name (the row's `data-entry`).
    pub name: String,
    /// Where it comes from.
    pub kind: Kind,
    /// The chosen model per test row.
    pub routing: Arc<Routing>,
    /// Submission metadata, for verified entries.
    pub meta: Option<SubmissionMeta>,
}

impl Entry {
    /// Whether this is the Oracle (an upper bound, excluded from the leader and the Pareto flag).
    pub fn is_oracle(&self) -> bool {
        self.kind == Kind::Baseline && self.name == ORACLE
    }
}

/// The five baselines followed by every single model (named by display name).
pub fn builtin_entries(bench: &Benchmark) -> Vec<Entry> {
    let rows = bench.samples.rows_in(Split::Test);
    let baselines = Baseline::ALL.iter().map(|b| Entry {
        name: b.name().to_owned(),
        kind: Kind::Baseline,
        routing: Arc::new(b.route(bench)),
        meta: None,
    });
    let models = bench.models.iter().enumerate().map(|(j, m)| Entry {
        name: m.name.clone(),
        kind: Kind::Model,
        routing: Arc::new(Routing {
            rows: rows.clone(),
            picks: vec![j; rows.len()],
        }),
        meta: None,
    });
    baselines.chain(models).collect()
}

/// A name not yet in `taken`: `base`, else `base (2)`, `base (3)`, ...
pub fn unique_name(base: &str, taken: &[&str]) -> String {
    let base = if base.trim().is_empty() {
        "upload"
    } else {
        base.trim()
    };
    if !taken.contains(&base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base} ({n})"))
        .find(|candidate| !taken.contains(&candidate.as_str()))
        .unwrap_or_default()
}

/// The subset of test samples the board is scored on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// Task group, or all.
    pub group: Option<String>,
    /// Dataset, or all (within the group).
    pub dataset: Option<String>,
}

impl Filter {
    /// Whether sample row `i` is in the subset.
    pub fn keep(&self, bench: &Benchmark, i: usize) -> bool {
        self.group
            .as_deref()
            .is_none_or(|g| bench.samples.group_of(i) == g)
            && self
                .dataset
                .as_deref()
                .is_none_or(|d| bench.samples.dataset_of(i) == d)
    }

    /// Human description ("all test samples", "STEM / MathVista_MINI").
    pub fn describe(&self) -> String {
        match (&self.group, &self.dataset) {
            (None, None) => "all test samples".to_owned(),
            (Some(g), None) => format!("task group {g}"),
            (None, Some(d)) => format!("dataset {d}"),
            (Some(g), Some(d)) => format!("task group {g}, dataset {d}"),
        }
    }
}

/// One scored row of the board.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Entry name.
    pub name: String,
    /// Entry kind.
    pub kind: Kind,
    /// Metrics on the filtered subset, global bounds.
    pub metrics: Metrics,
    /// Oracle's Rank Score minus this row's (fraction), when the Oracle is on the board.
    pub gap_to_oracle: Option<f64>,
    /// On the accuracy-cost Pareto frontier of the non-Oracle rows.
    pub pareto: bool,
    /// Bootstrap intervals, once computed.
    pub interval: Option<EntryInterval>,
    /// True when this row is the leader (best Rank Score among non-Oracle rows).
    pub leader: bool,
    /// Throughput, K tokens/s, where measured.
    pub throughput_ktps: Option<f64>,
}

/// Scores every entry on the filtered subset (global bounds), flags the Pareto frontier of the
/// non-Oracle rows and computes the gap to the Oracle. Rows keep the entries' order.
pub fn score(bench: &Benchmark, entries: &[Entry], filter: &Filter) -> Vec<Row> {
    let mut rows: Vec<Row> = entries
        .iter()
        .map(|e| Row {
            name: e.name.clone(),
            kind: e.kind,
            metrics: Metrics::of(bench, e.routing.filtered(|i| filter.keep(bench, i))),
            gap_to_oracle: None,
            pareto: false,
            interval: None,
            leader: false,
            throughput_ktps: e.meta.as_ref().and_then(|m| m.throughput_ktps),
        })
        .collect();
    let contenders: Vec<usize> = (0..rows.len())
        .filter(|&r| !entries[r].is_oracle())
        .collect();
    let points: Vec<(f64, f64)> = contenders
        .iter()
        .map(|&r| (rows[r].metrics.avg_cost, rows[r].metrics.accuracy))
        .collect();
    for p in pareto_frontier(&points) {
        rows[contenders[p]].pareto = true;
    }
    if let Some(oracle) = entries.iter().position(Entry::is_oracle) {
        let top = rows[oracle].metrics.rank_score;
        for row in &mut rows {
            row.gap_to_oracle = Some(top - row.metrics.rank_score);
        }
    }
    if let Some(best) = contenders.iter().copied().reduce(|a, b| {
        if rows[b].metrics.rank_score > rows[a].metrics.rank_score {
            b
        } else {
            a
        }
    }) {
        rows[best].leader = true;
    }
    rows
}

/// Attaches bootstrap intervals computed for the same entries (by name).
pub fn attach_intervals(rows: &mut [Row], intervals: &HashMap<String, EntryInterval>) {
    for row in rows {
        row.interval = intervals.get(&row.name).copied();
    }
}

/// Per-dataset metrics of one entry within the filter (datasets in ASCII order, global bounds).
pub fn breakdown(bench: &Benchmark, entry: &Entry, filter: &Filter) -> Vec<DatasetMetrics> {
    vlrb_core::metrics::evaluate(bench, &entry.routing)
        .per_dataset
        .into_iter()
        .filter(|d| {
            filter.dataset.as_deref().is_none_or(|f| f == d.dataset)
                && filter
                    .group
                    .as_deref()
                    .is_none_or(|g| group_of_dataset(bench, &d.dataset) == g)
        })
        .collect()
}

fn group_of_dataset<'a>(bench: &'a Benchmark, dataset: &str) -> &'a str {
    let s = &bench.samples;
    s.datasets
        .iter()
        .position(|d| d == dataset)
        .map_or("", |d| s.dataset_groups[d].as_str())
}

/// A column the board can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// Entry name.
    Name,
    /// Average Accuracy.
    Accuracy,
    /// Average cost (both cost columns).
    Cost,
    /// Rank Score.
    RankScore,
    /// Gap to Oracle.
    Gap,
    /// Pareto-optimal flag.
    Pareto,
    /// Throughput.
    Throughput,
}

impl SortKey {
    /// Every sortable column.
    pub const ALL: [SortKey; 7] = [
        SortKey::Name,
        SortKey::Accuracy,
        SortKey::Cost,
        SortKey::RankScore,
        SortKey::Gap,
        SortKey::Pareto,
        SortKey::Throughput,
    ];

    /// URL id of the column.
    pub fn id(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Accuracy => "accuracy",
            SortKey::Cost => "cost",
            SortKey::RankScore => "rank_score",
            SortKey::Gap => "gap",
            SortKey::Pareto => "pareto",
            SortKey::Throughput => "throughput",
        }
    }

    /// Parses a URL id.
    pub fn from_id(id: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.id() == id)
    }

    /// The direction a first click sorts in (best first).
    pub fn natural_descending(self) -> bool {
        !matches!(self, SortKey::Name | SortKey::Cost | SortKey::Gap)
    }
}

/// Sorts rows by `key` (descending when `descending`); ties keep the entries' order. Missing
/// values (no throughput) always sort last.
pub fn sort_rows(rows: &mut [Row], key: SortKey, descending: bool) {
    let value = |r: &Row| -> Option<f64> {
        match key {
            SortKey::Name => None,
            SortKey::Accuracy => Some(r.metrics.accuracy),
            SortKey::Cost => Some(r.metrics.avg_cost),
            SortKey::RankScore => Some(r.metrics.rank_score),
            SortKey::Gap => r.gap_to_oracle,
            SortKey::Pareto => Some(r.pareto as u8 as f64),
            SortKey::Throughput => r.throughput_ktps,
        }
    };
    rows.sort_by(|a, b| {
        let order = if key == SortKey::Name {
            a.name.to_lowercase().cmp(&b.name.to_lowercase())
        } else {
            match (value(a), value(b)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => return std::cmp::Ordering::Less,
                (None, Some(_)) => return std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        };
        if descending { order.reverse() } else { order }
    });
}

/// A number in shortest round-trip form (the `data-value` hook and the exports).
pub fn raw(x: f64) -> String {
    format!("{x}")
}

/// A fraction as a percentage with two decimals.
pub fn pct(x: f64) -> String {
    format!("{:.2}", x * 100.0)
}

/// Dollars with four significant digits (costs span several orders of magnitude).
pub fn dollars(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("${x}");
    }
    let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    format!("${x:.digits$}")
}

/// One exported row (CLI units: fractions and USD per sample, plus the display units).
#[derive(Debug, Clone, Serialize)]
pub struct ExportRow<'a> {
    /// Entry name.
    pub entry: &'a str,
    /// Entry kind id.
    pub kind: &'static str,
    /// Test samples scored.
    pub num_samples: usize,
    /// Average Accuracy, fraction.
    pub accuracy: f64,
    /// Average cost, USD per sample.
    pub avg_cost: f64,
    /// Cost summed over the scored test samples, USD (the paper's unit).
    pub test_split_cost: f64,
    /// USD per 1,000 queries.
    pub cost_per_1k: f64,
    /// Rank Score, fraction.
    pub rank_score: f64,
    /// Oracle's Rank Score minus this row's, fraction.
    pub gap_to_oracle: Option<f64>,
    /// On the Pareto frontier of the non-Oracle rows.
    pub pareto_optimal: bool,
    /// 95% bootstrap interval of accuracy.
    pub accuracy_ci: Option<[f64; 2]>,
    /// 95% bootstrap interval of Rank Score.
    pub rank_score_ci: Option<[f64; 2]>,
    /// Statistically tied with the leader.
    pub tied_with_leader: Option<bool>,
    /// Throughput, K tokens/s.
    pub throughput_ktps: Option<f64>,
}

/// The export view of rows.
pub fn export_rows(rows: &[Row]) -> Vec<ExportRow<'_>> {
    rows.iter()
        .map(|r| ExportRow {
            entry: &r.name,
            kind: r.kind.id(),
            num_samples: r.metrics.num_samples,
            accuracy: r.metrics.accuracy,
            avg_cost: r.metrics.avg_cost,
            test_split_cost: r.metrics.total_cost(),
            cost_per_1k: r.metrics.cost_per_1k(),
            rank_score: r.metrics.rank_score,
            gap_to_oracle: r.gap_to_oracle,
            pareto_optimal: r.pareto,
            accuracy_ci: r.interval.map(|i| [i.accuracy.low, i.accuracy.high]),
            rank_score_ci: r.interval.map(|i| [i.rank_score.low, i.rank_score.high]),
            tied_with_leader: r.interval.map(|i| i.tied_with_leader),
            throughput_ktps: r.throughput_ktps,
        })
        .collect()
}

/// Context printed with exports so numbers never travel without their source.
#[derive(Debug, Clone, Serialize)]
pub struct ExportContext<'a> {
    /// Benchmark name.
    pub benchmark: &'a str,
    /// Whether the benchmark is synthetic.
    pub synthetic: bool,
    /// Data source.
    pub source: &'a str,
    /// Bundle SHA-256.
    pub bundle_sha256: &'a str,
    /// Protocol version.
    pub protocol_version: &'a str,
    /// Filter description.
    pub subset: String,
}

/// The board as a JSON document: context plus rows.
pub fn to_json(context: &ExportContext<'_>, rows: &[Row]) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        #[serde(flatten)]
        context: &'a ExportContext<'a>,
        rows: Vec<ExportRow<'a>>,
    }
    serde_json::to_string_pretty(&Doc {
        context,
        rows: export_rows(rows),
    })
    .unwrap_or_default()
}

/// The board as CSV: one header line, one line per row (context as leading `#` comment lines).
pub fn to_csv(context: &ExportContext<'_>, rows: &[Row]) -> String {
    let opt = |x: Option<f64>| x.map(raw).unwrap_or_default();
    let mut out = format!(
        "# benchmark: {}{}\n# source: {}\n# bundle sha256: {}\n# protocol: {}\n# subset: {}\n",
        context.benchmark,
        if context.synthetic {
            " (SYNTHETIC data)"
        } else {
            ""
        },
        context.source,
        context.bundle_sha256,
        context.protocol_version,
        context.subset
    );
    out.push_str(
        "entry,kind,num_samples,accuracy,avg_cost,test_split_cost,cost_per_1k,rank_score,\
         gap_to_oracle,pareto_optimal,accuracy_ci_low,accuracy_ci_high,rank_score_ci_low,\
         rank_score_ci_high,tied_with_leader,throughput_ktps\n",
    );
    for r in export_rows(rows) {
        let cells = [
            csv_field(r.entry),
            r.kind.to_owned(),
            r.num_samples.to_string(),
            raw(r.accuracy),
            raw(r.avg_cost),
            raw(r.test_split_cost),
            raw(r.cost_per_1k),
            raw(r.rank_score),
            opt(r.gap_to_oracle),
            r.pareto_optimal.to_string(),
            opt(r.accuracy_ci.map(|c| c[0])),
            opt(r.accuracy_ci.map(|c| c[1])),
            opt(r.rank_score_ci.map(|c| c[0])),
            opt(r.rank_score_ci.map(|c| c[1])),
            r.tied_with_leader
                .map(|t| t.to_string())
                .unwrap_or_default(),
            opt(r.throughput_ktps),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// Quotes a CSV field when it needs it (RFC 4180).
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::toy_bench;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn row<'a>(rows: &'a [Row], name: &str) -> &'a Row {
        rows.iter().find(|r| r.name == name).unwrap()
    }

    #[test]
    fn builtin_rows_pareto_gap_and_leader() {
        let bench = toy_bench();
        let entries = builtin_entries(&bench);
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Oracle",
                "StrongestGlobal",
                "CheapestGlobal",
                "StrongestPerDataset",
                "Random",
                "Cheap-1B",
                "Dear-XL",
                "Mid-7B"
            ]
        );
        let rows = score(&bench, &entries, &Filter::default());
        assert_eq!(row(&rows, "Oracle").metrics.accuracy, 1.0);
        assert_eq!(row(&rows, "Oracle").gap_to_oracle, Some(0.0));
        assert!(!row(&rows, "Oracle").pareto, "the Oracle is never flagged");
        assert_eq!(row(&rows, "Cheap-1B").metrics.accuracy, 0.5);
        assert_eq!(row(&rows, "Mid-7B").metrics.accuracy, 0.75);
        for name in ["Cheap-1B", "CheapestGlobal", "Mid-7B", "Dear-XL"] {
            assert!(row(&rows, name).pareto, "{name} is on the frontier");
        }
        // Dear-XL sits at cmax: Rank Score 0, the largest gap.
        assert_eq!(row(&rows, "Dear-XL").metrics.rank_score, 0.0);
        let leaders: Vec<&str> = rows
            .iter()
            .filter(|r| r.leader)
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(leaders.len(), 1);
        let best = rows
            .iter()
            .filter(|r| r.name != ORACLE)
            .map(|r| r.metrics.rank_score)
            .fold(0.0, f64::max);
        assert_eq!(row(&rows, leaders[0]).metrics.rank_score, best);
    }

    #[test]
    fn filters_recompute_with_global_bounds() {
        let bench = toy_bench();
        let entries = builtin_entries(&bench);
        let stem = Filter {
            group: Some("STEM".into()),
            dataset: None,
        };
        let rows = score(&bench, &entries, &stem);
        // Test rows 0..5 are MathVista: Cheap-1B right on 0, 2, 4.
        let cheap = row(&rows, "Cheap-1B").metrics;
        assert_eq!((cheap.num_samples, cheap.accuracy), (5, 0.6));
        let expected = vlrb_core::rank_score(0.6, 1e-5f32 as f64, bench.bounds);
        assert!((cheap.rank_score - expected).abs() < 1e-12, "{cheap:?}");
        let ocr = Filter {
            group: None,
            dataset: Some("OCRBench".into()),
        };
        assert_eq!(
            row(&score(&bench, &entries, &ocr), "Mid-7B")
                .metrics
                .num_samples,
            3
        );
        assert_eq!(stem.describe(), "task group STEM");
        let per = breakdown(&bench, &entries[5], &Filter::default());
        assert_eq!(
            per.iter().map(|d| d.dataset.as_str()).collect::<Vec<_>>(),
            ["MathVista_MINI", "OCRBench"]
        );
        assert_eq!(breakdown(&bench, &entries[5], &ocr).len(), 1);
    }

    #[test]
    fn sorting_and_exports() {
        let bench = toy_bench();
        let mut rows = score(&bench, &builtin_entries(&bench), &Filter::default());
        sort_rows(&mut rows, SortKey::Accuracy, false);
        let acc: Vec<f64> = rows.iter().map(|r| r.metrics.accuracy).collect();
        assert!(acc.windows(2).all(|w| w[0] <= w[1]), "{acc:?}");
        sort_rows(&mut rows, SortKey::Name, false);
        assert_eq!(rows[0].name, "Cheap-1B");
        sort_rows(&mut rows, SortKey::Throughput, true);
        assert_eq!(
            rows[0].name, "Cheap-1B",
            "no throughput anywhere: stable order"
        );
        let context = ExportContext {
            benchmark: "toy",
            synthetic: true,
            source: "tests",
            bundle_sha256: "abc",
            protocol_version: "p",
            subset: Filter::default().describe(),
        };
        let csv = to_csv(&context, &rows);
        assert!(csv.contains("# benchmark: toy (SYNTHETIC data)"));
        assert!(csv.contains("\nOracle,baseline,8,1,"));
        let json: serde_json::Value = serde_json::from_str(&to_json(&context, &rows)).unwrap();
        assert_eq!(json["bundle_sha256"], "abc");
        assert_eq!(json["rows"].as_array().unwrap().len(), 8);
    }

    #[test]
    fn unique_names() {
        assert_eq!(unique_name("a", &[]), "a");
        assert_eq!(unique_name("a", &["a", "a (2)"]), "a (3)");
        assert_eq!(unique_name("  ", &[]), "upload");
    }

    #[test]
    fn number_formats() {
        assert_eq!(raw(0.1), "0.1");
        assert_eq!(raw(3.1958333303399354e-5), "0.000031958333303399354");
        assert_eq!(pct(0.404761904), "40.48");
        assert_eq!(dollars(0.37), "$0.3700");
        assert_eq!(dollars(2.72e-5), "$0.00002720");
        assert_eq!(dollars(12.5), "$12.50");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn sort_keys_round_trip() {
        for k in SortKey::ALL {
            assert_eq!(SortKey::from_id(k.id()), Some(k));
        }
        assert_eq!(SortKey::from_id("nope"), None);
    }
}
