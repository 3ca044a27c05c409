//! The board as scored before, painted by a visit as its first screen (the provenance banner, the
//! filters, the leaderboard and the plot) before the bundle is downloaded and decoded: the
//! [`BoardHead`] (which benchmark and bundle file, its provenance, models and datasets) and the
//! scored [`Board`] of the published view with no filter. A published site carries one in its
//! index.html, written at build time (`vlrb snapshot`), and the page keeps the one it last showed
//! in the browser; [`pick`] chooses. The page replaces its rows with the ones it scores from the
//! bundle, and never shows a snapshot of another bundle file.

use serde::{Deserialize, Serialize};
use vlrb_core::model::{Benchmark, Provenance, Split};

use crate::rows::Board;

/// The browser storage key of the snapshot.
pub const STORAGE_KEY: &str = "vlrb.board-snapshot";

/// The id of the `<script type="application/json">` element of a published site's index.html that
/// holds the snapshot the site was built with (`scripts/build-site.sh` writes it).
pub const SITE_ELEMENT_ID: &str = "vlrb-board-snapshot";

/// Version of the stored form: a snapshot of another version is ignored (a new release may change
/// what a row holds).
pub const SNAPSHOT_VERSION: u32 = 1;

/// Why a stored snapshot cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The stored text is not a snapshot of this version.
    #[error("the board snapshot is malformed ({0})")]
    Malformed(#[from] serde_json::Error),
}

/// A model column as the first screen names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelLabel {
    /// The model's id (the `data-model` hook).
    pub id: String,
    /// Its display name.
    pub name: String,
}

/// A dataset with its task group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetLabel {
    /// The dataset's name.
    pub name: String,
    /// Its task group.
    pub group: String,
}

/// Samples per split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SplitCounts {
    /// Training samples.
    pub train: usize,
    /// Development samples.
    pub dev: usize,
    /// Test samples (the ones the board scores).
    pub test: usize,
    /// Samples of no known split.
    pub unknown: usize,
}

impl SplitCounts {
    /// Every sample.
    pub fn total(&self) -> usize {
        self.train + self.dev + self.test + self.unknown
    }
}

/// How the site's list of benchmarks names a bundle.
#[derive(Debug, Clone, Copy)]
pub struct Listed<'a> {
    /// The benchmark's name.
    pub name: &'a str,
    /// Its title.
    pub title: &'a str,
    /// The bundle's file (content-hashed on a published site).
    pub file: &'a str,
    /// The licence the list gives, used where the bundle names none.
    pub licence: &'a str,
    /// Whether the list marks it synthetic.
    pub synthetic: bool,
}

/// What the first screen shows of a benchmark besides its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardHead {
    /// The benchmark's name.
    pub name: String,
    /// Its title.
    pub title: String,
    /// The bundle file the rows are scored from.
    pub file: String,
    /// The bundle's SHA-256.
    pub sha256: String,
    /// Whether the data is synthetic (by the bundle or the list).
    pub synthetic: bool,
    /// Where the data comes from.
    pub provenance: Provenance,
    /// The licence shown: the bundle's, else the list's.
    pub licence: String,
    /// Samples per split.
    pub splits: SplitCounts,
    /// The model columns, in order.
    pub models: Vec<ModelLabel>,
    /// The task groups, in first-seen order.
    pub groups: Vec<String>,
    /// The datasets with their groups, in the bundle's order.
    pub datasets: Vec<DatasetLabel>,
}

impl BoardHead {
    /// The head of `bench`, decoded from a bundle with digest `sha256` that `listed` names.
    pub fn of(bench: &Benchmark, sha256: &str, listed: Listed<'_>) -> BoardHead {
        let mut splits = SplitCounts::default();
        for split in &bench.samples.split {
            match split {
                Split::Train => splits.train += 1,
                Split::Dev => splits.dev += 1,
                Split::Test => splits.test += 1,
                Split::Unknown => splits.unknown += 1,
            }
        }
        let p = &bench.provenance;
        BoardHead {
            name: listed.name.to_owned(),
            title: listed.title.to_owned(),
            file: listed.file.to_owned(),
            sha256: sha256.to_owned(),
            synthetic: p.synthetic || listed.synthetic,
            licence: if p.licence.is_empty() {
                listed.licence.to_owned()
            } else {
                p.licence.clone()
            },
            provenance: p.clone(),
            splits,
            models: bench
                .models
                .iter()
                .map(|m| ModelLabel {
                    id: m.id.clone(),
                    name: m.name.clone(),
                })
                .collect(),
            groups: bench
                .samples
                .groups()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            datasets: bench
                .samples
                .datasets
                .iter()
                .zip(&bench.samples.dataset_groups)
                .map(|(name, group)| DatasetLabel {
                    name: name.clone(),
                    group: group.clone(),
                })
                .collect(),
        }
    }
}

/// The first screen of the published view with no filter, as last scored from the bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardSnapshot {
    /// [`SNAPSHOT_VERSION`] when stored.
    pub version: u32,
    /// The benchmark and bundle.
    pub head: BoardHead,
    /// Its scored rows (without bootstrap intervals) and excluded rows, unsorted.
    pub board: Board,
}

/// Where the snapshot on screen was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotOrigin {
    /// The site's index.html, written when the site was built: a first visit's board.
    Site,
    /// The browser, written when an earlier visit's board was ready (with its uploads).
    LastVisit,
}

impl SnapshotOrigin {
    /// The `#snapshot-note[data-origin]` value.
    pub fn id(self) -> &'static str {
        match self {
            SnapshotOrigin::Site => "site",
            SnapshotOrigin::LastVisit => "visit",
        }
    }
}

/// The snapshot a page opened for benchmark `wanted` (`None`: the site's first) shows, of the one
/// the last visit `stored` and the one the `site` was built with: the last visit's (it has the
/// visitor's uploads), unless the site now serves another bundle file of that benchmark (a new
/// release); else the site's. Neither when it is of another benchmark.
pub fn pick(
    stored: Option<BoardSnapshot>,
    site: Option<BoardSnapshot>,
    wanted: Option<&str>,
) -> Option<(BoardSnapshot, SnapshotOrigin)> {
    let wanted = wanted.or(site.as_ref().map(|s| s.head.name.as_str()));
    let fits = |s: &BoardSnapshot| wanted.is_none_or(|w| s.head.name == w);
    let current = |s: &BoardSnapshot| {
        site.as_ref()
            .is_none_or(|site| site.head.name != s.head.name || site.head.file == s.head.file)
    };
    if let Some(stored) = stored.filter(|s| fits(s) && current(s)) {
        return Some((stored, SnapshotOrigin::LastVisit));
    }
    site.clone()
        .filter(|s| fits(s))
        .map(|s| (s, SnapshotOrigin::Site))
}

/// The version field alone, read before the rest.
#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

impl BoardSnapshot {
    /// A snapshot of `board` under `head`.
    pub fn new(head: BoardHead, board: Board) -> BoardSnapshot {
        BoardSnapshot {
            version: SNAPSHOT_VERSION,
            head,
            board,
        }
    }

    /// The stored form (JSON; floats written so that they read back bit for bit).
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }

    /// Reads a stored snapshot: `None` for one of another version.
    pub fn from_json(text: &str) -> Result<Option<BoardSnapshot>, SnapshotError> {
        if serde_json::from_str::<VersionOnly>(text)?.version != SNAPSHOT_VERSION {
            return Ok(None);
        }
        Ok(Some(serde_json::from_str(text)?))
    }

    /// Whether this snapshot may stand in for the bundle `file` of benchmark `name`.
    pub fn is_of(&self, name: &str, file: &str) -> bool {
        self.head.name == name && self.head.file == file
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use vlrb_core::scenario::Scenario;

    use super::*;
    use crate::rows::{Filter, score};
    use crate::testing::toy_bench;
    use crate::{Entry, builtin_entries};

    fn listed() -> Listed<'static> {
        Listed {
            name: "toy",
            title: "Toy benchmark",
            file: "toy.0123456789abcdef.vlrb",
            licence: "CC0",
            synthetic: false,
        }
    }

    fn scored_board() -> (Arc<vlrb_core::model::Benchmark>, Board) {
        let bench = Arc::new(toy_bench());
        let scenario = Scenario::published(bench.clone());
        let mut entries = builtin_entries(&scenario);
        // A router whose numbers are not round: picks `mid` on odd test rows, `cheap` elsewhere.
        let rows = bench.samples.rows_in(vlrb_core::model::Split::Test);
        let picks = rows
            .iter()
            .map(|i| if i % 2 == 1 { 2 } else { 0 })
            .collect();
        entries.push(Entry::upload(
            "odd-mid".into(),
            vlrb_core::metrics::Routing { rows, picks },
        ));
        let board = score(&scenario, &entries, &Filter::default());
        (bench, board)
    }

    #[test]
    fn head_counts_splits_and_names_columns() {
        let bench = toy_bench();
        let head = BoardHead::of(&bench, "ab", listed());
        // Independently: rows 0..8 are test, 8..10 train (testing.rs).
        let test = (0..10).filter(|&i| i < 8).count();
        assert_eq!(head.splits.test, test);
        assert_eq!(head.splits.train, 10 - test);
        assert_eq!(head.splits.total(), bench.num_samples());
        let ids: Vec<&str> = head.models.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["cheap", "dear", "mid"]);
        assert_eq!(head.models[1].name, "Dear-XL");
        assert_eq!(head.groups.len(), 2);
        assert_eq!(head.datasets[1].name, "OCRBench");
        // The bundle names no licence: the list's is shown.
        assert_eq!(head.licence, "CC0");
    }

    #[test]
    fn rows_read_back_bit_for_bit() {
        let (bench, board) = scored_board();
        assert!(board.rows.len() > 3);
        let snapshot = BoardSnapshot::new(BoardHead::of(&bench, "ab", listed()), board.clone());
        let back = BoardSnapshot::from_json(&snapshot.to_json().unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(back, snapshot);
        for (a, b) in back.board.rows.iter().zip(&board.rows) {
            assert_eq!(
                a.metrics.rank_score.to_bits(),
                b.metrics.rank_score.to_bits()
            );
            assert_eq!(a.metrics.avg_cost.to_bits(), b.metrics.avg_cost.to_bits());
            assert_eq!(a.picks_per_model, b.picks_per_model);
        }
        assert!(back.is_of("toy", "toy.0123456789abcdef.vlrb"));
        assert!(!back.is_of("toy", "toy.fedcba9876543210.vlrb"));
    }

    #[test]
    fn other_versions_are_ignored_and_garbage_is_an_error() {
        let (bench, board) = scored_board();
        let mut snapshot = BoardSnapshot::new(BoardHead::of(&bench, "ab", listed()), board);
        snapshot.version = SNAPSHOT_VERSION + 1;
        assert!(
            BoardSnapshot::from_json(&snapshot.to_json().unwrap())
                .unwrap()
                .is_none()
        );
        let err = BoardSnapshot::from_json("{\"version\":1,\"head\":7}").unwrap_err();
        assert!(err.to_string().contains("malformed"), "{err}");
        assert!(BoardSnapshot::from_json("not json").is_err());
    }

    #[test]
    fn the_last_visit_wins_unless_the_site_serves_a_newer_bundle() {
        let (bench, board) = scored_board();
        let of = |name: &str, file: &str| {
            let listed = Listed {
                name,
                file,
                ..listed()
            };
            BoardSnapshot::new(BoardHead::of(&bench, "ab", listed), board.clone())
        };
        let picked = |stored: Option<BoardSnapshot>, site: Option<BoardSnapshot>, wanted| {
            pick(stored, site, wanted).map(|(s, origin)| (s.head.name, s.head.file, origin))
        };
        let (old, new, other) = (
            of("toy", "toy-1.vlrb"),
            of("toy", "toy-2.vlrb"),
            of("b", "b-1.vlrb"),
        );
        let at = |name: &str, file: &str, origin| Some((name.to_owned(), file.to_owned(), origin));
        // A first visit: the site's; none for another benchmark.
        assert_eq!(
            picked(None, Some(new.clone()), None),
            at("toy", "toy-2.vlrb", SnapshotOrigin::Site)
        );
        assert_eq!(picked(None, Some(new.clone()), Some("b")), None);
        // A return visit to the same release: the browser's (it has the visitor's uploads).
        assert_eq!(
            picked(Some(new.clone()), Some(new.clone()), None),
            at("toy", "toy-2.vlrb", SnapshotOrigin::LastVisit)
        );
        // A new release since: the site's, not the last visit's older bundle.
        assert_eq!(
            picked(Some(old.clone()), Some(new.clone()), Some("toy")),
            at("toy", "toy-2.vlrb", SnapshotOrigin::Site)
        );
        // The last visit was to another benchmark: it shows only when the link names it.
        assert_eq!(
            picked(Some(other.clone()), Some(new.clone()), None),
            at("toy", "toy-2.vlrb", SnapshotOrigin::Site)
        );
        assert_eq!(
            picked(Some(other.clone()), Some(new), Some("b")),
            at("b", "b-1.vlrb", SnapshotOrigin::LastVisit)
        );
        // A site built without one (trunk serve): the browser's, checked later against the list.
        assert_eq!(
            picked(Some(old.clone()), None, None),
            at("toy", "toy-1.vlrb", SnapshotOrigin::LastVisit)
        );
        assert_eq!(picked(Some(old), None, Some("b")), None);
        assert_eq!(picked(None, None, None), None);
    }
}
