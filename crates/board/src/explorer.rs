//! The per-sample explorer's model, without a DOM: which samples of a view are listed for a split,
//! the board's filter, a correctness filter and a search, and what each of their cells shows
//! (every model's correctness and cost, the view's Oracle pick, the picks of board rows).
//!
//! Everything a filter reads per sample is computed once per view ([`Explorer::new`]): the number
//! of the pool's models answering it correctly and its lower-case search text. A filter is then one
//! pass over the samples.

use std::sync::Arc;

use vlrb_core::model::Split;
use vlrb_core::scenario::Scenario;

use crate::entries::Entry;
use crate::rows::Filter;

/// The splits the explorer can list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SplitChoice {
    /// One split.
    One(Split),
    /// Every sample.
    All,
}

impl SplitChoice {
    /// The choices a benchmark has: the test split first (the default), then the other splits it
    /// holds, then every sample.
    pub fn available(scenario: &Scenario) -> Vec<SplitChoice> {
        let present = &scenario.bench().samples.split;
        [Split::Test, Split::Train, Split::Dev, Split::Unknown]
            .into_iter()
            .filter(|s| present.contains(s))
            .map(SplitChoice::One)
            .chain([SplitChoice::All])
            .collect()
    }

    /// Stable id (the selector's option values): the split's name, or `all`.
    pub fn id(self) -> &'static str {
        match self {
            SplitChoice::One(s) => s.as_str(),
            SplitChoice::All => "all",
        }
    }

    /// The choice of an id written by [`SplitChoice::id`].
    pub fn parse(id: &str) -> Option<SplitChoice> {
        match id {
            "all" => Some(SplitChoice::All),
            "unknown" => Some(SplitChoice::One(Split::Unknown)),
            _ => match Split::parse(id) {
                Split::Unknown => None,
                s => Some(SplitChoice::One(s)),
            },
        }
    }

    /// Whether a sample of `split` is listed.
    pub fn keep(self, split: Split) -> bool {
        match self {
            SplitChoice::One(s) => s == split,
            SplitChoice::All => true,
        }
    }
}

/// Which samples are listed by their correctness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SampleFilter {
    /// Every sample.
    #[default]
    All,
    /// No model of the view's pool answers correctly.
    NoneCorrect,
    /// Every model of the view's pool answers correctly.
    AllCorrect,
    /// The first selected board row picks a wrong model and another selected row a right one.
    SelectedWrongOtherRight,
}

impl SampleFilter {
    /// Every filter, in the selector's order.
    pub const ALL: [SampleFilter; 4] = [
        SampleFilter::All,
        SampleFilter::NoneCorrect,
        SampleFilter::AllCorrect,
        SampleFilter::SelectedWrongOtherRight,
    ];

    /// Stable id (the selector's option values).
    pub fn id(self) -> &'static str {
        match self {
            SampleFilter::All => "all",
            SampleFilter::NoneCorrect => "none-correct",
            SampleFilter::AllCorrect => "all-correct",
            SampleFilter::SelectedWrongOtherRight => "selected-wrong",
        }
    }

    /// The filter of an id written by [`SampleFilter::id`].
    pub fn parse(id: &str) -> Option<SampleFilter> {
        SampleFilter::ALL.into_iter().find(|f| f.id() == id)
    }

    /// What the selector shows.
    pub fn label(self) -> &'static str {
        match self {
            SampleFilter::All => "All samples",
            SampleFilter::NoneCorrect => "No model correct",
            SampleFilter::AllCorrect => "Every model correct",
            SampleFilter::SelectedWrongOtherRight => {
                "First selected row wrong, another selected row right"
            }
        }
    }
}

/// A board row's pick of every sample it routes (its test samples), by sample row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowPicks {
    /// The entry's name.
    pub name: String,
    /// Picked column per sample row; `None` where the entry routes nothing.
    picks: Vec<Option<u32>>,
}

impl RowPicks {
    /// The picks of `entry` over a benchmark of `num_samples` rows.
    pub fn of(entry: &Entry, num_samples: usize) -> RowPicks {
        let mut picks = vec![None; num_samples];
        for (i, j) in entry.routing.pairs() {
            picks[i] = Some(j as u32);
        }
        RowPicks {
            name: entry.name.clone(),
            picks,
        }
    }

    /// The column picked for sample row `i`, if the entry routes it.
    pub fn pick(&self, i: usize) -> Option<usize> {
        self.picks[i].map(|j| j as usize)
    }
}

/// What the explorer lists: a split, the board's filter, a correctness filter and a search.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Query {
    /// The split.
    pub split: SplitChoice,
    /// The board's task group and dataset.
    pub filter: Filter,
    /// The correctness filter.
    pub samples: SampleFilter,
    /// Words that must all occur in the sample's id or question text (case-insensitive).
    pub search: String,
}

/// The question text does not cover the benchmark's samples.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the question text has {texts} entries for {samples} samples")]
pub struct QuestionsMismatch {
    /// Entries of the question text.
    pub texts: usize,
    /// Samples of the benchmark.
    pub samples: usize,
}

/// One sample and model: correctness, cost under the view, and whether the view's pool has it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// The model answers the sample correctly (Y).
    pub correct: bool,
    /// Its cost on the sample under the view's prices, USD (C).
    pub cost: f32,
    /// The model is in the view's pool.
    pub in_pool: bool,
}

/// The explorer's data for one view of a benchmark.
#[derive(Debug, Clone)]
pub struct Explorer {
    scenario: Arc<Scenario>,
    /// Models of the pool answering each sample correctly.
    correct: Vec<u32>,
    /// Lower-case id and question text of each sample.
    haystack: Vec<String>,
}

impl Explorer {
    /// The explorer of `scenario`; the search also covers `questions`, the samples' question text
    /// in row order, when the benchmark has it.
    pub fn new(
        scenario: Arc<Scenario>,
        questions: Option<&[String]>,
    ) -> Result<Explorer, QuestionsMismatch> {
        let bench = scenario.bench();
        let n = bench.num_samples();
        if let Some(q) = questions
            && q.len() != n
        {
            return Err(QuestionsMismatch {
                texts: q.len(),
                samples: n,
            });
        }
        let columns = scenario.pool().columns();
        let correct = (0..n)
            .map(|i| columns.iter().filter(|&&j| bench.correct(i, j)).count() as u32)
            .collect();
        let haystack = (0..n)
            .map(|i| {
                let id = bench.samples.ids[i].to_lowercase();
                match questions {
                    Some(q) => format!("{id}\n{}", q[i].to_lowercase()),
                    None => id,
                }
            })
            .collect();
        Ok(Explorer {
            scenario,
            correct,
            haystack,
        })
    }

    /// The view.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Models of the view's pool answering sample row `i` correctly.
    pub fn correct_count(&self, i: usize) -> usize {
        self.correct[i] as usize
    }

    /// Model `j` on sample row `i` under the view.
    pub fn cell(&self, i: usize, j: usize) -> Cell {
        let s = &self.scenario;
        Cell {
            correct: s.bench().correct(i, j),
            cost: s.cost_matrix()[i * s.bench().num_models() + j],
            in_pool: s.pool().contains(j),
        }
    }

    /// The view's Oracle pick of sample row `i` (the core's rule, within the pool).
    pub fn oracle(&self, i: usize) -> usize {
        self.scenario.oracle_pick(i)
    }

    /// The sample rows `query` lists, in row order. `selected` are the selected board rows'
    /// picks, in selection order (the first is the router the last filter asks about).
    pub fn select(&self, query: &Query, selected: &[RowPicks]) -> Vec<u32> {
        let bench = self.scenario.bench();
        let pool = self.scenario.pool().len();
        let terms: Vec<String> = query
            .search
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let picked_right = |p: &RowPicks, i: usize| p.pick(i).map(|j| bench.correct(i, j));
        let keep = |i: usize| {
            let by_correctness = match query.samples {
                SampleFilter::All => true,
                SampleFilter::NoneCorrect => self.correct[i] == 0,
                SampleFilter::AllCorrect => self.correct[i] as usize == pool,
                SampleFilter::SelectedWrongOtherRight => match selected.split_first() {
                    Some((first, others)) => {
                        picked_right(first, i) == Some(false)
                            && others.iter().any(|o| picked_right(o, i) == Some(true))
                    }
                    None => false,
                },
            };
            by_correctness
                && query.split.keep(bench.samples.split[i])
                && query.filter.keep(bench, i)
                && terms.iter().all(|t| self.haystack[i].contains(t.as_str()))
        };
        (0..bench.num_samples())
            .filter(|&i| keep(i))
            .map(|i| i as u32)
            .collect()
    }
}

#[cfg(test)]
mod tests;
