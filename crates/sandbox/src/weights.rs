//! The weights file of a finished run, in a compact form the worker keeps until someone asks for
//! the download: the settings, the feature scaler and the router's parameters, where the
//! neighbour routers (kNN, PRkNN) name their reference rows (the bundle's training rows, by sample
//! id) instead of copying the training matrix. Serialised to JSON only when downloaded.

use serde::{Deserialize, Serialize};
use vlrb_core::routers::features::{Fusion, Scaler};
use vlrb_core::routers::{RouterKind, Trained, mlp, ovr, prototype};
use vlrb_core::soft_labels::lambda_text;

/// The `format` field of every weights file.
pub const FORMAT: &str = "vlrb-sandbox-weights/2";

/// How a neighbour router's reference rows are rebuilt from the bundle.
pub const REFERENCE_RULE: &str = "the bundle's train-split rows that have at least one correct model, in bundle order (listed by sample_ids); features fused as `features`, z-scored with `scaler`, then L2-normalised per row";

/// The reference rows of a kNN-style router: which bundle rows, not their features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceRows {
    /// How the rows' features are rebuilt ([`REFERENCE_RULE`]).
    pub rule: String,
    /// Sample ids of the reference rows, in order.
    pub sample_ids: Vec<String>,
}

/// A trained router's parameters, compact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Model {
    /// Linear or MLP: argmax of the logits.
    Net {
        /// The network.
        net: mlp::Net,
    },
    /// OVR: argmax of the per-model probabilities.
    Ovr(ovr::Ovr),
    /// kNN: the reference rows and their cheapest-correct labels.
    Knn {
        /// The reference rows.
        references: ReferenceRows,
        /// Cheapest correct model (column) per reference row.
        labels: Vec<u16>,
        /// Number of models.
        models: usize,
    },
    /// PRkNN: the reference rows and their pairwise win counts.
    Prknn {
        /// The reference rows.
        references: ReferenceRows,
        /// Copeland wins per reference row and model, row-major `rows x models`.
        wins: Vec<u16>,
        /// Number of models.
        models: usize,
    },
    /// Prototype router.
    Prototype(prototype::Prototype),
}

impl Model {
    /// The compact form of `trained`; `reference_ids` are the sample ids of the rows a kNN-style
    /// router was fitted on (the training matrix itself is dropped).
    pub fn compact(trained: Trained, reference_ids: impl FnOnce() -> Vec<String>) -> Model {
        let references = |ids: Vec<String>| ReferenceRows {
            rule: REFERENCE_RULE.to_owned(),
            sample_ids: ids,
        };
        match trained {
            Trained::Net { net } => Model::Net { net },
            Trained::Ovr(m) => Model::Ovr(m),
            Trained::Knn(m) => Model::Knn {
                references: references(reference_ids()),
                labels: m.labels.iter().map(|&j| j as u16).collect(),
                models: m.models,
            },
            Trained::Prknn(m) => Model::Prknn {
                references: references(reference_ids()),
                wins: m.wins.iter().map(|&w| w as u16).collect(),
                models: m.models,
            },
            Trained::Prototype(m) => Model::Prototype(m),
        }
    }
}

/// The weights file: settings, scaler and parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    /// [`FORMAT`].
    pub format: String,
    /// The router.
    pub router: RouterKind,
    /// The features it was trained on.
    pub features: Fusion,
    /// Chosen lambda as text (`None` for routers without soft labels, `inf` for hard labels).
    pub lambda: Option<String>,
    /// Soft-label cost scale (`None` for routers without soft labels).
    pub cost_scale: Option<f64>,
    /// Seed.
    pub seed: u64,
    /// The bundle it was trained on.
    pub bundle_sha256: String,
    /// The backend that ran.
    pub backend: String,
    /// The z-scoring fitted on the train split.
    pub scaler: Scaler,
    /// The parameters.
    pub model: Model,
    /// When it trained on a what-if pool: the model ids of its output columns, in order (the
    /// reference-row rule then counts only these models); absent for every model of the bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<Vec<String>>,
}

impl Weights {
    /// The lambda field of a chosen lambda.
    pub fn lambda_field(lambda: Option<f64>) -> Option<String> {
        lambda.map(lambda_text)
    }

    /// The file's JSON text, written straight from the typed values (no intermediate tree).
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }
}
