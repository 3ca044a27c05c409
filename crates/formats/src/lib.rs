//! Readers and writers of benchmark data on disk.
//!
//! - [`official`]: the VL-RouterBench release layout (`data/matrices/Y.npz`, `C.npy`,
//!   `cost_bounds.json`, `data/registry/meta.parquet`, `EMBEDDINGS/{text,vision}/*.parquet`), read
//!   and written (what `vlrb export` produces);
//! - [`toolkit`]: the files the official toolkit's loaders open beside the matrices (`SPLITS/*.jsonl`,
//!   the id pickles of [`pickle`]), written by export and honoured by pack;
//! - [`real`]: long-format routing data (`records.csv`, `samples.csv`, `models.csv`, `*.npy`
//!   embeddings), as in the project's real MATH-V and MathVista data;
//! - [`pack`]: a visitor's long-format files packed into a bundle in the browser, and the pack
//!   worker's messages;
//! - [`load_dir`]: picks the layout of a directory.
//!
//! Every failure is a [`FormatError`] naming the file, the row, line or id, and what was expected.

mod common;
mod error;
mod npy;
#[cfg(feature = "official")]
pub mod official;
pub mod pack;
#[cfg(feature = "official")]
pub mod pickle;
#[cfg(feature = "official")]
mod pq;
pub mod real;
#[cfg(feature = "official")]
pub mod toolkit;

#[cfg(feature = "official")]
use std::path::Path;
use std::path::PathBuf;

pub use error::FormatError;
#[cfg(feature = "official")]
use vlrb_core::Benchmark;

/// Options of `vlrb pack`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackOptions {
    /// Benchmark name; overrides `vlrb.json` and the directory's basename.
    pub name: Option<String>,
    /// A prices CSV (`model,price_input_usd_per_mtok,price_output_usd_per_mtok[,price_basis]`) that
    /// overrides the prices of `models.csv` in the long-format layout.
    pub prices: Option<PathBuf>,
}

/// Detects the layout of `dir` (needs the `official` feature) and reads it: the official release layout if
/// `data/matrices/Y.npz` exists, else the real-data / long-format layout if `records.csv` exists;
/// else an error saying what was looked for.
#[cfg(feature = "official")]
pub fn load_dir(dir: &Path, opts: &PackOptions) -> Result<Benchmark, FormatError> {
    if !dir.is_dir() {
        return Err(FormatError::missing(dir, "expected a benchmark directory"));
    }
    if dir.join(official::Y_FILE).is_file() {
        official::read(dir, opts)
    } else if dir.join(real::RECORDS_FILE).is_file() {
        real::read(dir, opts)
    } else {
        Err(FormatError::Layout {
            dir: dir.to_owned(),
            message: format!(
                "no benchmark found: looked for {} (official release layout) and {} \
                 (long-format layout)",
                official::Y_FILE,
                real::RECORDS_FILE
            ),
        })
    }
}
