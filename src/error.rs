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

    /// The failure as the history can hold it: AWS's event details keep an error of at most
    /// 256 characters and a cause of at most 32,768 (what AWS does with a longer Fail state
    /// cause is not documented; the engine keeps the first 32,768 characters).
    pub fn bounded(mut self) -> Failure {
        truncate_chars(&mut self.error, MAX_ERROR_CHARS);
        truncate_chars(&mut self.cause, MAX_CAUSE_CHARS);
        self
    }
}

/// The longest error name an event's details hold.
pub const MAX_ERROR_CHARS: usize = 256;
/// The longest cause an event's details hold.
pub const MAX_CAUSE_CHARS: usize = 32_768;

/// Keep the first `max` characters of `s`.
fn truncate_chars(s: &mut String, max: usize) {
    if s.len() > max {
        if let Some((at, _)) = s.char_indices().nth(max) {
            s.truncate(at);
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_keeps_the_first_characters() {
        let f = Failure::new("E".repeat(300), "é".repeat(40_000)).bounded();
        assert_eq!(f.error.chars().count(), 256);
        assert_eq!(f.cause.chars().count(), 32_768);
        assert!(f.cause.chars().all(|c| c == 'é'));
        let short = Failure::new("E", "é").bounded();
        assert_eq!((short.error.as_str(), short.cause.as_str()), ("E", "é"));
    }
}
