//! Scoring entries into board rows on a filtered subset (global bounds): the Pareto flag, the gap
//! to the Oracle, the leader, per-dataset breakdowns, and sorting.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use vlrb_core::bootstrap::EntryInterval;
use vlrb_core::metrics::{Metrics, Optimality};
use vlrb_core::model::Benchmark;
use vlrb_core::pareto::pareto_frontier;
use vlrb_core::scenario::{Scenario, ScoredDataset, UsesExcluded};

use crate::entries::{Entry, Kind, ORACLE};

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

/// One scored row of the board (serialised without its intervals, for [`crate::snapshot`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Entry name.
    pub name: String,
    /// Entry kind.
    pub kind: Kind,
    /// Metrics on the filtered subset, the view's bounds.
    pub metrics: Metrics,
    /// Agreement with the view's Oracle on the filtered subset.
    pub optimality: Optimality,
    /// Samples of the filtered subset sent to each model (by column; 0 outside the pool).
    pub picks_per_model: Vec<usize>,
    /// Oracle's Rank Score minus this row's (fraction), when the Oracle is on the board.
    pub gap_to_oracle: Option<f64>,
    /// On the accuracy-cost Pareto frontier of the non-Oracle rows.
    pub pareto: bool,
    /// Bootstrap intervals, once computed.
    #[serde(skip)]
    pub interval: Option<EntryInterval>,
    /// True when this row is the leader (best Rank Score among non-Oracle rows).
    pub leader: bool,
    /// Throughput, K tokens/s, where measured.
    pub throughput_ktps: Option<f64>,
}

impl Row {
    /// Whether this is the Oracle's row (an upper bound, never a contender).
    pub fn is_oracle(&self) -> bool {
        self.kind == Kind::Baseline && self.name == ORACLE
    }
}

/// A router that picks a model outside the view's pool on some test sample: shown, never scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExcludedRow {
    /// Entry name.
    pub name: String,
    /// Entry kind.
    pub kind: Kind,
    /// How many samples use excluded models, and the first.
    pub uses: UsesExcluded,
}

/// The board of a view: the scored rows and the rows that cannot be scored under its pool.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Board {
    /// Scored rows.
    pub rows: Vec<Row>,
    /// Rows using excluded models (entries' order).
    pub excluded: Vec<ExcludedRow>,
}

/// Scores every entry on the filtered subset under `scenario` (its costs, bounds and Oracle), flags
/// the Pareto frontier of the non-Oracle rows and computes the gap to the Oracle. An entry picking
/// a model outside the pool on any test sample becomes an [`ExcludedRow`]. Rows keep the entries'
/// order.
pub fn score(scenario: &Scenario, entries: &[Entry], filter: &Filter) -> Board {
    let bench = scenario.bench();
    let mut board = Board::default();
    let mut scored_entries = Vec::new();
    for e in entries {
        if !scenario.pool().is_full()
            && let Err(uses) = scenario.score(e.routing.pairs())
        {
            board.excluded.push(ExcludedRow {
                name: e.name.clone(),
                kind: e.kind,
                uses,
            });
            continue;
        }
        // The whole routing is within the pool, so its subset is too.
        let Ok(scored) = scenario.score(e.routing.filtered(|i| filter.keep(bench, i))) else {
            continue;
        };
        scored_entries.push(e);
        board.rows.push(Row {
            name: e.name.clone(),
            kind: e.kind,
            metrics: scored.metrics,
            optimality: scored.optimality,
            picks_per_model: scored.picks_per_model,
            gap_to_oracle: None,
            pareto: false,
            interval: None,
            leader: false,
            throughput_ktps: e.meta.as_ref().and_then(|m| m.throughput_ktps),
        });
    }
    let rows = &mut board.rows;
    let contenders: Vec<usize> = (0..rows.len())
        .filter(|&r| !scored_entries[r].is_oracle())
        .collect();
    let points: Vec<(f64, f64)> = contenders
        .iter()
        .map(|&r| (rows[r].metrics.avg_cost, rows[r].metrics.accuracy))
        .collect();
    for p in pareto_frontier(&points) {
        rows[contenders[p]].pareto = true;
    }
    if let Some(oracle) = scored_entries.iter().position(|e| e.is_oracle()) {
        let top = rows[oracle].metrics.rank_score;
        for row in rows.iter_mut() {
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
    board
}

/// Attaches bootstrap intervals computed for the same entries (by name).
pub fn attach_intervals(rows: &mut [Row], intervals: &HashMap<String, EntryInterval>) {
    for row in rows {
        row.interval = intervals.get(&row.name).copied();
    }
}

/// Per-dataset numbers of one entry within the filter under `scenario` (datasets in ASCII order,
/// the view's bounds), or why it cannot be scored under the view's pool.
pub fn breakdown(
    scenario: &Scenario,
    entry: &Entry,
    filter: &Filter,
) -> Result<Vec<ScoredDataset>, UsesExcluded> {
    let bench = scenario.bench();
    Ok(scenario
        .evaluate(&entry.routing)?
        .per_dataset
        .into_iter()
        .filter(|d| {
            filter.dataset.as_deref().is_none_or(|f| f == d.dataset)
                && filter
                    .group
                    .as_deref()
                    .is_none_or(|g| group_of_dataset(bench, &d.dataset) == g)
        })
        .collect())
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
    /// Share of samples routed to the Oracle's pick.
    OptimalSelection,
    /// Oracle's cost over the row's cost.
    CostVsOracle,
    /// Row's accuracy over the Oracle's.
    AccuracyVsOracle,
}

impl SortKey {
    /// Every sortable column.
    pub const ALL: [SortKey; 10] = [
        SortKey::Name,
        SortKey::Accuracy,
        SortKey::Cost,
        SortKey::RankScore,
        SortKey::Gap,
        SortKey::Pareto,
        SortKey::Throughput,
        SortKey::OptimalSelection,
        SortKey::CostVsOracle,
        SortKey::AccuracyVsOracle,
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
            SortKey::OptimalSelection => "optimal_selection",
            SortKey::CostVsOracle => "cost_vs_oracle",
            SortKey::AccuracyVsOracle => "accuracy_vs_oracle",
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
            SortKey::OptimalSelection => Some(r.optimality.optimal_selection),
            SortKey::CostVsOracle => Some(r.optimality.cost_vs_oracle),
            SortKey::AccuracyVsOracle => Some(r.optimality.accuracy_vs_oracle),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entries::builtin_entries;
    use crate::testing::toy_bench;
    use vlrb_core::model::Split;

    fn row<'a>(rows: &'a [Row], name: &str) -> &'a Row {
        rows.iter().find(|r| r.name == name).unwrap()
    }

    fn published() -> Scenario {
        Scenario::published(std::sync::Arc::new(toy_bench()))
    }

    #[test]
    fn builtin_rows_pareto_gap_and_leader() {
        let scenario = published();
        let entries = builtin_entries(&scenario);
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
        let rows = score(&scenario, &entries, &Filter::default()).rows;
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
        let scenario = published();
        let bench = scenario.bench().clone();
        let entries = builtin_entries(&scenario);
        let stem = Filter {
            group: Some("STEM".into()),
            dataset: None,
        };
        let rows = score(&scenario, &entries, &stem).rows;
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
            row(&score(&scenario, &entries, &ocr).rows, "Mid-7B")
                .metrics
                .num_samples,
            3
        );
        assert_eq!(stem.describe(), "task group STEM");
        let per = breakdown(&scenario, &entries[5], &Filter::default()).unwrap();
        assert_eq!(
            per.iter().map(|d| d.dataset.as_str()).collect::<Vec<_>>(),
            ["MathVista_MINI", "OCRBench"]
        );
        assert_eq!(breakdown(&scenario, &entries[5], &ocr).unwrap().len(), 1);
    }

    #[test]
    fn restricted_pool_drops_models_and_marks_excluded_routers() {
        let bench = std::sync::Arc::new(toy_bench());
        // Pool without `dear` (column 1).
        let pool = vlrb_core::pool::Pool::from_columns(&bench, [0, 2]).unwrap();
        let scenario = Scenario::new(bench.clone(), pool, None).unwrap();
        let mut entries = builtin_entries(&scenario);
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names[5..],
            ["Cheap-1B", "Mid-7B"],
            "Dear-XL is not in the pool"
        );
        let test_rows = bench.samples.rows_in(Split::Test);
        let router = |name: &str, pick: fn(usize) -> usize| {
            Entry::upload(
                name.to_owned(),
                vlrb_core::metrics::Routing {
                    picks: test_rows.iter().map(|&i| pick(i)).collect(),
                    rows: test_rows.clone(),
                },
            )
        };
        entries.push(router("uses-dear", |i| if i < 3 { 1 } else { 0 }));
        entries.push(router("mid-then-cheap", |i| if i < 6 { 2 } else { 0 }));
        let board = score(&scenario, &entries, &Filter::default());
        assert_eq!(board.excluded.len(), 1);
        let excluded = &board.excluded[0];
        assert_eq!(excluded.name, "uses-dear");
        assert_eq!(excluded.uses.samples, 3);
        assert_eq!(excluded.uses.first_model, "dear");
        assert!(board.rows.iter().all(|r| r.name != "uses-dear"));
        // Independent: the pool's Oracle is the cheapest correct of {cheap, mid}, else cheap.
        let (mut optimal, mut correct, mut cost, mut oracle_cost, mut oracle_correct) =
            (0, 0, 0.0f64, 0.0f64, 0);
        for &i in &test_rows {
            let pick = if i < 6 { 2 } else { 0 };
            let oracle = if i % 2 == 0 {
                0
            } else if i < 6 {
                2
            } else {
                0
            };
            optimal += (pick == oracle) as usize;
            correct += bench.correct(i, pick) as usize;
            oracle_correct += bench.correct(i, oracle) as usize;
            cost += bench.cost[i * 3 + pick] as f64;
            oracle_cost += bench.cost[i * 3 + oracle] as f64;
        }
        let r = row(&board.rows, "mid-then-cheap");
        let n = test_rows.len() as f64;
        assert_eq!(r.optimality.optimal_selection, optimal as f64 / n);
        assert_eq!(r.optimality.cost_vs_oracle, oracle_cost / cost);
        assert_eq!(
            r.optimality.accuracy_vs_oracle,
            (correct as f64 / n) / (oracle_correct as f64 / n)
        );
        assert_eq!(r.picks_per_model, vec![2, 0, 6]);
        // Bounds of the pool: cheapest and dearest mean positive cost among cheap and mid.
        assert_eq!(scenario.bounds().cmin, 1e-5f32 as f64);
        assert_eq!(scenario.bounds().cmax, 1e-4f32 as f64);
        let oracle = row(&board.rows, "Oracle");
        assert_eq!(oracle.optimality.optimal_selection, 1.0);
        assert!(breakdown(&scenario, &entries[7], &Filter::default()).is_err());
    }

    #[test]
    fn sort_keys_round_trip() {
        for k in SortKey::ALL {
            assert_eq!(SortKey::from_id(k.id()), Some(k));
        }
        assert_eq!(SortKey::from_id("nope"), None);
    }
}
