//! Succeed: the frame ends with the state's output.

use crate::asl::State;
use crate::exec::frame::Flow;
use crate::exec::Execution;
use crate::exec::FrameId;

impl Execution {
    pub(in crate::exec) fn run_succeed(&mut self, fid: FrameId, state: &State) -> Flow {
        let done = self.with_pipeline(fid, state, |p| p.effective_input().and_then(|eff| p.plain_output(eff, None)));
        match done {
            Ok((out, _)) => self.exit_state(fid, state, out, None),
            Err(e) => {
                let f = self.step_failure(fid, e);
                self.fail_state(fid, f)
            }
        }
    }
}
