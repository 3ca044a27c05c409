//! The board's what-if view: a model pool and price edits as the permalink carries them
//! (`?pool=<ids>` and `?prices=<id>:<in>:<out>,...`), resolved against a benchmark into a core
//! [`Scenario`], and the pool editor's presets.

use std::sync::Arc;

use vlrb_core::catalog::OFFICIAL_MODELS;
use vlrb_core::model::Benchmark;
use vlrb_core::pool::{Pool, PoolError};
use vlrb_core::prices::{Price, PriceError, Prices};
use vlrb_core::scenario::{Scenario, ScenarioError};

/// The pool and price edits of a view, as written in its permalink (not yet checked against a
/// benchmark).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct WhatIf {
    /// `?pool=`: the pool's model ids (or display names), comma-separated; `None` is every model.
    pub pool: Option<String>,
    /// `?prices=`: edited prices, `<id>:<input>:<output>` items, comma-separated; `None` keeps
    /// the bundle's.
    pub prices: Option<String>,
}

/// Why a what-if view cannot be shown.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WhatIfError {
    /// An item of `?prices=` is not `<id>:<input>:<output>` with two numbers.
    #[error(
        "price edit {item:?} is not <model id>:<input $/1M tokens>:<output $/1M tokens> with two non-negative numbers"
    )]
    PriceSyntax {
        /// The item as written.
        item: String,
    },
    /// The pool or the prices do not fit the benchmark.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
}

impl From<PoolError> for WhatIfError {
    fn from(e: PoolError) -> Self {
        WhatIfError::Scenario(e.into())
    }
}

impl From<PriceError> for WhatIfError {
    fn from(e: PriceError) -> Self {
        WhatIfError::Scenario(e.into())
    }
}

impl WhatIf {
    /// True when the view is the benchmark as published (no pool, no price edits).
    pub fn is_published(&self) -> bool {
        self.pool.is_none() && self.prices.is_none()
    }

    /// The pool this view names (every model when none).
    pub fn pool(&self, bench: &Benchmark) -> Result<Pool, WhatIfError> {
        Ok(match &self.pool {
            Some(list) => Pool::parse(bench, list)?,
            None => Pool::all(bench),
        })
    }

    /// The prices this view names: the bundle's with the edits applied (`None` without edits).
    pub fn prices(&self, bench: &Benchmark) -> Result<Option<Prices>, WhatIfError> {
        let Some(text) = &self.prices else {
            return Ok(None);
        };
        let edits = parse_price_edits(text)?;
        let mut prices = Prices::published(bench);
        prices.edit(bench, edits.iter().map(|(id, p)| (id.as_str(), *p)))?;
        Ok(Some(prices))
    }

    /// The core's scenario of this view.
    pub fn scenario(&self, bench: Arc<Benchmark>) -> Result<Scenario, WhatIfError> {
        if self.is_published() {
            return Ok(Scenario::published(bench));
        }
        let pool = self.pool(&bench)?;
        let prices = self.prices(&bench)?;
        Ok(Scenario::new(bench, pool, prices.as_ref())?)
    }

    /// The view with `pool` (the full pool is written as no pool).
    pub fn with_pool(&self, bench: &Benchmark, pool: &Pool) -> WhatIf {
        WhatIf {
            pool: (!pool.is_full()).then(|| pool.to_list(bench)),
            prices: self.prices.clone(),
        }
    }

    /// The view with `prices`: only the models whose price differs from the bundle's are
    /// written (none: no edits).
    pub fn with_prices(&self, bench: &Benchmark, prices: &Prices) -> WhatIf {
        let published = Prices::published(bench);
        let items: Vec<String> = (0..bench.num_models())
            .filter_map(|j| {
                let price = prices.get(j)?;
                (published.get(j) != Some(price))
                    .then(|| format!("{}:{}:{}", bench.models[j].id, price.input, price.output))
            })
            .collect();
        WhatIf {
            pool: self.pool.clone(),
            prices: (!items.is_empty()).then(|| items.join(",")),
        }
    }
}

/// Parses `<id>:<input>:<output>` items, comma-separated (the id may itself hold colons: the last
/// two fields are the prices). Empty items are skipped.
pub fn parse_price_edits(text: &str) -> Result<Vec<(String, Price)>, WhatIfError> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let syntax = || WhatIfError::PriceSyntax {
                item: item.to_owned(),
            };
            let mut fields = item.rsplitn(3, ':');
            let output = fields.next().and_then(|x| x.trim().parse::<f64>().ok());
            let input = fields.next().and_then(|x| x.trim().parse::<f64>().ok());
            let id = fields.next().map(str::trim).filter(|id| !id.is_empty());
            match (id, input, output) {
                (Some(id), Some(input), Some(output)) => {
                    let price = Price { input, output };
                    if price.is_valid() {
                        Ok((id.to_owned(), price))
                    } else {
                        Err(syntax())
                    }
                }
                _ => Err(syntax()),
            }
        })
        .collect()
}

/// A ready-made pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// Every model.
    All,
    /// The models whose weights are published (by the catalog of VL-RouterBench's models).
    OpenWeight,
    /// Every model but the one with the highest mean cost.
    WithoutDearest,
    /// The `n` models with the lowest mean cost.
    Cheapest(usize),
}

/// Why a preset cannot be applied to a benchmark.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PresetError {
    /// The benchmark's models are not in the catalog, so it is not known which are open-weight.
    #[error(
        "it is not known which of this benchmark's models are open-weight: only VL-RouterBench's \
         own models are catalogued ({unknown} of {models} models are not)"
    )]
    AccessUnknown {
        /// Models the catalog does not know.
        unknown: usize,
        /// The benchmark's models.
        models: usize,
    },
    /// The preset leaves fewer than two models.
    #[error(transparent)]
    Pool(#[from] PoolError),
}

/// Whether a model's weights are published, by VL-RouterBench's catalog (API-only models have no
/// parameter count there); `None` for models the catalog does not list.
pub fn open_weight(model_id: &str) -> Option<bool> {
    OFFICIAL_MODELS
        .iter()
        .find(|m| m.id == model_id)
        .map(|m| m.params_b.is_some())
}

/// The pool a preset gives on `scenario`'s benchmark, ranking models by their mean cost per
/// sample (all samples) in `scenario`'s cost matrix; ties keep column order.
pub fn preset_pool(scenario: &Scenario, preset: Preset) -> Result<Pool, PresetError> {
    let bench = scenario.bench();
    let k = bench.num_models();
    let by_cost = || {
        let mut columns: Vec<usize> = (0..k).collect();
        let means = mean_costs(scenario);
        columns.sort_by(|&a, &b| means[a].total_cmp(&means[b]));
        columns
    };
    let columns: Vec<usize> = match preset {
        Preset::All => (0..k).collect(),
        Preset::OpenWeight => {
            let access: Vec<Option<bool>> =
                bench.models.iter().map(|m| open_weight(&m.id)).collect();
            let unknown = access.iter().filter(|a| a.is_none()).count();
            if unknown > 0 {
                return Err(PresetError::AccessUnknown { unknown, models: k });
            }
            (0..k).filter(|&j| access[j] == Some(true)).collect()
        }
        Preset::WithoutDearest => {
            let mut columns = by_cost();
            columns.pop();
            columns
        }
        Preset::Cheapest(n) => by_cost().into_iter().take(n).collect(),
    };
    Ok(Pool::from_columns(bench, columns)?)
}

/// Each model's mean cost per sample over all samples, in `scenario`'s cost matrix.
pub fn mean_costs(scenario: &Scenario) -> Vec<f64> {
    let bench = scenario.bench();
    let (n, k) = (bench.num_samples(), bench.num_models());
    (0..k)
        .map(|j| (0..n).map(|i| scenario.cost(i, j)).sum::<f64>() / n.max(1) as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::toy_bench;

    #[test]
    fn price_edits_parse_and_name_the_bad_item() {
        let edits = parse_price_edits("a:1:2, b:c:0.5:0 ,").unwrap();
        assert_eq!(edits[0].0, "a");
        assert_eq!(
            edits[1],
            (
                "b:c".to_owned(),
                Price {
                    input: 0.5,
                    output: 0.0
                }
            )
        );
        for bad in ["a:1", "a:x:2", ":1:2", "a:-1:2", "a:1:NaN"] {
            let err = parse_price_edits(bad).unwrap_err();
            assert_eq!(
                err,
                WhatIfError::PriceSyntax {
                    item: bad.to_owned()
                },
                "{bad}"
            );
        }
    }

    #[test]
    fn published_view_round_trips_and_edits_write_only_changes() {
        let bench = Arc::new(toy_bench());
        let view = WhatIf::default();
        assert!(view.scenario(bench.clone()).unwrap().is_published());
        let pool = Pool::from_columns(&bench, [0, 2]).unwrap();
        let view = view.with_pool(&bench, &pool);
        assert_eq!(
            view.pool.as_deref(),
            Some(pool.to_list(&bench).as_str()),
            "the pool's list"
        );
        assert_eq!(view.pool(&bench).unwrap(), pool);
        assert_eq!(view.with_pool(&bench, &Pool::all(&bench)).pool, None);
    }

    #[test]
    fn unknown_pool_models_are_named() {
        let bench = Arc::new(toy_bench());
        let view = WhatIf {
            pool: Some("nope,also-nope".into()),
            prices: None,
        };
        let err = view.scenario(bench).unwrap_err().to_string();
        assert!(err.contains("nope") && err.contains("also-nope"), "{err}");
    }

    #[test]
    fn presets_rank_by_mean_cost() {
        let bench = Arc::new(toy_bench());
        let scenario = Scenario::published(bench.clone());
        let means = mean_costs(&scenario);
        // Independent: the dearest column by a plain loop.
        let mut dearest = 0;
        for j in 0..means.len() {
            if means[j] > means[dearest] {
                dearest = j;
            }
        }
        let pool = preset_pool(&scenario, Preset::WithoutDearest).unwrap();
        assert_eq!(pool.len(), bench.num_models() - 1);
        assert!(!pool.contains(dearest));
        let two = preset_pool(&scenario, Preset::Cheapest(2)).unwrap();
        for &j in two.columns() {
            for k in 0..means.len() {
                if !two.contains(k) {
                    assert!(means[j] <= means[k]);
                }
            }
        }
        assert!(matches!(
            preset_pool(&scenario, Preset::Cheapest(1)),
            Err(PresetError::Pool(PoolError::TooFew { count: 1 }))
        ));
        assert!(matches!(
            preset_pool(&scenario, Preset::OpenWeight),
            Err(PresetError::AccessUnknown { .. })
        ));
    }

    #[test]
    fn catalog_knows_open_weight_models() {
        assert_eq!(open_weight("GPT4o"), Some(false));
        assert_eq!(open_weight("Janus-Pro-1B"), Some(true));
        assert_eq!(open_weight("not-a-model"), None);
    }
}
