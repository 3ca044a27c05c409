//! Router predictions: parsing CSV, TSV, JSON (an array of objects) and JSONL files with the columns
//! `sample_id` and `model`, and resolving them against a benchmark under the protocol's rules
//! (every test sample exactly once; train/dev rows ignored and counted). Every rejection names the
//! culprit exactly as written in the file and its line.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use rustc_hash::FxHasher;

use crate::csv_lines::{self, Dialect};
use crate::error::{Error, Result};
use crate::metrics::Routing;
use crate::model::{Benchmark, Split};

/// One prediction as written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredictionRow {
    /// 1-based line of the file where the row starts.
    pub line: usize,
    /// Sample id as written.
    pub sample_id: String,
    /// Model id or display name as written.
    pub model: String,
}

/// File formats a predictions file may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated, RFC 4180 quoting, header row.
    Csv,
    /// Tab-separated, same quoting, header row.
    Tsv,
    /// A JSON array of objects.
    Json,
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    /// The format a file name's extension names, if any.
    pub fn from_file_name(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// Guesses from content: `[` starts JSON, `{` JSONL, a tab in the header line TSV, else CSV.
    pub fn sniff(text: &str) -> Format {
        let trimmed = text.trim_start();
        if trimmed.starts_with('[') {
            Format::Json
        } else if trimmed.starts_with('{') {
            Format::Jsonl
        } else if text
            .lines()
            .next()
            .is_some_and(|header| header.contains('\t'))
        {
            Format::Tsv
        } else {
            Format::Csv
        }
    }
}

fn reject(message: String) -> Error {
    Error::Predictions(message)
}

/// Parses a predictions file; the format follows the extension of `file_name`, content sniffing
/// only when the extension says nothing.
pub fn parse_predictions(bytes: &[u8], file_name: &str) -> Result<Vec<PredictionRow>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        reject(format!(
            "{file_name} is not valid UTF-8: invalid byte at offset {offset} (line {line})"
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(reject(format!(
            "{file_name} is empty: expected a header with columns sample_id and model"
        )));
    }
    let format = Format::from_file_name(file_name).unwrap_or_else(|| Format::sniff(text));
    match format {
        Format::Csv => parse_delimited(text, b',', file_name),
        Format::Tsv => parse_delimited(text, b'\t', file_name),
        Format::Json => parse_json_array(text, file_name),
        Format::Jsonl => parse_jsonl(text, file_name),
    }
}

fn parse_delimited(text: &str, delimiter: u8, file_name: &str) -> Result<Vec<PredictionRow>> {
    let dialect = Dialect {
        delimiter,
        flexible: true,
    };
    let table = csv_lines::read(text.as_bytes(), dialect)
        .map_err(|e| reject(format!("{file_name}: {e}")))?;
    let column = |name: &str| {
        table.column(name).ok_or_else(|| {
            reject(format!(
                "{file_name}: missing column {name} on line 1 (found columns: {})",
                table.headers.join(", ")
            ))
        })
    };
    let (id_col, model_col) = (column("sample_id")?, column("model")?);
    let mut rows = Vec::with_capacity(table.records.len());
    for record in table.records.iter().filter(|r| !r.is_blank()) {
        let line = record.line;
        let field = |col: usize, name: &str| {
            record.get(col).map(str::to_owned).ok_or_else(|| {
                reject(format!(
                    "{file_name}: line {line} has {} fields, no {name} (column {})",
                    record.len(),
                    col + 1
                ))
            })
        };
        rows.push(PredictionRow {
            line,
            sample_id: field(id_col, "sample_id")?,
            model: field(model_col, "model")?,
        });
    }
    Ok(rows)
}

fn parse_json_array(text: &str, file_name: &str) -> Result<Vec<PredictionRow>> {
    let items: Vec<&serde_json::value::RawValue> = serde_json::from_str(text).map_err(|e| {
        reject(format!(
            "{file_name}: line {}: not a JSON array of objects: {e}",
            e.line()
        ))
    })?;
    items
        .into_iter()
        .map(|raw| {
            let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
            let line = text[..offset].matches('\n').count() + 1;
            row_from_json(raw.get(), line, file_name)
        })
        .collect()
}

fn parse_jsonl(text: &str, file_name: &str) -> Result<Vec<PredictionRow>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| row_from_json(l, n + 1, file_name))
        .collect()
}

fn row_from_json(json: &str, line: usize, file_name: &str) -> Result<PredictionRow> {
    let value: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| reject(format!("{file_name}: line {line}: invalid JSON: {e}")))?;
    let object = value
        .as_object()
        .ok_or_else(|| reject(format!("{file_name}: line {line}: expected a JSON object")))?;
    let field = |name: &str| match object.get(name) {
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(reject(format!(
            "{file_name}: line {line}: {name} must be a string, found {other}"
        ))),
        None => Err(reject(format!(
            "{file_name}: line {line}: missing column {name}"
        ))),
    };
    Ok(PredictionRow {
        line,
        sample_id: field("sample_id")?,
        model: field("model")?,
    })
}

/// Predictions resolved against a benchmark: a routing of the whole test split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Test rows in row order with the chosen model of each.
    pub routing: Routing,
    /// Rows naming train/dev (or unassigned) samples, which the protocol ignores.
    pub ignored_rows: usize,
}

/// Lookup tables from sample ids and model ids/names to rows and columns of one benchmark: built
/// once per benchmark (the browser keeps one per loaded bundle) so that resolving a file is a pass
/// over its rows only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleIndex {
    samples: FxMap<usize>,
    models: FxMap<usize>,
}

/// A string-keyed map with a fast non-cryptographic hash (ids are not adversarial here).
type FxMap<V> = HashMap<String, V, BuildHasherDefault<FxHasher>>;

impl SampleIndex {
    /// Indexes `bench`'s sample ids and its model ids and display names (an id wins over a name).
    pub fn new(bench: &Benchmark) -> SampleIndex {
        let samples = bench
            .samples
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        let models = bench
            .models
            .iter()
            .enumerate()
            .rev()
            .flat_map(|(j, m)| [(m.name.clone(), j), (m.id.clone(), j)])
            .collect();
        SampleIndex { samples, models }
    }
}

/// Applies the protocol's rules: unknown sample ids and models, duplicates and missing test samples
/// are errors naming the culprit (as written) and its line.
pub fn resolve(bench: &Benchmark, rows: &[PredictionRow]) -> Result<Resolved> {
    resolve_with(bench, &SampleIndex::new(bench), rows)
}

/// [`resolve`] with a prebuilt [`SampleIndex`] of the same benchmark.
pub fn resolve_with(
    bench: &Benchmark,
    lookup: &SampleIndex,
    rows: &[PredictionRow],
) -> Result<Resolved> {
    let (index, model_index) = (&lookup.samples, &lookup.models);
    let n = bench.num_samples();
    // (line, model column) of each sample's prediction so far.
    let mut pick: Vec<Option<(u32, u32)>> = vec![None; n];
    let mut ignored_rows = 0;
    for row in rows {
        let Some(&i) = index.get(&row.sample_id) else {
            return Err(reject(format!(
                "line {}: unknown sample id {}",
                row.line, row.sample_id
            )));
        };
        let Some(&j) = model_index.get(&row.model) else {
            return Err(reject(format!(
                "line {}: unknown model {} (expected one of the benchmark's {} model ids or names)",
                row.line,
                row.model,
                bench.num_models()
            )));
        };
        if let Some((first_line, _)) = pick[i] {
            return Err(reject(format!(
                "line {}: duplicate sample id {} (first on line {first_line})",
                row.line, row.sample_id
            )));
        }
        pick[i] = Some((row.line as u32, j as u32));
        if bench.samples.split[i] != Split::Test {
            ignored_rows += 1;
        }
    }
    let rows_test = bench.samples.rows_in(Split::Test);
    let missing: Vec<usize> = rows_test
        .iter()
        .copied()
        .filter(|&i| pick[i].is_none())
        .collect();
    if let Some(&first) = missing.first() {
        return Err(reject(format!(
            "missing test sample {} ({} of {} test samples have no prediction)",
            bench.samples.ids[first],
            missing.len(),
            rows_test.len()
        )));
    }
    let picks = rows_test
        .iter()
        .map(|&i| pick[i].map_or(0, |(_, j)| j as usize))
        .collect();
    Ok(Resolved {
        routing: Routing {
            rows: rows_test,
            picks,
        },
        ignored_rows,
    })
}

/// Writes a routing in the upload format (CSV `sample_id,model` with model ids).
#[allow(
    clippy::expect_used,
    reason = "the CSV writer writes into memory: it has no I/O error to report"
)]
pub fn to_csv(bench: &Benchmark, routing: &Routing) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut write = |a: &str, b: &str| writer.write_record([a, b]);
    let mut result = write("sample_id", "model");
    for (i, j) in routing.pairs() {
        result = result.and(write(&bench.samples.ids[i], &bench.models[j].id));
    }
    result.expect("writing CSV to memory cannot fail");
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, name: &str) -> Vec<usize> {
        parse_predictions(text.as_bytes(), name)
            .unwrap()
            .iter()
            .map(|r| r.line)
            .collect()
    }

    #[test]
    fn line_numbers_count_lf_crlf_and_blank_lines() {
        assert_eq!(lines("sample_id,model\nA,x\nB,y\n", "p.csv"), [2, 3]);
        assert_eq!(lines("sample_id,model\r\nA,x\r\nB,y\r\n", "p.csv"), [2, 3]);
        assert_eq!(
            lines("sample_id,model\r\n\r\nA,x\r\n\r\n\r\nB,y", "p.csv"),
            [3, 6]
        );
        assert_eq!(
            lines("sample_id\tmodel\r\n\"A\r\nmore\"\tx\r\nB\ty\r\n", "p.tsv"),
            [2, 4]
        );
        assert_eq!(
            lines(
                "{\"sample_id\":\"A\",\"model\":\"x\"}\r\n\r\n{\"sample_id\":\"B\",\"model\":\"y\"}",
                "p.jsonl"
            ),
            [1, 3]
        );
    }
}
