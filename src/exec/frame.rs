//! Frames: the top level, each Parallel branch and each Map iteration is a chain of states
//! run by one frame, from state to state, until it blocks on a task, a timer or its children,
//! or ends.

use super::events::{EventType, Field};
use super::spans::{LaneId, SpanId, SpanKind, SpanStatus, MAIN_LANE, NO_SPAN};
use super::{data_limit_failure, payload_limit, Execution, FrameId};
use crate::asl::{Kind, Machine, State};
use crate::dataflow::pipeline::{Pipeline, StepError};
use crate::dataflow::runtime_errors::QUERY_EVALUATION_ERROR;
use crate::dataflow::scope::{state_cause, Context, Vars};
use crate::error::Failure;
use crate::fields;
use crate::value::Value;
use std::collections::VecDeque;
use std::rc::Rc;

/// What a frame waits for.
#[derive(Debug)]
pub(super) enum Block {
    None,
    Task { id: u64, span: SpanId },
    Timer,
    Children(Box<Group>),
}

/// The branches of a Parallel state or the iterations of a Map state, as they run.
#[derive(Debug)]
pub(super) struct Group {
    pub is_map: bool,
    pub children: Vec<Option<FrameId>>,
    pub results: Vec<Option<Rc<Value>>>,
    /// Map items not started yet (index, input).
    pub queue: VecDeque<(usize, Rc<Value>)>,
    pub running: usize,
    pub max_concurrency: usize,
    pub failed: usize,
    pub tolerated_count: Option<u64>,
    pub tolerated_percentage: Option<f64>,
    pub total: usize,
    pub done: usize,
    pub distributed: bool,
    /// A distributed Map with a ResultWriter: what its child executions were given and how
    /// they ran, for their records.
    pub log: Option<Box<RunLog>>,
    /// How the children that ended unsuccessfully stood, for a redrive (nothing without the
    /// extras).
    #[cfg_attr(not(feature = "extras"), allow(dead_code))]
    pub notes: Notes,
}

#[cfg(feature = "extras")]
pub(super) type Notes = Vec<Option<super::redrive::Resume>>;
#[cfg(not(feature = "extras"))]
pub(super) type Notes = ();

/// The child executions of a Map Run, for its ResultWriter (which a build without the extras
/// never runs: it only keeps the log).
#[derive(Debug, Default)]
#[cfg_attr(not(feature = "extras"), allow(dead_code))]
pub(super) struct RunLog {
    /// Each child's input, and when it started and stopped (virtual ms).
    pub inputs: Vec<Rc<Value>>,
    pub times: Vec<(i64, i64)>,
    pub started: Vec<bool>,
    /// How each failed child failed (aborted ones included).
    pub failures: Vec<Option<Failure>>,
    /// Where the results are exported (the evaluated `Parameters`/`Arguments`), if they are.
    pub export: Option<Rc<Value>>,
}

#[derive(Debug)]
pub(super) struct Frame {
    pub machine: Rc<Machine>,
    /// The frame running the Parallel or Map state, and the branch or iteration index.
    pub parent: Option<(FrameId, usize)>,
    /// The span of that Parallel or Map state's visit.
    pub parent_span: SpanId,
    pub vars: Rc<Vars>,
    pub state: usize,
    pub input: Rc<Value>,
    pub entered_event: u64,
    pub entered_time: i64,
    pub last_event: u64,
    pub attempts: Vec<u32>,
    pub retry_count: u32,
    pub block: Block,
    pub gen: u64,
    /// The frame's lane, found when it is first needed: at once when events are kept, else
    /// only for a Task request.
    pub lane: Option<LaneId>,
    pub state_span: SpanId,
    pub alive: bool,
    /// A Wait state's output and assignments, computed before it started waiting.
    pub stash: Option<(Rc<Value>, Option<Value>)>,
    /// Inside a distributed Map: its iterations run as child executions, whose events are not
    /// part of this execution's history.
    pub silent: bool,
    /// The token of the callback (`.waitForTaskToken`) or job-run (`.sync`) task this frame is
    /// running (`$$.Task.Token`).
    pub task_token: Option<String>,
    /// A Map iteration whose MapIterationStarted event is still to be written.
    pub iteration_pending: bool,
    /// In a child execution (`silent`): the frame that is its root, which counts its events.
    pub child_root: FrameId,
    pub child_events: u32,
}

#[derive(Debug)]
pub(super) enum Work {
    Run(FrameId),
    TaskDone {
        frame: FrameId,
        gen: u64,
        outcome: Result<Value, Failure>,
    },
    Resume {
        frame: FrameId,
        gen: u64,
    },
    TaskTimeout {
        frame: FrameId,
        gen: u64,
        error: &'static str,
    },
    ChildrenDone(FrameId),
    /// A child execution (this root frame) reached the history limit: it fails.
    ChildHistoryFull(FrameId),
    ExecutionTimeout,
}

/// What a frame does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
    /// Go on with the frame's (new) current state.
    Next,
    Blocked,
    Ended,
}

impl Execution {
    pub(super) fn new_frame(
        &mut self,
        machine: Rc<Machine>,
        parent: Option<(FrameId, usize)>,
        vars: Rc<Vars>,
        input: Rc<Value>,
        last_event: u64,
    ) -> FrameId {
        let state = machine.start_at;
        let silent = parent.is_some_and(|(p, _)| {
            self.frames[p].silent || matches!(&self.state(p).kind, Kind::Map(m) if m.distributed)
        });
        // A distributed Map's iteration is the root of a child execution; below it, its root.
        let child_root = match parent {
            Some((p, _)) if silent && self.frames[p].silent => self.frames[p].child_root,
            _ => self.frames.len(),
        };
        let parent_span = parent.map_or(NO_SPAN, |(p, _)| self.frames[p].state_span);
        self.frames.push(Frame {
            machine,
            parent,
            parent_span,
            vars,
            state,
            input,
            entered_event: 0,
            entered_time: self.now,
            last_event,
            attempts: Vec::new(),
            retry_count: 0,
            block: Block::None,
            gen: 0,
            lane: None,
            state_span: NO_SPAN,
            alive: true,
            stash: None,
            silent,
            task_token: None,
            iteration_pending: false,
            child_root,
            child_events: 0,
        });
        let fid = self.frames.len() - 1;
        if self.opts.history {
            // Found now, while the parent still runs the state that started this frame.
            self.lane(fid);
        }
        fid
    }

    /// The lane of frame `fid`. A child's lane is found from the state its parent runs, so
    /// it is found while that state runs (see `Frame::lane`).
    pub(super) fn lane(&mut self, fid: FrameId) -> LaneId {
        if let Some(lane) = self.frames[fid].lane {
            return lane;
        }
        let lane = match self.frames[fid].parent {
            None => MAIN_LANE,
            Some((parent, index)) => {
                let above = self.lane(parent);
                let name = self.state(parent).name.clone();
                self.lanes.child(above, &name, index as u32)
            }
        };
        self.frames[fid].lane = Some(lane);
        lane
    }

    #[inline(always)]
    pub(super) fn state(&self, fid: FrameId) -> &State {
        let f = &self.frames[fid];
        &f.machine.states[f.state]
    }

    /// Run frame `fid` from its current state until it blocks or ends.
    pub(super) fn run(&mut self, fid: FrameId) {
        if std::mem::take(&mut self.frames[fid].iteration_pending) {
            if let Some((parent, index)) = self.frames[fid].parent {
                let id = self.emit(parent, EventType::MapIterationStarted, |x| {
                    fields! {"name": x.state(parent).name.clone(), "index": index}
                });
                self.frames[fid].last_event = id;
            }
        }
        while self.frames[fid].alive && !self.is_done() {
            match self.enter(fid) {
                Flow::Next => continue,
                Flow::Blocked | Flow::Ended => return,
            }
        }
    }

    /// Enter the frame's current state and do what can be done now.
    fn enter(&mut self, fid: FrameId) -> Flow {
        let ty = EventType::StateEntered(self.state(fid).state_type());
        let id = self.emit(fid, ty, |x| {
            let f = &x.frames[fid];
            fields! {"name": x.state(fid).name.clone(), "input": f.input.clone(), "inputDetails": Field::NotTruncated}
        });
        if self.is_done() {
            return Flow::Ended;
        }
        if self.frames[fid].silent {
            // A child execution past its history limit goes no further (it is ended by the
            // work its last event queued).
            let root = self.frames[fid].child_root;
            if self.frames[root].child_events as usize >= self.opts.max_events {
                return Flow::Blocked;
            }
        }
        {
            let f = &mut self.frames[fid];
            f.entered_event = id;
            f.entered_time = self.now;
            f.attempts.clear();
            f.retry_count = 0;
            f.gen += 1;
        }
        if self.opts.history && self.opts.spans {
            let input = self.frames[fid].input.clone();
            self.frames[fid].state_span = self.open_span(fid, SpanKind::State, Some(input));
        }
        self.execute(fid)
    }

    /// A wait or a retry back-off is over.
    pub(super) fn resume(&mut self, fid: FrameId) {
        let was_wait = matches!(self.state(fid).kind, Kind::Wait(_)) && matches!(self.frames[fid].block, Block::Timer);
        self.frames[fid].block = Block::None;
        let flow = if was_wait { self.finish_wait(fid) } else { self.execute(fid) };
        if flow == Flow::Next {
            self.run(fid);
        }
    }

    /// The state's output has been computed: check its size, emit the Exited event, and move
    /// on.
    pub(super) fn exit_state(
        &mut self,
        fid: FrameId,
        state: &State,
        output: Rc<Value>,
        assigned: Option<Value>,
    ) -> Flow {
        if let Some(over) = payload_limit(&output) {
            let f = data_limit_failure(over, &state.name, "returned a result");
            return self.fail_state(fid, f);
        }
        self.exit_to(fid, state, output, assigned, state.next)
    }

    /// The `<Type>StateExited` event of the frame's state, with its output and assignments.
    pub(super) fn emit_exited(&mut self, fid: FrameId, state: &State, output: &Rc<Value>, assigned: Option<Value>) {
        let ty = EventType::StateExited(state.state_type());
        self.emit(fid, ty, |_| {
            let mut details =
                fields! {"name": state.name.clone(), "output": output, "outputDetails": Field::NotTruncated};
            if let Some(a) = assigned {
                details.push(("assignedVariables", Field::from(a)));
                details.push(("assignedVariablesDetails", Field::NotTruncated));
            }
            details
        });
    }

    /// Leave the frame's current state with `output` for state `next` (`None`: the frame ends).
    pub(super) fn exit_to(
        &mut self,
        fid: FrameId,
        state: &State,
        output: Rc<Value>,
        assigned: Option<Value>,
        next: Option<usize>,
    ) -> Flow {
        let is_end = matches!(state.kind, Kind::Succeed) || next.is_none();
        self.emit_exited(fid, state, &output, assigned);
        let span = self.frames[fid].state_span;
        if span != NO_SPAN {
            self.close_span(span, SpanStatus::Succeeded, Some(output.clone()), None);
        }
        match next {
            Some(n) if !is_end => {
                let f = &mut self.frames[fid];
                f.state = n;
                f.input = output;
                if !matches!(f.block, Block::None) {
                    f.block = Block::None;
                }
                Flow::Next
            }
            _ => {
                self.frame_ended(fid, Ok(output));
                Flow::Ended
            }
        }
    }

    // ------------------------------------------------------------------ data flow

    /// What the context object (`$$`) of the frame's current state is made of.
    pub(super) fn context(&self, fid: FrameId) -> Context<'_> {
        let f = &self.frames[fid];
        let state = &f.machine.states[f.state];
        let arns =
            self.arns.get_or_init(|| (self.opts.execution_arn(self.root.machine_type), self.opts.state_machine_arn()));
        Context {
            execution_id: &arns.0,
            execution_name: &self.opts.execution_name,
            execution_input: &self.input,
            start_time: self.opts.start_time,
            role_arn: &self.opts.role_arn,
            state_machine_id: &arns.1,
            state_machine_name: &self.opts.state_machine_name,
            state_name: &state.name,
            entered_time: f.entered_time,
            retry_count: matches!(state.kind, Kind::Task(_)).then_some(f.retry_count),
            task_token: f.task_token.as_deref(),
            #[cfg(feature = "extras")]
            redrive: self.redrive.context(),
        }
    }

    /// Run `f` on the data flow of the frame's current state (`state`), over its input; keep
    /// the values it recorded in the state's span.
    pub(super) fn with_pipeline<R>(&mut self, fid: FrameId, state: &State, f: impl FnOnce(&mut Pipeline) -> R) -> R {
        let (r, steps) = {
            let context = |item: Option<crate::dataflow::pipeline::MapItem>| self.context(fid).build(item);
            let fr = &self.frames[fid];
            let mut p =
                Pipeline::new(state, &fr.input, &fr.vars, &context, &self.rng, self.now, self.opts.record_steps);
            let r = f(&mut p);
            (r, p.into_steps())
        };
        if !steps.is_empty() {
            self.keep_steps(fid, steps);
        }
        r
    }

    /// Keep the values a pipeline recorded in the state's span.
    pub(super) fn keep_steps(&mut self, fid: FrameId, steps: Vec<(&'static str, Rc<Value>)>) {
        if let Some(s) = self.spans.get_mut(self.frames[fid].state_span as usize) {
            let budget = &mut self.budget;
            s.steps.extend(steps.into_iter().map(|(step, v)| (step, budget.keep(v))));
        }
    }

    /// The failure a data-flow step ends the state with: the state's prefix on the cause, and
    /// for JSONata, the EvaluationFailed event AWS writes first.
    pub(super) fn step_failure(&mut self, fid: FrameId, e: StepError) -> Failure {
        let (name, entered) = (self.state(fid).name.clone(), self.frames[fid].entered_event);
        match e {
            StepError::Path(f) => Failure::new(f.error, state_cause(&name, entered, &f.cause)).bounded(),
            StepError::Limit(f) => f,
            StepError::Query(e) => {
                let cause = state_cause(&name, entered, &e.detail);
                let failure = Failure::new(QUERY_EVALUATION_ERROR, cause).bounded();
                self.emit(fid, EventType::EvaluationFailed, |_| {
                    fields! {"error": QUERY_EVALUATION_ERROR, "cause": failure.cause.as_str(), "location": e.location.as_str(), "state": name.clone()}
                });
                failure
            }
        }
    }

    /// The state assigns these variables (in its frame's scope).
    #[inline(always)]
    pub(super) fn apply_assign(&mut self, fid: FrameId, assigned: &Option<Value>) {
        if let Some(a) = assigned {
            self.assign_variables(fid, a);
        }
    }

    fn assign_variables(&mut self, fid: FrameId, assigned: &Value) {
        if self.opts.record_steps {
            self.keep_steps(fid, vec![("Assign", Rc::new(assigned.clone()))]);
        }
        if let Value::Object(m) = assigned {
            let vars = Rc::make_mut(&mut self.frames[fid].vars);
            for (k, v) in m {
                vars.local.insert(k.clone(), v.clone());
            }
        }
    }

    /// Leave the state with its output, once its assignments are made; or fail it.
    pub(super) fn conclude(
        &mut self,
        fid: FrameId,
        state: &State,
        done: Result<(Rc<Value>, Option<Value>), Failure>,
    ) -> Flow {
        match done {
            Ok((out, assigned)) => {
                self.apply_assign(fid, &assigned);
                self.exit_state(fid, state, out, assigned)
            }
            Err(f) => self.fail_state(fid, f),
        }
    }
}
