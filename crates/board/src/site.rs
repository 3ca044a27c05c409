//! The published site's lists (`bundles/index.json`, `submissions/index.json`) and the board its
//! first visit shows: the published view of a benchmark with the site's verified submissions and
//! reference routers, scored as the page scores it. The page and `vlrb snapshot` (which
//! `scripts/build-site.sh` runs, so that a first visit paints its board before the bundle is in)
//! both build it here.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use vlrb_core::model::Benchmark;
use vlrb_core::predictions::SampleIndex;
use vlrb_core::scenario::Scenario;

use crate::entries::{Entry, Kind, SubmissionMeta, TakenNames, builtin_entries};
use crate::rows::{Filter, score};
use crate::snapshot::{BoardHead, BoardSnapshot, Listed};
use crate::upload;

/// The list of benchmarks a site serves, relative to the site.
pub const BENCH_INDEX: &str = "bundles/index.json";
/// The manifest of verified submissions and reference routers (written at build time).
pub const SUBMISSIONS_MANIFEST: &str = "submissions/index.json";

/// One benchmark of `bundles/index.json`, or one the visitor opened from disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchInfo {
    /// The bundle's `name` (as `vlrb info` reports it; the `?bench=` value).
    pub name: String,
    /// Bundle file name within `bundles/`.
    pub file: String,
    /// Human title.
    pub title: String,
    /// Generated data, not any paper's numbers.
    pub synthetic: bool,
    /// Licence of the data.
    pub licence: String,
    /// Its datasets (to recognise a file made for it while another benchmark is shown).
    #[serde(default)]
    pub datasets: Vec<String>,
    /// Opened by the visitor from disk and kept in this browser (IndexedDB), not served.
    #[serde(default)]
    pub local: bool,
}

impl BenchInfo {
    /// Checks that the bundle this line lists holds the benchmark it names (`held`: the decoded
    /// benchmark's name); the error names the file and both names.
    pub fn check_holds(&self, held: &str) -> Result<(), String> {
        if held == self.name {
            return Ok(());
        }
        Err(format!(
            "{} holds benchmark {held}, but {BENCH_INDEX} calls it {}",
            self.file, self.name
        ))
    }

    /// How this line names its bundle, for the board's head.
    pub fn listed(&self) -> Listed<'_> {
        Listed {
            name: &self.name,
            title: &self.title,
            file: &self.file,
            licence: &self.licence,
            synthetic: self.synthetic,
        }
    }
}

/// The benchmark a site opens: the one `wanted` names (a link's `?bench=`), else the first listed
/// (the front page's, whose board the site carries).
pub fn served<'a>(list: &'a [BenchInfo], wanted: Option<&str>) -> Option<&'a BenchInfo> {
    match wanted {
        Some(name) => list.iter().find(|b| b.name == name),
        None => list.first(),
    }
}

/// One verified submission or reference router of `submissions/index.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SubmissionInfo {
    /// Benchmark name it was made for.
    pub bench: String,
    /// Predictions file, relative to the site root.
    pub file: String,
    /// Its metadata.
    pub meta: SubmissionMeta,
    /// `verified` (default) or `reference` (a router trained natively by the project).
    #[serde(default = "verified")]
    pub kind: Kind,
}

fn verified() -> Kind {
    Kind::Verified
}

/// A listed predictions file as read: its text, `None` when the site lacks it, or why it could not
/// be read.
pub type SubmissionText = Result<Option<String>, String>;

/// Scores each listed file by the same code as uploads; gives the entries (named by their
/// metadata, not yet made unique) and the reason for each file that could not be scored.
pub fn score_submissions(
    bench: &Benchmark,
    index: &SampleIndex,
    files: Vec<(SubmissionInfo, SubmissionText)>,
) -> (Vec<Entry>, Vec<String>) {
    let (mut entries, mut errors) = (Vec::new(), Vec::new());
    for (sub, text) in files {
        let scored = match text {
            Ok(Some(text)) => upload::score_file(bench, index, text.as_bytes(), &sub.file)
                .map_err(|e| e.to_string()),
            Ok(None) => Err(format!(
                "{} is listed in {SUBMISSIONS_MANIFEST} but missing",
                sub.file
            )),
            Err(e) => Err(e),
        };
        match scored {
            Ok(accepted) => entries.push(Entry {
                name: sub.meta.name.clone(),
                kind: sub.kind,
                routing: Arc::new(accepted.routing),
                meta: Some(sub.meta),
            }),
            Err(e) => errors.push(e),
        }
    }
    (entries, errors)
}

/// `entries` named apart from the names already `taken` (and from each other), in order.
pub fn named_apart(taken: &mut TakenNames, entries: Vec<Entry>) -> Vec<Entry> {
    entries
        .into_iter()
        .map(|mut e| {
            e.name = taken.claim(&e.name);
            e
        })
        .collect()
}

/// The board a first visit to a site shows for `bench` (decoded from the bundle `info` lists, of
/// digest `sha256`): its published view with no filter, the built-in rows and the site's scored
/// `submissions`, named as the page names them.
pub fn published_snapshot(
    bench: Arc<Benchmark>,
    sha256: &str,
    info: &BenchInfo,
    submissions: Vec<Entry>,
) -> BoardSnapshot {
    let head = BoardHead::of(&bench, sha256, info.listed());
    let scenario = Scenario::published(bench);
    let mut entries = builtin_entries(&scenario);
    let mut taken = TakenNames::of(entries.iter().map(|e| e.name.as_str()));
    entries.extend(named_apart(&mut taken, submissions));
    BoardSnapshot::new(head, score(&scenario, &entries, &Filter::default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::toy_bench;

    fn info() -> BenchInfo {
        BenchInfo {
            name: "toy".into(),
            file: "toy-0123456789abcdef.vlrb".into(),
            title: "Toy".into(),
            synthetic: true,
            licence: "CC0".into(),
            datasets: Vec::new(),
            local: false,
        }
    }

    fn listed(name: &str, file: &str, kind: Kind) -> SubmissionInfo {
        SubmissionInfo {
            bench: "toy".into(),
            file: file.into(),
            meta: SubmissionMeta {
                name: name.into(),
                ..Default::default()
            },
            kind,
        }
    }

    #[test]
    fn the_front_page_serves_the_first_listed_and_bundles_must_hold_their_benchmark() {
        let other = BenchInfo {
            name: "other".into(),
            ..info()
        };
        let list = [info(), other];
        assert_eq!(served(&list, None).map(|b| b.name.as_str()), Some("toy"));
        assert_eq!(
            served(&list, Some("other")).map(|b| b.name.as_str()),
            Some("other")
        );
        assert_eq!(served(&list, Some("nope")), None);
        assert_eq!(served(&[], None), None);
        assert_eq!(info().check_holds("toy"), Ok(()));
        let err = info().check_holds("math").unwrap_err();
        assert!(
            err.contains("toy-0123456789abcdef.vlrb")
                && err.contains("math")
                && err.contains("calls it toy"),
            "{err}"
        );
    }

    #[test]
    fn manifest_lines_default_to_verified() {
        let line = r#"{"bench":"toy","file":"submissions/toy/a.csv","meta":{"name":"A"}}"#;
        let sub: SubmissionInfo = serde_json::from_str(line).unwrap();
        assert_eq!(sub.kind, Kind::Verified);
        assert_eq!(sub.meta.name, "A");
    }

    #[test]
    fn submissions_score_like_uploads_and_failures_name_the_file() {
        let bench = Arc::new(toy_bench());
        let index = SampleIndex::new(&bench);
        // Every test sample to `dear`.
        let test_rows = bench.samples.rows_in(vlrb_core::model::Split::Test);
        let mut csv = String::from("sample_id,model\n");
        for &i in &test_rows {
            csv.push_str(&format!("{},dear\n", bench.samples.ids[i]));
        }
        let files = vec![
            (listed("Oracle", "a.csv", Kind::Verified), Ok(Some(csv))),
            (listed("B", "b.csv", Kind::Reference), Ok(None)),
            (
                listed("C", "c.csv", Kind::Verified),
                Ok(Some("sample_id,model\nnope,dear\n".into())),
            ),
            (
                listed("D", "d.csv", Kind::Verified),
                Err("d.csv: 404".into()),
            ),
        ];
        let (entries, errors) = score_submissions(&bench, &index, files);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].routing.picks, vec![1; test_rows.len()]);
        assert_eq!(entries[0].kind, Kind::Verified);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].contains("b.csv") && errors[0].contains("missing"));
        assert!(errors[1].contains("c.csv"), "{}", errors[1]);
        assert_eq!(errors[2], "d.csv: 404");

        // On the board, the submission named like a baseline is renamed, as the page renames it.
        let snapshot = published_snapshot(bench.clone(), "ab", &info(), entries);
        let names: Vec<&str> = snapshot
            .board
            .rows
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert!(
            names.contains(&"Oracle") && names.contains(&"Oracle (2)"),
            "{names:?}"
        );
        let dear = snapshot.board.rows.iter().find(|r| r.name == "Dear-XL");
        let submitted = snapshot.board.rows.iter().find(|r| r.name == "Oracle (2)");
        let (dear, submitted) = (dear.unwrap(), submitted.unwrap());
        // Routing every query to `dear` is the single model `dear`.
        assert_eq!(
            submitted.metrics.rank_score.to_bits(),
            dear.metrics.rank_score.to_bits()
        );
        assert_eq!(snapshot.head.file, "toy-0123456789abcdef.vlrb");
        assert!(snapshot.is_of("toy", "toy-0123456789abcdef.vlrb"));
    }
}
