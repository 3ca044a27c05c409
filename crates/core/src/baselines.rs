//! The five training-free baselines (protocol 2.5), fitted on the test split as the toolkit does.
//! Ties go to the lowest column index.

use crate::metrics::Routing;
use crate::model::{Benchmark, Split};
use crate::numpy_random::RandomState;

/// A training-free baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// Cheapest correct model per sample (cheapest model when none is correct).
    Oracle,
    /// The model with the best test accuracy, for every sample.
    StrongestGlobal,
    /// The model with the lowest mean test cost, for every sample.
    CheapestGlobal,
    /// The most accurate model of each dataset.
    StrongestPerDataset,
    /// numpy `RandomState(seed).randint(0, K, size=n_test)`.
    Random,
}

impl Baseline {
    /// All five, in the order the CLI prints them.
    pub const ALL: [Baseline; 5] = [
        Baseline::Oracle,
        Baseline::StrongestGlobal,
        Baseline::CheapestGlobal,
        Baseline::StrongestPerDataset,
        Baseline::Random,
    ];

    /// The toolkit's name.
    pub fn name(self) -> &'static str {
        match self {
            Baseline::Oracle => "Oracle",
            Baseline::StrongestGlobal => "StrongestGlobal",
            Baseline::CheapestGlobal => "CheapestGlobal",
            Baseline::StrongestPerDataset => "StrongestPerDataset",
            Baseline::Random => "Random",
        }
    }

    /// The baseline's routing of the test split (Random uses seed 42).
    pub fn route(self, bench: &Benchmark) -> Routing {
        let rows = bench.samples.rows_in(Split::Test);
        let picks = match self {
            Baseline::Oracle => rows.iter().map(|&i| oracle_pick(bench, i)).collect(),
            Baseline::StrongestGlobal => vec![most_accurate(bench, &rows); rows.len()],
            Baseline::CheapestGlobal => vec![cheapest_on_average(bench, &rows); rows.len()],
            Baseline::StrongestPerDataset => {
                let datasets = bench.samples.datasets.len();
                let best: Vec<usize> = (0..datasets)
                    .map(|d| {
                        let in_d: Vec<usize> = rows
                            .iter()
                            .copied()
                            .filter(|&i| bench.samples.dataset[i] as usize == d)
                            .collect();
                        most_accurate(bench, &in_d)
                    })
                    .collect();
                rows.iter()
                    .map(|&i| best[bench.samples.dataset[i] as usize])
                    .collect()
            }
            Baseline::Random => random_picks(bench.num_models(), rows.len(), 42),
        };
        Routing { rows, picks }
    }
}

/// The Oracle's choice for row `i`: the cheapest correct model, else the cheapest model.
pub fn oracle_pick(bench: &Benchmark, i: usize) -> usize {
    cheapest_correct(bench, i).unwrap_or_else(|| cheapest(bench, i))
}

/// The cheapest model that answers row `i` correctly (lowest index on ties).
pub fn cheapest_correct(bench: &Benchmark, i: usize) -> Option<usize> {
    argmin_by_cost(
        bench,
        i,
        (0..bench.num_models()).filter(|&j| bench.correct(i, j)),
    )
}

/// The cheapest model on row `i` (lowest index on ties).
pub fn cheapest(bench: &Benchmark, i: usize) -> usize {
    argmin_by_cost(bench, i, 0..bench.num_models()).unwrap_or(0)
}

fn argmin_by_cost(bench: &Benchmark, i: usize, cols: impl Iterator<Item = usize>) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for j in cols {
        let c = bench.cost(i, j);
        if best.is_none_or(|(_, b)| c < b) {
            best = Some((j, c));
        }
    }
    best.map(|(j, _)| j)
}

/// The model with most correct answers on `rows` (lowest index on ties; 0 for no rows).
fn most_accurate(bench: &Benchmark, rows: &[usize]) -> usize {
    let counts =
        (0..bench.num_models()).map(|j| rows.iter().filter(|&&i| bench.correct(i, j)).count());
    let mut best = (0, 0);
    for (j, count) in counts.enumerate() {
        if count > best.1 {
            best = (j, count);
        }
    }
    best.0
}

/// The model with the lowest mean cost on `rows` (lowest index on ties).
fn cheapest_on_average(bench: &Benchmark, rows: &[usize]) -> usize {
    let mut best = (0, f64::INFINITY);
    for j in 0..bench.num_models() {
        let total: f64 = rows.iter().map(|&i| bench.cost(i, j)).sum();
        if total < best.1 {
            best = (j, total);
        }
    }
    best.0
}

/// numpy's `RandomState(seed).randint(0, k, size=n)` as column indices.
pub fn random_picks(k: usize, n: usize, seed: u32) -> Vec<usize> {
    RandomState::new(seed)
        .randint(0, k as i64, n)
        .into_iter()
        .map(|v| v as usize)
        .collect()
}
