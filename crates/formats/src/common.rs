//! Pieces shared by the layouts: the optional `vlrb.json` manifest, CSV tables with line numbers,
//! and number parsing with messages that say what was expected.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use vlrb_core::csv_lines::{self, Dialect, Record, Table};
#[cfg(feature = "official")]
use vlrb_core::model::EmbeddingSet;
use vlrb_core::model::{Model, Provenance};

use crate::PackOptions;
use crate::error::FormatError;

/// File name of the manifest that carries a benchmark's name, provenance and model details.
pub(crate) const MANIFEST: &str = "vlrb.json";

/// The provenance block of `vlrb.json`; every field is optional.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ProvenanceJson {
    /// Data source; defaults to the directory's basename.
    pub source: Option<String>,
    /// Generated data.
    pub synthetic: bool,
    /// Licence of the data.
    pub licence: String,
    /// Required attribution.
    pub attribution: String,
    /// Free-form notes.
    pub notes: String,
}

/// `vlrb.json`: `{"name", "provenance": {...}, "models": [...], "embeddings": [...]}`, all optional.
/// `models` and `embeddings` (written by `official::write`) carry the display names and prices that
/// the model catalog does not know, and the order of the embedding sets (`text/<name>`,
/// `vision/<name>`).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Manifest {
    /// Benchmark name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Origin and terms.
    pub provenance: Option<ProvenanceJson>,
    /// Model details by id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<Model>,
    /// Embedding sets in bundle order, as `<modality>/<name>`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub embeddings: Vec<String>,
}

impl Manifest {
    /// Reads `dir/vlrb.json` when present.
    #[cfg(feature = "official")]
    pub(crate) fn read(dir: &Path) -> Result<Manifest, FormatError> {
        let path = dir.join(MANIFEST);
        if !path.is_file() {
            return Ok(Manifest::default());
        }
        let text = std::fs::read(&path).map_err(|e| FormatError::io(&path, e))?;
        Manifest::parse(&path, &text)
    }

    /// Parses the bytes of a `vlrb.json` read from `path` (named in errors).
    pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<Manifest, FormatError> {
        serde_json::from_slice(bytes).map_err(|e| {
            FormatError::invalid(
                path,
                format!(
                    "{e}; expected {{\"name\": string, \"provenance\": {{\"source\", \"synthetic\", \
                     \"licence\", \"attribution\", \"notes\"}}}}"
                ),
            )
        })
    }

    /// The benchmark name (`opts.name`, else the manifest's, else the directory's basename) and the
    /// provenance (the manifest's, with the directory's basename as the default source, so the
    /// bundle's bytes do not depend on where the folder sits).
    pub(crate) fn name_and_provenance(
        &self,
        default_name: &str,
        opts: &PackOptions,
    ) -> (String, Provenance) {
        let name = opts
            .name
            .clone()
            .or_else(|| self.name.clone())
            .unwrap_or_else(|| default_name.to_owned());
        let p = self.provenance.as_ref();
        let provenance = Provenance {
            source: p
                .and_then(|p| p.source.clone())
                .unwrap_or_else(|| default_name.to_owned()),
            synthetic: p.is_some_and(|p| p.synthetic),
            licence: p.map(|p| p.licence.clone()).unwrap_or_default(),
            attribution: p.map(|p| p.attribution.clone()).unwrap_or_default(),
            notes: p.map(|p| p.notes.clone()).unwrap_or_default(),
        };
        (name, provenance)
    }

    /// Puts embedding sets in the manifest's order; sets it does not list keep their order, after
    /// the listed ones.
    #[cfg(feature = "official")]
    pub(crate) fn order_embeddings(&self, sets: &mut [EmbeddingSet]) {
        sets.sort_by_key(|set| {
            let key = format!("{}/{}", set.modality.as_str(), set.name);
            self.embeddings
                .iter()
                .position(|listed| *listed == key)
                .unwrap_or(usize::MAX)
        });
    }

    /// The manifest's details of model `id`, when it has them.
    #[cfg(feature = "official")]
    pub(crate) fn model(&self, id: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.id == id)
    }
}

/// The last component of `dir` (resolving `.` and `..`), or `benchmark` when there is none.
pub(crate) fn basename(dir: &Path) -> String {
    let resolved = dir.canonicalize().unwrap_or_else(|_| dir.to_owned());
    resolved
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "benchmark".to_owned())
}

/// A CSV file with a header row, read whole, each record keeping the line an editor shows for it
/// (LF, CRLF and quoted newlines alike: the core's shared [`csv_lines`] reader).
pub(crate) struct Csv {
    /// The file read.
    pub path: PathBuf,
    table: Table,
}

impl Csv {
    /// Reads `path`; a ragged row or invalid UTF-8 is an error naming its line.
    pub(crate) fn read(path: &Path, what: &str) -> Result<Csv, FormatError> {
        if !path.is_file() {
            return Err(FormatError::missing(path, what));
        }
        let bytes = std::fs::read(path).map_err(|e| FormatError::io(path, e))?;
        Csv::parse(path, &bytes)
    }

    /// Parses the bytes of the file `path` (named in errors).
    pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<Csv, FormatError> {
        let table = csv_lines::read(bytes, Dialect::CSV)
            .map_err(|e| FormatError::invalid(path, e.to_string()))?;
        Ok(Csv {
            path: path.to_owned(),
            table,
        })
    }

    /// Index of a column, when present.
    pub(crate) fn column(&self, name: &str) -> Option<usize> {
        self.table.column(name)
    }

    /// Index of a column that must be present.
    pub(crate) fn require(&self, name: &str) -> Result<usize, FormatError> {
        self.column(name).ok_or_else(|| {
            FormatError::invalid(
                &self.path,
                format!(
                    "no column `{name}`; columns present: {:?}",
                    self.table.headers
                ),
            )
        })
    }

    /// Data rows in file order.
    pub(crate) fn rows(&self) -> &[Record] {
        &self.table.records
    }

    /// An error about `record`, naming its line.
    pub(crate) fn error(&self, record: &Record, message: impl AsRef<str>) -> FormatError {
        FormatError::invalid(
            &self.path,
            format!("line {}: {}", record.line, message.as_ref()),
        )
    }
}

/// Parses a non-negative whole count (`12`, or `12.0` as pandas writes integer floats).
pub(crate) fn parse_count(text: &str) -> Option<u32> {
    let text = text.trim();
    text.parse::<u32>().ok().or_else(|| {
        let v = text.parse::<f64>().ok()?;
        (v.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&v)).then_some(v as u32)
    })
}

/// Parses a finite non-negative number.
pub(crate) fn parse_non_negative(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
}
