//! The typed form of an Amazon States Language definition.
//!
//! A definition is checked once (`parse::parse_definition`) into these structures; the
//! executor then relies on their shape and never re-checks it. Every state keeps the JSON
//! Pointer it came from, so runtime messages can point back at the definition too.

pub mod parse;

use crate::dataflow::jsonpath::Reference;
use crate::dataflow::template::{Dynamic, Template};
use crate::jsonata;
use crate::value::{Key, Value};
use std::rc::Rc;

pub use parse::{
    over_length, parse_definition, truncated, validate_text, Diagnostic, MachineType, MAX_DEFINITION_CHARS,
    MAX_DIAGNOSTICS,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryLanguage {
    JsonPath,
    Jsonata,
}

/// A state machine, or one branch of a Parallel, or the processor of a Map.
#[derive(Debug)]
pub struct Machine {
    pub start_at: usize,
    pub states: Vec<State>,
    pub timeout_seconds: Option<u64>,
    pub query_language: QueryLanguage,
    /// Standard or Express (the whole definition's, checked against).
    pub machine_type: MachineType,
    /// JSON Pointer of this machine in the definition ("" for the top level).
    pub pointer: String,
    /// The definition (set on the top-level machine) may call what only a build with the
    /// Cargo feature `extras` has: an intrinsic `States.Hash`, or a JSONata expression that
    /// may use a number picture, parse a date with a picture, hash, or evaluate text
    /// (`$eval`; see `jsonata::Expr::uses_extras`), or a JSONPath filter matches a pattern
    /// (`=~`) or calls a function (`@.length()`).
    pub uses_extras: bool,
}

impl Machine {
    pub fn state_index(&self, name: &str) -> Option<usize> {
        self.states.iter().position(|s| &*s.name == name)
    }
}

#[derive(Debug)]
pub struct State {
    pub name: Rc<str>,
    pub pointer: String,
    pub query_language: QueryLanguage,
    pub kind: Kind,
    /// `Some(next)` for `Next`, `None` for `End` (and for Choice, Succeed, Fail).
    pub next: Option<usize>,
    pub io: Io,
    pub assign: Option<Assign>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
}

impl State {
    pub fn state_type(&self) -> StateType {
        match self.kind {
            Kind::Pass { .. } => StateType::Pass,
            Kind::Task(_) => StateType::Task,
            Kind::Choice(_) => StateType::Choice,
            Kind::Wait(_) => StateType::Wait,
            Kind::Succeed => StateType::Succeed,
            Kind::Fail(_) => StateType::Fail,
            Kind::Parallel(_) => StateType::Parallel,
            Kind::Map(_) => StateType::Map,
        }
    }
}

/// A state's `Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateType {
    Pass,
    Task,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

/// An optional JSONPath field that may also be `null` (InputPath, OutputPath, ResultPath).
#[derive(Debug, Clone)]
pub enum PathField {
    /// Field absent: the default `$`.
    Default,
    /// Field set to `null`.
    Null,
    Path(Reference),
}

/// A JSONata template: a JSON value in which strings written `{% ... %}` are expressions.
#[derive(Debug, Clone)]
pub enum JTemplate {
    Expr { source: String, expr: Rc<jsonata::Expr> },
    Object(Vec<(Key, JTemplate)>),
    Array(Vec<JTemplate>),
    Literal(Value),
}

// One per state, built once at parse time: the size of the JSONPath variant costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Io {
    JsonPath {
        input_path: PathField,
        parameters: Option<Template>,
        result_selector: Option<Template>,
        result_path: PathField,
        output_path: PathField,
    },
    Jsonata {
        arguments: Option<JTemplate>,
        output: Option<JTemplate>,
    },
}

#[derive(Debug)]
pub enum Assign {
    JsonPath(Template),
    Jsonata(Vec<(Key, JTemplate)>),
}

#[derive(Debug)]
pub enum Kind {
    Pass { result: Option<Value> },
    Task(Task),
    Choice(Choice),
    Wait(Wait),
    Succeed,
    Fail(Fail),
    Parallel(Vec<Rc<Machine>>),
    Map(Box<MapState>),
}

/// A number given literally, by a JSONPath reference (`...Path` field) or by a JSONata template.
#[derive(Debug, Clone)]
pub enum NumberField {
    Literal(f64),
    Path(Reference),
    Expr(JTemplate),
}

#[derive(Debug)]
pub struct Task {
    pub resource: Rc<str>,
    pub kind: ResourceKind,
    pub timeout: Option<NumberField>,
    pub heartbeat: Option<NumberField>,
    pub credentials: Option<Value>,
}

/// How a Task's resource shows in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceKind {
    /// `arn:aws:states:::service:action[.pattern]`: TaskScheduled events with `resourceType`
    /// `service` and `resource` `action[.pattern]`.
    Service { resource_type: String, resource: String, pattern: Pattern },
    /// A Lambda function ARN used directly: LambdaFunction* events.
    LambdaFunction,
    /// An activity ARN: Activity* events.
    Activity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    RequestResponse,
    Sync,
    WaitForTaskToken,
}

#[derive(Debug)]
pub struct Choice {
    pub choices: Vec<ChoiceRule>,
    pub default: Option<usize>,
}

#[derive(Debug)]
pub struct ChoiceRule {
    pub condition: Condition,
    pub next: usize,
    pub assign: Option<Assign>,
    pub output: Option<JTemplate>,
    pub pointer: String,
}

#[derive(Debug)]
pub enum Condition {
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    Compare { variable: Reference, op: Comparison, operand: Operand },
    Jsonata(JTemplate),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

#[derive(Debug, Clone)]
pub enum Operand {
    Value(Value),
    Path(Reference),
}

#[derive(Debug)]
pub enum Wait {
    Seconds(NumberField),
    Timestamp(String),
    TimestampPath(Reference),
    TimestampExpr(JTemplate),
}

#[derive(Debug)]
pub struct Fail {
    pub error: Option<FailField>,
    pub cause: Option<FailField>,
}

#[derive(Debug)]
pub enum FailField {
    Literal(String),
    Path(Dynamic),
    Expr(JTemplate),
}

#[derive(Debug)]
pub struct MapState {
    pub processor: Rc<Machine>,
    pub items_path: Option<Reference>,
    pub items: Option<JTemplate>,
    pub item_selector: Option<ItemSelector>,
    pub max_concurrency: Option<NumberField>,
    pub tolerated_failure_count: Option<NumberField>,
    pub tolerated_failure_percentage: Option<NumberField>,
    pub distributed: bool,
    pub label: Option<String>,
    pub item_batcher: Option<Batcher>,
    /// `ItemReader`: the items come from the workspace of files (Amazon S3's place).
    pub item_reader: Option<Box<ItemReader>>,
    pub result_writer: Option<Box<ResultWriter>>,
}

impl MapState {
    /// The ResultWriter's transformation of the results: given, else `NONE` when they are
    /// exported and `COMPACT` when there is no ResultWriter or it only formats them.
    pub fn transformation(&self) -> Transformation {
        match &self.result_writer {
            None => Transformation::Compact,
            Some(w) => w.transformation.unwrap_or(if w.arguments.is_some() {
                Transformation::None
            } else {
                Transformation::Compact
            }),
        }
    }
}

/// `ItemReader`: where a distributed Map reads its items, an object of the workspace
/// (`s3:getObject`) or a listing of a bucket (`s3:listObjectsV2`).
#[derive(Debug)]
pub struct ItemReader {
    pub list: bool,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata): `Bucket` and `Key`, or `Bucket` and
    /// `Prefix` for a listing.
    pub arguments: Option<ItemSelector>,
    pub reader: ReaderConfig,
}

/// `ItemReader.ReaderConfig`, checked.
#[derive(Debug, Default)]
pub struct ReaderConfig {
    /// `InputType`; for a listing, set only with `Transformation: LOAD_AND_FLATTEN` (each listed
    /// object is then read as this type).
    pub input_type: Option<InputType>,
    /// `Transformation: LOAD_AND_FLATTEN` (a listing's objects are read, not described).
    pub load_and_flatten: bool,
    pub manifest_type: Option<ManifestType>,
    /// `CSVDelimiter` as a byte (`,` by default).
    pub delimiter: u8,
    /// `CSVHeaders` when `CSVHeaderLocation` is `GIVEN`; `None`: the first row is the header.
    pub headers: Option<Vec<String>>,
    /// `MaxItems` or `MaxItemsPath` (0 reads every item).
    pub max_items: Option<NumberField>,
    /// `ItemsPointer`: the JSON Pointer of the array inside a JSON document.
    pub items_pointer: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputType {
    Csv,
    Json,
    Jsonl,
    Parquet,
    /// An Amazon S3 inventory's `manifest.json`.
    Manifest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestType {
    /// An Athena `UNLOAD` manifest: a CSV list of the S3 URIs of the data files.
    AthenaData,
    S3Inventory,
}

/// `ResultWriter`: how a distributed Map's results are formatted, and where they are
/// exported when `Resource` and `Parameters` (or `Arguments`) are given.
#[derive(Debug)]
pub struct ResultWriter {
    /// `Bucket` and `Prefix` (`Parameters` or `Arguments`): the results are written there.
    pub arguments: Option<ItemSelector>,
    pub transformation: Option<Transformation>,
    /// `OutputType: JSONL`: the exported files hold one result a line.
    pub jsonl: bool,
}

/// `ResultWriter.WriterConfig.Transformation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transformation {
    /// The child executions' outputs with their metadata.
    None,
    Compact,
    /// Outputs that are arrays are flattened into the result.
    Flatten,
}

/// `ItemBatcher`: iterations get `{"Items": [...], "BatchInput": ...}`.
#[derive(Debug)]
pub struct Batcher {
    pub max_items: Option<NumberField>,
    pub max_bytes: Option<NumberField>,
    pub batch_input: Option<ItemSelector>,
}

#[derive(Debug)]
pub enum ItemSelector {
    JsonPath(Template),
    Jsonata(JTemplate),
}

#[derive(Debug, Clone)]
pub struct Retrier {
    pub error_equals: Vec<String>,
    pub interval_seconds: f64,
    pub max_attempts: u32,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<f64>,
    pub full_jitter: bool,
}

#[derive(Debug)]
pub struct Catcher {
    pub error_equals: Vec<String>,
    pub next: usize,
    pub result_path: PathField,
    pub output: Option<JTemplate>,
    pub assign: Option<Assign>,
}

/// Whether a retrier's or catcher's `ErrorEquals` matches an error name, by AWS's rules:
/// `States.ALL` matches any error but the terminal `States.Runtime`; `States.TaskFailed`
/// matches any error but `States.Runtime` and `States.Timeout`.
pub fn error_matches(error_equals: &[String], error: &str) -> bool {
    error_equals.iter().any(|e| {
        e == error
            || (e == "States.ALL" && error != "States.Runtime")
            || (e == "States.TaskFailed" && error != "States.Runtime" && error != "States.Timeout")
    })
}
