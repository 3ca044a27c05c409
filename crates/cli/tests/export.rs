//! `vlrb export` writes what the official toolkit's loaders open and prints the toolkit's encoder
//! flags; `vlrb train` on a text-only bundle trains on text by default.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn vlrb(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vlrb"))
        .args(args)
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn export_writes_the_toolkit_files_and_prints_its_flags() {
    let layout = scratch("export-toolkit").join("layout");
    let bundle = repo().join("tests/fixture-tiny.vlrb");
    let out = vlrb(&[
        "export".as_ref(),
        bundle.as_os_str(),
        "-o".as_ref(),
        layout.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "--text_encoder bge-m3 --vision_encoder siglip-large-patch16-384\n",
        "stdout carries only the flags"
    );
    for rel in [
        "SPLITS/train.jsonl",
        "SPLITS/dev.jsonl",
        "SPLITS/test.jsonl",
        "data/registry/model_index.pkl",
        "data/registry/sample_index.pkl",
        "data/matrices/sample_ids.pkl",
        "EMBEDDINGS/text/bge-m3.parquet",
        "EMBEDDINGS/vision/siglip-large-patch16-384.parquet",
    ] {
        assert!(layout.join(rel).is_file(), "export lacks {rel}");
    }
}

fn train(bundle: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "train".as_ref(),
        bundle.as_os_str(),
        "--router".as_ref(),
        "knn".as_ref(),
        "--json".as_ref(),
    ];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    vlrb(&args)
}

#[test]
fn a_text_only_bundle_trains_on_text_by_default() {
    let bundle = repo().join("public/bundles/mathvista.vlrb");
    let out = train(&bundle, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["features"], "text");
    assert_eq!(doc["num_samples"], 200, "the test split");

    let out = train(&bundle, &["--features", "concat"]);
    assert!(!out.status.success(), "explicit concat stays an error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("has no vision embeddings, needed by --features concat"),
        "{stderr}"
    );
}
