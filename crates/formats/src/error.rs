//! The error type of every reader and writer: each message names the file, the row, line or id, and
//! what was expected.

use std::path::{Path, PathBuf};

/// A failure to read or write benchmark data on disk.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The file could not be opened, read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A file the layout needs is absent.
    #[error("{} is missing: {what}", path.display())]
    Missing {
        /// Where the file was looked for.
        path: PathBuf,
        /// What the file is needed for.
        what: String,
    },
    /// A file's content is not what the layout expects.
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The file concerned.
        path: PathBuf,
        /// What is wrong, with the row, line or id and what was expected.
        message: String,
    },
    /// The directory matches no known layout.
    #[error("{}: {message}", dir.display())]
    Layout {
        /// The directory given.
        dir: PathBuf,
        /// What was looked for.
        message: String,
    },
    /// The assembled benchmark fails the core's consistency checks.
    #[error("{}: {source}", dir.display())]
    Benchmark {
        /// The directory read or written.
        dir: PathBuf,
        /// The core's description of the problem.
        source: vlrb_core::Error,
    },
}

impl FormatError {
    /// An I/O failure on `path`.
    pub(crate) fn io(path: &Path, source: std::io::Error) -> FormatError {
        FormatError::Io {
            path: path.to_owned(),
            source,
        }
    }

    /// Bad content in `path`.
    pub(crate) fn invalid(path: &Path, message: impl Into<String>) -> FormatError {
        FormatError::Invalid {
            path: path.to_owned(),
            message: message.into(),
        }
    }

    /// A needed file that is absent.
    pub(crate) fn missing(path: &Path, what: impl Into<String>) -> FormatError {
        FormatError::Missing {
            path: path.to_owned(),
            what: what.into(),
        }
    }
}
