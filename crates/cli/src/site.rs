//! `vlrb snapshot`: the board a published site's first visit paints before its bundle is in,
//! scored from the site's own files as the page scores them (`vlrb_board::site`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use vlrb_board::site::{
    BENCH_INDEX, BenchInfo, SUBMISSIONS_MANIFEST, SubmissionInfo, published_snapshot,
    score_submissions, served,
};
use vlrb_core::predictions::SampleIndex;

/// Arguments of `vlrb snapshot`.
#[derive(Args)]
pub struct SnapshotArgs {
    /// A built site (scripts/build-site.sh): its bundles/index.json, bundles and
    /// submissions/index.json with the files it lists.
    site: PathBuf,
    /// The benchmark (default: the first the site lists, the one its front page opens).
    #[arg(long)]
    bench: Option<String>,
}

/// `vlrb snapshot`: prints the snapshot's JSON (the page's `BoardSnapshot`) on stdout.
pub fn snapshot(args: SnapshotArgs) -> Result<(), String> {
    let site = &args.site;
    let list: Vec<BenchInfo> = read_json(site, BENCH_INDEX)?;
    let info = served(&list, args.bench.as_deref()).ok_or_else(|| {
        format!(
            "{}: no benchmark {} (listed: {})",
            site.join(BENCH_INDEX).display(),
            args.bench.as_deref().unwrap_or("at all"),
            list.iter()
                .map(|b| b.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let bundle = site.join("bundles").join(&info.file);
    let (bench, sha256) = crate::load(&bundle)?;
    info.check_holds(&bench.name)
        .map_err(|e| format!("{}: {e}", site.display()))?;
    let listed: Vec<SubmissionInfo> = if site.join(SUBMISSIONS_MANIFEST).exists() {
        read_json(site, SUBMISSIONS_MANIFEST)?
    } else {
        Vec::new()
    };
    let files = listed
        .into_iter()
        .filter(|s| s.bench == info.name)
        .map(|s| {
            let path = site.join(&s.file);
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => Ok(Some(text)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(format!("cannot read {}: {e}", path.display())),
            };
            (s, text)
        })
        .collect();
    let index = SampleIndex::new(&bench);
    let (entries, errors) = score_submissions(&bench, &index, files);
    // The page would show such a board without these rows and say why: a site is not built so.
    if !errors.is_empty() {
        return Err(format!(
            "{}: {}",
            site.join(SUBMISSIONS_MANIFEST).display(),
            errors.join("; ")
        ));
    }
    let snapshot = published_snapshot(Arc::new(bench), &sha256, info, entries);
    let text = snapshot
        .to_json()
        .map_err(|e| format!("cannot write the snapshot: {e}"))?;
    println!("{text}");
    eprintln!(
        "snapshot of {} ({}): {} rows",
        info.name,
        info.file,
        snapshot.board.rows.len()
    );
    Ok(())
}

/// Reads `site/relative` as JSON of type `T`, naming the file on failure.
fn read_json<T: serde::de::DeserializeOwned>(site: &Path, relative: &str) -> Result<T, String> {
    let path = site.join(relative);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is malformed: {e}", path.display()))
}
