//! What-if views of a benchmark: a model [`Pool`] and edited [`Prices`], with the baselines, cost
//! bounds and Oracle they imply, and scoring that adds the optimality metrics and the routing
//! distribution in the same pass as accuracy and cost (docs/protocol.md, "What-if views").
//!
//! [`Scenario::published`] is the benchmark as shipped: its scores equal [`crate::evaluate`]'s.

use std::sync::Arc;

use crate::baselines::{Baseline, Candidates};
use crate::metrics::{Buckets, DatasetMetrics, Evaluation, Metrics, Optimality, Routing};
use crate::model::{Benchmark, CostBounds};
use crate::pool::{Pool, PoolError};
use crate::prices::{PriceError, Prices};

/// Why a what-if view could not be formed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    /// The pool is not valid for the benchmark.
    #[error(transparent)]
    Pool(#[from] PoolError),
    /// The prices cannot be applied.
    #[error(transparent)]
    Prices(#[from] PriceError),
    /// No model of the pool costs anything on any sample, so the Rank Score has no bounds.
    #[error(
        "no model of the pool has a positive cost on any sample under these prices; the Rank \
         Score needs a positive cheapest mean cost"
    )]
    NoPositiveCost,
}

/// A routing that picks models outside the pool: not scored (never silently rescored).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error(
    "sample {first_sample} is routed to {first_model}, which is not in the pool \
     ({samples} samples use excluded models)"
)]
pub struct UsesExcluded {
    /// Samples routed to an excluded model.
    pub samples: usize,
    /// Id of the first such sample, in routing (row) order.
    pub first_sample: String,
    /// Id of the model it is routed to.
    pub first_model: String,
}

/// The numbers of one routing on one set of samples under a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Accuracy, cost and Rank Score (with the scenario's bounds).
    pub metrics: Metrics,
    /// Agreement with the scenario's Oracle.
    pub optimality: Optimality,
    /// Samples sent to each model, indexed by column of the benchmark (excluded columns are 0).
    pub picks_per_model: Vec<usize>,
}

/// [`Scored`] for one dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredDataset {
    /// Dataset name.
    pub dataset: String,
    /// Its numbers.
    pub scored: Scored,
}

/// A routing scored overall and per dataset (datasets in ASCII order) under a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredEvaluation {
    /// Overall.
    pub overall: Scored,
    /// Per dataset, in ASCII order; datasets without scored samples are left out.
    pub per_dataset: Vec<ScoredDataset>,
}

impl ScoredEvaluation {
    /// The plain metrics (what [`crate::evaluate`] returns for the published scenario).
    pub fn evaluation(&self) -> Evaluation {
        Evaluation {
            overall: self.overall.metrics,
            per_dataset: self
                .per_dataset
                .iter()
                .map(|d| DatasetMetrics {
                    dataset: d.dataset.clone(),
                    metrics: d.scored.metrics,
                })
                .collect(),
        }
    }
}

/// A benchmark seen through a model pool and a set of prices: the cost matrix, the Rank Score
/// bounds and the Oracle's pick of every sample under them.
#[derive(Debug, Clone)]
pub struct Scenario {
    bench: Arc<Benchmark>,
    pool: Pool,
    /// The recomputed C when prices were given; `None` uses the bundle's.
    repriced: Option<Vec<f32>>,
    bounds: CostBounds,
    /// The Oracle's pick (column) of every row, within the pool.
    oracle: Vec<u32>,
}

impl Scenario {
    /// The benchmark as published: every model, the bundle's costs and bounds.
    pub fn published(bench: Arc<Benchmark>) -> Scenario {
        let pool = Pool::all(&bench);
        let bounds = bench.bounds;
        Scenario::build(bench, pool, None, bounds)
    }

    /// A what-if view: only `pool`'s models, and C recomputed from the token counts under `prices`
    /// when given. Bounds: the bundle's for the full pool at the bundle's costs, else the cheapest
    /// and dearest per-model mean positive cost (all samples) among the pool's models.
    pub fn new(
        bench: Arc<Benchmark>,
        pool: Pool,
        prices: Option<&Prices>,
    ) -> Result<Scenario, ScenarioError> {
        if pool.benchmark_models() != bench.num_models() {
            return Err(PoolError::OtherBenchmark {
                pool_models: pool.benchmark_models(),
                models: bench.num_models(),
            }
            .into());
        }
        let repriced = prices.map(|p| p.cost_matrix(&bench)).transpose()?;
        let bounds = if repriced.is_none() && pool.is_full() {
            bench.bounds
        } else {
            let cost = repriced.as_deref().unwrap_or(&bench.cost);
            pool_bounds(&bench, cost, &pool).ok_or(ScenarioError::NoPositiveCost)?
        };
        Ok(Scenario::build(bench, pool, repriced, bounds))
    }

    fn build(
        bench: Arc<Benchmark>,
        pool: Pool,
        repriced: Option<Vec<f32>>,
        bounds: CostBounds,
    ) -> Scenario {
        let cost = repriced.as_deref().unwrap_or(&bench.cost);
        let candidates = Candidates {
            bench: &bench,
            cost,
            columns: pool.columns(),
        };
        let oracle = (0..bench.num_samples())
            .map(|i| candidates.oracle_pick(i) as u32)
            .collect();
        Scenario {
            bench,
            pool,
            repriced,
            bounds,
            oracle,
        }
    }

    /// The benchmark.
    pub fn bench(&self) -> &Arc<Benchmark> {
        &self.bench
    }

    /// The model pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// True for the full pool at the bundle's prices (the benchmark as published).
    pub fn is_published(&self) -> bool {
        self.pool.is_full() && !self.is_repriced()
    }

    /// True when C was recomputed under edited prices.
    pub fn is_repriced(&self) -> bool {
        self.repriced.is_some()
    }

    /// The Rank Score bounds of this view.
    pub fn bounds(&self) -> CostBounds {
        self.bounds
    }

    /// The cost matrix of this view (N x K, row-major, USD; every model, excluded ones too).
    pub fn cost_matrix(&self) -> &[f32] {
        self.repriced.as_deref().unwrap_or(&self.bench.cost)
    }

    /// Cost of model `j` on row `i`, USD.
    #[inline]
    pub fn cost(&self, i: usize, j: usize) -> f64 {
        self.cost_matrix()[i * self.bench.num_models() + j] as f64
    }

    /// The Oracle's pick of row `i` within the pool: cheapest correct pool model, else cheapest
    /// pool model (lowest column on ties).
    pub fn oracle_pick(&self, i: usize) -> usize {
        self.oracle[i] as usize
    }

    /// A baseline's routing of the test split over the pool's models and this view's costs.
    pub fn route(&self, baseline: Baseline) -> Routing {
        baseline.route_among(&self.bench, self.cost_matrix(), self.pool.columns())
    }

    /// Scores `(row, column)` pairs as one set: metrics, optimality and picks per model. Pairs
    /// that pick a model outside the pool make the whole set unscored.
    pub fn score(
        &self,
        pairs: impl IntoIterator<Item = (usize, usize)>,
    ) -> Result<Scored, UsesExcluded> {
        let mut tally = Tally::new(self.bench.num_models());
        let mut excluded = Excluded::default();
        for (i, j) in pairs {
            if self.pool.contains(j) {
                tally.add(self, i, j);
            } else {
                excluded.add(i, j);
            }
        }
        excluded.check(&self.bench)?;
        Ok(tally.scored(self.bounds))
    }

    /// Scores a routing overall and per dataset, in one pass.
    pub fn evaluate(&self, routing: &Routing) -> Result<ScoredEvaluation, UsesExcluded> {
        let bench = &self.bench;
        let k = bench.num_models();
        let buckets = Buckets::datasets(bench);
        let mut overall = Tally::new(k);
        let mut per_dataset = vec![Tally::new(k); buckets.names.len()];
        let mut excluded = Excluded::default();
        for (i, j) in routing.pairs() {
            if self.pool.contains(j) {
                overall.add(self, i, j);
                per_dataset[buckets.of_dataset[bench.samples.dataset[i] as usize]].add(self, i, j);
            } else {
                excluded.add(i, j);
            }
        }
        excluded.check(bench)?;
        Ok(ScoredEvaluation {
            overall: overall.scored(self.bounds),
            per_dataset: buckets
                .names
                .into_iter()
                .zip(per_dataset)
                .filter(|(_, t)| t.n > 0)
                .map(|(name, t)| ScoredDataset {
                    dataset: name.to_owned(),
                    scored: t.scored(self.bounds),
                })
                .collect(),
        })
    }

    /// The benchmark restricted to the pool's columns (Y, C of this view, token counts, models),
    /// with this view's bounds: what a router retrained on the pool sees. Its column `c` is the
    /// benchmark's column `pool().columns()[c]`.
    pub fn restricted(&self) -> Benchmark {
        let bench = &self.bench;
        let (n, k) = (bench.num_samples(), bench.num_models());
        let columns = self.pool.columns();
        let cost = self.cost_matrix();
        let mut quality = crate::model::BitMatrix::zeros(n, columns.len());
        let mut restricted_cost = Vec::with_capacity(n * columns.len());
        for i in 0..n {
            for (c, &j) in columns.iter().enumerate() {
                quality.set(i, c, bench.correct(i, j));
                restricted_cost.push(cost[i * k + j]);
            }
        }
        let tokens = bench.tokens.as_ref().map(|t| crate::model::Tokens {
            input: t.input.clone(),
            output: (0..n)
                .flat_map(|i| columns.iter().map(move |&j| t.output[i * k + j]))
                .collect(),
        });
        Benchmark {
            name: bench.name.clone(),
            provenance: bench.provenance.clone(),
            models: columns.iter().map(|&j| bench.models[j].clone()).collect(),
            samples: bench.samples.clone(),
            quality,
            cost: restricted_cost,
            bounds: self.bounds,
            tokens,
            embeddings: bench.embeddings.clone(),
            questions: bench.questions.clone(),
        }
    }

    /// A routing in the columns of [`Scenario::restricted`] as a routing in the benchmark's
    /// columns (what a router retrained on the pool picked).
    pub fn widen(&self, routing: &Routing) -> Routing {
        let columns = self.pool.columns();
        Routing {
            rows: routing.rows.clone(),
            picks: routing.picks.iter().map(|&c| columns[c]).collect(),
        }
    }
}

/// Cheapest and dearest per-model mean positive cost (all samples) among the pool's models;
/// models without a positive cell have no mean and are left out. `None` when no model is left.
fn pool_bounds(bench: &Benchmark, cost: &[f32], pool: &Pool) -> Option<CostBounds> {
    let (n, k) = (bench.num_samples(), bench.num_models());
    let mut bounds: Option<CostBounds> = None;
    for &j in pool.columns() {
        let (sum, count) = (0..n)
            .map(|i| cost[i * k + j] as f64)
            .filter(|&c| c > 0.0)
            .fold((0.0, 0usize), |(s, m), c| (s + c, m + 1));
        if count == 0 {
            continue;
        }
        let mean = sum / count as f64;
        bounds = Some(match bounds {
            None => CostBounds {
                cmin: mean,
                cmax: mean,
            },
            Some(b) => CostBounds {
                cmin: b.cmin.min(mean),
                cmax: b.cmax.max(mean),
            },
        });
    }
    bounds
}

/// Running counts and sums of one scored set, in routing order.
#[derive(Debug, Clone)]
struct Tally {
    n: usize,
    correct: usize,
    cost: f64,
    optimal: usize,
    oracle_correct: usize,
    oracle_cost: f64,
    picks: Vec<usize>,
}

impl Tally {
    fn new(k: usize) -> Tally {
        Tally {
            n: 0,
            correct: 0,
            cost: 0.0,
            optimal: 0,
            oracle_correct: 0,
            oracle_cost: 0.0,
            picks: vec![0; k],
        }
    }

    #[inline]
    fn add(&mut self, scenario: &Scenario, i: usize, j: usize) {
        let bench = &scenario.bench;
        let o = scenario.oracle[i] as usize;
        self.n += 1;
        self.correct += bench.correct(i, j) as usize;
        self.cost += scenario.cost(i, j);
        self.optimal += (j == o) as usize;
        self.oracle_correct += bench.correct(i, o) as usize;
        self.oracle_cost += scenario.cost(i, o);
        self.picks[j] += 1;
    }

    fn scored(self, bounds: CostBounds) -> Scored {
        Scored {
            metrics: Metrics::from_sums(self.n, self.correct, self.cost, bounds),
            optimality: Optimality::from_sums(
                self.n,
                self.optimal,
                (self.correct, self.oracle_correct),
                (self.cost, self.oracle_cost),
            ),
            picks_per_model: self.picks,
        }
    }
}

/// Picks of excluded models seen so far: their count and the first one.
#[derive(Debug, Default)]
struct Excluded {
    samples: usize,
    first: Option<(usize, usize)>,
}

impl Excluded {
    fn add(&mut self, i: usize, j: usize) {
        self.samples += 1;
        self.first.get_or_insert((i, j));
    }

    fn check(self, bench: &Benchmark) -> Result<(), UsesExcluded> {
        match self.first {
            None => Ok(()),
            Some((i, j)) => Err(UsesExcluded {
                samples: self.samples,
                first_sample: bench.samples.ids.get(i).cloned().unwrap_or_default(),
                first_model: bench
                    .models
                    .get(j)
                    .map_or_else(String::new, |m| m.id.clone()),
            }),
        }
    }
}
