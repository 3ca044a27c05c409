//! Packing a visitor's long-format files into a bundle in the browser's pack worker
//! (`www/pack-worker`): the same reader as `vlrb pack` ([`crate::real`]) and the same encoder, so
//! the bundle is the one the CLI packs from the same files; and the messages between page and
//! worker.

use serde::{Deserialize, Serialize};
use vlrb_core::bundle;

use crate::{FormatError, PackOptions};

/// The pack worker's script, relative to the page.
pub const PACK_WORKER_SCRIPT: &str = "pack-worker.js";

/// What the pack worker tells the page (JSON text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PackMessage {
    /// The worker's wasm runs and listens: the page posts its request now.
    Ready,
    /// What the worker is doing.
    Stage {
        /// The step, for the page to show.
        text: String,
    },
    /// The files are packed; the bundle's bytes are posted beside this message.
    Packed(Packed),
    /// The files could not be packed: the reader's message (file, line, culprit).
    Failed {
        /// The message shown to the visitor.
        message: String,
    },
}

impl PackMessage {
    /// The message as JSON text.
    pub fn to_json(&self) -> String {
        // A message of strings and numbers always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What the page asks the pack worker (JSON text, first in an array followed by the files): the
/// names of the files, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackRequest {
    /// The folder the files came from, when the browser says (the benchmark's default name, else
    /// `local`); empty otherwise.
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
    let files = crate::real::Files::new(folder, files)?;
    let bench = crate::real::read_files(&files, &PackOptions::default())?;
    let bytes = bundle::encode(&bench)?;
    Ok((Packed::of(&bench, bytes.len()), bytes))
}
