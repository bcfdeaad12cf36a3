//! The WebAssembly boundary (wasm-bindgen). It converts and holds no logic: JSON text or JS
//! objects in, engine calls ([`crate::asl::validate_text`], [`crate::driver::simulate`],
//! [`crate::driver::Host`]), JS values and JS `Error`s out. `www/statelab.js` builds the JS
//! API (`validate`, `simulate`, `run`) on these exports.
//!
//! Shapes handed to JS (times are milliseconds relative to the execution start):
//! - result: `{status, output?, error?, cause?, durationMs, historyTruncated?, events, spans,
//!   lanes}` (without `events`, `spans` and `lanes` when `options.history` is false: just the
//!   outcome, for large runs). `historyTruncated: true` when the history passed
//!   `options.historyBytes` (default 32 MiB of distinct payload data): past it an event's
//!   payload field is left out and its `...Details` is `{truncated: true}`, a span has
//!   `inputElided`, `outputElided` or `causeElided: true` instead, a step `elided: true`
//! - event: `{id, previousEventId, timestamp, type, ms, lane, state?, <xxx>EventDetails?}`
//!   (`lane` is a lane's id; `state` the state the event belongs to, absent for the
//!   execution's own events)
//! - span: `{id, lane, parent, index, state, kind, startMs, endMs, status, input?, output?,
//!   error?, cause?}`: `parent` is the id of the span this one is part of (a state's span for
//!   an attempt, back-off or wait; the Parallel or Map state's span for a state in a branch
//!   or iteration, with `index` the branch or iteration), `endMs` is null while the span
//!   runs; plus `critical` and `slackMs` once the execution has ended with
//!   `options.criticalPath`, and `steps: [{step, value}]` with `options.recordSteps`
//! - lane: `{parent, state, index, label}`, by id: the lane the Parallel or Map state runs
//!   in, its name and the branch or iteration index (all null for the top level, lane 0);
//!   `label` (`Fan/0`) is for display
//! - diagnostic: `{code, severity, location, line, column, message}` (`location` is the JSON
//!   Pointer)

pub mod tape;

#[cfg(all(target_arch = "wasm32", feature = "wasm"))]
mod bindings;
#[cfg(all(target_arch = "wasm32", feature = "wasm"))]
pub use bindings::*;
