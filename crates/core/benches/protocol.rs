//! Scoring speed: parse + score a 6,108-row predictions file against a 30,540 x 17 benchmark, and
//! the five baselines on it. The benchmark is random but of the official shape (seeded); its
//! matrices and the predictions file are also written to `target/bench-protocol/` so that
//! `benches/eval_pandas.py` times the pandas way on the very same files in the same run.

#![allow(
    clippy::unwrap_used,
    reason = "a benchmark stops at a failed setup step, like a test"
)]

use npyz::WriterBuilder as _;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use vlrb_core::baselines::{Baseline, random_picks};
use vlrb_core::metrics::{Routing, evaluate};
use vlrb_core::model::{BitMatrix, CostBounds, Model, Provenance, Samples, Tokens};
use vlrb_core::pool::Pool;
use vlrb_core::predictions::{SampleIndex, parse_predictions, resolve, resolve_with, to_csv};
use vlrb_core::prices::{Price, Prices, token_cost};
use vlrb_core::scenario::Scenario;
use vlrb_core::{Benchmark, Split, catalog};

const N: usize = 30_540;

/// xorshift64*: a seeded stream of u64 for the benchmark's data.
struct Stream(u64);
impl Stream {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn official_shape_benchmark() -> Benchmark {
    let mut s = Stream(42);
    let k = catalog::OFFICIAL_MODELS.len();
    let ids: Vec<String> = (0..N)
        .map(|i| format!("{}/{i}", catalog::OFFICIAL_DATASETS[i % 14].id))
        .collect();
    // Exactly 21,378 / 3,054 / 6,108 rows, shuffled (Fisher-Yates).
    let mut splits: Vec<Split> = [
        (Split::Train, 21_378),
        (Split::Dev, 3_054),
        (Split::Test, 6_108),
    ]
    .iter()
    .flat_map(|&(split, n)| std::iter::repeat_n(split, n))
    .collect();
    for i in (1..N).rev() {
        splits.swap(i, (s.next() % (i as u64 + 1)) as usize);
    }
    let samples = Samples::from_rows(
        (0..N).map(|i| {
            let d = &catalog::OFFICIAL_DATASETS[i % 14];
            (ids[i].as_str(), d.id, splits[i], d.task)
        }),
        |d| catalog::group_of(d).to_owned(),
    );
    let values: Vec<i8> = (0..N * k).map(|_| (s.next() % 10 < 7) as i8).collect();
    let input: Vec<u32> = (0..N).map(|_| 300 + (s.next() % 700) as u32).collect();
    let output: Vec<u32> = (0..N * k).map(|_| 10 + (s.next() % 400) as u32).collect();
    let cost: Vec<f32> = (0..N * k)
        .map(|c| {
            let m = &catalog::OFFICIAL_MODELS[c % k];
            let price = Price {
                input: m.price_input,
                output: m.price_output,
            };
            token_cost(input[c / k], output[c], price)
        })
        .collect();
    let mut bench = Benchmark {
        name: "bench".into(),
        provenance: Provenance::default(),
        models: catalog::OFFICIAL_MODELS
            .iter()
            .map(|m| Model {
                id: m.id.into(),
                name: m.name.into(),
                price_input: Some(m.price_input),
                price_output: Some(m.price_output),
                price_basis: String::new(),
            })
            .collect(),
        samples,
        quality: BitMatrix::from_values(N, k, &values).unwrap(),
        cost,
        bounds: CostBounds {
            cmin: 1.0,
            cmax: 1.0,
        },
        tokens: Some(Tokens { input, output }),
        questions: None,
        embeddings: Vec::new(),
    };
    bench.bounds = bench.computed_bounds();
    bench
}

fn write_for_pandas(bench: &Benchmark, predictions_csv: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-protocol");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("predictions.csv"), predictions_csv).unwrap();
    let mut meta = String::from("sample_id,dataset,split\n");
    for i in 0..bench.num_samples() {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            bench.samples.ids[i].as_str(),
            bench.samples.dataset_of(i),
            bench.samples.split[i].as_str(),
        ])
        .unwrap();
        meta.push_str(std::str::from_utf8(&w.into_inner().unwrap()).unwrap());
    }
    std::fs::write(dir.join("meta.csv"), meta).unwrap();
    let models: Vec<&str> = bench.models.iter().map(|m| m.id.as_str()).collect();
    std::fs::write(dir.join("models.txt"), models.join("\n")).unwrap();
    let shape = [bench.num_samples() as u64, bench.num_models() as u64];
    let mut y = npyz::WriteOptions::new()
        .default_dtype()
        .shape(&shape)
        .writer(std::fs::File::create(dir.join("Y.npy")).unwrap())
        .begin_nd()
        .unwrap();
    y.extend(bench.quality.to_values()).unwrap();
    y.finish().unwrap();
    let mut c = npyz::WriteOptions::new()
        .default_dtype()
        .shape(&shape)
        .writer(std::fs::File::create(dir.join("C.npy")).unwrap())
        .begin_nd()
        .unwrap();
    c.extend(bench.cost.iter().copied()).unwrap();
    c.finish().unwrap();
    std::fs::write(
        dir.join("bounds.json"),
        format!(
            "{{\"cmin\": {}, \"cmax\": {}}}",
            bench.bounds.cmin, bench.bounds.cmax
        ),
    )
    .unwrap();
    dir
}

fn protocol(c: &mut Criterion) {
    let bench = official_shape_benchmark();
    let rows = bench.samples.rows_in(Split::Test);
    let picks = random_picks(bench.num_models(), rows.len(), 7);
    let routing = Routing { rows, picks };
    let csv = to_csv(&bench, &routing);
    let dir = write_for_pandas(&bench, &csv);
    eprintln!(
        "{} test rows; pandas inputs in {}",
        routing.rows.len(),
        dir.display()
    );
    c.bench_function("eval: parse + score 6,108-row CSV (30,540 x 17)", |b| {
        b.iter(|| {
            let parsed = parse_predictions(black_box(csv.as_bytes()), "p.csv").unwrap();
            let resolved = resolve(&bench, &parsed).unwrap();
            black_box(evaluate(&bench, &resolved.routing))
        })
    });
    // The browser (and pandas, whose id -> row Series is built once) index the benchmark once.
    let index = SampleIndex::new(&bench);
    c.bench_function(
        "eval: parse + score 6,108-row CSV, prebuilt sample index",
        |b| {
            b.iter(|| {
                let parsed = parse_predictions(black_box(csv.as_bytes()), "p.csv").unwrap();
                let resolved = resolve_with(&bench, &index, &parsed).unwrap();
                black_box(evaluate(&bench, &resolved.routing))
            })
        },
    );
    c.bench_function("eval, step 1: parse the 6,108-row CSV", |b| {
        b.iter(|| black_box(parse_predictions(black_box(csv.as_bytes()), "p.csv").unwrap()))
    });
    let parsed = parse_predictions(csv.as_bytes(), "p.csv").unwrap();
    c.bench_function("eval, step 2: resolve with the prebuilt index", |b| {
        b.iter(|| black_box(resolve_with(&bench, &index, black_box(&parsed)).unwrap()))
    });
    let resolved = resolve_with(&bench, &index, &parsed).unwrap();
    c.bench_function("eval, step 3: score (overall + per dataset)", |b| {
        b.iter(|| black_box(evaluate(&bench, black_box(&resolved.routing))))
    });
    c.bench_function("eval: build the sample index (30,540 ids)", |b| {
        b.iter(|| black_box(SampleIndex::new(black_box(&bench))))
    });
    c.bench_function("baselines: all five with per-dataset breakdown", |b| {
        b.iter(|| {
            for baseline in Baseline::ALL {
                black_box(evaluate(&bench, &baseline.route(black_box(&bench))));
            }
        })
    });
}

/// The web board after a pool or price change: a new scenario (bounds, Oracle), then every row
/// rescored with the optimality metrics: five baselines, every single model and ten routers.
fn what_if(c: &mut Criterion) {
    let bench = Arc::new(official_shape_benchmark());
    let k = bench.num_models();
    let rows = bench.samples.rows_in(Split::Test);
    let routers: Vec<Routing> = (0..10)
        .map(|seed| Routing {
            rows: rows.clone(),
            picks: random_picks(k, rows.len(), seed),
        })
        .collect();
    // The pool without the dearest model (GPT-4o, column 0).
    let pool = Pool::from_columns(&bench, 1..k).unwrap();
    let mut prices = Prices::published(&bench);
    prices.scale(0.5);
    let board = |scenario: &Scenario| {
        for baseline in Baseline::ALL {
            black_box(scenario.evaluate(&scenario.route(baseline)).unwrap());
        }
        for &j in scenario.pool().columns() {
            black_box(scenario.score(rows.iter().map(|&i| (i, j))).unwrap());
        }
        for routing in &routers {
            // Routers pick every model: under the pool they are marked, not scored.
            black_box(scenario.evaluate(routing).ok());
        }
    };
    c.bench_function(
        "what-if: pool change, new scenario (bounds + Oracle)",
        |b| b.iter(|| black_box(Scenario::new(bench.clone(), pool.clone(), None).unwrap())),
    );
    c.bench_function("what-if: price change, C from tokens + new scenario", |b| {
        b.iter(|| black_box(Scenario::new(bench.clone(), pool.clone(), Some(&prices)).unwrap()))
    });
    let scenario = Scenario::new(bench.clone(), pool.clone(), None).unwrap();
    c.bench_function(
        "what-if: rescore the board (5 baselines, 16 models, 10 routers)",
        |b| b.iter(|| board(black_box(&scenario))),
    );
    c.bench_function("what-if: pool change end to end (scenario + board)", |b| {
        b.iter(|| board(&Scenario::new(bench.clone(), pool.clone(), None).unwrap()))
    });
    let published = Scenario::published(bench.clone());
    c.bench_function(
        "what-if: score one routing with optimality (overall + per dataset)",
        |b| b.iter(|| black_box(published.evaluate(black_box(&routers[0])).unwrap())),
    );
}

criterion_group!(benches, protocol, what_if);
criterion_main!(benches);
