//! vlrb-sandbox: the router sandbox without a DOM.
//!
//! - [`protocol`]: what the page sends the training worker ([`TrainRequest`]) and what the worker
//!   sends back ([`WorkerMessage`]), typed (router, features, lambda, backend) and JSON-encoded;
//! - [`form`]: the sandbox form's raw values ([`TrainForm`], also carried by permalinks) and their
//!   validation into a [`TrainRequest`], in one place;
//! - [`run`](mod@run): the training itself, the core's routers on WebGPU or the CPU;
//! - [`weights`]: the compact weights file of a finished run, built when downloaded.

pub mod form;
pub mod protocol;
pub mod run;
pub mod weights;

pub use form::{SettingsError, TrainForm};
pub use protocol::{
    Backend, Lambda, MergeError, PageMessage, StoredRun, SweepResult, TrainRequest, TrainResult,
    TrainView, WORKER_SCRIPT, WorkerMessage,
};
pub use run::{Finished, RunError, run};
pub use weights::Weights;
