//! Wait: a timer until `Seconds` from now or a `Timestamp`; the output is computed when the
//! wait starts.

use crate::asl::{State, Wait};
use crate::exec::frame::{Block, Flow, Work};
use crate::exec::spans::SpanKind;
use crate::exec::Execution;
use crate::exec::FrameId;
use crate::value::Value;
use std::rc::Rc;

impl Execution {
    pub(in crate::exec) fn run_wait(&mut self, fid: FrameId, state: &State, wait: &Wait) -> Flow {
        let planned = self.with_pipeline(fid, state, |p| {
            p.effective_input().and_then(|eff| {
                let until = p.wait_until(wait, &eff)?;
                let (out, assigned) = p.plain_output(eff, state.assign.as_ref())?;
                Ok((until, out, assigned))
            })
        });
        let (until, out, assigned) = match planned {
            Ok(p) => p,
            Err(e) => {
                let f = self.step_failure(fid, e);
                return self.fail_state(fid, f);
            }
        };
        self.apply_assign(fid, &assigned);
        if until <= self.now {
            return self.exit_state(fid, state, out, assigned);
        }
        self.open_timed_span(fid, SpanKind::Wait, until, None);
        let gen = {
            let f = &mut self.frames[fid];
            f.gen += 1;
            f.block = Block::Timer;
            f.stash = Some((out, assigned));
            f.gen
        };
        self.schedule(until, Work::Resume { frame: fid, gen });
        Flow::Blocked
    }

    /// The wait is over: leave with the output computed when it started.
    pub(in crate::exec) fn finish_wait(&mut self, fid: FrameId) -> Flow {
        let (out, assigned) = self.frames[fid].stash.take().unwrap_or_else(|| (Rc::new(Value::Null), None));
        let machine = self.frames[fid].machine.clone();
        self.exit_state(fid, &machine.states[self.frames[fid].state], out, assigned)
    }
}
