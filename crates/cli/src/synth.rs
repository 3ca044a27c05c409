//! `vlrb synth`: writes the synthetic demo benchmark in the official release layout, and the
//! `pack --compress-embeddings` step.

use std::path::Path;

use vlrb_core::Benchmark;
use vlrb_core::compress::compress_all;

/// Generates the synthetic benchmark for `seed` and writes it to `out` in the official layout.
pub fn run(out: &Path, seed: u64) -> Result<(), String> {
    let bench = vlrb_synth::generate(seed);
    vlrb_formats::official::write(&bench, out).map_err(|e| e.to_string())?;
    eprintln!(
        "wrote synthetic benchmark {} ({} samples x {} models, seed {seed}) to {}",
        bench.name,
        bench.num_samples(),
        bench.num_models(),
        out.display()
    );
    Ok(())
}

/// Replaces every embedding set by its `components`-dimensional projection fitted on the train
/// split (see `vlrb_core::compress`).
pub fn compress_embeddings(bench: &mut Benchmark, components: usize) {
    compress_all(bench, components);
    for set in &bench.embeddings {
        eprintln!(
            "compressed {} to {components} components (max abs error {:e})",
            set.name, set.max_abs_error
        );
    }
}
