//! vlrb-core: the VL-RouterBench protocol, exactly.
//!
//! Pure Rust with no web or GPU dependencies; builds natively and for `wasm32-unknown-unknown`.
//! - [`model`]: the benchmark data model (Y, C, bounds, samples, models, embeddings, provenance);
//! - [`metrics`], [`baselines`], [`soft_labels`], [`pareto`]: the numbers of protocol.md;
//! - [`pool`], [`prices`], [`scenario`]: what-if views (a model pool, edited prices) and their
//!   scoring with the optimality metrics;
//! - [`predictions`]: parsing and resolving uploaded router predictions;
//! - [`csv_lines`]: the CSV reader of every table taken in, naming the line an editor shows;
//! - [`bundle`]: the versioned binary file the browser loads.

pub mod baselines;
pub mod bootstrap;
pub mod bundle;
pub mod catalog;
pub mod compress;
pub mod csv_lines;
pub mod error;
pub mod metrics;
pub mod model;
pub mod numpy_random;
pub mod pareto;
pub mod pool;
pub mod predictions;
pub mod prices;
pub mod routers;
pub mod scenario;
pub mod soft_labels;

pub use error::{Error, Result};
pub use metrics::{Evaluation, Metrics, Routing, evaluate, rank_score};
pub use model::{Benchmark, Split};
