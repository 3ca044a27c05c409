//! The explorer's filters and search against plain loops over Y, C and the samples.

use std::sync::Arc;

use vlrb_core::metrics::Routing;
use vlrb_core::model::{Benchmark, BitMatrix, CostBounds, Model, Provenance, Samples, Split};
use vlrb_core::pool::Pool;
use vlrb_core::scenario::Scenario;

use super::*;
use crate::testing::toy_bench;

const N: usize = 400;
const K: usize = 5;

/// A benchmark of N samples x K models with pseudo-random Y (rows with no and every model right
/// included), C, splits and three datasets in two groups.
fn random_bench() -> Benchmark {
    let mut state = 0x2545_f491_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let splits = [Split::Test, Split::Test, Split::Train, Split::Dev];
    let datasets = ["MathVista_MINI", "OCRBench", "ChartQA_TEST"];
    let rows: Vec<(String, &str, Split)> = (0..N)
        .map(|i| {
            let d = datasets[(next() % 3) as usize];
            (format!("{d}/q{i:04}"), d, splits[(next() % 4) as usize])
        })
        .collect();
    let samples = Samples::from_rows(
        rows.iter().map(|(id, d, s)| (id.as_str(), *d, *s, "t")),
        |d| vlrb_core::catalog::group_of(d).to_owned(),
    );
    let mut y = Vec::new();
    for _ in 0..N {
        // A third of the rows share one value across the models.
        let mode = next() % 6;
        for _ in 0..K {
            y.push(match mode {
                0 => 0,
                1 => 1,
                _ => (next() % 2) as i8,
            });
        }
    }
    let cost: Vec<f32> = (0..N * K)
        .map(|_| (next() % 1000) as f32 * 1e-6 + 1e-6)
        .collect();
    let models = (0..K)
        .map(|j| Model {
            id: format!("m{j}"),
            name: format!("Model {j}"),
            price_input: None,
            price_output: None,
            price_basis: String::new(),
        })
        .collect();
    Benchmark {
        name: "random".into(),
        provenance: Provenance::default(),
        models,
        samples,
        quality: BitMatrix::from_values(N, K, &y).unwrap(),
        cost,
        bounds: CostBounds {
            cmin: 1e-4,
            cmax: 1e-3,
        },
        tokens: None,
        embeddings: Vec::new(),
        questions: None,
    }
}

fn query(split: SplitChoice, samples: SampleFilter, search: &str) -> Query {
    Query {
        split,
        filter: Filter::default(),
        samples,
        search: search.to_owned(),
    }
}

/// A routing of the test rows picking column `(i * step) % K`.
fn entry(bench: &Benchmark, name: &str, step: usize) -> Entry {
    let rows = bench.samples.rows_in(Split::Test);
    let picks = rows.iter().map(|&i| (i * step + 1) % K).collect();
    Entry::upload(name.to_owned(), Routing { rows, picks })
}

fn as_u32(rows: impl IntoIterator<Item = usize>) -> Vec<u32> {
    rows.into_iter().map(|i| i as u32).collect()
}

#[test]
fn correctness_filters_equal_plain_loops() {
    let bench = Arc::new(random_bench());
    let scenario = Arc::new(Scenario::published(bench.clone()));
    let explorer = Explorer::new(scenario, None).unwrap();
    let test = SplitChoice::One(Split::Test);
    let in_test = |i: usize| bench.samples.split[i] == Split::Test;
    let right = |i: usize| (0..K).filter(|&j| bench.correct(i, j)).count();
    let none: Vec<usize> = (0..N).filter(|&i| in_test(i) && right(i) == 0).collect();
    let every: Vec<usize> = (0..N).filter(|&i| in_test(i) && right(i) == K).collect();
    assert!(
        !none.is_empty() && !every.is_empty(),
        "the data has both kinds"
    );
    let select = |f| explorer.select(&query(test, f, ""), &[]);
    assert_eq!(select(SampleFilter::NoneCorrect), as_u32(none));
    assert_eq!(select(SampleFilter::AllCorrect), as_u32(every));
    assert_eq!(
        select(SampleFilter::All),
        as_u32(bench.samples.rows_in(Split::Test))
    );
    // Without two selected rows the comparison lists nothing.
    assert!(select(SampleFilter::SelectedWrongOtherRight).is_empty());
    for i in 0..N {
        assert_eq!(explorer.correct_count(i), right(i));
    }
}

#[test]
fn splits_and_board_filter() {
    let bench = Arc::new(random_bench());
    let scenario = Arc::new(Scenario::published(bench.clone()));
    let choices = SplitChoice::available(&scenario);
    let ids: Vec<&str> = choices.iter().map(|c| c.id()).collect();
    assert_eq!(ids, ["test", "train", "dev", "all"]);
    for c in &choices {
        assert_eq!(SplitChoice::parse(c.id()), Some(*c));
    }
    let explorer = Explorer::new(scenario, None).unwrap();
    let all = explorer.select(&query(SplitChoice::All, SampleFilter::All, ""), &[]);
    assert_eq!(all, as_u32(0..N));
    let train = SplitChoice::One(Split::Train);
    let mut q = query(train, SampleFilter::All, "");
    q.filter = Filter {
        group: Some("STEM".into()),
        dataset: None,
    };
    let expected = (0..N)
        .filter(|&i| bench.samples.split[i] == Split::Train && bench.samples.group_of(i) == "STEM");
    assert_eq!(explorer.select(&q, &[]), as_u32(expected));
}

#[test]
fn search_needs_every_word_in_any_case() {
    let bench = Arc::new(random_bench());
    let explorer = Explorer::new(Arc::new(Scenario::published(bench.clone())), None).unwrap();
    let search =
        |text: &str| explorer.select(&query(SplitChoice::All, SampleFilter::All, text), &[]);
    let plain = |words: &[&str]| {
        as_u32((0..N).filter(|&i| {
            let id = bench.samples.ids[i].to_lowercase();
            words.iter().all(|w| id.contains(w))
        }))
    };
    assert_eq!(search("ocrbench/Q01"), plain(&["ocrbench/q01"]));
    assert_eq!(search("  Q03  chart "), plain(&["q03", "chart"]));
    assert_eq!(search("   "), as_u32(0..N));
    assert!(search("no such sample").is_empty());
    let id = &bench.samples.ids[123];
    assert_eq!(search(id), vec![123]);
}

#[test]
fn search_covers_question_text() {
    let bench = Arc::new(random_bench());
    let scenario = Arc::new(Scenario::published(bench.clone()));
    let texts: Vec<String> = (0..N)
        .map(|i| format!("What is {} plus Seven?", i % 7))
        .collect();
    assert_eq!(
        Explorer::new(scenario.clone(), Some(&texts[1..])).unwrap_err(),
        QuestionsMismatch {
            texts: N - 1,
            samples: N
        }
    );
    let explorer = Explorer::new(scenario, Some(&texts)).unwrap();
    let search =
        |text: &str| explorer.select(&query(SplitChoice::All, SampleFilter::All, text), &[]);
    // Each word in the id or the text.
    let plain = |words: &[&str]| {
        as_u32((0..N).filter(|&i| {
            let (id, text) = (bench.samples.ids[i].to_lowercase(), texts[i].to_lowercase());
            words.iter().all(|w| id.contains(w) || text.contains(w))
        }))
    };
    let found = search("3 PLUS seven");
    assert_eq!(found, plain(&["3", "plus", "seven"]));
    assert!(found.iter().any(|&i| i % 7 == 3) && found.iter().any(|&i| i % 7 != 3));
    assert_eq!(search("WHAT 4"), plain(&["what", "4"]));
}

#[test]
fn selected_wrong_where_another_is_right() {
    let bench = Arc::new(random_bench());
    let explorer = Explorer::new(Arc::new(Scenario::published(bench.clone())), None).unwrap();
    let entries = [
        entry(&bench, "a", 1),
        entry(&bench, "b", 2),
        entry(&bench, "c", 3),
    ];
    let picks: Vec<RowPicks> = entries.iter().map(|e| RowPicks::of(e, N)).collect();
    let right = |e: &Entry, i: usize| {
        e.routing
            .pairs()
            .find(|&(r, _)| r == i)
            .map(|(_, j)| bench.correct(i, j))
    };
    let expected = as_u32((0..N).filter(|&i| {
        right(&entries[0], i) == Some(false)
            && (right(&entries[1], i) == Some(true) || right(&entries[2], i) == Some(true))
    }));
    assert!(!expected.is_empty());
    let q = query(SplitChoice::All, SampleFilter::SelectedWrongOtherRight, "");
    assert_eq!(explorer.select(&q, &picks), expected);
    // Alone, the first row has nothing to be compared with.
    assert!(explorer.select(&q, &picks[..1]).is_empty());
    // Picks exist on test rows only.
    for i in 0..N {
        let routed = bench.samples.split[i] == Split::Test;
        assert_eq!(picks[0].pick(i).is_some(), routed);
    }
}

#[test]
fn cells_and_oracle_follow_the_view() {
    let bench = Arc::new(toy_bench());
    let published = Explorer::new(Arc::new(Scenario::published(bench.clone())), None).unwrap();
    for i in 0..bench.num_samples() {
        assert_eq!(
            published.oracle(i),
            vlrb_core::baselines::oracle_pick(&bench, i)
        );
        for j in 0..bench.num_models() {
            let cell = published.cell(i, j);
            assert_eq!(cell.correct, bench.correct(i, j));
            assert_eq!(cell.cost, bench.cost[i * bench.num_models() + j]);
            assert!(cell.in_pool);
        }
    }
    // Without `cheap` (column 0), the Oracle picks the cheapest right model among `dear` and `mid`.
    let pool = Pool::from_columns(&bench, [1, 2]).unwrap();
    let view = Arc::new(Scenario::new(bench.clone(), pool, None).unwrap());
    let explorer = Explorer::new(view, None).unwrap();
    for i in 0..bench.num_samples() {
        let expected = if bench.correct(i, 2) { 2 } else { 1 };
        assert_eq!(explorer.oracle(i), expected, "row {i}");
        assert!(!explorer.cell(i, 0).in_pool);
        let right = [1, 2].iter().filter(|&&j| bench.correct(i, j)).count();
        assert_eq!(explorer.correct_count(i), right);
    }
    // Every pool model is right on rows 0..6 (`dear` always, `mid` there).
    let every = explorer.select(
        &query(SplitChoice::One(Split::Test), SampleFilter::AllCorrect, ""),
        &[],
    );
    assert_eq!(every, as_u32(0..6));
}

#[test]
fn filter_ids_round_trip() {
    for f in SampleFilter::ALL {
        assert_eq!(SampleFilter::parse(f.id()), Some(f));
    }
    assert_eq!(SampleFilter::parse("bogus"), None);
    assert_eq!(SplitChoice::parse("bogus"), None);
}
