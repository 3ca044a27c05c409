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

    /// The baseline's routing of the test split over every model, with the bundle's costs
    /// (Random uses seed 42).
    pub fn route(self, bench: &Benchmark) -> Routing {
        let all: Vec<usize> = (0..bench.num_models()).collect();
        self.route_among(bench, &bench.cost, &all)
    }

    /// The baseline's routing of the test split choosing only among `columns` (ascending, at least
    /// one), with the cost matrix `cost` (N x K, row-major) in place of the bundle's: the what-if
    /// pool and prices. Ties go to the lowest column; Random maps numpy's
    /// `RandomState(42).randint(0, columns.len())` to `columns` in order.
    pub fn route_among(self, bench: &Benchmark, cost: &[f32], columns: &[usize]) -> Routing {
        let view = Candidates {
            bench,
            cost,
            columns,
        };
        let rows = bench.samples.rows_in(Split::Test);
        let picks = match self {
            Baseline::Oracle => rows.iter().map(|&i| view.oracle_pick(i)).collect(),
            Baseline::StrongestGlobal => vec![view.most_accurate(&rows); rows.len()],
            Baseline::CheapestGlobal => vec![view.cheapest_on_average(&rows); rows.len()],
            Baseline::StrongestPerDataset => {
                let mut in_dataset: Vec<Vec<usize>> =
                    vec![Vec::new(); bench.samples.datasets.len()];
                for &i in &rows {
                    in_dataset[bench.samples.dataset[i] as usize].push(i);
                }
                let best: Vec<usize> = in_dataset.iter().map(|d| view.most_accurate(d)).collect();
                rows.iter()
                    .map(|&i| best[bench.samples.dataset[i] as usize])
                    .collect()
            }
            Baseline::Random if columns.is_empty() => vec![0; rows.len()],
            Baseline::Random => random_picks(columns.len(), rows.len(), 42)
                .into_iter()
                .map(|p| columns[p])
                .collect(),
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
        &bench.cost,
        bench.num_models(),
        i,
        (0..bench.num_models()).filter(|&j| bench.correct(i, j)),
    )
}

/// The cheapest model on row `i` (lowest index on ties).
pub fn cheapest(bench: &Benchmark, i: usize) -> usize {
    argmin_by_cost(&bench.cost, bench.num_models(), i, 0..bench.num_models()).unwrap_or(0)
}

/// The models a baseline may pick, with the costs it sees.
pub(crate) struct Candidates<'a> {
    /// The benchmark (Y, samples).
    pub(crate) bench: &'a Benchmark,
    /// Cost matrix, N x K row-major.
    pub(crate) cost: &'a [f32],
    /// Allowed columns, ascending.
    pub(crate) columns: &'a [usize],
}

impl Candidates<'_> {
    /// The cheapest correct allowed model on row `i`, else the cheapest allowed model (lowest
    /// index on ties).
    pub(crate) fn oracle_pick(&self, i: usize) -> usize {
        let k = self.bench.num_models();
        let allowed = self.columns.iter().copied();
        argmin_by_cost(
            self.cost,
            k,
            i,
            allowed.clone().filter(|&j| self.bench.correct(i, j)),
        )
        .or_else(|| argmin_by_cost(self.cost, k, i, allowed))
        .unwrap_or(0)
    }

    /// The allowed model with most correct answers on `rows` (lowest index on ties; the first
    /// allowed model for no rows).
    fn most_accurate(&self, rows: &[usize]) -> usize {
        let mut best: Option<(usize, usize)> = None;
        for &j in self.columns {
            let count = rows.iter().filter(|&&i| self.bench.correct(i, j)).count();
            if best.is_none_or(|(_, b)| count > b) {
                best = Some((j, count));
            }
        }
        best.map_or(0, |(j, _)| j)
    }

    /// The allowed model with the lowest mean cost on `rows` (lowest index on ties).
    fn cheapest_on_average(&self, rows: &[usize]) -> usize {
        let k = self.bench.num_models();
        let mut best: Option<(usize, f64)> = None;
        for &j in self.columns {
            let total: f64 = rows.iter().map(|&i| self.cost[i * k + j] as f64).sum();
            if best.is_none_or(|(_, b)| total < b) {
                best = Some((j, total));
            }
        }
        best.map_or(0, |(j, _)| j)
    }
}

fn argmin_by_cost(
    cost: &[f32],
    k: usize,
    i: usize,
    cols: impl Iterator<Item = usize>,
) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for j in cols {
        let c = cost[i * k + j] as f64;
        if best.is_none_or(|(_, b)| c < b) {
            best = Some((j, c));
        }
    }
    best.map(|(j, _)| j)
}

/// numpy's `RandomState(seed).randint(0, k, size=n)` as column indices.
pub fn random_picks(k: usize, n: usize, seed: u32) -> Vec<usize> {
    RandomState::new(seed)
        .randint(0, k as i64, n)
        .into_iter()
        .map(|v| v as usize)
        .collect()
}
