//! The model pool of a what-if view: the subset of a benchmark's models (columns) a router may pick.

use crate::model::Benchmark;

/// Why a pool could not be formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// Keys that are neither a model id nor a display name of the benchmark.
    #[error("unknown model(s) in the pool: {} (expected ids or display names of the benchmark's models)", .names.join(", "))]
    UnknownModels {
        /// The unknown keys, as written.
        names: Vec<String>,
    },
    /// Fewer than two distinct models: there is nothing to route between.
    #[error("a pool needs at least 2 models, got {count}")]
    TooFew {
        /// Distinct models given.
        count: usize,
    },
    /// The pool was formed for a benchmark with another number of models.
    #[error("the pool was formed for {pool_models} models, but the benchmark has {models}")]
    OtherBenchmark {
        /// Models of the benchmark the pool was formed for.
        pool_models: usize,
        /// Models of this benchmark.
        models: usize,
    },
    /// A column index beyond the benchmark's models.
    #[error("model column {column} is out of range (the benchmark has {models} models)")]
    OutOfRange {
        /// The column given.
        column: usize,
        /// The benchmark's model count.
        models: usize,
    },
}

/// A set of model columns, in column order: every benchmark's full pool, or a user's choice of at
/// least two models.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pool {
    columns: Vec<usize>,
    member: Vec<bool>,
}

impl Pool {
    /// Every model of `bench` (the benchmark as published).
    pub fn all(bench: &Benchmark) -> Pool {
        let k = bench.num_models();
        Pool {
            columns: (0..k).collect(),
            member: vec![true; k],
        }
    }

    /// The pool of the given columns of `bench` (duplicates count once); at least two.
    pub fn from_columns(
        bench: &Benchmark,
        columns: impl IntoIterator<Item = usize>,
    ) -> Result<Pool, PoolError> {
        let k = bench.num_models();
        let mut member = vec![false; k];
        for column in columns {
            match member.get_mut(column) {
                Some(m) => *m = true,
                None => {
                    return Err(PoolError::OutOfRange { column, models: k });
                }
            }
        }
        let columns: Vec<usize> = (0..k).filter(|&j| member[j]).collect();
        if columns.len() < 2 {
            return Err(PoolError::TooFew {
                count: columns.len(),
            });
        }
        Ok(Pool { columns, member })
    }

    /// The pool of the models named by `keys` (ids or display names, ids first, as
    /// [`Benchmark::model_index`]); unknown keys are one error naming all of them.
    pub fn from_keys<S: AsRef<str>>(bench: &Benchmark, keys: &[S]) -> Result<Pool, PoolError> {
        let mut columns = Vec::with_capacity(keys.len());
        let mut unknown = Vec::new();
        for key in keys {
            match bench.model_index(key.as_ref()) {
                Some(j) => columns.push(j),
                None => unknown.push(key.as_ref().to_owned()),
            }
        }
        if !unknown.is_empty() {
            return Err(PoolError::UnknownModels { names: unknown });
        }
        Pool::from_columns(bench, columns)
    }

    /// Parses a comma-separated list of ids or display names (`--pool`, `?pool=`); items are
    /// trimmed and empty items skipped.
    pub fn parse(bench: &Benchmark, list: &str) -> Result<Pool, PoolError> {
        let keys: Vec<&str> = list
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .collect();
        Pool::from_keys(bench, &keys)
    }

    /// The pool's columns, ascending.
    pub fn columns(&self) -> &[usize] {
        &self.columns
    }

    /// Number of models in the pool.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// True for a pool of no models (only the full pool of a model-less benchmark).
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Whether column `j` is in the pool.
    #[inline]
    pub fn contains(&self, j: usize) -> bool {
        self.member.get(j).copied().unwrap_or(false)
    }

    /// Whether every model of the benchmark is in the pool.
    pub fn is_full(&self) -> bool {
        self.columns.len() == self.member.len()
    }

    /// Number of models of the benchmark the pool was formed for.
    pub fn benchmark_models(&self) -> usize {
        self.member.len()
    }

    /// The pool's model ids, in column order.
    pub fn ids<'a>(&self, bench: &'a Benchmark) -> Vec<&'a str> {
        self.columns
            .iter()
            .filter_map(|&j| bench.models.get(j).map(|m| m.id.as_str()))
            .collect()
    }

    /// The comma-separated ids (the form [`Pool::parse`] reads back).
    pub fn to_list(&self, bench: &Benchmark) -> String {
        self.ids(bench).join(",")
    }
}
