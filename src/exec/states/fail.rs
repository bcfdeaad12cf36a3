//! Fail: the frame fails with the state's error and cause.

use crate::asl::{Fail, State};
use crate::exec::frame::Flow;
use crate::exec::spans::SpanStatus;
use crate::exec::Execution;
use crate::exec::FrameId;

impl Execution {
    pub(in crate::exec) fn run_fail(&mut self, fid: FrameId, state: &State, fail: &Fail) -> Flow {
        let failure = self.with_pipeline(fid, state, |p| p.fail(fail));
        let failure = failure.unwrap_or_else(|e| self.step_failure(fid, e)).bounded();
        let span = self.frames[fid].state_span;
        self.close_span(span, SpanStatus::Failed, None, Some(&failure));
        self.frame_ended(fid, Err(failure));
        Flow::Ended
    }
}
