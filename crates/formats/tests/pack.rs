//! The worker's packer: the files a visitor selects, packed in the browser, give exactly the bundle
//! the site serves for the same data (`vlrb pack` of the directory), question text included; a
//! broken records file is refused with the reader's message (file, line, culprit).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::path::{Path, PathBuf};

use vlrb_core::bundle;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file of a data directory, by name, as a file picker hands them over (any order).
fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            name.ends_with(".csv") || name.ends_with(".npy") || name == "vlrb.json"
        })
        .map(|p| {
            let name = p.file_name().unwrap().to_str().unwrap().to_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.reverse();
    files
}

#[test]
fn packing_selected_files_gives_the_served_bundle() {
    let dir = root().join("data/mathvista");
    let (packed, bytes) = vlrb_formats::pack::pack("mathvista", files_of(&dir)).unwrap();
    let served = std::fs::read(root().join("public/bundles/mathvista.vlrb")).unwrap();
    assert!(
        bytes == served,
        "the packed bundle differs from public/bundles/mathvista.vlrb"
    );
    let bench = bundle::decode(&bytes).unwrap();
    assert_eq!(packed.name, bench.name);
    assert_eq!(
        (packed.samples, packed.models),
        (bench.num_samples(), bench.num_models())
    );
    // The question text is samples.csv's `question` column, row for row.
    let samples = vlrb_core::csv_lines::read(
        &std::fs::read(dir.join("samples.csv")).unwrap(),
        vlrb_core::csv_lines::Dialect::CSV,
    )
    .unwrap();
    let (id_col, q_col) = (
        samples.column("sample_id").unwrap(),
        samples.column("question").unwrap(),
    );
    let texts = bench
        .questions
        .as_ref()
        .expect("question text")
        .texts()
        .unwrap();
    assert_eq!(texts.len(), samples.records.len());
    for (i, record) in samples.records.iter().enumerate() {
        assert_eq!(bench.samples.ids[i], record.field(id_col));
        assert_eq!(texts[i], record.field(q_col));
    }
}

#[test]
fn a_broken_records_file_names_file_line_and_culprit() {
    let dir = root().join("data/mathvista");
    let mut files = files_of(&dir);
    let records = files.iter_mut().find(|(n, _)| n == "records.csv").unwrap();
    let text = String::from_utf8(records.1.clone()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // Line 5 as an editor counts (the header is line 1): its `correct` becomes "maybe".
    let header: Vec<&str> = lines[0].split(',').collect();
    let correct = header.iter().position(|h| *h == "correct").unwrap();
    let mut cells: Vec<String> = lines[4].split(',').map(str::to_owned).collect();
    cells[correct] = "maybe".to_owned();
    lines[4] = cells.join(",");
    records.1 = (lines.join("\n") + "\n").into_bytes();
    let err = vlrb_formats::pack::pack("mathvista", files)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("records.csv") && err.contains("line 5") && err.contains("\"maybe\""),
        "{err}"
    );
}

#[test]
fn a_file_outside_the_layout_is_named() {
    let files = vec![
        (
            "records.csv".to_owned(),
            b"sample_id,model,correct,cost\n".to_vec(),
        ),
        ("predictions.csv".to_owned(), b"sample_id,model\n".to_vec()),
    ];
    let err = vlrb_formats::pack::pack("local", files)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("predictions.csv") && err.contains("not a file of the long-format layout"),
        "{err}"
    );
}
