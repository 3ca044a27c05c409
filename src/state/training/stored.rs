//! Sandbox runs kept across reloads: each finished run's board row name and the settings that
//! rebuild its weights (the weights themselves are not stored: the worker retrains the chosen
//! setting on the CPU when they are downloaded again). Kept per benchmark in `localStorage`.

use vlrb_sandbox::StoredRun;

use crate::web;

/// Stored runs per benchmark, at most this many (the oldest go first).
const MAX_RUNS: usize = 50;

/// The storage key of a benchmark's stored runs.
fn key(bench: &str) -> String {
    format!("vlrb-sandbox-runs:{bench}")
}

/// The benchmark's stored runs (none when nothing or something unreadable is stored).
pub fn load(bench: &str) -> Vec<StoredRun> {
    web::storage_get(&key(bench))
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Adds (or replaces, by row name) a run to the benchmark's stored runs; gives the new list, or
/// why it could not be stored (quota).
pub fn remember(bench: &str, run: StoredRun) -> Result<Vec<StoredRun>, String> {
    let mut runs = load(bench);
    runs.retain(|r| r.entry != run.entry);
    runs.push(run);
    let excess = runs.len().saturating_sub(MAX_RUNS);
    runs.drain(..excess);
    let text = serde_json::to_string(&runs)
        .map_err(|e| format!("cannot serialise the sandbox runs for storage: {e}"))?;
    web::storage_set(&key(bench), Some(&text)).map_err(|e| e.to_string())?;
    Ok(runs)
}
