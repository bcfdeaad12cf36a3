//! Map: one iteration per item (or per batch of items), at most MaxConcurrency at once; the
//! result is the array of the iterations' outputs. A distributed Map's iterations are child
//! executions: their events are not part of this history.

use crate::asl::{MapState, State};
use crate::exec::events::EventType;
use crate::exec::frame::{Flow, Group};
use crate::exec::Execution;
use crate::exec::FrameId;
use crate::fields;

/// The most iterations an inline Map runs at once.
pub const MAX_INLINE_CONCURRENCY: usize = 40;

impl Execution {
    pub(in crate::exec) fn run_map(&mut self, fid: FrameId, state: &State, map: &MapState) -> Flow {
        let sequential = self.opts.sequential;
        // AWS reads the items and MaxConcurrency before the Map starts, the failure tolerance
        // and the iterations' inputs after.
        let started = self.with_pipeline(fid, state, |p| {
            p.effective_input().and_then(|eff| {
                let items = p.map_items(map, &eff)?;
                let conc = if sequential { 1 } else { p.max_concurrency(map, &eff)? };
                Ok((eff, items, conc))
            })
        });
        let (eff, items, conc) = match started {
            Ok(s) => s,
            Err(e) => {
                let f = self.step_failure(fid, e);
                return self.fail_state(fid, f);
            }
        };
        let n = items.len();
        self.emit(fid, EventType::MapStateStarted, |_| fields! {"length": n});
        let prepared = self.with_pipeline(fid, state, |p| {
            p.tolerance(map, &eff).and_then(|tolerance| {
                let mut inputs = Vec::with_capacity(n);
                for (i, item) in items.iter().enumerate() {
                    inputs.push(p.item_input(map, &eff, i, item)?);
                }
                if let Some(b) = &map.item_batcher {
                    inputs = p.batch(b, &eff, inputs)?;
                }
                Ok((inputs, tolerance))
            })
        });
        let (inputs, (count, pct)) = match prepared {
            Ok(p) => p,
            Err(e) => {
                let f = self.step_failure(fid, e);
                return self.fail_state(fid, f);
            }
        };
        if map.distributed {
            let arn = format!(
                "arn:aws:states:{}:{}:mapRun:{}/{}:{}",
                self.opts.region,
                self.opts.account,
                self.opts.state_machine_name,
                map.label.as_deref().unwrap_or(&state.name),
                self.frames[fid].entered_event
            );
            self.emit(fid, EventType::MapRunStarted, |_| fields! {"mapRunArn": arn});
        }
        // One child per input: items, or batches of them.
        let n = inputs.len();
        let group = Group {
            is_map: true,
            children: vec![None; n],
            results: vec![None; n],
            queue: inputs.into_iter().enumerate().collect(),
            running: 0,
            // An inline Map runs at most 40 iterations at once, whatever its MaxConcurrency
            // (AWS: "In this mode, the Map state supports up to 40 concurrent iterations").
            max_concurrency: match (map.distributed, conc) {
                (false, 0) => MAX_INLINE_CONCURRENCY,
                (false, c) => c.min(MAX_INLINE_CONCURRENCY),
                (true, c) => c,
            },
            failed: 0,
            tolerated_count: count,
            tolerated_percentage: pct,
            total: n,
            done: 0,
            distributed: map.distributed,
        };
        self.start_group(fid, group);
        Flow::Blocked
    }
}
