//! `vlrb info --json` on the bundles the site serves (public/bundles): the demo is the synthetic
//! VL-RouterBench shape, the real bundles load with their provenance.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn info(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../public/bundles")
        .join(file);
    let out = Command::new(env!("CARGO_BIN_EXE_vlrb"))
        .arg("info")
        .arg(&path)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn demo_bundle_has_the_benchmark_shape() {
    let doc = info("demo.vlrb");
    assert_eq!(doc["name"], "vlrb-demo");
    assert_eq!(doc["synthetic"], true);
    assert_eq!(doc["num_samples"], 30_540);
    assert_eq!(doc["num_models"], 17);
    assert_eq!(doc["datasets"].as_array().unwrap().len(), 14);
    assert_eq!(doc["splits"]["test"], 6_108);
    let dims: Vec<u64> = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["dim"].as_u64().unwrap())
        .collect();
    assert_eq!(dims, [1024, 1024]);
    assert_eq!(
        doc["questions"], false,
        "the synthetic demo has no question text"
    );
}

#[test]
fn real_bundles_load_with_their_provenance() {
    for (file, name, models) in [
        ("math-v.vlrb", "math-v", 15),
        ("mathvista.vlrb", "mathvista", 21),
    ] {
        let doc = info(file);
        assert_eq!(doc["name"], name);
        assert_eq!(doc["synthetic"], false);
        assert_eq!(doc["num_models"], models);
        assert_eq!(
            doc["questions"], true,
            "{file} carries samples.csv's questions"
        );
    }
}

#[test]
fn index_lists_exactly_the_shipped_bundles() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../public/bundles");
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    let entries = index.as_array().unwrap();
    assert_eq!(entries.iter().filter(|e| e["synthetic"] == true).count(), 1);
    for e in entries {
        for key in ["name", "file", "title", "licence"] {
            assert!(e[key].is_string(), "{key} in {e}");
        }
        let file = e["file"].as_str().unwrap();
        assert_eq!(info(file)["name"], e["name"], "{file}");
    }
}
