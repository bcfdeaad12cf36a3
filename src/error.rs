//! The error every layer of the engine reports: an AWS error name and its cause text.

use crate::value::Value;
use std::fmt;

/// AWS's payload limit: 256 KiB of UTF-8.
pub const MAX_PAYLOAD_BYTES: usize = 262_144;

/// statelab's limit on the nesting of the values an execution makes (AWS documents none):
/// deeper values could drive the walks over them (writing, dropping, the wasm tape) past
/// the stack. Below what the JSON reader takes ([`crate::value::read::MAX_DEPTH`]), so what
/// statelab writes around such values reads back.
pub const MAX_VALUE_DEPTH: usize = 512;

/// How a value breaks the data limits: more than AWS's 256 KiB as compact JSON, or nested
/// deeper than [`MAX_VALUE_DEPTH`].
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Oversize {
    Bytes,
    Depth,
}

/// Whether `v` is within the data limits: its exact text length and depth, which arrays and
/// objects remember ([`crate::value::measure`]), so a check costs only the value's new nodes.
#[inline(always)]
pub(crate) fn payload_limit(v: &Value) -> Option<Oversize> {
    let (bound, depth) = crate::value::measure(v);
    if depth > MAX_VALUE_DEPTH {
        Some(Oversize::Depth)
    } else if bound > MAX_PAYLOAD_BYTES {
        Some(Oversize::Bytes)
    } else {
        None
    }
}

/// The `States.DataLimitExceeded` failure of `who` (a state or a task's resource) whose
/// result (`what`: "returned a result", "has input", "assigned variables") is over a limit.
/// The size causes of results and inputs are AWS's; the one of variables and the depth
/// causes are statelab's own (inferred: no recording shows them, and AWS documents no depth).
pub(crate) fn data_limit_failure(over: Oversize, who: &str, what: &str) -> Failure {
    let cause = match over {
        Oversize::Bytes => {
            format!("The state/task '{who}' {what} with a size exceeding the maximum number of bytes service limit.")
        }
        Oversize::Depth => {
            format!("The state/task '{who}' {what} nested more than {MAX_VALUE_DEPTH} levels deep, statelab's limit.")
        }
    };
    Failure::new("States.DataLimitExceeded", cause)
}

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
