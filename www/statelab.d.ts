// Types of statelab's JS API (www/statelab.js, the package's "statelab" export), written by
// hand to match it: the functions, their options and the shapes the engine hands back.

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An ASL definition: JSON text, or the parsed value. */
export type Definition = string | { [key: string]: unknown };

/** An execution input: JSON text, or a JSON value (undefined: `{}`). */
export type Input = string | Json | undefined;

/** A mocked Task answer in the short form; `Return`/`Throw`/`LatencySeconds` are accepted too. */
export interface MockResponse {
  result?: Json;
  Return?: Json;
  error?: string;
  cause?: string;
  Throw?: { Error?: string; Cause?: string };
  /** Seconds, or a [min, max] range drawn from the seeded source. */
  latency?: number | [number, number];
  LatencySeconds?: number | [number, number];
}

/**
 * Mocked Task answers: the short form keyed by state name (a list covers successive
 * invocations and its last entry repeats; "*" answers every Task not named), or the Step
 * Functions Local mock configuration ({StateMachines, MockedResponses}); as a value or as JSON
 * text.
 */
export type Mocks =
  | string
  | { [state: string]: MockResponse | MockResponse[] }
  | { StateMachines?: { [name: string]: unknown }; MockedResponses?: { [name: string]: unknown } }
  | null
  | undefined;

export type MachineType = 'STANDARD' | 'EXPRESS';

/** A problem with a definition; location is a JSON Pointer, line and column are 1-based. */
export interface Diagnostic {
  code: string;
  severity: string;
  location: string;
  line: number;
  column: number;
  message: string;
}

/** A rejection for an invalid definition carries its diagnostics. */
export interface DefinitionError extends Error {
  diagnostics?: Diagnostic[];
}

/** A history event in AWS's shape, with its time and lane. */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: string;
  type: string;
  /** Milliseconds since the execution started (virtual time). */
  ms: number;
  /** The id of the lane (index into the result's lanes). */
  lane: number;
  /** The state the event belongs to; absent for the execution's own events. */
  state?: string;
  /** The `<xxx>EventDetails` field of the event's type. */
  [details: string]: unknown;
}

/** One data-flow step of a state (options.recordSteps). */
export interface Step {
  step: string;
  value?: Json;
  elided?: true;
}

/** A bar of the timeline: a state's visit, a Task attempt, a retry back-off or a wait. */
export interface Span {
  id: number;
  lane: number;
  /** The span this one is part of (a state's for an attempt, back-off or wait; a Parallel's or Map's for a state in a branch or iteration). */
  parent: number | null;
  /** The branch or iteration index, with parent. */
  index: number | null;
  state: string;
  kind: 'state' | 'attempt' | 'backoff' | 'wait';
  startMs: number;
  /** null while the span runs. */
  endMs: number | null;
  status: string;
  input?: Json;
  output?: Json;
  error?: string;
  cause?: string;
  inputElided?: true;
  outputElided?: true;
  causeElided?: true;
  /** With options.criticalPath, once the execution has ended. */
  critical?: boolean;
  slackMs?: number;
  /** With options.recordSteps. */
  steps?: Step[];
}

/** A lane: the top level (lane 0), or a Parallel branch or Map iteration. */
export interface Lane {
  parent: number | null;
  state: string | null;
  index: number | null;
  /** For display ('Fan/0'); never parsed. */
  label: string;
}

export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** How an execution ended (simulate with history: false). */
export interface Outcome {
  status: ExecutionStatus;
  output?: Json;
  error?: string;
  cause?: string;
  durationMs: number;
  /** The history passed options.historyBytes: some payloads were left out. */
  historyTruncated?: true;
  /** An unsuccessful execution's state for redrive() (full engine only). */
  redrive?: RedriveState;
  /**
   * The objects the run wrote (a ResultWriter's export, S3 putObject tasks), as the mocks'
   * Files section gives them: {bucket: {key: text}}. Only the full engine writes any.
   */
  files?: { [bucket: string]: { [key: string]: string } };
}

/** What a redrive of an unsuccessful execution needs: pass it back to redrive() as given. */
export interface RedriveState {
  redriveCount: number;
  events: number;
  status: ExecutionStatus;
  startTime: string;
  endTime: string;
  resume: Json;
}

/** The execution redrive() continues: its result (with `redrive`), or the mocks it ran with. */
export interface PreviousRun {
  result?: Outcome;
  mocks?: Mocks;
}

/** An execution's outcome with its history, timeline and lanes. */
export interface Result extends Outcome {
  events: HistoryEvent[];
  spans: Span[];
  lanes: Lane[];
  /**
   * The distributed Maps' child executions, each with its own history (ids from 1,
   * ExecutionStarted to its end; full engine only): mapSpan is the id of the Map state's
   * visit (span) that started it, index its place in that Map Run; complete is false when
   * some of its events were not kept (50,000 in all).
   */
  mapRunChildren?: { mapSpan: number; index: number; complete: boolean; events: HistoryEvent[] }[];
  /** The child executions the run started (options.machines), depth first. */
  children?: ChildExecution[];
}

/** A child execution: a workspace machine a startExecution Task ran. */
export interface ChildExecution {
  executionArn: string;
  name: string;
  /** The workspace's name of the machine it ran. */
  stateMachine: string;
  /** When it started, in ms from the run's start. */
  startMs: number;
  /** The execution that started it and its task: span is an index into that execution's spans. */
  parent: { executionArn: string; state: string; taskId: number; attempt: number; lane: number; span: number | null };
  /** Its outcome, history and timeline, times from its own start. */
  result: Result;
}

export interface ValidateOptions {
  type?: MachineType;
}

export interface SimulateOptions {
  seed?: number;
  executionName?: string;
  stateMachineName?: string;
  /** The test case of a Step Functions Local mock configuration. */
  testCase?: string;
  type?: MachineType;
  /** Run the sequential twin: each Parallel's branches one after another, each Map one iteration at a time. */
  sequential?: boolean;
  /** Spans get each data-flow step as steps. */
  recordSteps?: boolean;
  /** Spans get critical and slackMs. */
  criticalPath?: boolean;
  /** false: the result has no events, spans and lanes, only the outcome. */
  history?: boolean;
  /** The most distinct payload data the events and spans keep (default 32 MiB; 2 ** 32 or more: no limit). */
  historyBytes?: number;
  /** State machines by name (definition as JSON text or object) a Task on states:startExecution may start as child executions (full engine). */
  machines?: Record<string, string | object>;
}

/** A Task's local implementation for run(). */
export type TaskFunction = (input: Json, context: { state: string; attempt: number; lane: string; resource: string; token?: string }) => unknown;

export interface RunOptions extends SimulateOptions {
  /** Virtual time passes this many times faster than real time (default 1). */
  speed?: number;
  /** No real timers: each deadline is handled at once, as simulate() does; the run waits only for the functions. */
  instant?: boolean;
  /** Start paused (default false). */
  paused?: boolean;
  /**
   * Tasks answered by JS functions, by state name, with the virtual time a call takes
   * (seconds, default 0: workflow time stands still while a function runs); a thrown error is
   * the Task's failure {error: err.name, cause: err.message}.
   */
  functions?: { [state: string]: TaskFunction | { function: TaskFunction; latency?: number } };
  /**
   * Callback Tasks (a `.waitForTaskToken` Task, an Activity), by state name: each waits for
   * RunControl's sendTaskSuccess / sendTaskFailure / sendTaskHeartbeat while workflow time runs
   * on (its TimeoutSeconds and HeartbeatSeconds too). Runs on the full engine.
   */
  callbacks?: string[];
  /** A callback Task waits: its request, and the workflow time it began waiting. */
  onCallback?: (callback: { id: number; token: string | null; state: string; resource: string; input: Json; lane: string; attempt: number; atMs: number }) => void;
  /**
   * The run is the redrive of `previous` (as redrive() takes it), `afterMs` (default 0) after
   * its end, on the full engine; `done` rejects with ExecutionNotRedrivable when it cannot be.
   */
  redrive?: { previous: PreviousRun; afterMs?: number };
  onEvent?: (event: HistoryEvent) => void;
  /** At most every updateIntervalMs (default 50), and at the end. */
  onUpdate?: (update: { nowMs: number; spans: Span[]; lanes: Lane[]; status: string }) => void;
  updateIntervalMs?: number;
}

export interface RunControl {
  /** Settles with the result, as simulate() gives it. */
  done: Promise<Result>;
  pause(): void;
  resume(): void;
  /** Pause and move to the next moment something happens; false when there is none (or while a function runs). */
  step(): boolean;
  stop(): void;
  /** SendTaskSuccess for callback `id`, now: false when it no longer waits (answered, timed out, cancelled). */
  sendTaskSuccess(id: number, output: Json): boolean;
  /** SendTaskFailure for callback `id`, now. */
  sendTaskFailure(id: number, error?: string, cause?: string): boolean;
  /** SendTaskHeartbeat for callback `id`, now: its heartbeat clock starts again; no event is written. */
  sendTaskHeartbeat(id: number): boolean;
  readonly nowMs: number;
  readonly paused: boolean;
  readonly finished: boolean;
}

export interface CompiledMachine {
  simulate(input: Input, mocks: Mocks, options: SimulateOptions & { history: false }): Promise<Outcome>;
  simulate(input?: Input, mocks?: Mocks, options?: SimulateOptions): Promise<Result>;
}

/** A TestState request, as AWS's API takes it. */
export interface TestStateRequest {
  /** One state, or a whole machine with stateName. */
  definition: Definition;
  input?: Input;
  inspectionLevel?: 'INFO' | 'DEBUG' | 'TRACE';
  stateName?: string;
  variables?: string | { [name: string]: Json };
  context?: string | { [key: string]: Json };
  roleArn?: string;
  mock?: {
    result?: string | Json;
    errorOutput?: { error?: string; cause?: string };
    fieldValidationMode?: 'STRICT' | 'PRESENT' | 'NONE';
  };
  stateConfiguration?: {
    retrierRetryCount?: number;
    mapIterationFailureCount?: number;
    /** With mock.errorOutput on a Map or Parallel: the state inside that raised the error. */
    errorCausedByState?: string;
    /** For a Map with an ItemReader: the data it would read, as its source holds it (CSV, JSON, JSONL text). */
    mapItemReaderData?: string;
  };
  /** AWS's: show what an HTTP Task's EventBridge connection adds to the request (statelab holds none). */
  revealSecrets?: boolean;
}

export interface TestStateAnswer {
  status: 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';
  output?: Json;
  error?: string;
  cause?: string;
  nextState?: string;
  /** At DEBUG and TRACE: the fields AWS shows for the state. */
  inspectionData?: { [field: string]: unknown };
}

/** The API's refusal of a request. */
export interface TestStateRefusal {
  Error: { Code: string; Message: string };
}

export interface Substitution {
  name: string;
  value: string;
  /** Made up by statelab (nothing in the source gave it). */
  generated: boolean;
}

export interface SourceMachine {
  name: string;
  /** JSON text, intrinsics resolved and ${Name} placeholders filled; null without its DefinitionUri file. */
  definition: string | null;
  substitutions: Substitution[];
  type: MachineType | null;
  definitionUri: string | null;
  needsFile: boolean;
  /** The DefinitionUri file the diagnostics are in, if any. */
  file: string | null;
  diagnostics: Diagnostic[];
}

export type SourceReport =
  | { ok: true; form: 'ASL' | 'CloudFormation' | 'Serverless'; label: string; yaml: boolean; machines: SourceMachine[] }
  | { ok: false; diagnostics: Diagnostic[] };

export interface LoadSourceOptions {
  /** Substitutions to use, by name. */
  overrides?: { [name: string]: string };
  /** The DefinitionUri files, by URI. */
  files?: { [uri: string]: string };
}

export interface DeriveOptions {
  /** Derive an input too. */
  input?: boolean;
  /** States that have mocks already (no mock is derived for them). */
  mocked?: string[];
}

export interface Derived {
  input?: Json;
  mocks: { [state: string]: { result: Json; latency: number } };
}

export interface StatelabWorker {
  validate(definition: Definition, options?: ValidateOptions): Promise<Diagnostic[]>;
  simulate(definition: Definition, input: Input, mocks: Mocks, options: SimulateOptions & { history: false }): Promise<Outcome>;
  simulate(definition: Definition, input?: Input, mocks?: Mocks, options?: SimulateOptions): Promise<Result>;
  version(): Promise<string>;
  loadSource(text: string, options?: LoadSourceOptions): Promise<SourceReport>;
  derive(definition: Definition, options?: DeriveOptions): Promise<Derived>;
  testState(request: TestStateRequest, options?: { now?: number }): Promise<TestStateAnswer | TestStateRefusal>;
  terminate(): void;
}

/**
 * Load the core engine now (every function loads it on first use). source: a URL, the wasm's
 * bytes, or a compiled module; by default ./pkg/statelab_bg.wasm beside statelab.js.
 */
export function init(source?: string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module): Promise<void>;

/** The diagnostics of a definition: [] when valid. */
export function validate(definition: Definition, options?: ValidateOptions): Promise<Diagnostic[]>;

/** Run an execution to its end on the virtual clock, every Task from mocks. Rejects with a DefinitionError for an invalid definition. */
export function simulate(definition: Definition, input: Input, mocks: Mocks, options: SimulateOptions & { history: false }): Promise<Outcome>;
export function simulate(definition: Definition, input?: Input, mocks?: Mocks, options?: SimulateOptions): Promise<Result>;

/** Check a definition once, to simulate it many times. */
export function compile(definition: Definition, options?: ValidateOptions): Promise<CompiledMachine>;

/** Run an execution on real timers, scaled by options.speed; the same events as simulate() for the same seed. */
export function run(definition: Definition, input?: Input, mocks?: Mocks, options?: RunOptions): RunControl;

/**
 * Redrive an execution that ended FAILED, TIMED_OUT or ABORTED as AWS's RedriveExecution does
 * (full engine): only its unsuccessful states run again; the new attempt's events continue the
 * previous ids from ExecutionRedriven. Rejects with ExecutionNotRedrivable when it cannot be.
 */
export function redrive(definition: Definition, input: Input, previous: PreviousRun, mocks?: Mocks, options?: SimulateOptions & { afterMs?: number }): Promise<Result>;

/** Run one state as AWS's TestState API does (full engine). options.now: ms since the epoch for the context object. */
export function testState(request: TestStateRequest, options?: { now?: number }): Promise<TestStateAnswer | TestStateRefusal>;

/** Read ASL as JSON or YAML, a CloudFormation or SAM template, or a Serverless configuration (full engine). */
export function loadSource(text: string, options?: LoadSourceOptions): Promise<SourceReport>;

/** What a run was not given, derived from the definition as `statelab run --auto` derives it (full engine). */
export function derive(definition: Definition, options?: DeriveOptions): Promise<Derived>;

/** The engine's version. */
export function version(): Promise<string>;

/** The engine in a module Web Worker (./worker.js beside statelab.js by default). */
export function createWorker(url?: string | URL): StatelabWorker;
