//! The error every layer of the engine reports: an AWS error name and its cause text.

use std::fmt;

/// A runtime failure as Step Functions reports it: an error name (`States.Runtime`,
/// `States.IntrinsicFailure`, a Task's own error, ...) and a human-readable cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub error: String,
    pub cause: String,
}

impl Failure {
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Failure {
        Failure { error: error.into(), cause: cause.into() }
    }
    pub fn runtime(cause: impl Into<String>) -> Failure {
        Failure::new("States.Runtime", cause)
    }
    pub fn intrinsic(cause: impl Into<String>) -> Failure {
        Failure::new("States.IntrinsicFailure", cause)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

impl std::error::Error for Failure {}
