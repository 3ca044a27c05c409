//! The core's error type: every variant carries a message naming what was wrong and what was expected.

/// A specific, human-readable failure. Never a panic.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Error {
    /// Shapes or lengths disagree.
    #[error("{0}")]
    Shape(String),
    /// A value is out of its domain.
    #[error("{0}")]
    Value(String),
    /// A bundle is truncated, corrupted or of an unknown version.
    #[error("corrupt bundle: {0}")]
    Corrupt(String),
    /// A predictions file was rejected.
    #[error("{0}")]
    Predictions(String),
}

/// Result with the core's error.
pub type Result<T> = std::result::Result<T, Error>;
