//! Per-model per-dataset accuracies of the 17 official models on the 14 datasets, from the public
//! figures in `data/calibration_17x14.csv` (a copy of `shared/data/calibration/`), completed by a
//! stated rule.
//!
//! Rule (every completed cell is flagged `imputed`):
//! 1. A cell's figure is the mean of the figures listed in it, except HallusionBench question-level
//!    figures (`HB-aAcc`, kept out so that every row uses VLMEvalKit's "Overall") and the two OC
//!    MiMo-VL figures the calibration README flags as answer-parsing failures (MMStar 38.9,
//!    MMMU 26.4), which count as empty.
//! 2. An additive logit model `logit(acc) = mu + row_m + col_d` is fitted to the figures (alternating
//!    means, 100 rounds); an empty cell of a model with figures gets `sigmoid(mu + row_m + col_d)`.
//! 3. Janus-Pro-1B (no figures) takes Janus-Pro-7B's row effect minus 0.5 logit (a smaller sibling of
//!    the same family); Gemini-Flash-2.5 (no figures) takes GPT-4o's completed row minus 0.1 logit
//!    ("near GPT-4o", as the calibration README suggests).

use vlrb_core::catalog::{OFFICIAL_DATASETS, OFFICIAL_MODELS};

/// The source table (17 models x 14 datasets, figures with source tags).
pub const TABLE_CSV: &str = include_str!("../data/calibration_17x14.csv");

/// Number of models (rows) and datasets (columns).
const K: usize = 17;
const D: usize = 14;

/// Completed accuracy table in catalog order (models by sorted id, datasets in paper order).
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Accuracy as a fraction, `[model][dataset]`.
    pub accuracy: [[f64; D]; K],
    /// True where the figure was completed by the rule rather than quoted.
    pub imputed: [[bool; D]; K],
}

fn logit(p: f64) -> f64 {
    libm::log(p / (1.0 - p))
}

/// The logistic function.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-x))
}

/// Parses the table and completes it by the module's rule.
pub fn calibration() -> Calibration {
    let mut lines = TABLE_CSV.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let col_of: Vec<usize> = header[1..]
        .iter()
        .map(|name| {
            OFFICIAL_DATASETS
                .iter()
                .position(|d| d.name == *name)
                .unwrap_or_else(|| panic!("calibration column {name} is not an official dataset"))
        })
        .collect();
    let mut observed: [[Option<f64>; D]; K] = [[None; D]; K];
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split(',').collect();
        let m = OFFICIAL_MODELS
            .iter()
            .position(|c| c.name == cells[0])
            .unwrap_or_else(|| panic!("calibration row {} is not an official model", cells[0]));
        for (c, cell) in cells[1..].iter().enumerate() {
            let d = col_of[c];
            let flagged = cells[0] == "MiMo-VL-7B-RL" && matches!(d, 1 | 2);
            let figures: Vec<f64> = cell
                .split(';')
                .map(str::trim)
                .filter(|f| !f.is_empty() && !f.contains("HB-aAcc"))
                .filter_map(|f| f.split('[').next()?.trim().parse::<f64>().ok())
                .collect();
            if !flagged && !figures.is_empty() {
                observed[m][d] = Some(figures.iter().sum::<f64>() / figures.len() as f64 / 100.0);
            }
        }
    }

    let (mut mu, mut row, mut col) = (0.0f64, [0.0f64; K], [0.0f64; D]);
    let cells: Vec<(usize, usize, f64)> = (0..K)
        .flat_map(|m| (0..D).map(move |d| (m, d)))
        .filter_map(|(m, d)| observed[m][d].map(|p| (m, d, logit(p))))
        .collect();
    for _ in 0..100 {
        mu = cells
            .iter()
            .map(|&(m, d, y)| y - row[m] - col[d])
            .sum::<f64>()
            / cells.len() as f64;
        for (m, r) in row.iter_mut().enumerate() {
            let mine: Vec<f64> = cells
                .iter()
                .filter(|c| c.0 == m)
                .map(|&(_, d, y)| y - mu - col[d])
                .collect();
            if !mine.is_empty() {
                *r = mine.iter().sum::<f64>() / mine.len() as f64;
            }
        }
        for (d, c) in col.iter_mut().enumerate() {
            let mine: Vec<f64> = cells
                .iter()
                .filter(|c| c.1 == d)
                .map(|&(m, _, y)| y - mu - row[m])
                .collect();
            *c = mine.iter().sum::<f64>() / mine.len() as f64;
        }
    }
    let index = |name: &str| {
        OFFICIAL_MODELS
            .iter()
            .position(|m| m.name == name)
            .unwrap_or(0)
    };
    let (janus1, janus7) = (index("Janus-Pro-1B"), index("Janus-Pro-7B"));
    let (gemini, gpt4o) = (index("Gemini-Flash-2.5"), index("GPT-4o"));
    row[janus1] = row[janus7] - 0.5;

    let mut out = Calibration {
        accuracy: [[0.0; D]; K],
        imputed: [[false; D]; K],
    };
    for m in 0..K {
        for d in 0..D {
            out.accuracy[m][d] = match observed[m][d] {
                Some(p) => p,
                None => {
                    out.imputed[m][d] = true;
                    sigmoid(mu + row[m] + col[d])
                }
            };
        }
    }
    for d in 0..D {
        out.accuracy[gemini][d] = sigmoid(logit(out.accuracy[gpt4o][d]) - 0.1);
        out.imputed[gemini][d] = true;
    }
    out
}

impl Calibration {
    /// The table as Markdown (percent; imputed figures in italics), for documentation.
    pub fn markdown(&self) -> String {
        let mut s = String::from("| model |");
        for d in &OFFICIAL_DATASETS {
            s += &format!(" {} |", d.name);
        }
        s += "\n|---|";
        s += &"---:|".repeat(D);
        s += "\n";
        for (m, model) in OFFICIAL_MODELS.iter().enumerate() {
            s += &format!("| {} |", model.name);
            for d in 0..D {
                let v = 100.0 * self.accuracy[m][d];
                s += &if self.imputed[m][d] {
                    format!(" *{v:.1}* |")
                } else {
                    format!(" {v:.1} |")
                };
            }
            s += "\n";
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_cells_keep_their_figures_and_empty_rows_are_imputed() {
        let c = calibration();
        let q72 = OFFICIAL_MODELS
            .iter()
            .position(|m| m.id == "Qwen2.5-VL-72B-Instruct")
            .unwrap();
        // "87.8[OC]; 88[QW]" -> 87.9.
        assert!((c.accuracy[q72][0] - 0.879).abs() < 1e-12);
        assert!(!c.imputed[q72][0]);
        let janus1 = OFFICIAL_MODELS
            .iter()
            .position(|m| m.id == "Janus-Pro-1B")
            .unwrap();
        let janus7 = OFFICIAL_MODELS
            .iter()
            .position(|m| m.id == "Janus-Pro-7B")
            .unwrap();
        assert!(c.imputed[janus1].iter().all(|&x| x));
        assert!(c.accuracy[janus1][0] < c.accuracy[janus7][0]);
        let mimo = OFFICIAL_MODELS
            .iter()
            .position(|m| m.id == "MiMo-VL-7B-RL")
            .unwrap();
        assert!(c.imputed[mimo][1] && c.accuracy[mimo][1] > 0.389);
        for row in &c.accuracy {
            assert!(row.iter().all(|&p| p > 0.0 && p < 1.0));
        }
    }
}
