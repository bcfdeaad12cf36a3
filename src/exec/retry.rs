//! A state failed: its Retry, then its Catch, or its frame fails.

use super::events::EventType;
use super::frame::{Block, Flow, Work};
use super::spans::{SpanKind, SpanStatus};
use super::FrameId;
use super::{data_limit_failure, payload_limit, Execution};
use crate::asl::{self, Kind, Retrier};
use crate::error::Failure;
use crate::json;
use crate::value::Value;

impl Execution {
    /// A state failed with `failure`: retry it, catch it, or fail the frame.
    pub(super) fn fail_state(&mut self, fid: FrameId, failure: Failure) -> Flow {
        let machine = self.frames[fid].machine.clone();
        let state = &machine.states[self.frames[fid].state];
        let span = self.frames[fid].state_span;
        if let Some(ri) = state.retry.iter().position(|r| asl::error_matches(&r.error_equals, &failure.error)) {
            let f = &mut self.frames[fid];
            if f.attempts.len() < state.retry.len() {
                f.attempts.resize(state.retry.len(), 0);
            }
            let done = f.attempts[ri];
            if done < state.retry[ri].max_attempts {
                return self.retry(fid, &state.retry[ri], ri, done, failure);
            }
        }
        // No retry: a Map or Parallel state reports that it failed (AWS does not for the
        // runtime errors of its own fields), and the runtime error is terminal.
        if failure.error != "States.Runtime" {
            match state.kind {
                Kind::Map(_) => {
                    self.emit_bare(fid, EventType::MapStateFailed);
                }
                Kind::Parallel(_) => {
                    self.emit_bare(fid, EventType::ParallelStateFailed);
                }
                _ => {}
            }
            if let Some(c) = state.catch.iter().find(|c| asl::error_matches(&c.error_equals, &failure.error)) {
                let caught = self.with_pipeline(fid, state, |p| p.catch_output(c, error_output(&failure)));
                // The catcher's output is the state's output: within the data limits.
                let caught = caught.map(|(output, assigned)| (payload_limit(&output), output, assigned));
                return match caught {
                    Ok((Some(over), ..)) => {
                        let f2 = data_limit_failure(over, &state.name, "returned a result");
                        self.close_span(span, SpanStatus::Failed, None, Some(&f2));
                        self.frame_ended(fid, Err(f2));
                        Flow::Ended
                    }
                    Ok((None, output, assigned)) => {
                        self.apply_assign(fid, &assigned);
                        self.emit_exited(fid, state, &output, assigned);
                        self.close_span(span, SpanStatus::Caught, Some(output.clone()), Some(&failure));
                        let f = &mut self.frames[fid];
                        f.state = c.next;
                        f.input = output;
                        f.block = Block::None;
                        Flow::Next
                    }
                    Err(e) => {
                        let f2 = self.step_failure(fid, e);
                        self.close_span(span, SpanStatus::Failed, None, Some(&f2));
                        self.frame_ended(fid, Err(f2));
                        Flow::Ended
                    }
                };
            }
        }
        // A Task whose failure ends a Parallel branch is aborted with the branch (recorded:
        // TaskFailed, TaskStateAborted, then the Parallel's ParallelStateFailed). A Fail or
        // Pass state that ends a branch or iteration is not, nor is a Task of an iteration
        // (no recording shows one).
        if let (Kind::Task(_), Some((parent, _))) = (&state.kind, self.frames[fid].parent) {
            if matches!(self.state(parent).kind, Kind::Parallel(_)) && failure.error != "States.Runtime" {
                self.emit_bare(fid, EventType::StateAborted(asl::StateType::Task));
            }
        }
        self.close_span(span, SpanStatus::Failed, None, Some(&failure));
        self.frame_ended(fid, Err(failure));
        Flow::Ended
    }

    /// Attempt `done + 1` of retrier `ri` after its back-off.
    fn retry(&mut self, fid: FrameId, r: &Retrier, ri: usize, done: u32, failure: Failure) -> Flow {
        let mut delay = r.interval_seconds * r.backoff_rate.powi(done as i32);
        if let Some(max) = r.max_delay_seconds {
            delay = delay.min(max);
        }
        if r.full_jitter {
            delay *= self.rng.next_f64();
        }
        // (A back-off beyond the execution's own limit waits for that limit.)
        let ms = (delay * 1000.0).round().min(i64::MAX as f64) as i64;
        let until = self.now.saturating_add(ms);
        let gen = {
            let f = &mut self.frames[fid];
            f.attempts[ri] += 1;
            f.retry_count += 1;
            f.gen += 1;
            f.block = Block::Timer;
            f.gen
        };
        self.open_timed_span(fid, SpanKind::Backoff, until, Some(failure));
        self.schedule(until, Work::Resume { frame: fid, gen });
        Flow::Blocked
    }
}

/// What a Catch (or a tolerated Map iteration) gets for a failure: `{"Error", "Cause"}`, each
/// null when the failure has none at all (recorded: a task failed through SendTaskFailure
/// without them), and "" when it is empty (recorded: a timeout's cause).
pub(super) fn error_output(f: &Failure) -> Value {
    let text = |s: &str, absent: bool| if absent { Value::Null } else { Value::from(s) };
    json!({"Error": text(&f.error, f.unnamed), "Cause": text(&f.cause, f.no_cause)})
}
