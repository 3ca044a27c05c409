//! The board's CSV and JSON exports: numbers in CLI units, always with their source.

use std::collections::BTreeMap;

use serde::Serialize;
use vlrb_core::scenario::Scenario;

use crate::format::raw;
use crate::rows::Row;

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
    /// Share of samples routed to the Oracle's pick, fraction.
    pub optimal_selection: f64,
    /// Oracle's cost over this row's cost.
    pub cost_vs_oracle: f64,
    /// This row's accuracy over the Oracle's.
    pub accuracy_vs_oracle: f64,
    /// Samples sent to each model of the pool, by model id.
    pub picks_per_model: BTreeMap<&'a str, usize>,
}

/// The export view of rows; `column_ids` is each model column's id, `None` outside the pool.
pub fn export_rows<'a>(rows: &'a [Row], column_ids: &[Option<&'a str>]) -> Vec<ExportRow<'a>> {
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
            optimal_selection: r.optimality.optimal_selection,
            cost_vs_oracle: r.optimality.cost_vs_oracle,
            accuracy_vs_oracle: r.optimality.accuracy_vs_oracle,
            picks_per_model: column_ids
                .iter()
                .zip(&r.picks_per_model)
                .filter_map(|(id, &n)| id.map(|id| (id, n)))
                .collect(),
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
    /// The pool's model ids (every model for the benchmark as published).
    pub pool: Vec<&'a str>,
    /// Price edits of a what-if view (`<id>:<input>:<output>,...`); none as published.
    pub price_edits: Option<&'a str>,
    /// Each model column's id, `None` outside the pool (keys of `picks_per_model`).
    #[serde(skip)]
    pub column_ids: Vec<Option<&'a str>>,
}

/// The pool's model ids and each column's id within the pool (for [`ExportContext`]).
pub fn pool_ids(scenario: &Scenario) -> (Vec<&str>, Vec<Option<&str>>) {
    let bench = scenario.bench();
    let column_ids = bench
        .models
        .iter()
        .enumerate()
        .map(|(j, m)| scenario.pool().contains(j).then_some(m.id.as_str()))
        .collect::<Vec<_>>();
    (column_ids.iter().flatten().copied().collect(), column_ids)
}

/// The board as a JSON document: context plus rows.
pub fn to_json(context: &ExportContext<'_>, rows: &[Row]) -> Result<String, serde_json::Error> {
    #[derive(Serialize)]
    struct Doc<'a> {
        #[serde(flatten)]
        context: &'a ExportContext<'a>,
        rows: Vec<ExportRow<'a>>,
    }
    serde_json::to_string_pretty(&Doc {
        context,
        rows: export_rows(rows, &context.column_ids),
    })
}

/// The board as CSV: one header line, one line per row (context as leading `#` comment lines).
pub fn to_csv(context: &ExportContext<'_>, rows: &[Row]) -> String {
    let opt = |x: Option<f64>| x.map(raw).unwrap_or_default();
    let mut out = format!(
        "# benchmark: {}{}\n# source: {}\n# bundle sha256: {}\n# protocol: {}\n# subset: {}\n\
         # pool: {}\n# price edits: {}\n",
        context.benchmark,
        if context.synthetic {
            " (SYNTHETIC data)"
        } else {
            ""
        },
        context.source,
        context.bundle_sha256,
        context.protocol_version,
        context.subset,
        context.pool.join(" "),
        context.price_edits.unwrap_or("none (the bundle's prices)"),
    );
    out.push_str(
        "entry,kind,num_samples,accuracy,avg_cost,test_split_cost,cost_per_1k,rank_score,\
         gap_to_oracle,pareto_optimal,accuracy_ci_low,accuracy_ci_high,rank_score_ci_low,\
         rank_score_ci_high,tied_with_leader,throughput_ktps,optimal_selection,cost_vs_oracle,\
         accuracy_vs_oracle",
    );
    for id in &context.pool {
        out.push_str(&format!(",{}", csv_field(&format!("picks:{id}"))));
    }
    out.push('\n');
    for r in export_rows(rows, &context.column_ids) {
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
            raw(r.optimal_selection),
            raw(r.cost_vs_oracle),
            raw(r.accuracy_vs_oracle),
        ];
        out.push_str(&cells.join(","));
        for n in r.picks_per_model.values() {
            out.push_str(&format!(",{n}"));
        }
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
    use crate::entries::builtin_entries;
    use crate::rows::{Filter, SortKey, score, sort_rows};
    use crate::testing::toy_bench;

    #[test]
    fn sorting_and_exports() {
        let scenario = Scenario::published(std::sync::Arc::new(toy_bench()));
        let mut rows = score(&scenario, &builtin_entries(&scenario), &Filter::default()).rows;
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
            pool: pool_ids(&scenario).0,
            price_edits: None,
            column_ids: pool_ids(&scenario).1,
        };
        let csv = to_csv(&context, &rows);
        assert!(csv.contains("# benchmark: toy (SYNTHETIC data)"));
        assert!(csv.contains("\nOracle,baseline,8,1,"));
        assert!(csv.contains(",accuracy_vs_oracle,picks:cheap,picks:dear,picks:mid\n"));
        // Cheap-1B's line ends with its picks: all 8 test samples to column 0.
        assert!(
            csv.contains("\nCheap-1B,model,8,") && csv.contains(",8,0,0\n"),
            "{csv}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&to_json(&context, &rows).unwrap()).unwrap();
        assert_eq!(json["bundle_sha256"], "abc");
        assert_eq!(json["rows"].as_array().unwrap().len(), 8);
        let oracle = json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["entry"] == "Oracle")
            .unwrap();
        assert_eq!(oracle["optimal_selection"], 1.0);
        assert_eq!(json["pool"], serde_json::json!(["cheap", "dear", "mid"]));
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
