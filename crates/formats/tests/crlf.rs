//! Every CSV reader names the line an editor shows, for CRLF files (what Python's `csv` module
//! writes) and quoted fields holding line breaks: records.csv, samples.csv, models.csv, a prices
//! file, the token statistics of the official layout, and uploaded predictions.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::path::{Path, PathBuf};

use vlrb_core::predictions::{parse_predictions, resolve};
use vlrb_formats::{PackOptions, load_dir, official, real};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Rewrites a CSV file the way Python's `csv.writer` writes it: records end in CRLF, line breaks
/// inside quoted fields stay as they are.
fn to_crlf(from: &Path, to: &Path) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(from)
        .unwrap();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_path(to)
        .unwrap();
    for record in reader.records() {
        writer.write_record(&record.unwrap()).unwrap();
    }
    writer.flush().unwrap();
}

/// The editor line of byte `offset` of `text` (1 + the line feeds before it).
fn editor_line(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// A temp copy of `data/math-v` with CRLF CSV files.
fn math_v_crlf() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(repo().join("data/math-v")).unwrap() {
        let path = entry.unwrap().path();
        let target = dir.path().join(path.file_name().unwrap());
        if path.extension().is_some_and(|x| x == "csv") {
            to_crlf(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
    dir
}

fn read_err(dir: &Path, opts: &PackOptions) -> String {
    match real::read(dir, opts) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_crlf_math_v_reads_like_the_lf_original() {
    let opts = PackOptions::default();
    let dir = math_v_crlf();
    let original = real::read(&repo().join("data/math-v"), &opts).unwrap();
    let again = real::read(dir.path(), &opts).unwrap();
    assert!(again == original, "CRLF line ends change nothing read");
}

#[test]
fn a_crlf_records_csv_with_a_bad_cell_on_line_57_names_line_57() {
    let dir = math_v_crlf();
    let path = dir.path().join("records.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.split("\r\n").collect();
    let bad = lines[56].replacen(",0,", ",maybe,", 1);
    assert_ne!(bad, lines[56], "line 57 has a 0 in `correct`");
    lines[56] = &bad;
    std::fs::write(&path, lines.join("\r\n")).unwrap();
    let err = read_err(dir.path(), &PackOptions::default());
    assert!(
        err.contains("records.csv: line 57: `correct` is \"maybe\" for sample id MathVision/4"),
        "{err}"
    );
}

#[test]
fn a_duplicate_in_a_crlf_samples_csv_with_multiline_questions_names_its_line() {
    let dir = math_v_crlf();
    let path = dir.path().join("samples.csv");
    let mut text = std::fs::read_to_string(&path).unwrap();
    // MathVision/1 again, just before MathVision/101 (questions before it span several lines).
    let at = text.find("\r\nMathVision/101,").unwrap() + 2;
    text.insert_str(
        at,
        "MathVision/1,test,1,x,1,free_form,0,1,,\"a\r\nquestion\"\r\n",
    );
    std::fs::write(&path, &text).unwrap();
    let line = editor_line(&text, at);
    assert!(line > 102, "multi-line questions come before it");
    let err = read_err(dir.path(), &PackOptions::default());
    assert!(
        err.contains(&format!(
            "samples.csv: line {line}: sample id MathVision/1 appears twice (first on line 2)"
        )),
        "{err}"
    );
}

#[test]
fn crlf_models_and_prices_files_name_their_lines() {
    let dir = math_v_crlf();
    let models = dir.path().join("models.csv");
    let mut text = std::fs::read_to_string(&models).unwrap();
    let first_row = text.split("\r\n").nth(1).unwrap().to_owned();
    let line = editor_line(&text, text.len());
    text.push_str(&first_row);
    text.push_str("\r\n");
    std::fs::write(&models, &text).unwrap();
    let err = read_err(dir.path(), &PackOptions::default());
    assert!(
        err.contains(&format!(
            "models.csv: line {line}: model GPT4-CoT (Text Only) is listed twice"
        )),
        "{err}"
    );

    let dir = math_v_crlf();
    let prices = dir.path().join("prices.csv");
    std::fs::write(
        &prices,
        "model,price_input_usd_per_mtok,price_output_usd_per_mtok,price_basis\r\n\
         Gemini-Pro,1,2,\"list price,\r\nchecked 2026\"\r\n\
         Qwen-VL-Max,1,two,\r\n",
    )
    .unwrap();
    let opts = PackOptions {
        name: None,
        prices: Some(prices),
    };
    let err = read_err(dir.path(), &opts);
    assert!(
        err.contains(
            "prices.csv: line 4: price_output_usd_per_mtok is \"two\" for model Qwen-VL-Max"
        ),
        "{err}"
    );
}

#[test]
fn crlf_token_statistics_name_their_lines() {
    let fixture = repo().join("tests/fixtures-official-tiny");
    let bench = load_dir(&fixture, &PackOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    official::write(&bench, dir.path()).unwrap();
    let reports = dir.path().join("reports/token_statistics");
    std::fs::create_dir_all(&reports).unwrap();
    // Ids may hold commas and quotes: quoted the way Python's csv module writes them.
    let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut inputs = String::from("sample_id,dataset,task_type,total_input_tokens\r\n");
    for (i, id) in bench.samples.ids.iter().enumerate() {
        let id = quoted(id);
        inputs.push_str(&format!("{id},\"a\r\nb\",math,{}\r\n", 100 + i));
    }
    std::fs::write(reports.join("token_stats_per_sample.csv"), &inputs).unwrap();
    let mut outputs = String::from("sample_id,model,output_tokens\r\n");
    for id in &bench.samples.ids {
        for m in &bench.models {
            outputs.push_str(&format!("{},{},7\r\n", quoted(id), quoted(&m.id)));
        }
    }
    let bad_at = outputs.len();
    outputs.push_str(&format!(
        "{},{},-3\r\n",
        quoted(&bench.samples.ids[0]),
        quoted(&bench.models[0].id)
    ));
    std::fs::write(reports.join("output_tokens_per_model.csv"), &outputs).unwrap();
    let err = load_dir(dir.path(), &PackOptions::default())
        .map(|_| ())
        .unwrap_err()
        .to_string();
    let line = editor_line(&outputs, bad_at);
    assert!(
        err.contains(&format!(
            "output_tokens_per_model.csv: line {line}: `output_tokens` is \"-3\""
        )),
        "{err}"
    );

    // Valid CRLF statistics with multi-line fields read with the counts written.
    outputs.truncate(bad_at);
    std::fs::write(reports.join("output_tokens_per_model.csv"), &outputs).unwrap();
    let read = load_dir(dir.path(), &PackOptions::default()).unwrap();
    let tokens = read.tokens.expect("token statistics read");
    assert_eq!(tokens.input[3], 103);
    assert!(tokens.output.iter().all(|&t| t == 7));
}

#[test]
fn crlf_uploads_with_multiline_fields_name_their_lines() {
    let fixture = repo().join("tests/fixtures-official-tiny");
    let bench = load_dir(&fixture, &PackOptions::default()).unwrap();
    let (a, b) = (&bench.samples.ids[0], &bench.samples.ids[1]);
    let model = &bench.models[0].id;
    let text = format!(
        "note,sample_id,model\r\n\"two\r\nlines\",{a},{model}\r\n\r\nx,{b},{model}\r\ny,{b},{model}\r\n"
    );
    let rows = parse_predictions(text.as_bytes(), "p.csv").unwrap();
    let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 5, 6]);
    let err = resolve(&bench, &rows).unwrap_err().to_string();
    assert!(
        err.contains(&format!(
            "line 6: duplicate sample id {b} (first on line 5)"
        )),
        "{err}"
    );
    let ragged = format!("sample_id,model\r\n\"x\r\ny\",{model}\r\n{a}\r\n");
    let err = parse_predictions(ragged.as_bytes(), "p.csv")
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 4 has 1 fields, no model"), "{err}");
}
