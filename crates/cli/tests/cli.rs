//! The `vlrb` command-line contract on the official-tiny fixture: `pack` reproduces the committed
//! fixture bundle, `info`/`eval`/`baselines --json` reproduce the fixture's expected files exactly,
//! bad input exits non-zero naming the culprit, `export` then `pack` round-trips, and `snapshot`
//! scores a site's first board to the expected files.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures-official-tiny").join(rel)
}

fn bundle() -> PathBuf {
    repo().join("tests/fixture-tiny.vlrb")
}

fn vlrb(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vlrb"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs `vlrb` and parses its stdout as one JSON document (nothing else may be on stdout).
fn vlrb_json(args: &[&std::ffi::OsStr]) -> Value {
    let out = vlrb(args);
    assert!(
        out.status.success(),
        "vlrb {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is exactly one JSON document")
}

fn expected(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(fixture(&format!("expected/{name}"))).unwrap()).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The metric fields of an `eval`-shaped document, compared exactly (f64 equality).
fn assert_metrics_equal(got: &Value, want: &Value, what: &str) {
    for key in ["num_samples", "accuracy", "avg_cost", "rank_score"] {
        assert_eq!(got[key], want[key], "{what}: {key}");
    }
    let (g, w) = (
        got["per_dataset"].as_array().unwrap(),
        want["per_dataset"].as_array().unwrap(),
    );
    assert_eq!(g.len(), w.len(), "{what}: per_dataset length");
    for (g, w) in g.iter().zip(w) {
        for key in [
            "dataset",
            "num_samples",
            "accuracy",
            "avg_cost",
            "rank_score",
        ] {
            assert_eq!(g[key], w[key], "{what}: {} {key}", w["dataset"]);
        }
    }
}

#[test]
fn pack_reproduces_the_committed_fixture_bundle() {
    let out = scratch("pack").join("tiny.vlrb");
    let status = vlrb(&[
        "pack".as_ref(),
        fixture("").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--name".as_ref(),
        "official-tiny".as_ref(),
    ]);
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(
        std::fs::read(&out).unwrap() == std::fs::read(bundle()).unwrap(),
        "packing the fixture no longer reproduces tests/fixture-tiny.vlrb; regenerate it with \
         `vlrb pack tests/fixtures-official-tiny -o tests/fixture-tiny.vlrb --name official-tiny`"
    );
}

#[test]
fn info_json_describes_the_fixture() {
    let doc = vlrb_json(&["info".as_ref(), bundle().as_os_str(), "--json".as_ref()]);
    let summary = expected("summary.json");
    assert_eq!(doc["name"], "official-tiny");
    assert_eq!(doc["synthetic"], false);
    assert_eq!(doc["num_samples"], summary["num_samples"]);
    assert_eq!(doc["models"], summary["models"]);
    assert_eq!(
        doc["num_models"],
        summary["models"].as_array().unwrap().len()
    );
    assert_eq!(doc["splits"]["test"], summary["num_test"]);
    let splits = &doc["splits"];
    assert_eq!(
        splits["train"].as_u64().unwrap()
            + splits["dev"].as_u64().unwrap()
            + splits["test"].as_u64().unwrap(),
        summary["num_samples"].as_u64().unwrap()
    );
    assert_eq!(doc["datasets"].as_array().unwrap().len(), 14);
    let dims: Vec<u64> = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["dim"].as_u64().unwrap())
        .collect();
    assert_eq!(dims.len(), 2);
}

#[test]
fn eval_json_reproduces_both_prediction_files() {
    let want = expected("eval_mixed.json");
    for file in ["mixed_ids.csv", "mixed_names.jsonl"] {
        let doc = vlrb_json(&[
            "eval".as_ref(),
            bundle().as_os_str(),
            fixture(&format!("predictions/{file}")).as_os_str(),
            "--json".as_ref(),
        ]);
        assert_metrics_equal(&doc, &want, file);
        assert!(
            doc["ignored_rows"].as_u64().is_some(),
            "{file}: ignored_rows"
        );
    }
}

#[test]
fn baselines_json_reproduces_metrics_and_picks() {
    let doc = vlrb_json(&[
        "baselines".as_ref(),
        bundle().as_os_str(),
        "--json".as_ref(),
    ]);
    let want = expected("baselines.json");
    let names: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(names.len(), 5);
    for (name, w) in want.as_object().unwrap() {
        assert_metrics_equal(&doc[name], w, name);
        assert_eq!(doc[name]["picks"], w["picks"], "{name}: picks");
    }
}

#[test]
fn bad_predictions_exit_nonzero_naming_the_culprit() {
    let culprits = expected("bad_predictions.json");
    for (file, culprit) in culprits.as_object().unwrap() {
        let out = vlrb(&[
            "eval".as_ref(),
            bundle().as_os_str(),
            fixture(&format!("predictions/{file}")).as_os_str(),
            "--json".as_ref(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{file} was accepted");
        assert!(out.stdout.is_empty(), "{file}: stdout must stay empty");
        assert!(
            stderr.contains(culprit.as_str().unwrap()),
            "{file}: stderr {stderr:?} does not name {culprit}"
        );
        assert_eq!(stderr.trim_end().lines().count(), 1, "{file}: one message");
        // The message gives the culprit's line (the repeat, for a duplicate; the files use CRLF).
        let text = std::fs::read_to_string(fixture(&format!("predictions/{file}"))).unwrap();
        let mut hits = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains(culprit.as_str().unwrap()))
            .map(|(n, _)| n + 1);
        let line = if file.contains("duplicate") {
            hits.last()
        } else if file.contains("missing") {
            None
        } else {
            hits.next()
        };
        if let Some(line) = line {
            assert!(
                stderr.contains(&format!("line {line}:")),
                "{file}: {stderr:?} does not give line {line}"
            );
        }
    }
}

#[test]
fn corrupt_bundles_and_missing_files_are_clear_errors() {
    let dir = scratch("corrupt");
    let bytes = std::fs::read(bundle()).unwrap();
    let truncated = dir.join("truncated.vlrb");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x40;
    let flipped_path = dir.join("flipped.vlrb");
    std::fs::write(&flipped_path, &flipped).unwrap();
    let missing = dir.join("no-such.vlrb");
    for path in [&truncated, &flipped_path, &missing] {
        let out = vlrb(&["info".as_ref(), path.as_os_str(), "--json".as_ref()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{} was accepted", path.display());
        assert!(
            stderr.contains(&*path.file_name().unwrap().to_string_lossy()),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn export_then_pack_round_trips() {
    let dir = scratch("export");
    let layout = dir.join("layout");
    let out = vlrb(&[
        "export".as_ref(),
        bundle().as_os_str(),
        "-o".as_ref(),
        layout.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for rel in [
        "data/matrices/Y.npz",
        "data/matrices/C.npy",
        "data/matrices/cost_bounds.json",
        "data/registry/meta.parquet",
    ] {
        assert!(layout.join(rel).is_file(), "export lacks {rel}");
    }
    let repacked = dir.join("repacked.vlrb");
    let out = vlrb(&[
        "pack".as_ref(),
        layout.as_os_str(),
        "-o".as_ref(),
        repacked.as_os_str(),
        "--name".as_ref(),
        "official-tiny".as_ref(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let original = vlrb_json(&[
        "baselines".as_ref(),
        bundle().as_os_str(),
        "--json".as_ref(),
    ]);
    let again = vlrb_json(&[
        "baselines".as_ref(),
        repacked.as_os_str(),
        "--json".as_ref(),
    ]);
    assert_eq!(original, again);
    let a = vlrb_json(&["info".as_ref(), bundle().as_os_str(), "--json".as_ref()]);
    let b = vlrb_json(&["info".as_ref(), repacked.as_os_str(), "--json".as_ref()]);
    assert_eq!(a, b);
}

/// A built site's layout around the fixture bundle, listing `predictions` (site-relative paths
/// that may be missing) as verified submissions.
fn site_with(name: &str, predictions: &[&str]) -> PathBuf {
    let site = scratch(name);
    std::fs::create_dir_all(site.join("bundles")).unwrap();
    std::fs::create_dir_all(site.join("submissions/official-tiny")).unwrap();
    std::fs::copy(bundle(), site.join("bundles/tiny-0123456789abcdef.vlrb")).unwrap();
    let index = r#"[{"name":"official-tiny","file":"tiny-0123456789abcdef.vlrb","title":"Tiny","synthetic":false,"licence":"test"}]"#;
    std::fs::write(site.join("bundles/index.json"), index).unwrap();
    let manifest: Vec<Value> = predictions
        .iter()
        .map(|file| {
            serde_json::json!({"bench": "official-tiny", "file": file, "meta": {"name": "Mixed"}})
        })
        .collect();
    std::fs::write(
        site.join("submissions/index.json"),
        serde_json::to_string(&manifest).unwrap(),
    )
    .unwrap();
    site
}

#[test]
fn snapshot_scores_a_sites_first_board_and_names_a_missing_file() {
    let site = site_with("snapshot", &["submissions/official-tiny/mixed.csv"]);
    std::fs::copy(
        fixture("predictions/mixed_ids.csv"),
        site.join("submissions/official-tiny/mixed.csv"),
    )
    .unwrap();
    let doc = vlrb_json(&["snapshot".as_ref(), site.as_os_str()]);
    assert_eq!(doc["head"]["name"], "official-tiny");
    assert_eq!(doc["head"]["file"], "tiny-0123456789abcdef.vlrb");
    assert_eq!(doc["head"]["splits"]["test"], 84);
    let rows = doc["board"]["rows"].as_array().unwrap();
    // Five baselines, 17 single models, the submission.
    assert_eq!(rows.len(), 5 + 17 + 1);
    let row = |name: &str| {
        rows.iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("no row {name}"))
    };
    // Against the fixture's independently computed expected files.
    for (name, want) in expected("baselines.json").as_object().unwrap() {
        for key in ["accuracy", "avg_cost", "rank_score"] {
            assert_eq!(row(name)["metrics"][key], want[key], "{name}: {key}");
        }
    }
    let mixed = row("Mixed");
    assert_eq!(mixed["kind"], "verified");
    for key in ["num_samples", "accuracy", "avg_cost", "rank_score"] {
        assert_eq!(
            mixed["metrics"][key],
            expected("eval_mixed.json")[key],
            "{key}"
        );
    }

    // A listed file the site lacks, and a benchmark it does not serve: named, nothing on stdout.
    let broken = site_with("snapshot-missing", &["submissions/official-tiny/gone.csv"]);
    let out = vlrb(&["snapshot".as_ref(), broken.as_os_str()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && out.stdout.is_empty(), "{stderr}");
    assert!(
        stderr.contains("gone.csv") && stderr.contains("missing"),
        "{stderr}"
    );
    let out = vlrb(&[
        "snapshot".as_ref(),
        site.as_os_str(),
        "--bench".as_ref(),
        "nope".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("no benchmark nope") && stderr.contains("official-tiny"),
        "{stderr}"
    );
}
