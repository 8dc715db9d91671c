//! The one error type of the pipeline.
//!
//! Every failure is reported as a single line that starts with the spec's path, so a
//! team that drops in a broken spec sees what is wrong and where without a backtrace.

use std::fmt;

/// A spec that cannot be turned into a client, with the reason and its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// Path of the spec file as given to the loader.
    pub path: String,
    /// What is wrong and where (a line/column or a JSON pointer).
    pub message: String,
}

impl SpecError {
    pub(crate) fn new(path: &str, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for SpecError {}
