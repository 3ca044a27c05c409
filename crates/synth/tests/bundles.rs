//! The shipped bundles: regeneration reproduces the committed bytes, the demo meets its calibration
//! targets, the compression's recorded error is the measured one, and the real bundles carry the
//! per-model accuracies of their data READMEs.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly by design.

use std::path::{Path, PathBuf};

use vlrb_core::compress::compress_all;
use vlrb_core::model::Modality;
use vlrb_core::{Benchmark, Split, bundle};
use vlrb_formats::{PackOptions, load_dir};
use vlrb_synth::{DEFAULT_SEED, figures, generate, targets};

/// Components per embedding set in the shipped demo (as in scripts/make-bundles.sh).
const DEMO_COMPONENTS: usize = 64;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn committed(file: &str) -> Vec<u8> {
    let path = repo().join("public/bundles").join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn demo_regenerates_bit_identically_and_meets_its_targets() {
    // `vlrb synth` then `vlrb pack --compress-embeddings 64`, in process.
    let generated = generate(DEFAULT_SEED);
    let dir = tempfile::tempdir().unwrap();
    vlrb_formats::official::write(&generated, dir.path()).unwrap();
    let mut packed = load_dir(dir.path(), &PackOptions::default()).unwrap();
    assert_eq!(
        packed, generated,
        "the official layout round-trips the generated benchmark"
    );
    compress_all(&mut packed, DEMO_COMPONENTS);
    let bytes = bundle::encode(&packed).unwrap();
    assert!(
        bytes == committed("demo.vlrb"),
        "public/bundles/demo.vlrb is stale: run scripts/make-bundles.sh"
    );
    assert!(
        bytes.len() <= 6_000_000,
        "demo bundle is {} bytes",
        bytes.len()
    );

    // Compression: the recorded error is the measured one, and it is small.
    for (full, small) in generated.embeddings.iter().zip(&packed.embeddings) {
        let worst = full
            .decode()
            .iter()
            .zip(small.decode())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert_eq!(worst, small.max_abs_error, "{}", small.name);
        assert!(worst < 0.05, "{}: {worst}", small.name);
    }

    // Calibration targets (test split); tolerances as documented in BENCHMARKS.md.
    let f = figures(&packed);
    assert!(
        (f.oracle_accuracy - targets::ORACLE_ACCURACY).abs() < 5e-4,
        "{f:?}"
    );
    assert!(
        (f.oracle_test_cost - targets::ORACLE_TEST_COST).abs() < 0.02,
        "{f:?}"
    );
    assert!(
        (f.oracle_rank_score - targets::ORACLE_RANK_SCORE).abs() < 2e-3,
        "{f:?}"
    );
    assert!(
        (f.best_accuracy - targets::BEST_ACCURACY).abs() < 5e-4,
        "{f:?}"
    );
    assert!(
        (f.best_test_cost - targets::BEST_TEST_COST).abs() < 0.01,
        "{f:?}"
    );
    assert!(f.unsolved > 0.02, "some samples no model answers: {f:?}");
    // The bounds are the per-model means over all samples.
    assert_eq!(packed.bounds, packed.computed_bounds());
}

#[test]
fn synth_is_deterministic_and_costs_follow_tokens() {
    let (a, b) = (generate(7), generate(7));
    assert!(a == b, "same seed, same benchmark");
    let c = generate(8);
    assert!(
        a.quality != c.quality && a.embeddings != c.embeddings,
        "another seed differs"
    );

    assert_eq!(a.num_samples(), 30_540);
    assert_eq!(a.num_models(), 17);
    assert_eq!(a.samples.datasets.len(), 14);
    assert_eq!(a.samples.groups().len(), 3);
    let count = |s| a.samples.split.iter().filter(|&&x| x == s).count();
    assert_eq!(
        (count(Split::Train), count(Split::Dev), count(Split::Test)),
        (21_378, 3_054, 6_108)
    );
    assert!(a.provenance.synthetic && a.provenance.notes.contains("SYNTHETIC"));
    let mut ids = a.samples.ids.clone();
    ids.sort();
    assert_eq!(ids, a.samples.ids, "rows are in sorted sample-id order");
    for set in &a.embeddings {
        assert_eq!(set.dim, 1024);
    }

    // C is exactly the token counts at the catalog prices.
    let tokens = a.tokens.as_ref().unwrap();
    let k = a.num_models();
    for (cell, &c) in a.cost.iter().enumerate() {
        let m = &a.models[cell % k];
        let input = tokens.input[cell / k] as f64 * m.price_input.unwrap();
        let output = tokens.output[cell] as f64 * m.price_output.unwrap();
        assert_eq!(c, ((input + output) / 1e6) as f32);
    }
    // Every sample has at least one image (256 tokens); thinking models write more.
    assert!(tokens.input.iter().all(|&t| t > 256));
    let mean_out = |id: &str| {
        let j = a.model_index(id).unwrap();
        (0..a.num_samples())
            .map(|i| tokens.output[i * k + j] as f64)
            .sum::<f64>()
    };
    assert!(mean_out("Kimi-VL-A3B-Thinking-2506") > 5.0 * mean_out("Qwen2.5-VL-72B-Instruct"));
}

/// Per-model correct counts from the data folders' READMEs.
const MATH_V: [(&str, usize); 15] = [
    ("Gemini-Pro", 537),
    ("Qwen-VL-Max", 474),
    ("InternLM-XComposer2-VL", 442),
    ("InternLM-XComposer2-VL-CoT", 437),
    ("Gemini-Pro-CoT", 436),
    ("SPHINX-MoE", 431),
    ("Qwen-VL-Max-CoT", 384),
    ("ShareGPT4V-13B", 361),
    ("LLaVA-v1.5-13B", 338),
    ("Qwen-VL-Plus", 326),
    ("ShareGPT4V-7B", 320),
    ("ChatGPT3.5-CoT (Text+Image Caption)", 296),
    ("SPHINX-v2", 295),
    ("LLaVA-v1.5-7B", 259),
    ("GPT4-CoT (Text Only)", 248),
];
const MATHVISTA: [(&str, usize); 21] = [
    ("bard", 348),
    ("gpt4_2shot_solution_use_ocr", 321),
    ("gpt4_2shot_solution", 292),
    ("chatgpt_2shot_code_use_ocr", 292),
    ("chatgpt_2shot_solution_use_ocr", 283),
    ("gpt4_2shot_code_use_ocr", 278),
    ("claude_2shot_solution_use_ocr", 274),
    ("chatgpt_2shot_solution", 268),
    ("claude", 264),
    ("gpt4", 261),
    ("llava_llama_2_13b", 261),
    ("gpt4_2shot_code", 260),
    ("instruct_blip2_vicuna_13b", 253),
    ("llavar", 252),
    ("chatgpt_2shot_code", 251),
    ("claude_2shot_solution", 244),
    ("llama_adapter_v2", 239),
    ("chatgpt", 235),
    ("minigpt4_llama2", 231),
    ("mplugowl_7b_ft", 222),
    ("idefics_9b_instruct", 198),
];

fn check_real(file: &str, dir: &str, expected: &[(&str, usize)], unsolved: usize, licence: &str) {
    let bytes = committed(file);
    let bench: Benchmark = bundle::decode(&bytes).unwrap();
    let fresh =
        bundle::encode(&load_dir(&repo().join(dir), &PackOptions::default()).unwrap()).unwrap();
    assert!(
        fresh == bytes,
        "public/bundles/{file} is stale: run scripts/make-bundles.sh"
    );
    assert!(!bench.provenance.synthetic);
    assert!(
        bench.provenance.licence.contains(licence),
        "{}",
        bench.provenance.licence
    );
    assert!(!bench.provenance.attribution.is_empty());
    assert_eq!(
        bench.num_models(),
        expected.len(),
        "baseline runs stay out of the pool"
    );
    for &(id, correct) in expected {
        let j = bench
            .model_index(id)
            .unwrap_or_else(|| panic!("{id} missing"));
        let got = (0..bench.num_samples())
            .filter(|&i| bench.correct(i, j))
            .count();
        assert_eq!(got, correct, "{id}");
        let m = &bench.models[j];
        assert!(
            m.price_input.is_some() && !m.price_basis.is_empty(),
            "{id} is priced"
        );
    }
    let none = (0..bench.num_samples())
        .filter(|&i| (0..bench.num_models()).all(|j| !bench.correct(i, j)))
        .count();
    assert_eq!(none, unsolved);
    assert!(bench.embedding_of(Modality::Text).is_some());
}

#[test]
fn real_bundles_match_their_readmes() {
    check_real("math-v.vlrb", "data/math-v", &MATH_V, 1094, "MIT");
    check_real(
        "mathvista.vlrb",
        "data/mathvista",
        &MATHVISTA,
        212,
        "CC BY-SA 4.0",
    );
}
