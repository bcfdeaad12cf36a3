//! Pass: its input, `Result` or Parameters, on to its output.

use crate::asl::State;
use crate::exec::frame::Flow;
use crate::exec::Execution;
use crate::exec::FrameId;
use crate::value::Value;

impl Execution {
    pub(in crate::exec) fn run_pass(&mut self, fid: FrameId, state: &State, result: Option<&Value>) -> Flow {
        let done = self.with_pipeline(fid, state, |p| p.pass(result, state.assign.as_ref()));
        let done = done.map_err(|e| self.step_failure(fid, e));
        self.conclude(fid, state, done)
    }
}
