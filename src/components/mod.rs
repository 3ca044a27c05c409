//! The views, one file each: they read the [`AppState`](crate::state::AppState) from context and
//! render it.

pub mod breakdowns;
pub mod build_version;
pub mod controls;
pub mod distribution;
pub mod format_help;
pub mod header;
pub mod leaderboard;
pub mod metrics_panel;
pub mod open_local;
pub mod plot;
pub mod samples;
pub mod sandbox;
pub mod status;
pub mod uploads;
pub mod whatif;

pub use breakdowns::Breakdowns;
pub use build_version::BuildVersion;
pub use controls::Controls;
pub use format_help::FormatHelp;
pub use header::Header;
pub use leaderboard::Leaderboard;
pub use metrics_panel::MetricsPanel;
pub use open_local::OpenLocal;
pub use plot::ParetoPlot;
pub use samples::Samples;
pub use sandbox::Sandbox;
pub use status::{Provenance, Status};
pub use uploads::Uploads;
pub use whatif::{WhatIfBanner, WhatIfPanel};
