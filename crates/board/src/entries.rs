//! Leaderboard entries: named routings of the test split, where they come from, the built-in
//! baselines and single models, and unique row names.

use std::collections::HashSet;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use vlrb_core::baselines::Baseline;
use vlrb_core::metrics::Routing;
use vlrb_core::model::Split;
use vlrb_core::scenario::Scenario;

/// Name of the Oracle baseline: an upper bound, never a contender.
pub const ORACLE: &str = "Oracle";

/// Where a leaderboard entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
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

    /// A self-reported entry: an uploaded file, a stored upload or a sandbox run.
    pub fn upload(name: String, routing: impl Into<Arc<Routing>>) -> Entry {
        Entry {
            name,
            kind: Kind::Upload,
            routing: routing.into(),
            meta: None,
        }
    }
}

/// The five baselines followed by every single model of the view's pool (named by display
/// name): the baselines route among the pool's models at the view's costs.
pub fn builtin_entries(scenario: &Scenario) -> Vec<Entry> {
    let bench = scenario.bench();
    let rows = bench.samples.rows_in(Split::Test);
    let baselines = Baseline::ALL.iter().map(|b| Entry {
        name: b.name().to_owned(),
        kind: Kind::Baseline,
        routing: Arc::new(scenario.route(*b)),
        meta: None,
    });
    let models = scenario.pool().columns().iter().map(|&j| Entry {
        name: bench.models[j].name.clone(),
        kind: Kind::Model,
        routing: Arc::new(Routing {
            rows: rows.clone(),
            picks: vec![j; rows.len()],
        }),
        meta: None,
    });
    baselines.chain(models).collect()
}

/// The names already on a board, built once, so that each new or renamed entry gets a name of
/// its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TakenNames(HashSet<String>);

impl TakenNames {
    /// The given names.
    pub fn of<'a>(names: impl IntoIterator<Item = &'a str>) -> TakenNames {
        TakenNames(names.into_iter().map(str::to_owned).collect())
    }

    /// A name not yet taken, which is taken from now on: `base` (trimmed; `upload` when blank),
    /// else `base (2)`, `base (3)`, ...
    pub fn claim(&mut self, base: &str) -> String {
        let base = if base.trim().is_empty() {
            "upload"
        } else {
            base.trim()
        };
        let name = if self.0.contains(base) {
            (2..)
                .map(|n| format!("{base} ({n})"))
                .find(|candidate| !self.0.contains(candidate))
                .unwrap_or_default()
        } else {
            base.to_owned()
        };
        self.0.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_names() {
        let claim = |base: &str, taken: &[&str]| TakenNames::of(taken.iter().copied()).claim(base);
        assert_eq!(claim("a", &[]), "a");
        assert_eq!(claim("a", &["a", "a (2)"]), "a (3)");
        assert_eq!(claim("  ", &[]), "upload");
        assert_eq!(claim(" b ", &["a"]), "b");
        let mut taken = TakenNames::of(["x"]);
        assert_eq!(taken.claim("x"), "x (2)");
        assert_eq!(taken.claim("x"), "x (3)", "a claimed name is taken");
    }
}
