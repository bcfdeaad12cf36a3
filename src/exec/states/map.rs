//! Map: one iteration per item (or per batch of items), at most MaxConcurrency at once; the
//! result is the array of the iterations' outputs. A distributed Map's iterations are child
//! executions: their events are not part of this history.

use crate::asl::{MapState, State};
use crate::error::Failure;
use crate::exec::events::EventType;
use crate::exec::frame::{Flow, Group, RunLog};
use crate::exec::Execution;
use crate::exec::FrameId;
use crate::fields;
use crate::value::Value;

/// The most iterations an inline Map runs at once.
pub const MAX_INLINE_CONCURRENCY: usize = 40;

impl Execution {
    pub(in crate::exec) fn run_map(&mut self, fid: FrameId, state: &State, map: &MapState) -> Flow {
        let sequential = self.opts.sequential;
        // AWS reads the items and MaxConcurrency before the Map starts, the failure tolerance
        // and the iterations' inputs after.
        let started = self.with_pipeline(fid, state, |p| {
            p.effective_input().and_then(|eff| {
                // (A build without the extras refuses a Map with an ItemReader or a
                // ResultWriter before it runs: `cfg!` leaves their code out of it.)
                let items = match &map.item_reader {
                    Some(r) if cfg!(feature = "extras") => Err(p.reader_request(r, &eff)?),
                    _ => Ok(p.map_items(map, &eff)?),
                };
                let conc = if sequential { 1 } else { p.max_concurrency(map, &eff)? };
                let export = if cfg!(feature = "extras") { p.writer_arguments(map, &eff)? } else { None };
                Ok((eff, items, conc, export))
            })
        });
        let (eff, items, conc, export) = match started {
            Ok(s) => s,
            Err(e) => {
                let f = self.step_failure(fid, e);
                return self.fail_state(fid, f);
            }
        };
        // Items from the state's input, or read by the ItemReader (each with its source).
        let (items, sources) = match items {
            Ok(items) => (items, None),
            Err((args, max)) => match self.read_items(map, &args, max) {
                Ok((items, sources)) => (items, Some(sources)),
                Err(f) => return self.fail_state(fid, f),
            },
        };
        let n = items.len();
        self.emit(fid, EventType::MapStateStarted, |_| fields! {"length": n});
        let state_data = Value::from("STATE_DATA");
        let prepared = self.with_pipeline(fid, state, |p| {
            p.tolerance(map, &eff).and_then(|tolerance| {
                let mut inputs = Vec::with_capacity(n);
                for (i, item) in items.iter().enumerate() {
                    let source = sources.as_ref().map_or(&state_data, |s| &s[i]);
                    inputs.push(p.item_input(map, &eff, i, item, source)?);
                }
                if let Some(b) = &map.item_batcher {
                    inputs = p.batch(b, &eff, inputs)?;
                }
                Ok((inputs, tolerance))
            })
        });
        drop((items, sources));
        let (inputs, (count, pct)) = match prepared {
            Ok(p) => p,
            Err(e) => {
                let f = self.step_failure(fid, e);
                return self.fail_state(fid, f);
            }
        };
        // (A distributed Map runs on the full engine only: the core flags it `uses_extras`.)
        if cfg!(feature = "extras") && map.distributed {
            let arn = self.map_run_arn(fid, state, map);
            self.emit(fid, EventType::MapRunStarted, |_| fields! {"mapRunArn": arn});
        }
        // One child per input: items, or batches of them.
        let n = inputs.len();
        let log = map.result_writer.as_ref().filter(|_| cfg!(feature = "extras")).map(|_| {
            Box::new(RunLog {
                inputs: inputs.clone(),
                times: vec![(0, 0); n],
                started: vec![false; n],
                failures: vec![None; n],
                export,
            })
        });
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
            log,
            notes: Default::default(),
        };
        self.start_group(fid, group);
        Flow::Blocked
    }

    /// The ARN of the Map Run a distributed Map state's visit in frame `fid` starts.
    pub(in crate::exec) fn map_run_arn(&self, fid: FrameId, state: &State, map: &MapState) -> String {
        format!(
            "arn:aws:states:{}:{}:mapRun:{}/{}:{}",
            self.opts.region,
            self.opts.account,
            self.opts.state_machine_name,
            map.label.as_deref().unwrap_or(&state.name),
            self.frames[fid].entered_event
        )
    }

    /// The ItemReader's items, read from the workspace of files, and their sources; a failure
    /// is `States.ItemReaderFailed`.
    #[cfg(feature = "extras")]
    fn read_items(&self, map: &MapState, args: &Value, max: usize) -> Result<(Vec<Value>, Vec<Value>), Failure> {
        let reader = map.item_reader.as_deref().expect("read_items is called for a Map with an ItemReader");
        crate::dataflow::items::read_items(reader, args, max, &self.files, self.opts.start_time)
            .map_err(|cause| Failure::new("States.ItemReaderFailed", cause).bounded())
    }

    #[cfg(not(feature = "extras"))]
    fn read_items(&self, _: &MapState, _: &Value, _: usize) -> Result<(Vec<Value>, Vec<Value>), Failure> {
        crate::without_extras("reading an ItemReader's items")
    }
}
