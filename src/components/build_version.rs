//! The footer's build line: the commit and build time from `version.json` (written by
//! `scripts/build-site.sh`), or "development build" for a plain `trunk build`, whose
//! `version.json` (`www/version.json`) names neither.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;

use crate::web;

/// The build's version file, relative to the page (so it works under any sub-path).
const VERSION: &str = "version.json";

/// What a site's `version.json` says about its build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Build {
    /// A published build (`scripts/build-site.sh`).
    Release {
        /// The git commit it was built from.
        commit: String,
        /// When it was built (UTC, ISO 8601, as written).
        built_at: String,
    },
    /// A development build: no `version.json`, or one that names no commit.
    Development,
}

/// The fields of `version.json`; a development build's file has them null.
#[derive(Debug, Deserialize)]
struct VersionFile {
    commit: Option<String>,
    built_at: Option<String>,
}

/// Why the build could not be told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// `version.json` is not the expected JSON.
    #[error("{VERSION} is malformed: {0}")]
    Malformed(String),
    /// It names a commit without a build time, or the reverse.
    #[error("{VERSION} names a commit or a build time, not both")]
    Incomplete,
    /// It could not be fetched.
    #[error(transparent)]
    Fetch(#[from] web::WebError),
}

impl Build {
    /// Reads `version.json`'s text (`None` when the site has none).
    pub fn parse(text: Option<&str>) -> Result<Build, BuildError> {
        let Some(text) = text else {
            return Ok(Build::Development);
        };
        let file: VersionFile =
            serde_json::from_str(text).map_err(|e| BuildError::Malformed(e.to_string()))?;
        match (file.commit, file.built_at) {
            (Some(commit), Some(built_at)) if !commit.is_empty() && !built_at.is_empty() => {
                Ok(Build::Release { commit, built_at })
            }
            (None, None) => Ok(Build::Development),
            _ => Err(BuildError::Incomplete),
        }
    }
}

/// The build line (`#build-version`): fetched once, after the page has started.
#[component]
pub fn BuildVersion() -> impl IntoView {
    let build = RwSignal::new(None::<Result<Build, BuildError>>);
    spawn_local(async move {
        let text = web::fetch_text_optional(VERSION).await;
        build.set(Some(
            text.map_err(BuildError::from)
                .and_then(|text| Build::parse(text.as_deref())),
        ));
    });
    move || match build.get() {
        None => {
            view! { <span id="build-version" data-build="loading">"Build: …"</span> }.into_any()
        }
        Some(Ok(Build::Release { commit, built_at })) => {
            let short: String = commit.chars().take(12).collect();
            let full = commit.clone();
            let datetime = built_at.clone();
            view! {
                <span id="build-version" data-build="release" data-commit=full>
                    "Build " <code title=commit>{short}</code> ", built "
                    <time datetime=datetime>{built_at}</time>
                </span>
            }
            .into_any()
        }
        Some(Ok(Build::Development)) => {
            view! { <span id="build-version" data-build="development">"development build"</span> }
                .into_any()
        }
        Some(Err(e)) => view! {
            <span id="build-version" data-build="unknown">"Build unknown: " {e.to_string()}</span>
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Build, BuildError};
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn reads_release_development_and_bad_files() {
        let release = Build::parse(Some(
            r#"{"commit": "0123456789abcdef", "built_at": "2026-12-02T07:00:00Z"}"#,
        ));
        assert_eq!(
            release,
            Ok(Build::Release {
                commit: "0123456789abcdef".into(),
                built_at: "2026-12-02T07:00:00Z".into()
            })
        );
        assert_eq!(Build::parse(None), Ok(Build::Development));
        assert_eq!(
            Build::parse(Some(r#"{"commit": null, "built_at": null}"#)),
            Ok(Build::Development)
        );
        assert_eq!(
            Build::parse(Some(r#"{"commit": "abc", "built_at": null}"#)),
            Err(BuildError::Incomplete)
        );
        let bad = Build::parse(Some("{"));
        assert!(matches!(bad, Err(BuildError::Malformed(_))));
        assert!(bad.is_err_and(|e| e.to_string().starts_with("version.json is malformed")));
    }
}
