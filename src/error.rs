//! Library error type. Per-document problems are not errors: they become
//! warnings in the report (see [`crate::input::InputError`]).

use std::path::PathBuf;

/// Errors that stop a whole command (as opposed to one document).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path the operation was on.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A parameter is out of its valid range.
    #[error("invalid parameter: {0}")]
    Param(String),
    /// A report or index could not be parsed.
    #[error("{path}: {message}")]
    Parse {
        /// The file that failed to parse.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The persistent index is unusable (missing, incompatible, corrupt).
    #[error("index {path}: {message}")]
    Index {
        /// The index path.
        path: PathBuf,
        /// What went wrong and what to do about it.
        message: String,
    },
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
