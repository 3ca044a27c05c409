//! A small benchmark for the tests: 2 datasets in 2 groups, 3 models, 8 test and 2 train samples.

use vlrb_core::model::{Benchmark, BitMatrix, CostBounds, Model, Provenance, Samples, Split};

/// Columns (sorted ids): `cheap` right on even rows at 1e-5, `dear` always right at 1e-3, `mid`
/// right on rows 0..6 at 1e-4 (USD per sample). Rows 0..5 are MathVista (STEM), 5..10 OCRBench.
pub fn toy_bench() -> Benchmark {
    let rows: Vec<(String, &str, Split)> = (0..10)
        .map(|i| {
            let dataset = if i < 5 { "MathVista_MINI" } else { "OCRBench" };
            let split = if i < 8 { Split::Test } else { Split::Train };
            (format!("{dataset}/{i}"), dataset, split)
        })
        .collect();
    let samples = Samples::from_rows(
        rows.iter().map(|(id, d, s)| (id.as_str(), *d, *s, "t")),
        |d| vlrb_core::catalog::group_of(d).to_owned(),
    );
    let mut y = Vec::new();
    let mut c = Vec::new();
    for i in 0..10 {
        y.extend([(i % 2 == 0) as i8, 1, (i < 6) as i8]);
        c.extend([1e-5f32, 1e-3, 1e-4]);
    }
    let model = |id: &str, name: &str| Model {
        id: id.into(),
        name: name.into(),
        price_input: None,
        price_output: None,
        price_basis: String::new(),
    };
    Benchmark {
        name: "toy".into(),
        provenance: Provenance::default(),
        models: vec![
            model("cheap", "Cheap-1B"),
            model("dear", "Dear-XL"),
            model("mid", "Mid-7B"),
        ],
        samples,
        quality: BitMatrix::from_values(10, 3, &y).unwrap(),
        cost: c,
        bounds: CostBounds {
            cmin: 1e-5,
            cmax: 1e-3,
        },
        tokens: None,
        questions: None,
        embeddings: Vec::new(),
    }
}
