//! Packing a visitor's long-format files into a bundle in the browser's worker: the same reader as
//! `vlrb pack` (`vlrb_formats::real`) and the same encoder, so the bundle is the one the CLI packs
//! from the same files.

use serde::{Deserialize, Serialize};
use vlrb_core::bundle;
use vlrb_formats::{FormatError, PackOptions};

/// What the page asks the worker to pack: the names of the files it sends alongside, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackRequest {
    /// The folder the files came from (the benchmark's default name), or `local`.
    pub folder: String,
    /// File names, in the order of the files posted with the request.
    pub files: Vec<String>,
}

/// A packed benchmark (its bundle bytes are posted beside this message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Packed {
    /// The benchmark's name.
    pub name: String,
    /// Samples x models.
    pub samples: usize,
    /// Number of candidate models.
    pub models: usize,
    /// Bundle size in bytes.
    pub bytes: usize,
    /// Its datasets.
    pub datasets: Vec<String>,
    /// Whether its manifest calls the data synthetic.
    pub synthetic: bool,
    /// Licence of the data, from its manifest.
    pub licence: String,
}

impl Packed {
    /// The facts the page lists a benchmark by.
    pub fn of(bench: &vlrb_core::Benchmark, bytes: usize) -> Packed {
        Packed {
            name: bench.name.clone(),
            samples: bench.num_samples(),
            models: bench.num_models(),
            bytes,
            datasets: bench.samples.datasets.clone(),
            synthetic: bench.provenance.synthetic,
            licence: bench.provenance.licence.clone(),
        }
    }
}

/// Why files could not be packed.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// The files are not a valid long-format benchmark: the reader's message (file, line, culprit).
    #[error("{0}")]
    Format(#[from] FormatError),
    /// The benchmark could not be encoded.
    #[error("cannot write the bundle: {0}")]
    Bundle(#[from] vlrb_core::Error),
}

/// Reads the long-format files (name, bytes) from `folder` and encodes them as a bundle.
pub fn pack(folder: &str, files: Vec<(String, Vec<u8>)>) -> Result<(Packed, Vec<u8>), PackError> {
    let files = vlrb_formats::real::Files::new(folder, files)?;
    let bench = vlrb_formats::real::read_files(&files, &PackOptions::default())?;
    let bytes = bundle::encode(&bench)?;
    Ok((Packed::of(&bench, bytes.len()), bytes))
}
