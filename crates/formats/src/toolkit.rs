//! The files of the official layout that the VL-RouterBench toolkit's loaders open beside the
//! matrices (protocol.md §1.5, §1.7, §1.8):
//!
//! ```text
//! SPLITS/{train,dev,test}.jsonl       one {"sample_id": ...} per line, in row order
//! data/registry/model_index.pkl       pickled list of model ids in column order
//! data/registry/sample_index.pkl      pickled list of sample ids in row order
//! data/matrices/sample_ids.pkl        the same (the row order of C.npy)
//! ```
//!
//! `vlrb export` writes them all. `vlrb pack` reads them when present: the SPLITS files define the
//! split, model_index.pkl the column order, and the sample-id pickles must list meta.parquet's rows.

use std::collections::HashMap;
use std::path::Path;

use vlrb_core::Benchmark;
use vlrb_core::model::{Modality, Split};

use crate::error::FormatError;
use crate::pickle;

/// Folder of the split files.
pub(crate) const SPLITS_DIR: &str = "SPLITS";
/// Model ids in column order.
pub(crate) const MODEL_INDEX_FILE: &str = "data/registry/model_index.pkl";
/// Sample ids in row order (the registry's copy).
const SAMPLE_INDEX_FILE: &str = "data/registry/sample_index.pkl";
/// Sample ids in the row order of C.npy.
const SAMPLE_IDS_FILE: &str = "data/matrices/sample_ids.pkl";
/// The splits that have a file, in the toolkit's order.
const SPLITS: [Split; 3] = [Split::Train, Split::Dev, Split::Test];
const META_FILE: &str = "data/registry/meta.parquet";

/// `SPLITS/<split>.jsonl`.
fn split_file(split: Split) -> String {
    format!("{SPLITS_DIR}/{}.jsonl", split.as_str())
}

/// Writes the split files and the three id pickles of `bench` into `dir` (whose `data/matrices`
/// and `data/registry` exist). Samples of no split are in no split file.
pub(crate) fn write(bench: &Benchmark, dir: &Path) -> Result<(), FormatError> {
    let splits_dir = dir.join(SPLITS_DIR);
    std::fs::create_dir_all(&splits_dir).map_err(|e| FormatError::io(&splits_dir, e))?;
    let s = &bench.samples;
    for split in SPLITS {
        let path = dir.join(split_file(split));
        let mut text = String::new();
        for (id, _) in s.ids.iter().zip(&s.split).filter(|(_, x)| **x == split) {
            let id = serde_json::to_string(id)
                .map_err(|e| FormatError::io(&path, std::io::Error::other(e)))?;
            text.push_str(&format!("{{\"sample_id\": {id}}}\n"));
        }
        std::fs::write(&path, text).map_err(|e| FormatError::io(&path, e))?;
    }
    let models: Vec<String> = bench.models.iter().map(|m| m.id.clone()).collect();
    pickle::write(&dir.join(MODEL_INDEX_FILE), &models)?;
    pickle::write(&dir.join(SAMPLE_INDEX_FILE), &s.ids)?;
    pickle::write(&dir.join(SAMPLE_IDS_FILE), &s.ids)
}

/// The toolkit's flags that select the embedding files `vlrb export` writes for `bench`:
/// `--text_encoder <name>` and `--vision_encoder <name>` for the first set of each modality (the
/// ones vlrb's routers use); `None` when the bundle has no embeddings.
pub fn encoder_flags(bench: &Benchmark) -> Option<String> {
    let flags: Vec<String> = [
        (Modality::Text, "--text_encoder"),
        (Modality::Vision, "--vision_encoder"),
    ]
    .iter()
    .filter_map(|&(modality, flag)| {
        bench
            .embedding_of(modality)
            .map(|set| format!("{flag} {}", set.name))
    })
    .collect();
    (!flags.is_empty()).then(|| flags.join(" "))
}

/// The model ids of `model_index.pkl`, when the file exists; a pickle that is not a list of
/// strings, or a repeated id, is an error naming the file.
pub(crate) fn read_model_index(dir: &Path) -> Result<Option<Vec<String>>, FormatError> {
    let path = dir.join(MODEL_INDEX_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let ids = pickle::read(&path)?;
    let mut seen = HashMap::with_capacity(ids.len());
    for (j, id) in ids.iter().enumerate() {
        if let Some(first) = seen.insert(id.as_str(), j) {
            return Err(FormatError::invalid(
                &path,
                format!("model id {id} appears twice (positions {first} and {j})"),
            ));
        }
    }
    Ok(Some(ids))
}

/// Checks that the sample-id pickles present list exactly meta.parquet's ids in row order; the
/// error names the first difference.
pub(crate) fn check_sample_pickles(dir: &Path, ids: &[String]) -> Result<(), FormatError> {
    for rel in [SAMPLE_INDEX_FILE, SAMPLE_IDS_FILE] {
        let path = dir.join(rel);
        if !path.is_file() {
            continue;
        }
        let listed = pickle::read(&path)?;
        if let Some(difference) = first_difference(&listed, ids) {
            return Err(FormatError::invalid(
                &path,
                format!("{difference}; expected the sample ids of {META_FILE} in row order"),
            ));
        }
    }
    Ok(())
}

/// Where two id lists first differ, in words (`None` when equal).
pub(crate) fn first_difference(got: &[String], want: &[String]) -> Option<String> {
    let at = got
        .iter()
        .zip(want)
        .position(|(g, w)| g != w)
        .unwrap_or(got.len().min(want.len()));
    match (got.get(at), want.get(at)) {
        (None, None) => None,
        (Some(g), Some(w)) => Some(format!("position {at} holds {g}, expected {w}")),
        (Some(g), None) => Some(format!(
            "{} ids, expected {}: {g} at position {at} is extra",
            got.len(),
            want.len()
        )),
        (None, Some(w)) => Some(format!(
            "{} ids, expected {}: {w} (position {at}) is missing",
            got.len(),
            want.len()
        )),
    }
}

/// The split of every meta row from `SPLITS/*.jsonl`, when any of those files exists.
///
/// Every sample id listed must be in meta.parquet and listed once across the files; meta's
/// `split` (when given and not `unknown`) must agree with the file listing the sample; a sample in
/// no file keeps meta's `unknown`, and one that meta puts in a split is an error. Each error names
/// the sample id and the file (with its line).
pub(crate) fn read_splits(
    dir: &Path,
    ids: &[String],
    index: &HashMap<String, usize>,
    meta_splits: Option<&[String]>,
) -> Result<Option<Vec<Split>>, FormatError> {
    if !SPLITS.iter().any(|&s| dir.join(split_file(s)).is_file()) {
        return Ok(None);
    }
    let meta_split = |i: usize| meta_splits.map_or(Split::Unknown, |m| Split::parse(&m[i]));
    let mut listed: Vec<Option<(Split, usize)>> = vec![None; ids.len()];
    for split in SPLITS {
        let rel = split_file(split);
        let path = dir.join(&rel);
        if !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| FormatError::io(&path, e))?;
        for (n, line) in text.split('\n').enumerate() {
            let line_no = n + 1;
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let at =
                |message: String| FormatError::invalid(&path, format!("line {line_no}: {message}"));
            let id = sample_id_of(line).map_err(at)?;
            let Some(&i) = index.get(id.as_str()) else {
                return Err(at(format!("sample id {id} is not in {META_FILE}")));
            };
            if let Some((first, first_line)) = listed[i] {
                return Err(at(format!(
                    "sample id {id} is listed twice (first in {} line {first_line})",
                    split_file(first)
                )));
            }
            let meta = meta_split(i);
            if meta != Split::Unknown && meta != split {
                return Err(at(format!(
                    "sample id {id} is in the {} split of {META_FILE}, not {}",
                    meta.as_str(),
                    split.as_str()
                )));
            }
            listed[i] = Some((split, line_no));
        }
    }
    if let Some(i) =
        (0..ids.len()).find(|&i| listed[i].is_none() && meta_split(i) != Split::Unknown)
    {
        let meta = meta_split(i);
        return Err(FormatError::invalid(
            &dir.join(split_file(meta)),
            format!(
                "does not list sample id {}, which {META_FILE} puts in the {} split (every \
                 sample belongs to exactly one SPLITS file)",
                ids[i],
                meta.as_str()
            ),
        ));
    }
    if meta_splits.is_none()
        && let Some(i) = listed.iter().position(Option::is_none)
    {
        return Err(FormatError::invalid(
            &dir.join(SPLITS_DIR),
            format!(
                "sample id {} is in none of the SPLITS files and {META_FILE} has no `split` \
                 column (every sample belongs to exactly one SPLITS file)",
                ids[i]
            ),
        ));
    }
    Ok(Some(
        listed
            .iter()
            .map(|l| l.map_or(Split::Unknown, |(split, _)| split))
            .collect(),
    ))
}

/// The `sample_id` of one JSONL line.
fn sample_id_of(line: &str) -> Result<String, String> {
    let expected = "expected {\"sample_id\": \"...\"}";
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("invalid JSON ({e}); {expected}"))?;
    match value.get("sample_id") {
        Some(serde_json::Value::String(id)) => Ok(id.clone()),
        Some(other) => Err(format!("sample_id is {other}, {expected}")),
        None => Err(format!("no sample_id; {expected}")),
    }
}
