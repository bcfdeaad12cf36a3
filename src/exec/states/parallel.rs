//! Parallel: every branch runs on the state's input (after Parameters or Arguments); the
//! result is the array of the branches' outputs.

use crate::asl::State;
use crate::exec::events::EventType;
use crate::exec::frame::{Flow, Group};
use crate::exec::Execution;
use crate::exec::FrameId;

impl Execution {
    pub(in crate::exec) fn run_parallel(&mut self, fid: FrameId, state: &State, branches: usize) -> Flow {
        let args = self.with_pipeline(fid, state, |p| p.effective_input().and_then(|eff| p.arguments(&eff)));
        let args = match args {
            Ok(a) => a,
            Err(e) => {
                let f = self.step_failure(fid, e);
                return self.fail_state(fid, f);
            }
        };
        self.emit_bare(fid, EventType::ParallelStateStarted);
        let group = Group {
            is_map: false,
            children: vec![None; branches],
            results: vec![None; branches],
            queue: (0..branches).map(|i| (i, args.clone())).collect(),
            running: 0,
            // The sequential twin runs one branch at a time.
            max_concurrency: if self.opts.sequential { 1 } else { 0 },
            failed: 0,
            tolerated_count: None,
            tolerated_percentage: None,
            total: branches,
            done: 0,
            distributed: false,
            log: None,
            notes: Default::default(),
        };
        self.start_group(fid, group);
        Flow::Blocked
    }
}
