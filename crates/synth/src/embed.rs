//! Synthetic text and vision embeddings: each row is a coefficient vector (a common offset, the
//! dataset's code, the sample's skills, difficulty and capacity factors, then 1,000 noise
//! coefficients whose standard deviation falls as a power law, k^-0.6) turned into 1,024 values by
//! a fixed random orthogonal transform (random signs, a permutation, a fast Walsh-Hadamard
//! transform, random signs), then L2-normalised like BGE-M3 and SigLIP outputs. The spectrum is
//! therefore power-law, not low-rank, and the two modalities share the latent factors but not the
//! noise.

use crate::rng::Rng;

/// Width of each embedding.
pub const DIM: usize = 1024;
/// Skills per sample.
pub const SKILLS: usize = 6;
/// Width of a dataset's code.
const DATASET_CODE: usize = 16;
/// First noise coefficient.
const NOISE_START: usize = 1 + DATASET_CODE + SKILLS + 2;

/// The latent factors of one sample that the embeddings see.
#[derive(Debug, Clone, Copy)]
pub struct Latent {
    /// Dataset index (paper order).
    pub dataset: usize,
    /// Difficulty shared by all models.
    pub difficulty: f64,
    /// Capacity factor: hard for small models, easy for large ones.
    pub capacity: f64,
    /// Skill demands.
    pub skills: [f64; SKILLS],
}

/// How strongly one modality sees each factor.
struct View {
    stream: u64,
    dataset: f64,
    skills: f64,
    difficulty: f64,
    capacity: f64,
    noise: f64,
}

const TEXT: View = View {
    stream: 101,
    dataset: 1.6,
    skills: 1.5,
    difficulty: 2.0,
    capacity: 1.2,
    noise: 1.0,
};
const VISION: View = View {
    stream: 202,
    dataset: 1.3,
    skills: 1.3,
    difficulty: 1.5,
    capacity: 1.8,
    noise: 1.0,
};

/// Text and vision embeddings (row-major N x 1024 each) of the samples' latents.
pub fn embeddings(seed: u64, latents: &[Latent], datasets: usize) -> (Vec<f32>, Vec<f32>) {
    (
        one_view(seed, latents, datasets, &TEXT),
        one_view(seed, latents, datasets, &VISION),
    )
}

fn one_view(seed: u64, latents: &[Latent], datasets: usize, view: &View) -> Vec<f32> {
    let mut rng = Rng::new(seed, view.stream);
    let codes: Vec<f64> = (0..datasets * DATASET_CODE).map(|_| rng.normal()).collect();
    let mixing: Vec<f64> = (0..SKILLS * SKILLS)
        .map(|_| rng.normal() / (SKILLS as f64).sqrt())
        .collect();
    let signs_in: Vec<f64> = (0..DIM).map(|_| sign(&mut rng)).collect();
    let signs_out: Vec<f64> = (0..DIM).map(|_| sign(&mut rng)).collect();
    let mut permutation: Vec<usize> = (0..DIM).collect();
    rng.shuffle(&mut permutation);
    let sigma: Vec<f64> = (0..DIM)
        .map(|k| {
            if k < NOISE_START {
                0.0
            } else {
                view.noise * libm::pow((k + 1 - NOISE_START) as f64, -0.6) * 3f64.sqrt()
            }
        })
        .collect();

    let mut out = Vec::with_capacity(latents.len() * DIM);
    let mut coef = vec![0.0f64; DIM];
    let mut x = vec![0.0f64; DIM];
    for latent in latents {
        coef[0] = 3.0;
        for t in 0..DATASET_CODE {
            coef[1 + t] = view.dataset * codes[latent.dataset * DATASET_CODE + t];
        }
        for s in 0..SKILLS {
            let mixed: f64 = (0..SKILLS)
                .map(|u| mixing[s * SKILLS + u] * latent.skills[u])
                .sum();
            coef[1 + DATASET_CODE + s] = view.skills * mixed;
        }
        coef[NOISE_START - 2] = view.difficulty * latent.difficulty;
        coef[NOISE_START - 1] = view.capacity * latent.capacity;
        for (k, c) in coef.iter_mut().enumerate().skip(NOISE_START) {
            *c = sigma[k] * (2.0 * rng.uniform() - 1.0);
        }
        for k in 0..DIM {
            x[permutation[k]] = signs_in[k] * coef[k];
        }
        hadamard(&mut x);
        let norm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
        out.extend(x.iter().zip(&signs_out).map(|(v, s)| (v * s / norm) as f32));
    }
    out
}

fn sign(rng: &mut Rng) -> f64 {
    if rng.next_u64() & 1 == 0 { 1.0 } else { -1.0 }
}

/// In-place fast Walsh-Hadamard transform (unnormalised; the rows are normalised afterwards).
fn hadamard(x: &mut [f64]) {
    let mut h = 1;
    while h < x.len() {
        for start in (0..x.len()).step_by(2 * h) {
            for i in start..start + h {
                let (a, b) = (x[i], x[i + h]);
                x[i] = a + b;
                x[i + h] = a - b;
            }
        }
        h *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hadamard_is_orthogonal_up_to_scale() {
        let mut x = vec![0.0; 8];
        x[3] = 1.0;
        hadamard(&mut x);
        assert!(x.iter().all(|v| v.abs() == 1.0));
        hadamard(&mut x);
        assert_eq!(x[3], 8.0);
    }

    #[test]
    fn rows_are_unit_length_and_datasets_cluster() {
        let latent = |dataset| Latent {
            dataset,
            difficulty: 0.0,
            capacity: 0.0,
            skills: [0.0; SKILLS],
        };
        let latents = [latent(0), latent(0), latent(1)];
        let (text, _) = embeddings(3, &latents, 2);
        let row = |i: usize| &text[i * DIM..(i + 1) * DIM];
        let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
        assert!((dot(row(0), row(0)) - 1.0).abs() < 1e-5);
        assert!(dot(row(0), row(1)) > dot(row(0), row(2)));
    }
}
