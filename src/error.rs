//! The error every layer of the engine reports: an AWS error name and its cause text.

use std::fmt;

/// A runtime failure as Step Functions reports it: an error name (`States.Runtime`,
/// `States.IntrinsicFailure`, a Task's own error, ...) and a human-readable cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub error: String,
    pub cause: String,
    /// The failure has no error name, or no cause, at all: a task that failed without them
    /// (SendTaskFailure may leave both out). A Catch then sees null, where an empty text (a
    /// timeout's cause) stays "".
    pub unnamed: bool,
    pub no_cause: bool,
}

impl Failure {
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Failure {
        Failure { error: error.into(), cause: cause.into(), unnamed: false, no_cause: false }
    }
    /// A failure a task reported, with its error name and cause if it gave them.
    pub fn reported(error: Option<String>, cause: Option<String>) -> Failure {
        Failure {
            unnamed: error.is_none(),
            no_cause: cause.is_none(),
            ..Failure::new(error.unwrap_or_default(), cause.unwrap_or_default())
        }
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
