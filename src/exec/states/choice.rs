//! Choice: the first rule that holds, or the default, picks the next state.

use crate::asl::{Choice, State};
use crate::error::Failure;
use crate::exec::frame::Flow;
use crate::exec::Execution;
use crate::exec::FrameId;

impl Execution {
    pub(in crate::exec) fn run_choice(&mut self, fid: FrameId, state: &State, choice: &Choice) -> Flow {
        let chosen = self.with_pipeline(fid, state, |p| p.choose(choice, state.assign.as_ref()));
        match chosen {
            Ok(Some(c)) => {
                self.apply_assign(fid, &c.assigned);
                self.exit_to(fid, state, c.output, c.assigned, Some(c.next))
            }
            Ok(None) => {
                let f = Failure::new("States.NoChoiceMatched", format!("No Matches! in state '{}'", state.name));
                self.fail_state(fid, f)
            }
            Err(e) => {
                let f = self.step_failure(fid, e);
                self.fail_state(fid, f)
            }
        }
    }
}
