//! Model prices and the cost matrix they imply: C_ij = (in_i * p_in_j + out_ij * p_out_j) / 1e6,
//! computed in f64 and stored as f32. The packer (`vlrb pack`) and the what-if price editor share
//! [`token_cost`], so a recomputed C equals the packed one bit for bit.

use serde::{Deserialize, Serialize};

use crate::model::{Benchmark, Tokens};

/// A model's prices, USD per 1M tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// USD per 1M input tokens.
    pub input: f64,
    /// USD per 1M output tokens.
    pub output: f64,
}

impl Price {
    /// Whether both prices are finite and non-negative.
    pub fn is_valid(self) -> bool {
        [self.input, self.output]
            .iter()
            .all(|p| p.is_finite() && *p >= 0.0)
    }
}

/// The cost of one (sample, model) pair, USD: `(input * p_in + output * p_out) / 1e6` in f64,
/// rounded to f32 (the storage type of C).
#[inline]
pub fn token_cost(input_tokens: u32, output_tokens: u32, price: Price) -> f32 {
    ((input_tokens as f64 * price.input + output_tokens as f64 * price.output) / 1e6) as f32
}

/// Why prices could not be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PriceError {
    /// The bundle ships C without the token counts behind it.
    #[error(
        "benchmark {bench} has no token counts, so its costs cannot be recomputed under other \
         prices (its cost matrix was shipped without the tokens behind it)"
    )]
    NoTokens {
        /// Benchmark name.
        bench: String,
    },
    /// A model has no price, neither in the bundle nor among the edits.
    #[error("model {model} has no price: give its input and output price (USD per 1M tokens)")]
    Unpriced {
        /// Model id.
        model: String,
    },
    /// A price is negative or not a number.
    #[error(
        "price of model {model} is {input} / {output} USD per 1M tokens (input / output), \
         expected finite non-negative numbers"
    )]
    Invalid {
        /// Model id.
        model: String,
        /// The input price given.
        input: f64,
        /// The output price given.
        output: f64,
    },
    /// A price edit names a model the benchmark does not have.
    #[error("unknown model(s) in prices: {}", .names.join(", "))]
    UnknownModels {
        /// The unknown ids or names, as written.
        names: Vec<String>,
    },
}

/// One price per model column: the bundle's, possibly edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prices {
    per_model: Vec<Option<Price>>,
}

impl Prices {
    /// The bundle's prices (`None` for a model whose price is unknown).
    pub fn published(bench: &Benchmark) -> Prices {
        Prices {
            per_model: bench
                .models
                .iter()
                .map(|m| match (m.price_input, m.price_output) {
                    (Some(input), Some(output)) => Some(Price { input, output }),
                    _ => None,
                })
                .collect(),
        }
    }

    /// The price of column `j`, if known.
    pub fn get(&self, j: usize) -> Option<Price> {
        self.per_model.get(j).copied().flatten()
    }

    /// Sets the price of column `j` of `bench`; a negative or non-finite price is an error naming
    /// the model.
    pub fn set(&mut self, bench: &Benchmark, j: usize, price: Price) -> Result<(), PriceError> {
        if !price.is_valid() {
            return Err(PriceError::Invalid {
                model: bench
                    .models
                    .get(j)
                    .map_or_else(String::new, |m| m.id.clone()),
                input: price.input,
                output: price.output,
            });
        }
        if let Some(slot) = self.per_model.get_mut(j) {
            *slot = Some(price);
        }
        Ok(())
    }

    /// Applies edits keyed by model id or display name (ids first); unknown keys are one error
    /// naming all of them, and nothing is changed.
    pub fn edit<'a>(
        &mut self,
        bench: &Benchmark,
        edits: impl IntoIterator<Item = (&'a str, Price)>,
    ) -> Result<(), PriceError> {
        let mut resolved = Vec::new();
        let mut unknown = Vec::new();
        for (key, price) in edits {
            match bench.model_index(key) {
                Some(j) => resolved.push((j, price)),
                None => unknown.push(key.to_owned()),
            }
        }
        if !unknown.is_empty() {
            return Err(PriceError::UnknownModels { names: unknown });
        }
        let mut edited = self.clone();
        for (j, price) in resolved {
            edited.set(bench, j, price)?;
        }
        *self = edited;
        Ok(())
    }

    /// Multiplies every known price (input and output) by `factor`.
    pub fn scale(&mut self, factor: f64) {
        for price in self.per_model.iter_mut().flatten() {
            price.input *= factor;
            price.output *= factor;
        }
    }

    /// The cost matrix (N x K, row-major) these prices give with `bench`'s token counts, cell by
    /// cell with [`token_cost`].
    pub fn cost_matrix(&self, bench: &Benchmark) -> Result<Vec<f32>, PriceError> {
        let Some(Tokens { input, output }) = &bench.tokens else {
            return Err(PriceError::NoTokens {
                bench: bench.name.clone(),
            });
        };
        let k = bench.num_models();
        let mut prices = Vec::with_capacity(k);
        for (j, model) in bench.models.iter().enumerate() {
            let price = self.get(j).ok_or_else(|| PriceError::Unpriced {
                model: model.id.clone(),
            })?;
            if !price.is_valid() {
                return Err(PriceError::Invalid {
                    model: model.id.clone(),
                    input: price.input,
                    output: price.output,
                });
            }
            prices.push(price);
        }
        Ok(output
            .iter()
            .enumerate()
            .map(|(cell, &out)| token_cost(input[cell / k], out, prices[cell % k]))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_cost_is_f64_then_f32() {
        let price = Price {
            input: 2.5,
            output: 10.0,
        };
        let expected = ((1234.0f64 * 2.5 + 56.0 * 10.0) / 1e6) as f32;
        assert_eq!(token_cost(1234, 56, price), expected);
        assert_eq!(token_cost(0, 0, price), 0.0);
    }

    #[test]
    fn invalid_prices_are_rejected() {
        assert!(
            !Price {
                input: -1.0,
                output: 0.0
            }
            .is_valid()
        );
        assert!(
            !Price {
                input: f64::NAN,
                output: 0.0
            }
            .is_valid()
        );
        assert!(
            Price {
                input: 0.0,
                output: 0.0
            }
            .is_valid()
        );
    }
}
