//! Task: the host runs it (an [`Effect::Invoke`]); its timeout and heartbeat are timers; its
//! resource names its events (`Task*`, `LambdaFunction*`, `Activity*`).

use crate::asl::{Pattern, ResourceKind, State, Task};
use crate::error::Failure;
use crate::exec::events::{EventType, Field, TaskFamily, TaskPhase};
use crate::exec::frame::{Block, Flow, Work};
use crate::exec::spans::{SpanKind, SpanStatus};
use crate::exec::FrameId;
use crate::exec::{data_limit_failure, failure_fields, payload_limit, Effect, Execution, TaskRequest};
use crate::value::Value;
use crate::{fields, json};
use std::rc::Rc;

/// AWS's default task timeout, in seconds.
const DEFAULT_TIMEOUT_SECONDS: u64 = 99_999_999;

fn family(kind: &ResourceKind) -> TaskFamily {
    match kind {
        ResourceKind::Service { .. } => TaskFamily::Service,
        ResourceKind::LambdaFunction => TaskFamily::Lambda,
        ResourceKind::Activity => TaskFamily::Activity,
    }
}

impl Execution {
    pub(in crate::exec) fn run_task(&mut self, fid: FrameId, state: &State, task: &Task) -> Flow {
        let id = self.next_task;
        self.next_task += 1;
        // `$$.Task.Token` exists for the callback and the job-run (`.sync`) patterns; a recording
        // shows a `.sync` task passing it on.
        let token =
            matches!(task.kind, ResourceKind::Service { pattern: Pattern::WaitForTaskToken | Pattern::Sync, .. })
                .then(|| task_token(&self.opts.execution_name, id));
        self.frames[fid].task_token = token.clone();
        let prepared = self.with_pipeline(fid, state, |p| {
            p.effective_input().and_then(|eff| {
                let params = p.arguments(&eff)?;
                let timeout = p.positive_int(&task.timeout, &eff, "TimeoutSeconds")?;
                let heartbeat = p.positive_int(&task.heartbeat, &eff, "HeartbeatSeconds")?;
                // The role is looked up whether or not the events are kept: a service task
                // fails on a path that selects nothing; a Lambda's is shown when found.
                let role = match (&task.credentials, &task.kind) {
                    (None, _) | (Some(_), ResourceKind::Activity) => None,
                    (Some(c), ResourceKind::Service { .. }) => Some(p.credentials(c)?),
                    (Some(c), ResourceKind::LambdaFunction) => p.credentials(c).ok(),
                };
                Ok((params, timeout, heartbeat, role))
            })
        });
        let (params, timeout, heartbeat, role) = match prepared {
            Ok(p) => p,
            Err(e) => {
                let f = self.step_failure(fid, e);
                return self.fail_state(fid, f);
            }
        };
        if let Some(over) = payload_limit(&params) {
            return self.fail_state(fid, data_limit_failure(over, &state.name, "has input"));
        }
        let attempt = self.frames[fid].retry_count;
        let fam = family(&task.kind);
        self.emit(fid, EventType::Task(fam, TaskPhase::Scheduled), |x| {
            let mut d = match &task.kind {
                ResourceKind::Service { resource_type, resource, .. } => {
                    fields! {"resourceType": resource_type, "resource": resource, "region": &*x.opts.region, "parameters": &params}
                }
                _ => fields! {"resource": &task.resource, "input": &params, "inputDetails": Field::NotTruncated},
            };
            if let Some(t) = timeout {
                d.push(("timeoutInSeconds", Field::from(t)));
            }
            if let (Some(h), false) = (heartbeat, fam == TaskFamily::Lambda) {
                d.push(("heartbeatInSeconds", Field::from(h)));
            }
            if let (Some(role), false) = (role, fam == TaskFamily::Activity) {
                d.push(("taskCredentials", Field::from(json!({"roleArn": role}))));
            }
            d
        });
        let started = EventType::Task(fam, TaskPhase::Started);
        match &task.kind {
            ResourceKind::Service { resource_type, resource, .. } => {
                self.emit(fid, started, |_| fields! {"resourceType": resource_type, "resource": resource});
            }
            ResourceKind::LambdaFunction => {
                self.emit_bare(fid, started);
            }
            ResourceKind::Activity => {
                self.emit(fid, started, |_| fields! {"workerName": "statelab"});
            }
        }
        let lane = self.lane(fid);
        let request = TaskRequest {
            id,
            state: state.name.clone(),
            resource: task.resource.clone(),
            input: params.clone(),
            attempt,
            lane,
            token,
        };
        #[cfg(feature = "extras")]
        if !self.is_done() {
            self.task_submitted(fid, &request, &task.kind);
        }
        if self.is_done() {
            return Flow::Ended;
        }
        self.effects.push_back(Effect::Invoke(request));
        let span = self.open_span(fid, SpanKind::Attempt, Some(params));
        let gen = {
            let f = &mut self.frames[fid];
            f.gen += 1;
            f.block = Block::Task { id, span };
            f.gen
        };
        let slot = id as usize - 1;
        if self.tasks.len() <= slot {
            self.tasks.resize(slot + 1, None);
        }
        self.tasks[slot] = Some((fid, gen));
        let timeout_ms = timeout.unwrap_or(DEFAULT_TIMEOUT_SECONDS) as i64 * 1000;
        self.schedule(
            self.now.saturating_add(timeout_ms),
            Work::TaskTimeout { frame: fid, gen, error: "States.Timeout" },
        );
        #[cfg(feature = "extras")]
        if let Some(h) = heartbeat {
            if self.beats.len() >= 64 {
                let tasks = &self.tasks;
                self.beats.retain(|b| tasks.get(b.0 as usize - 1).is_some_and(Option::is_some));
            }
            self.beats.push((id, self.now.saturating_add(timeout_ms), h as i64 * 1000));
        }
        if let Some(h) = heartbeat {
            if (h as i64 * 1000) < timeout_ms {
                // AWS reports an expired heartbeat as States.Timeout too.
                self.schedule(
                    self.now.saturating_add(h as i64 * 1000),
                    Work::TaskTimeout { frame: fid, gen, error: "States.Timeout" },
                );
            }
        }
        Flow::Blocked
    }

    /// The resource kind of the frame's Task state, which names its events.
    fn task_kind(&self, fid: FrameId) -> &ResourceKind {
        match &self.state(fid).kind {
            crate::asl::Kind::Task(t) => &t.kind,
            _ => &ResourceKind::Activity,
        }
    }

    /// The host reports the task's outcome.
    pub(in crate::exec) fn task_done(&mut self, fid: FrameId, outcome: Result<Value, Failure>) {
        let Block::Task { span, .. } = self.frames[fid].block else { return };
        self.frames[fid].block = Block::None;
        self.frames[fid].gen += 1;
        let outcome = match outcome {
            Ok(v) => match payload_limit(&v) {
                None => Ok(v),
                Some(over) => {
                    let who = match self.task_kind(fid) {
                        ResourceKind::Service { resource_type, .. } => resource_type.clone(),
                        _ => match &self.state(fid).kind {
                            crate::asl::Kind::Task(t) => t.resource.to_string(),
                            _ => String::new(),
                        },
                    };
                    Err(data_limit_failure(over, &who, "returned a result"))
                }
            },
            // (SendTaskFailure refuses a longer error or cause; a mock or a function may not.)
            Err(f) => Err(f.bounded()),
        };
        let fam = family(self.task_kind(fid));
        let flow = match outcome {
            Ok(result) => {
                let result = Rc::new(result);
                self.emit(fid, EventType::Task(fam, TaskPhase::Succeeded), |x| match x.task_kind(fid) {
                    ResourceKind::Service { resource_type, resource, .. } => {
                        fields! {"resourceType": resource_type, "resource": resource, "output": &result, "outputDetails": Field::NotTruncated}
                    }
                    _ => fields! {"output": &result, "outputDetails": Field::NotTruncated},
                });
                self.close_span(span, SpanStatus::Succeeded, Some(result.clone()), None);
                if self.is_done() {
                    return;
                }
                self.finish_with_result(fid, result)
            }
            Err(f) => {
                self.emit(fid, EventType::Task(fam, TaskPhase::Failed), |x| {
                    let mut d = failure_fields(&f);
                    if let ResourceKind::Service { resource_type, resource, .. } = x.task_kind(fid) {
                        d.push(("resourceType", Field::from(resource_type)));
                        d.push(("resource", Field::from(resource)));
                    }
                    d
                });
                self.close_span(span, SpanStatus::Failed, None, Some(&f));
                if self.is_done() {
                    return;
                }
                self.fail_state(fid, f)
            }
        };
        if flow == Flow::Next {
            self.run(fid);
        }
    }

    /// The task's timeout or heartbeat fired before it finished.
    pub(in crate::exec) fn task_timed_out(&mut self, fid: FrameId, error: &'static str) {
        let Block::Task { id, span } = self.frames[fid].block else { return };
        self.take_task(id);
        self.effects.push_back(Effect::Cancel(id));
        self.frames[fid].block = Block::None;
        self.frames[fid].gen += 1;
        let fam = family(self.task_kind(fid));
        self.emit(fid, EventType::Task(fam, TaskPhase::TimedOut), |x| match x.task_kind(fid) {
            ResourceKind::Service { resource_type, resource, .. } => {
                fields! {"resourceType": resource_type, "resource": resource, "error": error}
            }
            _ => fields! {"error": error},
        });
        let f = Failure::new(error, "");
        self.close_span(span, SpanStatus::Failed, None, Some(&f));
        if self.is_done() {
            return;
        }
        if self.fail_state(fid, f) == Flow::Next {
            self.run(fid);
        }
    }
}

/// A task token: opaque, unique within the execution, the same for the same run.
fn task_token(execution: &str, id: u64) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in execution.bytes().chain(id.to_le_bytes()) {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    format!("AQB{h:016x}{id:08x}")
}
