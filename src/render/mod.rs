//! Drawings as SVG text: the accuracy-cost Pareto plot (plotters) and the sandbox's training
//! chart.

pub mod pareto;
pub mod progress;

pub use pareto::{PlotPoint, PlotView, legend_glyph, pareto_svg};
pub use progress::{CurvePoint, progress_svg};
