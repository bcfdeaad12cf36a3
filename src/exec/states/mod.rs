//! What each state type does when it runs, one file each. A state computes its data flow
//! through `dataflow::pipeline` (the same calls whatever its query language), and drives the
//! frame: events, spans, timers, children.

mod choice;
mod fail;
mod map;
mod parallel;
mod pass;
mod succeed;
mod task;
mod wait;

use super::frame::Flow;
use super::Execution;
use super::FrameId;
use crate::asl::Kind;
use crate::value::Value;
use std::rc::Rc;

impl Execution {
    /// Execute (or execute again, on retry) the frame's current state.
    pub(super) fn execute(&mut self, fid: FrameId) -> Flow {
        if self.opts.record_steps {
            if let Some(s) = self.spans.get_mut(self.frames[fid].state_span as usize) {
                s.steps.clear();
            }
        }
        let machine = self.frames[fid].machine.clone();
        let state = &machine.states[self.frames[fid].state];
        match &state.kind {
            Kind::Pass { result } => self.run_pass(fid, state, result.as_ref()),
            Kind::Task(task) => self.run_task(fid, state, task),
            Kind::Choice(choice) => self.run_choice(fid, state, choice),
            Kind::Wait(wait) => self.run_wait(fid, state, wait),
            Kind::Succeed => self.run_succeed(fid, state),
            Kind::Fail(fail) => self.run_fail(fid, state, fail),
            Kind::Parallel(branches) => self.run_parallel(fid, state, branches.len()),
            Kind::Map(map) => self.run_map(fid, state, map),
        }
    }

    /// Output and assignments of a state whose result is `result` (Task, Parallel, Map).
    pub(super) fn finish_with_result(&mut self, fid: FrameId, result: Rc<Value>) -> Flow {
        let machine = self.frames[fid].machine.clone();
        let state = &machine.states[self.frames[fid].state];
        let done = self.with_pipeline(fid, state, |p| {
            p.record("Result", &result);
            p.output(Some(result), state.assign.as_ref())
        });
        let done = done.map_err(|e| self.step_failure(fid, e));
        self.conclude(fid, state, done)
    }
}
