//! The toolkit's side files in the official layout: export writes SPLITS/*.jsonl and the id pickles,
//! pack honours them (the split, the model order) and names the first sample or model that
//! disagrees.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::path::{Path, PathBuf};

use vlrb_core::Benchmark;
use vlrb_core::model::Split;
use vlrb_formats::{PackOptions, load_dir, official, pickle, toolkit};

fn fixture() -> Benchmark {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures-official-tiny");
    load_dir(&dir, &PackOptions::default()).expect("the fixture reads")
}

fn export(bench: &Benchmark) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    official::write(bench, dir.path()).unwrap();
    dir
}

fn pack_err(dir: &Path) -> String {
    match load_dir(dir, &PackOptions::default()) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

fn split_path(dir: &Path, split: &str) -> PathBuf {
    dir.join(format!("SPLITS/{split}.jsonl"))
}

fn ids_in(dir: &Path, split: &str) -> Vec<String> {
    std::fs::read_to_string(split_path(dir, split))
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["sample_id"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn export_writes_the_split_files_and_id_pickles() {
    let bench = fixture();
    let dir = export(&bench);
    for split in [Split::Train, Split::Dev, Split::Test] {
        let want: Vec<String> = bench
            .samples
            .rows_in(split)
            .iter()
            .map(|&i| bench.samples.ids[i].clone())
            .collect();
        assert!(!want.is_empty());
        assert_eq!(
            ids_in(dir.path(), split.as_str()),
            want,
            "{split:?} in row order"
        );
    }
    let read = |rel: &str| pickle::read_strings(&std::fs::read(dir.path().join(rel)).unwrap());
    let models: Vec<String> = bench.models.iter().map(|m| m.id.clone()).collect();
    assert_eq!(read("data/registry/model_index.pkl").unwrap(), models);
    assert_eq!(
        read("data/registry/sample_index.pkl").unwrap(),
        bench.samples.ids
    );
    assert_eq!(
        read("data/matrices/sample_ids.pkl").unwrap(),
        bench.samples.ids
    );
    assert_eq!(
        toolkit::encoder_flags(&bench).as_deref(),
        Some("--text_encoder bge-m3 --vision_encoder siglip-large-patch16-384")
    );
    let back = load_dir(dir.path(), &PackOptions::default()).unwrap();
    assert!(back == bench, "the export reads back identically");
}

#[test]
fn split_files_give_the_split_when_meta_says_unknown() {
    let bench = fixture();
    let mut unknown = bench.clone();
    unknown.samples.split.fill(Split::Unknown);
    let dir = export(&unknown);
    let with_splits = export(&bench);
    for split in ["train", "dev", "test"] {
        std::fs::copy(
            split_path(with_splits.path(), split),
            split_path(dir.path(), split),
        )
        .unwrap();
    }
    let back = load_dir(dir.path(), &PackOptions::default()).unwrap();
    assert_eq!(back.samples.split, bench.samples.split);
    assert!(back.samples.split.contains(&Split::Test));
    // Without the files the same directory has no split at all.
    std::fs::remove_dir_all(dir.path().join("SPLITS")).unwrap();
    let bare = load_dir(dir.path(), &PackOptions::default()).unwrap();
    assert!(bare.samples.split.iter().all(|&s| s == Split::Unknown));
}

#[test]
fn split_files_that_disagree_name_the_sample_and_file() {
    let bench = fixture();
    let test = bench.samples.rows_in(Split::Test);
    let moved = bench.samples.ids[test[3]].clone();

    // Listed in train.jsonl while meta.parquet says test.
    let dir = export(&bench);
    let mut train = std::fs::read_to_string(split_path(dir.path(), "train")).unwrap();
    train.push_str(&format!(
        "{{\"sample_id\": {}}}\n",
        serde_json::to_string(&moved).unwrap()
    ));
    let line = train.lines().count();
    std::fs::write(split_path(dir.path(), "train"), train).unwrap();
    let err = pack_err(dir.path());
    assert!(
        err.contains(&format!(
            "SPLITS/train.jsonl: line {line}: sample id {moved} is in the test split of \
             data/registry/meta.parquet, not train"
        )),
        "{err}"
    );

    // Listed twice (meta unknown, so only the files speak).
    let mut unknown = bench.clone();
    unknown.samples.split.fill(Split::Unknown);
    let dir = export(&unknown);
    let with_splits = export(&bench);
    for split in ["train", "dev", "test"] {
        std::fs::copy(
            split_path(with_splits.path(), split),
            split_path(dir.path(), split),
        )
        .unwrap();
    }
    let mut dev = std::fs::read_to_string(split_path(dir.path(), "dev")).unwrap();
    dev.insert_str(
        0,
        &format!(
            "{{\"sample_id\": {}}}\n",
            serde_json::to_string(&moved).unwrap()
        ),
    );
    std::fs::write(split_path(dir.path(), "dev"), dev).unwrap();
    let err = pack_err(dir.path());
    assert!(
        err.contains(&format!(
            "SPLITS/test.jsonl: line {}: sample id {moved} is listed twice (first in \
             SPLITS/dev.jsonl line 1)",
            ids_in(with_splits.path(), "test")
                .iter()
                .position(|id| *id == moved)
                .unwrap()
                + 1
        )),
        "{err}"
    );

    // Missing from every file while meta puts it in test; an unknown id; a bad line.
    let dir = export(&bench);
    let kept: Vec<String> = ids_in(dir.path(), "test")
        .into_iter()
        .filter(|id| *id != moved)
        .map(|id| {
            format!(
                "{{\"sample_id\": {}}}\n",
                serde_json::to_string(&id).unwrap()
            )
        })
        .collect();
    std::fs::write(split_path(dir.path(), "test"), kept.concat()).unwrap();
    let err = pack_err(dir.path());
    assert!(
        err.contains(&format!(
            "SPLITS/test.jsonl: does not list sample id {moved}, which \
             data/registry/meta.parquet puts in the test split"
        )),
        "{err}"
    );
    std::fs::write(
        split_path(dir.path(), "test"),
        "{\"sample_id\": \"Nowhere/1\"}\n",
    )
    .unwrap();
    let err = pack_err(dir.path());
    assert!(
        err.contains("SPLITS/test.jsonl: line 1: sample id Nowhere/1 is not in"),
        "{err}"
    );
    std::fs::write(split_path(dir.path(), "test"), "\n{\"id\": 3}\n").unwrap();
    let err = pack_err(dir.path());
    assert!(
        err.contains("SPLITS/test.jsonl: line 2: no sample_id"),
        "{err}"
    );
}

#[test]
fn model_index_defines_the_order_and_must_match_the_cost_bounds() {
    let bench = fixture();
    let ids: Vec<String> = bench.models.iter().map(|m| m.id.clone()).collect();
    let index = "data/registry/model_index.pkl";

    // A model missing from cost_bounds.json is named.
    let dir = export(&bench);
    std::fs::remove_file(dir.path().join("data/registry/models.txt")).unwrap();
    let mut renamed = ids.clone();
    renamed[2] = "GPT5-imaginary".to_owned();
    std::fs::write(dir.path().join(index), pickle::to_bytes(&renamed).unwrap()).unwrap();
    let err = pack_err(dir.path());
    assert!(
        err.contains("model_index.pkl") && err.contains("GPT5-imaginary"),
        "{err}"
    );

    // A pickle of something else: a typed error naming the file.
    std::fs::write(dir.path().join(index), b"\x80\x04}\x94.").unwrap();
    let err = pack_err(dir.path());
    assert!(
        err.contains("model_index.pkl: expected a pickled list of strings; found a dict"),
        "{err}"
    );

    // models.txt disagreeing with model_index.pkl: the first difference.
    let dir = export(&bench);
    let mut swapped = ids.clone();
    swapped.swap(0, 1);
    let text: String = swapped.iter().map(|id| format!("{id}\n")).collect();
    std::fs::write(dir.path().join("data/registry/models.txt"), text).unwrap();
    let err = pack_err(dir.path());
    assert!(
        err.contains(&format!(
            "models.txt: disagrees with data/registry/model_index.pkl: position 0 holds {}, \
             expected {}",
            ids[1], ids[0]
        )),
        "{err}"
    );

    // The sample pickles must list meta's rows.
    let dir = export(&bench);
    let mut rows = bench.samples.ids.clone();
    rows.swap(5, 6);
    std::fs::write(
        dir.path().join("data/matrices/sample_ids.pkl"),
        pickle::to_bytes(&rows).unwrap(),
    )
    .unwrap();
    let err = pack_err(dir.path());
    assert!(
        err.contains(&format!(
            "sample_ids.pkl: position 5 holds {}, expected {}",
            bench.samples.ids[6], bench.samples.ids[5]
        )),
        "{err}"
    );
}
