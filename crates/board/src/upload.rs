//! Uploaded predictions: naming, scoring with the core's parser and resolver, the per-benchmark
//! persistence format kept in localStorage, and the downloadable template. No DOM here.

use serde::{Deserialize, Serialize};
use vlrb_core::baselines::Baseline;
use vlrb_core::metrics::Routing;
use vlrb_core::model::{Benchmark, Split};
use vlrb_core::predictions::{SampleIndex, parse_predictions, resolve_with, to_csv};

use crate::entries::Entry;

/// The row name of an uploaded file: its name without the last extension.
pub fn entry_name(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_owned(),
        _ => base.to_owned(),
    }
}

/// An accepted file: its routing and how many train/dev rows it carried.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    /// Routing of the whole test split.
    pub routing: Routing,
    /// Rows for train/dev samples, ignored by the protocol.
    pub ignored_rows: usize,
}

/// A rejected predictions file: the core's message (which names the culprit exactly as written
/// and its line), prefixed with the file name when the message lacks it.
#[derive(Debug, PartialEq, thiserror::Error)]
#[error("{}", with_file_name(.file, .error))]
pub struct Rejected {
    /// The file's name.
    pub file: String,
    /// Why the core rejected it.
    #[source]
    pub error: vlrb_core::Error,
}

fn with_file_name(file: &str, error: &vlrb_core::Error) -> String {
    let text = error.to_string();
    if text.starts_with(file) {
        text
    } else {
        format!("{file}: {text}")
    }
}

/// Parses and resolves a predictions file.
pub fn score_file(
    bench: &Benchmark,
    index: &SampleIndex,
    bytes: &[u8],
    file_name: &str,
) -> Result<Accepted, Rejected> {
    let reject = |error| Rejected {
        file: file_name.to_owned(),
        error,
    };
    let rows = parse_predictions(bytes, file_name).map_err(reject)?;
    let resolved = resolve_with(bench, index, &rows).map_err(reject)?;
    Ok(Accepted {
        routing: resolved.routing,
        ignored_rows: resolved.ignored_rows,
    })
}

/// Another benchmark the site serves: its name and datasets (from `bundles/index.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtherBench<'a> {
    /// The benchmark's name (the `?bench=` value).
    pub name: &'a str,
    /// Its datasets (the prefix of its sample ids, before the first `/`).
    pub datasets: &'a [String],
}

/// The benchmark of `others` a predictions file was most likely made for: the one whose datasets
/// name the dataset prefix (before the first `/`) of more than half of the file's sample ids,
/// when those ids are not `bench`'s datasets. `None` for an unreadable file or no clear match.
pub fn other_benchmark<'a>(
    bytes: &[u8],
    file_name: &str,
    bench: &Benchmark,
    others: &[OtherBench<'a>],
) -> Option<&'a str> {
    let rows = parse_predictions(bytes, file_name).ok()?;
    let prefix = |id: &str| id.split_once('/').map_or(id, |(d, _)| d).to_owned();
    let foreign: Vec<String> = rows
        .iter()
        .map(|r| prefix(&r.sample_id))
        .filter(|d| !bench.samples.datasets.contains(d))
        .collect();
    if foreign.len() * 2 <= rows.len() {
        return None;
    }
    others
        .iter()
        .filter(|o| o.name != bench.name)
        .map(|o| (o, foreign.iter().filter(|d| o.datasets.contains(d)).count()))
        .filter(|&(_, n)| n * 2 > rows.len())
        .max_by_key(|&(_, n)| n)
        .map(|(o, _)| o.name)
}

/// One upload as stored in the browser: its name and the chosen model column per test row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredUpload {
    /// Row name (renamable).
    pub name: String,
    /// Model column per test row, in row order.
    pub picks: Vec<u16>,
}

/// Everything stored for one benchmark, tied to the bundle it was scored against.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Stored {
    /// SHA-256 of the bundle the picks refer to.
    pub bundle_sha256: String,
    /// Uploads in the order they were added.
    pub uploads: Vec<StoredUpload>,
}

/// The localStorage key of a benchmark's uploads.
pub fn storage_key(bench_name: &str) -> String {
    format!("vlrb.uploads.{bench_name}")
}

/// Why stored uploads were dropped.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// Not the persistence format.
    #[error("stored uploads are unreadable: {0}")]
    Unreadable(#[from] serde_json::Error),
    /// Scored against another bundle.
    #[error(
        "{count} stored upload(s) were scored against another version of this benchmark and were dropped"
    )]
    OtherBundle {
        /// How many uploads were stored.
        count: usize,
    },
    /// Picks of the wrong length or naming a model column the benchmark lacks.
    #[error("stored upload {name} does not fit this benchmark")]
    DoesNotFit {
        /// The upload's name.
        name: String,
    },
}

/// Serializes the uploads of the board.
pub fn store(bundle_sha256: &str, uploads: &[Entry]) -> Result<String, serde_json::Error> {
    let stored = Stored {
        bundle_sha256: bundle_sha256.to_owned(),
        uploads: uploads
            .iter()
            .map(|e| StoredUpload {
                name: e.name.clone(),
                picks: e.routing.picks.iter().map(|&j| j as u16).collect(),
            })
            .collect(),
    };
    serde_json::to_string(&stored)
}

/// Restores uploads stored for this very bundle. Anything stored for another bundle, malformed, or
/// not fitting the benchmark (wrong length, unknown column) is dropped: `Err` says why.
pub fn restore(
    bench: &Benchmark,
    bundle_sha256: &str,
    text: &str,
) -> Result<Vec<Entry>, RestoreError> {
    let stored: Stored = serde_json::from_str(text)?;
    if stored.bundle_sha256 != bundle_sha256 {
        return Err(RestoreError::OtherBundle {
            count: stored.uploads.len(),
        });
    }
    let rows = bench.samples.rows_in(Split::Test);
    stored
        .uploads
        .into_iter()
        .map(|u| {
            let routing =
                routing_from_picks(&rows, bench.num_models(), &u.picks).ok_or_else(|| {
                    RestoreError::DoesNotFit {
                        name: u.name.clone(),
                    }
                })?;
            Ok(Entry::upload(u.name, routing))
        })
        .collect()
}

/// The routing of compact picks (one model column per test row, in row order), when they fit:
/// one per row of `test_rows`, each below `num_models`.
pub fn routing_from_picks(
    test_rows: &[usize],
    num_models: usize,
    picks: &[u16],
) -> Option<Routing> {
    let fits = picks.len() == test_rows.len() && picks.iter().all(|&j| usize::from(j) < num_models);
    fits.then(|| Routing {
        rows: test_rows.to_vec(),
        picks: picks.iter().map(|&j| usize::from(j)).collect(),
    })
}

/// A file name stem for a row name: letters, digits, `.`, `-` and `_` kept, anything else `_`.
pub fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A valid predictions file for the benchmark (every test sample, routed to the cheapest model on
/// average), to be edited: the template offered for download.
pub fn template_csv(bench: &Benchmark) -> String {
    to_csv(bench, &Baseline::CheapestGlobal.route(bench))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_for_another_benchmark_is_recognised() {
        let bench = toy_bench();
        let mathv = ["MathVision".to_owned()];
        let toy_like = ["OCRBench".to_owned()];
        let others = [
            OtherBench {
                name: "math-v",
                datasets: &mathv,
            },
            OtherBench {
                name: "toy",
                datasets: &toy_like,
            },
        ];
        let foreign = b"sample_id,model\nMathVision/1,a\nMathVision/2,b\nOCRBench/5,a\n";
        assert_eq!(
            other_benchmark(foreign, "f.csv", &bench, &others),
            Some("math-v")
        );
        // This benchmark's own ids (even with an unknown model) name no other benchmark.
        assert_eq!(
            other_benchmark(GOOD.as_bytes(), "f.csv", &bench, &others),
            None
        );
        // Unknown everywhere: no guess.
        let nowhere = b"sample_id,model\nFoo/1,a\nBar/2,b\n";
        assert_eq!(other_benchmark(nowhere, "f.csv", &bench, &others), None);
    }

    #[test]
    fn file_stem_keeps_safe_characters_only() {
        assert_eq!(
            file_stem("mlp text λ=10 seed 42 (x)"),
            "mlp_text___10_seed_42__x_"
        );
        assert_eq!(file_stem("a.b-c_d"), "a.b-c_d");
    }
    use crate::testing::toy_bench;

    const GOOD: &str = "sample_id,model\nMathVista_MINI/0,cheap\nMathVista_MINI/1,Dear-XL\nMathVista_MINI/2,mid\n\
        MathVista_MINI/3,cheap\nMathVista_MINI/4,cheap\nOCRBench/5,cheap\nOCRBench/6,cheap\nOCRBench/7,cheap\n\
        OCRBench/8,cheap\n";

    #[test]
    fn accepted_files_score_and_persist() {
        let bench = toy_bench();
        let accepted = score_file(
            &bench,
            &SampleIndex::new(&bench),
            GOOD.as_bytes(),
            "mine.csv",
        )
        .unwrap();
        assert_eq!(accepted.ignored_rows, 1);
        assert_eq!(accepted.routing.picks, [0, 1, 2, 0, 0, 0, 0, 0]);
        let entry = Entry::upload("mine".into(), accepted.routing);
        let text = store("sha", std::slice::from_ref(&entry)).unwrap();
        assert_eq!(restore(&bench, "sha", &text).unwrap(), vec![entry]);
        assert!(
            restore(&bench, "other", &text)
                .unwrap_err()
                .to_string()
                .contains("another version")
        );
        assert!(restore(&bench, "sha", "{").is_err());
        let tampered = text.replace("[0,1,2", "[9,1,2");
        assert!(
            restore(&bench, "sha", &tampered)
                .unwrap_err()
                .to_string()
                .contains("does not fit")
        );
    }

    #[test]
    fn rejections_name_the_culprit_and_file() {
        let bench = toy_bench();
        let unknown = GOOD.replace("Dear-XL", "GPT-5-ultra");
        let err = score_file(
            &bench,
            &SampleIndex::new(&bench),
            unknown.as_bytes(),
            "bad.csv",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("bad.csv: ") && err.contains("GPT-5-ultra") && err.contains("line 3"),
            "{err}"
        );
        let missing = GOOD.replace("OCRBench/7,cheap\n", "");
        let err = score_file(
            &bench,
            &SampleIndex::new(&bench),
            missing.as_bytes(),
            "m.csv",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("OCRBench/7"), "{err}");
        let err = score_file(&bench, &SampleIndex::new(&bench), b"", "empty.csv")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("empty.csv is empty"), "{err}");
    }

    #[test]
    fn the_template_is_a_valid_file() {
        let bench = toy_bench();
        let template = template_csv(&bench);
        let accepted = score_file(
            &bench,
            &SampleIndex::new(&bench),
            template.as_bytes(),
            "t.csv",
        )
        .unwrap();
        assert_eq!(accepted.routing.rows.len(), 8);
    }

    #[test]
    fn names_drop_the_extension() {
        assert_eq!(entry_name("mixed_ids.csv"), "mixed_ids");
        assert_eq!(entry_name("my.router.v2.jsonl"), "my.router.v2");
        assert_eq!(entry_name("noext"), "noext");
        assert_eq!(entry_name(".csv"), ".csv");
        assert_eq!(entry_name("dir/x.tsv"), "x");
    }
}
