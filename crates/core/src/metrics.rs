//! Average Accuracy, Average Cost and Rank Score (protocol section 2), overall and per dataset or
//! task group, always with the benchmark's global cost bounds.

use serde::{Deserialize, Serialize};

use crate::model::{Benchmark, CostBounds};

/// Rank Score's accuracy weight beta.
pub const RANK_BETA: f64 = 0.1;
/// Rank Score's epsilon.
pub const RANK_EPS: f64 = 1e-12;

/// Rank Score in [0, 1] of a routing with accuracy `accuracy` (fraction) and mean per-sample cost
/// `avg_cost` (USD), under `bounds` (protocol 2.2; shown x100).
pub fn rank_score(accuracy: f64, avg_cost: f64, bounds: CostBounds) -> f64 {
    let CostBounds { cmin, cmax } = bounds;
    let clipped = avg_cost.clamp(cmin, cmax);
    let cost_norm =
        ((cmax.log2() - clipped.log2()) / (cmax.log2() - cmin.log2() + RANK_EPS)).clamp(0.0, 1.0);
    let acc = accuracy.clamp(0.0, 1.0);
    ((1.0 + RANK_BETA) * acc * cost_norm / (RANK_BETA * acc + cost_norm + RANK_EPS)).clamp(0.0, 1.0)
}

/// The three headline numbers over a set of samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Samples scored.
    pub num_samples: usize,
    /// Fraction answered correctly.
    pub accuracy: f64,
    /// Mean cost, USD per sample.
    pub avg_cost: f64,
    /// Rank Score as a fraction.
    pub rank_score: f64,
}

impl Metrics {
    /// Metrics of routing each `(row, model)` pair (f64 sums over the f32 matrix, in the given order).
    pub fn of(bench: &Benchmark, routed: impl IntoIterator<Item = (usize, usize)>) -> Metrics {
        let mut sums = Sums::default();
        for (i, j) in routed {
            sums.add(bench, i, j);
        }
        sums.metrics(bench.bounds)
    }

    /// Cost summed over the scored samples (the paper's "Avg. Cost" unit: dollars over the test split).
    pub fn total_cost(&self) -> f64 {
        self.avg_cost * self.num_samples as f64
    }

    /// Cost per 1,000 queries, USD.
    pub fn cost_per_1k(&self) -> f64 {
        self.avg_cost * 1000.0
    }
}

/// Metrics of one dataset (or group) within an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetMetrics {
    /// Dataset (or task group) name.
    pub dataset: String,
    /// Its metrics, with the global bounds.
    #[serde(flatten)]
    pub metrics: Metrics,
}

/// A routing scored overall and per dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Overall metrics.
    #[serde(flatten)]
    pub overall: Metrics,
    /// Per-dataset metrics, datasets in ASCII order.
    pub per_dataset: Vec<DatasetMetrics>,
}

/// A routing: the chosen model (column) for each scored row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    /// Rows scored, in row order.
    pub rows: Vec<usize>,
    /// Chosen column per entry of `rows`.
    pub picks: Vec<usize>,
}

impl Routing {
    /// (row, model) pairs.
    pub fn pairs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.rows.iter().copied().zip(self.picks.iter().copied())
    }

    /// The pairs whose row satisfies `keep`.
    pub fn filtered<'a>(
        &'a self,
        keep: impl Fn(usize) -> bool + 'a,
    ) -> impl Iterator<Item = (usize, usize)> + 'a {
        self.pairs().filter(move |&(i, _)| keep(i))
    }
}

/// Scores a routing overall and per dataset.
pub fn evaluate(bench: &Benchmark, routing: &Routing) -> Evaluation {
    Evaluation {
        overall: Metrics::of(bench, routing.pairs()),
        per_dataset: breakdown(bench, routing, |d| bench.samples.datasets[d].as_str()),
    }
}

/// Per-group metrics (General, STEM, Charts & OCR), groups in ASCII order.
pub fn per_group(bench: &Benchmark, routing: &Routing) -> Vec<DatasetMetrics> {
    breakdown(bench, routing, |d| bench.samples.dataset_groups[d].as_str())
}

/// Running sums of one scored subset, in routing order (so every breakdown adds the same costs in
/// the same order as a plain filtered pass would).
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    n: usize,
    correct: usize,
    cost: f64,
}

impl Sums {
    fn add(&mut self, bench: &Benchmark, i: usize, j: usize) {
        self.n += 1;
        self.correct += bench.correct(i, j) as usize;
        self.cost += bench.cost(i, j);
    }

    fn metrics(self, bounds: CostBounds) -> Metrics {
        Metrics::from_sums(self.n, self.correct, self.cost, bounds)
    }
}

impl Metrics {
    /// Metrics of `n` samples with `correct` right answers costing `cost` USD in all.
    pub(crate) fn from_sums(n: usize, correct: usize, cost: f64, bounds: CostBounds) -> Metrics {
        let (accuracy, avg_cost) = if n == 0 {
            (0.0, 0.0)
        } else {
            (correct as f64 / n as f64, cost / n as f64)
        };
        Metrics {
            num_samples: n,
            accuracy,
            avg_cost,
            rank_score: rank_score(accuracy, avg_cost, bounds),
        }
    }
}

/// How close a routing comes to the Oracle's picks o_i on the same samples (RouterArena's idea on
/// this protocol; docs/protocol.md, "What-if views").
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Optimality {
    /// Share of samples routed to the Oracle's pick (p_i == o_i); 0 for no samples.
    pub optimal_selection: f64,
    /// sum_i C[i, o_i] / sum_i C[i, p_i]; 0 when the routing costs nothing.
    pub cost_vs_oracle: f64,
    /// accuracy(p) / accuracy(o); 0 when the Oracle's accuracy is 0.
    pub accuracy_vs_oracle: f64,
}

impl Optimality {
    /// From the counts and sums over `n` samples: `optimal` picks equal to the Oracle's,
    /// `correct` / `oracle_correct` right answers and `cost` / `oracle_cost` USD in all.
    pub(crate) fn from_sums(
        n: usize,
        optimal: usize,
        (correct, oracle_correct): (usize, usize),
        (cost, oracle_cost): (f64, f64),
    ) -> Optimality {
        let share = |count: usize| {
            if n == 0 { 0.0 } else { count as f64 / n as f64 }
        };
        let oracle_accuracy = share(oracle_correct);
        Optimality {
            optimal_selection: share(optimal),
            cost_vs_oracle: if cost == 0.0 { 0.0 } else { oracle_cost / cost },
            accuracy_vs_oracle: if oracle_accuracy == 0.0 {
                0.0
            } else {
                share(correct) / oracle_accuracy
            },
        }
    }
}

/// The labels of a breakdown (ASCII order) and the label index of each interned dataset.
pub(crate) struct Buckets<'a> {
    /// Distinct labels, ASCII order.
    pub(crate) names: Vec<&'a str>,
    /// Index into `names` per interned dataset.
    pub(crate) of_dataset: Vec<usize>,
}

impl<'a> Buckets<'a> {
    /// Buckets named by `label` of each interned dataset.
    pub(crate) fn new(bench: &'a Benchmark, label: impl Fn(usize) -> &'a str) -> Buckets<'a> {
        let per_dataset: Vec<&str> = (0..bench.samples.datasets.len()).map(label).collect();
        let mut names = per_dataset.clone();
        names.sort_unstable();
        names.dedup();
        let of_dataset = per_dataset
            .iter()
            .map(|l| names.binary_search(l).unwrap_or(0))
            .collect();
        Buckets { names, of_dataset }
    }

    /// One bucket per dataset.
    pub(crate) fn datasets(bench: &'a Benchmark) -> Buckets<'a> {
        Buckets::new(bench, |d| bench.samples.datasets[d].as_str())
    }
}

/// Metrics per label (in ASCII order), `label` naming each interned dataset's bucket; one pass
/// over the routing.
fn breakdown<'a>(
    bench: &'a Benchmark,
    routing: &Routing,
    label: impl Fn(usize) -> &'a str,
) -> Vec<DatasetMetrics> {
    let buckets = Buckets::new(bench, label);
    let mut sums = vec![Sums::default(); buckets.names.len()];
    for (i, j) in routing.pairs() {
        sums[buckets.of_dataset[bench.samples.dataset[i] as usize]].add(bench, i, j);
    }
    buckets
        .names
        .into_iter()
        .zip(sums)
        .filter(|(_, s)| s.n > 0)
        .map(|(name, s)| DatasetMetrics {
            dataset: name.to_owned(),
            metrics: s.metrics(bench.bounds),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: CostBounds = CostBounds {
        cmin: 1e-5,
        cmax: 1e-3,
    };

    #[test]
    fn rank_score_limits() {
        assert_eq!(rank_score(0.9, 1e-3, B), 0.0);
        assert_eq!(rank_score(0.9, 5e-3, B), 0.0);
        let at_min = rank_score(1.0, 1e-6, B);
        assert!((at_min - 1.0).abs() < 1e-9, "{at_min}");
        assert_eq!(rank_score(0.0, 1e-5, B), 0.0);
    }
}
