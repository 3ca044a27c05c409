//! The official release layout: reading the official-tiny fixture, writing it back, and the errors
//! for broken copies.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::io::Read;

use npyz::WriterBuilder;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{Float32Builder, ListBuilder};
use arrow_array::{ArrayRef, RecordBatch, StringArray};
use vlrb_core::Benchmark;
use vlrb_core::model::{EmbeddingData, Modality, Split};
use vlrb_formats::{FormatError, PackOptions, load_dir, official};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures-official-tiny")
}

fn read_fixture() -> Benchmark {
    official::read(&fixture(), &PackOptions::default()).expect("the fixture reads")
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// An npy file read with npyz directly: (shape, values).
fn npy_f32(bytes: &[u8]) -> (Vec<u64>, Vec<f32>) {
    let npy = npyz::NpyFile::new(bytes).unwrap();
    (npy.shape().to_vec(), npy.into_vec::<f32>().unwrap())
}

/// Recursively copies the fixture's data files (not expected/ or predictions/) into a temp dir.
fn broken_copy() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy(&path, &target);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    for sub in ["data", "EMBEDDINGS"] {
        copy(&fixture().join(sub), &dir.path().join(sub));
    }
    dir
}

fn error_text(result: Result<Benchmark, FormatError>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn reads_the_fixture_in_protocol_order() {
    let bench = read_fixture();
    let summary = json(&fixture().join("expected/summary.json"));
    assert_eq!(bench.num_samples(), 420);
    assert_eq!(
        bench.num_samples() as u64,
        summary["num_samples"].as_u64().unwrap()
    );
    let ids: Vec<&str> = bench.models.iter().map(|m| m.id.as_str()).collect();
    let expected: Vec<&str> = summary["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(ids, expected);
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "columns are in sorted-id order");

    let gpt = &bench.models[bench.model_index("GPT4o").unwrap()];
    assert_eq!(gpt.name, "GPT-4o");
    assert_eq!((gpt.price_input, gpt.price_output), (Some(2.5), Some(10.0)));
    assert!(gpt.price_basis.contains("README"));

    let bounds = json(&fixture().join("data/matrices/cost_bounds.json"));
    assert_eq!(bench.bounds.cmin, bounds["cmin"].as_f64().unwrap());
    assert_eq!(bench.bounds.cmax, bounds["cmax"].as_f64().unwrap());
    assert_eq!(bench.bounds.cmin, summary["cmin"].as_f64().unwrap());

    let test = bench.samples.rows_in(Split::Test).len() as u64;
    assert_eq!(test, summary["num_test"].as_u64().unwrap());
    assert_eq!(bench.samples.rows_in(Split::Train).len(), 294);
    assert_eq!(bench.samples.rows_in(Split::Dev).len(), 42);
    let ai2d = bench
        .samples
        .ids
        .iter()
        .position(|id| id == "AI2D_TEST/107")
        .unwrap();
    assert_eq!(bench.samples.dataset_of(ai2d), "AI2D_TEST");
    assert_eq!(bench.samples.group_of(ai2d), "STEM");
    assert_eq!(bench.samples.task_of(ai2d), "vqa_mc");
    assert_eq!(bench.name, "fixtures-official-tiny");
    assert!(!bench.provenance.synthetic);
    assert!(bench.tokens.is_none());
}

#[test]
fn matrices_equal_the_npy_contents() {
    let bench = read_fixture();
    let (shape, c) = npy_f32(&std::fs::read(fixture().join("data/matrices/C.npy")).unwrap());
    assert_eq!(shape, [420, 17]);
    assert_eq!(bench.cost, c);

    let file = std::fs::File::open(fixture().join("data/matrices/Y.npz")).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut bytes = Vec::new();
    archive
        .by_name("Y.npy")
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    let npy = npyz::NpyFile::new(&bytes[..]).unwrap();
    assert_eq!(npy.shape(), [420, 17]);
    let y = npy.into_vec::<i8>().unwrap();
    assert_eq!(bench.quality.to_values(), y);
    assert!(y.contains(&1) && y.contains(&0));
}

#[test]
fn embeddings_equal_the_expected_arrays() {
    let bench = read_fixture();
    for (modality, name, file) in [
        (Modality::Text, "bge-m3", "embedding_text.npy"),
        (
            Modality::Vision,
            "siglip-large-patch16-384",
            "embedding_vision.npy",
        ),
    ] {
        let set = bench.embedding(name).expect(name);
        assert_eq!(set.modality, modality);
        let (shape, values) =
            npy_f32(&std::fs::read(fixture().join("expected").join(file)).unwrap());
        assert_eq!(shape, [420, set.dim as u64]);
        assert!(matches!(set.data, EmbeddingData::F32(_)));
        assert_eq!(set.decode(), values, "{name} equals {file} exactly");
    }
    assert_eq!(bench.embeddings[0].modality, Modality::Text);
}

#[test]
fn load_dir_detects_the_official_layout() {
    let opts = PackOptions {
        name: Some("tiny".into()),
        prices: None,
    };
    let bench = load_dir(&fixture(), &opts).unwrap();
    assert_eq!(bench.name, "tiny");
    assert_eq!(bench.num_models(), 17);
}

/// Compares two benchmarks field by field (the matrices are too large to print whole).
fn assert_same(a: &Benchmark, b: &Benchmark) {
    assert_eq!(a.name, b.name);
    assert_eq!(a.provenance, b.provenance);
    assert_eq!(a.models, b.models);
    assert!(a.samples == b.samples, "samples differ");
    assert!(a.quality == b.quality, "quality differs");
    assert!(a.cost == b.cost, "cost differs");
    assert_eq!(a.bounds, b.bounds);
    assert!(a.tokens == b.tokens, "tokens differ");
    let sets = |x: &Benchmark| -> Vec<(String, Modality, usize)> {
        x.embeddings
            .iter()
            .map(|e| (e.name.clone(), e.modality, e.dim))
            .collect()
    };
    assert_eq!(sets(a), sets(b));
    for (x, y) in a.embeddings.iter().zip(&b.embeddings) {
        assert!(x == y, "embedding set {} differs", x.name);
    }
    assert!(a == b);
}

/// The benchmark as it reads back: embeddings decoded to f32 with no stored error.
fn decoded(bench: &Benchmark) -> Benchmark {
    let mut bench = bench.clone();
    for set in &mut bench.embeddings {
        set.data = EmbeddingData::F32(set.decode());
        set.max_abs_error = 0.0;
    }
    bench
}

#[test]
fn write_then_read_round_trips() {
    let mut bench = read_fixture();
    bench.name = "round-trip".into();
    bench.provenance.licence = "MIT".into();
    bench.provenance.notes = "ids with \"quotes\", commas, tabs".into();
    // A token table and a half-precision set exercise the optional parts.
    let (n, k) = (bench.num_samples(), bench.num_models());
    bench.tokens = Some(vlrb_core::model::Tokens {
        input: (0..n as u32).map(|i| 300 + i).collect(),
        output: (0..(n * k) as u32).map(|c| c % 97).collect(),
    });
    let text = bench.embedding("bge-m3").unwrap().decode();
    bench.embeddings.push(vlrb_core::model::EmbeddingSet {
        name: "half".into(),
        modality: Modality::Vision,
        dim: 16,
        data: EmbeddingData::F16(
            text.iter()
                .map(|&v| half::f16::from_f32(v).to_bits())
                .collect(),
        ),
        max_abs_error: 0.0,
    });
    let out = tempfile::tempdir().unwrap();
    official::write(&bench, out.path()).unwrap();
    let back = official::read(out.path(), &PackOptions::default()).unwrap();
    assert_same(&back, &decoded(&bench));
    assert!(matches!(
        back.embedding("half").unwrap().data,
        EmbeddingData::F32(_)
    ));

    let bounds = json(&out.path().join("data/matrices/cost_bounds.json"));
    let means = bench.per_model_mean_cost();
    assert_eq!(
        bounds["per_model_avg_costs"]["GPT4o"].as_f64().unwrap(),
        means[0]
    );
    assert_eq!(bounds["cmax"].as_f64().unwrap(), bench.bounds.cmax);
    assert_eq!(bounds["cmin_model"], "Janus-Pro-1B");
}

#[test]
fn a_missing_file_is_named() {
    let dir = broken_copy();
    std::fs::remove_file(dir.path().join("data/matrices/C.npy")).unwrap();
    let err = error_text(official::read(dir.path(), &PackOptions::default()));
    assert!(err.contains("C.npy") && err.contains("missing"), "{err}");

    std::fs::remove_file(dir.path().join("data/matrices/Y.npz")).unwrap();
    let err = error_text(load_dir(dir.path(), &PackOptions::default()));
    assert!(
        err.contains("Y.npz") && err.contains("records.csv"),
        "{err}"
    );
}

#[test]
fn a_model_count_mismatch_is_explained() {
    let dir = broken_copy();
    let path = dir.path().join("data/matrices/cost_bounds.json");
    let mut bounds = json(&path);
    bounds["per_model_avg_costs"]
        .as_object_mut()
        .unwrap()
        .remove("SmolVLM2");
    std::fs::write(&path, bounds.to_string()).unwrap();
    let err = error_text(official::read(dir.path(), &PackOptions::default()));
    assert!(
        err.contains("16 model ids") && err.contains("17 columns"),
        "{err}"
    );
}

#[test]
fn a_cost_matrix_of_the_wrong_shape_is_explained() {
    let dir = broken_copy();
    let path = dir.path().join("data/matrices/C.npy");
    let (_, values) = npy_f32(&std::fs::read(&path).unwrap());
    let mut out = Vec::new();
    let mut writer = npyz::WriteOptions::<f32>::new()
        .default_dtype()
        .shape(&[419, 17])
        .writer(&mut out)
        .begin_nd()
        .unwrap();
    writer.extend(values[..419 * 17].iter().copied()).unwrap();
    writer.finish().unwrap();
    std::fs::write(&path, out).unwrap();
    let err = error_text(official::read(dir.path(), &PackOptions::default()));
    assert!(
        err.contains("C.npy") && err.contains("419 x 17, expected 420 x 17"),
        "{err}"
    );
}

/// Rewrites the text embedding parquet with the given ids and rows of the given width.
fn write_embeddings(dir: &Path, ids: &[String], dim: impl Fn(usize) -> usize) {
    let mut list = ListBuilder::new(Float32Builder::new());
    for row in 0..ids.len() {
        list.values().append_slice(&vec![0.5; dim(row)]);
        list.append(true);
    }
    let batch = RecordBatch::try_from_iter([
        (
            "sample_id",
            Arc::new(StringArray::from_iter_values(ids)) as ArrayRef,
        ),
        ("embedding", Arc::new(list.finish()) as ArrayRef),
    ])
    .unwrap();
    let file = std::fs::File::create(dir.join("EMBEDDINGS/text/bge-m3.parquet")).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

#[test]
fn misaligned_embeddings_name_the_sample() {
    let bench = read_fixture();
    let ids = &bench.samples.ids;
    let dir = broken_copy();
    let read = || error_text(official::read(dir.path(), &PackOptions::default()));

    // Any row order is fine: reversed rows read back in meta order.
    let reversed: Vec<String> = ids.iter().rev().cloned().collect();
    write_embeddings(dir.path(), &reversed, |_| 3);
    let ok = official::read(dir.path(), &PackOptions::default()).unwrap();
    assert_eq!(ok.embedding("bge-m3").unwrap().dim, 3);

    let mut unknown = ids.clone();
    unknown[5] = "NotADataset/999".into();
    write_embeddings(dir.path(), &unknown, |_| 3);
    let err = read();
    assert!(
        err.contains("bge-m3.parquet") && err.contains("NotADataset/999"),
        "{err}"
    );

    let mut duplicate = ids.clone();
    duplicate[7] = ids[3].clone();
    write_embeddings(dir.path(), &duplicate, |_| 3);
    let err = read();
    assert!(
        err.contains(&format!("sample id {} appears twice", ids[3])),
        "{err}"
    );

    write_embeddings(dir.path(), &ids[..419], |_| 3);
    let err = read();
    assert!(
        err.contains(&format!("no embedding for sample id {}", ids[419])),
        "{err}"
    );

    write_embeddings(dir.path(), ids, |row| if row == 10 { 2 } else { 3 });
    let err = read();
    assert!(
        err.contains(&format!(
            "row 10 (sample id {}) has 2 values, expected 3",
            ids[10]
        )),
        "{err}"
    );
}

/// Replaces the copy's Y.npz by one holding `values` (420 x 17), stored or deflated.
fn write_y(dir: &Path, values: Vec<i8>, method: zip::CompressionMethod) {
    let mut npy = Vec::new();
    let mut writer = npyz::WriteOptions::<i8>::new()
        .default_dtype()
        .shape(&[420, 17])
        .writer(&mut npy)
        .begin_nd()
        .unwrap();
    writer.extend(values).unwrap();
    writer.finish().unwrap();
    let file = std::fs::File::create(dir.join("data/matrices/Y.npz")).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    zip.start_file("Y.npy", options).unwrap();
    std::io::Write::write_all(&mut zip, &npy).unwrap();
    zip.finish().unwrap();
}

#[test]
fn compressed_npz_and_fortran_order_read_the_same() {
    let bench = read_fixture();
    let dir = broken_copy();
    write_y(
        dir.path(),
        bench.quality.to_values(),
        zip::CompressionMethod::Deflated,
    );
    let (n, k) = (420, 17);
    let transposed: Vec<f32> = (0..n * k)
        .map(|c| bench.cost[(c % n) * k + c / n])
        .collect();
    let mut npy = Vec::new();
    let mut writer = npyz::WriteOptions::<f32>::new()
        .default_dtype()
        .shape(&[n as u64, k as u64])
        .order(npyz::Order::Fortran)
        .writer(&mut npy)
        .begin_nd()
        .unwrap();
    writer.extend(transposed).unwrap();
    writer.finish().unwrap();
    std::fs::write(dir.path().join("data/matrices/C.npy"), npy).unwrap();
    let back = official::read(dir.path(), &PackOptions::default()).unwrap();
    assert!(
        back.quality == bench.quality,
        "deflated Y.npz reads the same"
    );
    assert!(
        back.cost == bench.cost,
        "Fortran-order C.npy reads the same"
    );
}

#[test]
fn a_non_binary_quality_cell_is_named() {
    let dir = broken_copy();
    let mut values = read_fixture().quality.to_values();
    values[3 * 17 + 4] = 2;
    write_y(dir.path(), values, zip::CompressionMethod::Stored);
    let err = error_text(official::read(dir.path(), &PackOptions::default()));
    assert!(
        err.contains("Y.npz") && err.contains("row 3, column 4"),
        "{err}"
    );
}
