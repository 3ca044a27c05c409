//! The training worker stays small: its wasm build depends on the sandbox and the core, never on
//! the UI's leptos or plotters (checked over `cargo tree` of the wasm32 target).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::path::Path;
use std::process::Command;

#[test]
fn the_worker_pulls_in_no_ui_crates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(&root)
        .args([
            "tree",
            "-p",
            "vlrb-train-worker",
            "--target",
            "wasm32-unknown-unknown",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .output()
        .unwrap();
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(crates.contains(&"vlrb-sandbox"), "{tree}");
    assert!(
        crates.contains(&"wgpu"),
        "the WebGPU backend is in the tree: {tree}"
    );
    for ui in ["leptos", "plotters", "vlrb-web", "vlrb-board"] {
        assert!(
            !crates.contains(&ui),
            "{ui} in the worker's dependencies:\n{tree}"
        );
    }
}
