//! The virtual-clock driver: runs an [`Execution`] to the end, resolving Task invocations
//! from [`Mocks`] and jumping time straight to the next thing that happens.

use crate::asl::Machine;
use crate::exec::{Effect, Execution, Options, Rng};
use crate::mock::Mocks;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Why the host could not carry an execution to its end.
#[derive(Debug, Clone, PartialEq)]
pub enum HostError {
    /// A Task had no mocked response: the message names the state.
    Unmocked(String),
}

impl std::fmt::Display for HostError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostError::Unmocked(m) => f.write_str(m),
        }
    }
}

/// Run an execution on the virtual clock until it ends.
pub fn simulate(machine: Rc<Machine>, input: Value, mocks: &mut Mocks, opts: Options) -> Result<Execution, HostError> {
    // Latency ranges draw from their own seeded source, so that mocks do not shift the
    // engine's own random draws (jitter, UUIDs).
    let latency_rng = Rng::new(opts.seed.wrapping_add(1));
    let mut exec = Execution::new(machine, input, opts);
    exec.start();
    // Task completions the host has scheduled: (time, order) -> (task id, outcome).
    let mut pending = BTreeMap::new();
    let mut order = 0u64;
    loop {
        while let Some(effect) = exec.poll_effect() {
            match effect {
                Effect::Invoke(req) => {
                    let r = mocks.resolve(&req, &latency_rng).map_err(HostError::Unmocked)?;
                    order += 1;
                    pending.insert((exec.now() + r.latency_ms.max(0), order), (req.id, r.outcome));
                }
                Effect::Cancel(id) => pending.retain(|_, (tid, _)| *tid != id),
            }
        }
        if exec.is_done() {
            return Ok(exec);
        }
        let next_task = pending.keys().next().map(|k| k.0);
        let next = match (next_task, exec.next_timer()) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => return Ok(exec),
        };
        // Time moves to `next`; a task finishing at the same instant as a timer wins.
        exec.advance_to(next);
        while let Some(entry) = pending.first_entry() {
            if entry.key().0 != next {
                break;
            }
            let (id, outcome) = entry.remove();
            exec.complete_task(id, outcome);
        }
        exec.fire_timers();
    }
}

/// The JSON result `statelab run --json` prints.
pub fn result_json(exec: &Execution) -> Value {
    use crate::exec::Status;
    let mut out = json!({"status": exec.status().name()});
    match exec.status() {
        Status::Succeeded(v) => out["output"] = v.clone(),
        Status::Failed(f) | Status::TimedOut(f) | Status::Aborted(f) => {
            if !f.error.is_empty() {
                out["error"] = json!(f.error);
            }
            if !f.cause.is_empty() {
                out["cause"] = json!(f.cause);
            }
        }
        Status::Running => {}
    }
    out["events"] = Value::Array(exec.events().iter().map(|e| e.to_json()).collect());
    out
}
