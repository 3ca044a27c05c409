//! Paired, seeded bootstrap over test samples: 95% intervals for Average Accuracy and Rank Score of
//! several routings at once, and which routings are statistically tied with the leader.
//!
//! Every replicate draws one multiset of the scored rows (with replacement) and scores *all* routings
//! on it (paired), so differences between routings are judged on the same resampled questions. Rank
//! Scores of a replicate use the benchmark's global cost bounds, like every other number. The random
//! stream is SplitMix64 from a fixed seed: the same inputs give the same intervals everywhere
//! (natively and in the browser).

use crate::error::{Error, Result};
use crate::metrics::{Routing, rank_score};
use crate::model::Benchmark;

/// Resamples used by the leaderboard.
pub const DEFAULT_RESAMPLES: usize = 1000;
/// Seed used by the leaderboard.
pub const DEFAULT_SEED: u64 = 42;
/// Coverage of the intervals (two-sided, percentile method).
pub const LEVEL: f64 = 0.95;

/// A two-sided percentile interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower end (the 2.5th percentile of the replicates).
    pub low: f64,
    /// Upper end (the 97.5th percentile of the replicates).
    pub high: f64,
}

impl Interval {
    /// Whether `x` lies within the interval (ends included).
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// The bootstrap figures of one routing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntryInterval {
    /// 95% interval of Average Accuracy (fraction).
    pub accuracy: Interval,
    /// 95% interval of Rank Score (fraction).
    pub rank_score: Interval,
    /// True when the 95% interval of the paired Rank Score difference to the leader contains 0
    /// (the leader itself is tied with itself).
    pub tied_with_leader: bool,
}

/// The result for a set of routings, in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct Bootstrap {
    /// Index of the leader: the contender with the highest Rank Score on the scored rows (lowest
    /// index on ties); `None` when there is no contender.
    pub leader: Option<usize>,
    /// Per-routing intervals.
    pub entries: Vec<EntryInterval>,
    /// Resamples drawn.
    pub resamples: usize,
}

/// SplitMix64: a tiny, well-mixed, portable generator.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (multiply-shift; the bias is below 2^-40 for any n of a benchmark).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
}

/// The `q`-quantile of sorted values, linear interpolation between order statistics (numpy's default).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

fn interval(mut values: Vec<f64>) -> Interval {
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - LEVEL) / 2.0;
    Interval {
        low: quantile(&values, tail),
        high: quantile(&values, 1.0 - tail),
    }
}

/// Bootstraps `routings` (which must all route the same rows in the same order) over the rows that
/// satisfy `keep`. `contenders[r]` says whether routing `r` may lead (e.g. false for the Oracle, an
/// upper bound rather than a router). `resamples` replicates are drawn from `seed`.
pub fn paired_bootstrap(
    bench: &Benchmark,
    routings: &[&Routing],
    keep: impl Fn(usize) -> bool,
    contenders: &[bool],
    resamples: usize,
    seed: u64,
) -> Result<Bootstrap> {
    let mut run = PairedBootstrap::new(bench, routings, keep, contenders, resamples, seed)?;
    run.step(resamples);
    Ok(run.finish())
}

/// A paired bootstrap that can run in slices (so a page stays responsive between them); the
/// result does not depend on how the replicates are sliced.
#[derive(Debug, Clone)]
pub struct PairedBootstrap {
    /// Per routing: correctness (0/1) and cost of each kept row.
    outcomes: Vec<(Vec<f64>, Vec<f64>)>,
    bounds: crate::model::CostBounds,
    leader: Option<usize>,
    rng: SplitMix64,
    weights: Vec<f64>,
    resamples: usize,
    accuracy: Vec<Vec<f64>>,
    rank: Vec<Vec<f64>>,
}

impl PairedBootstrap {
    /// Checks the inputs, gathers each routing's outcomes on the kept rows and picks the leader.
    /// Arguments as for [`paired_bootstrap`].
    pub fn new(
        bench: &Benchmark,
        routings: &[&Routing],
        keep: impl Fn(usize) -> bool,
        contenders: &[bool],
        resamples: usize,
        seed: u64,
    ) -> Result<PairedBootstrap> {
        if contenders.len() != routings.len() {
            return Err(Error::Shape(format!(
                "{} contender flags for {} routings",
                contenders.len(),
                routings.len()
            )));
        }
        let rows: &[usize] = routings.first().map_or(&[], |r| &r.rows);
        for (r, routing) in routings.iter().enumerate() {
            if routing.rows != rows || routing.picks.len() != routing.rows.len() {
                return Err(Error::Shape(format!(
                    "routing {r} does not score the same rows as routing 0"
                )));
            }
        }
        let positions: Vec<usize> = (0..rows.len()).filter(|&p| keep(rows[p])).collect();
        let outcomes: Vec<(Vec<f64>, Vec<f64>)> = routings
            .iter()
            .map(|routing| {
                positions
                    .iter()
                    .map(|&p| {
                        let (i, j) = (routing.rows[p], routing.picks[p]);
                        (bench.correct(i, j) as u8 as f64, bench.cost(i, j))
                    })
                    .unzip()
            })
            .collect();
        let m = positions.len() as f64;
        let point: Vec<f64> = outcomes
            .iter()
            .map(|(c, k)| score(c.iter().sum(), k.iter().sum(), m, bench.bounds).1)
            .collect();
        let leader =
            (0..routings.len())
                .filter(|&r| contenders[r])
                .fold(None, |best: Option<usize>, r| match best {
                    Some(b) if point[b] >= point[r] => Some(b),
                    _ => Some(r),
                });
        Ok(PairedBootstrap {
            bounds: bench.bounds,
            leader,
            rng: SplitMix64(seed),
            weights: vec![0.0; positions.len()],
            resamples,
            accuracy: vec![Vec::with_capacity(resamples); routings.len()],
            rank: vec![Vec::with_capacity(resamples); routings.len()],
            outcomes,
        })
    }

    /// Replicates drawn so far.
    pub fn done(&self) -> usize {
        self.accuracy.first().map_or(self.resamples, Vec::len)
    }

    /// Draws up to `count` more replicates; true once all `resamples` are drawn.
    pub fn step(&mut self, count: usize) -> bool {
        let m = self.weights.len();
        let todo = self.resamples.saturating_sub(self.done()).min(count);
        for _ in 0..todo {
            self.weights.iter_mut().for_each(|w| *w = 0.0);
            for _ in 0..m {
                self.weights[self.rng.below(m)] += 1.0;
            }
            for (r, (correct, cost)) in self.outcomes.iter().enumerate() {
                let c: f64 = self.weights.iter().zip(correct).map(|(w, x)| w * x).sum();
                let k: f64 = self.weights.iter().zip(cost).map(|(w, x)| w * x).sum();
                let (acc, rs) = score(c, k, m as f64, self.bounds);
                self.accuracy[r].push(acc);
                self.rank[r].push(rs);
            }
        }
        self.done() >= self.resamples
    }

    /// The intervals and ties from the replicates drawn.
    pub fn finish(self) -> Bootstrap {
        let leader = self.leader;
        let rank = &self.rank;
        let entries = (0..self.outcomes.len())
            .map(|r| {
                let tied_with_leader = leader.is_some_and(|l| {
                    l == r || {
                        let diffs = rank[l].iter().zip(&rank[r]).map(|(a, b)| a - b).collect();
                        interval(diffs).contains(0.0)
                    }
                });
                EntryInterval {
                    accuracy: interval(self.accuracy[r].clone()),
                    rank_score: interval(rank[r].clone()),
                    tied_with_leader,
                }
            })
            .collect();
        Bootstrap {
            leader,
            entries,
            resamples: self.done(),
        }
    }
}

/// Accuracy and Rank Score of `correct` right answers costing `cost` in total over `n` samples.
fn score(correct: f64, cost: f64, n: f64, bounds: crate::model::CostBounds) -> (f64, f64) {
    let (acc, avg) = if n == 0.0 {
        (0.0, 0.0)
    } else {
        (correct / n, cost / n)
    };
    (acc, rank_score(acc, avg, bounds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BitMatrix, CostBounds, Model, Provenance, Samples, Split};

    /// 400 test samples, 3 models: model 0 always right and dear, model 1 right on 3 of 4 samples
    /// and cheap, model 2 right on half and cheap.
    fn bench() -> Benchmark {
        let n = 400;
        let ids: Vec<String> = (0..n).map(|i| format!("D/{i}")).collect();
        let samples = Samples::from_rows(
            ids.iter().map(|id| (id.as_str(), "D", Split::Test, "t")),
            |_| "G".to_owned(),
        );
        let mut y = Vec::new();
        let mut c = Vec::new();
        for i in 0..n {
            y.extend([1, (i % 4 != 0) as i8, (i % 2 == 0) as i8]);
            c.extend([1e-3f32, 1e-5, 1e-5]);
        }
        let model = |id: &str| Model {
            id: id.into(),
            name: id.into(),
            price_input: None,
            price_output: None,
            price_basis: String::new(),
        };
        Benchmark {
            name: "toy".into(),
            provenance: Provenance::default(),
            models: vec![model("a"), model("b"), model("c")],
            samples,
            quality: BitMatrix::from_values(n, 3, &y).unwrap(),
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

    fn constant(n: usize, j: usize) -> Routing {
        Routing {
            rows: (0..n).collect(),
            picks: vec![j; n],
        }
    }

    #[test]
    fn intervals_are_seeded_and_cover_the_estimate() {
        let b = bench();
        let (r0, r1, r2) = (constant(400, 0), constant(400, 1), constant(400, 2));
        let routings = [&r0, &r1, &r2];
        let run = |seed| paired_bootstrap(&b, &routings, |_| true, &[true; 3], 300, seed).unwrap();
        let (x, y) = (run(7), run(7));
        assert_eq!(x, y);
        assert_ne!(x, run(8));
        let acc1 = x.entries[1].accuracy;
        assert!(
            acc1.contains(0.75) && acc1.low > 0.68 && acc1.high < 0.82,
            "{acc1:?}"
        );
        // Model 0 is always right: a degenerate interval at 1.
        assert_eq!(
            x.entries[0].accuracy,
            Interval {
                low: 1.0,
                high: 1.0
            }
        );
    }

    #[test]
    fn leader_and_ties() {
        let b = bench();
        let (r0, r1, r1b, r2) = (
            constant(400, 0),
            constant(400, 1),
            constant(400, 1),
            constant(400, 2),
        );
        let routings = [&r0, &r1, &r1b, &r2];
        // Model 0 sits at cmax: Rank Score 0, so model 1 leads; its twin ties; model 2 does not.
        let out = paired_bootstrap(&b, &routings, |_| true, &[true; 4], 300, 1).unwrap();
        assert_eq!(out.leader, Some(1));
        let ties: Vec<bool> = out.entries.iter().map(|e| e.tied_with_leader).collect();
        assert_eq!(ties, vec![false, true, true, false]);
        // Non-contenders never lead.
        let out =
            paired_bootstrap(&b, &routings, |_| true, &[true, false, false, true], 100, 1).unwrap();
        assert_eq!(out.leader, Some(3));
    }

    #[test]
    fn slicing_does_not_change_the_result() {
        let b = bench();
        let (r0, r1, r2) = (constant(400, 0), constant(400, 1), constant(400, 2));
        let routings = [&r0, &r1, &r2];
        let whole = paired_bootstrap(&b, &routings, |_| true, &[true; 3], 120, 3).unwrap();
        let mut sliced = PairedBootstrap::new(&b, &routings, |_| true, &[true; 3], 120, 3).unwrap();
        let mut steps = 0;
        while !sliced.step(25) {
            steps += 1;
        }
        assert_eq!((steps, sliced.done()), (4, 120));
        assert!(sliced.step(10), "nothing left to draw");
        assert_eq!(sliced.finish(), whole);
    }

    #[test]
    fn subsets_and_errors() {
        let b = bench();
        let r1 = constant(400, 1);
        // On rows i % 4 == 0 model 1 is always wrong.
        let out = paired_bootstrap(&b, &[&r1], |i| i % 4 == 0, &[true], 50, 1).unwrap();
        assert_eq!(
            out.entries[0].accuracy,
            Interval {
                low: 0.0,
                high: 0.0
            }
        );
        let short = constant(10, 1);
        assert!(paired_bootstrap(&b, &[&r1, &short], |_| true, &[true; 2], 10, 1).is_err());
        assert!(paired_bootstrap(&b, &[&r1], |_| true, &[], 10, 1).is_err());
        let empty = paired_bootstrap(&b, &[], |_| true, &[], 10, 1).unwrap();
        assert_eq!(empty.leader, None);
    }
}
