//! Run-time errors by rule: the one table of the error name and cause AWS reports when a
//! field evaluated at run time fails, by the kind of field and the way its value fails.
//!
//! The rule behind the rows:
//! - the query language names the error: a JSONPath path, template or value check fails with
//!   `States.Runtime`, an intrinsic function's arguments with `States.IntrinsicFailure`, a
//!   JSONata field (its evaluation or the check of its value) with
//!   `States.QueryEvaluationError` (which the executor reports with an `EvaluationFailed`
//!   event first, its `location` the field);
//! - the cause names the field and shows what it read: a reference path that selects nothing
//!   is `Invalid path '<path>' : <Jayway's message>`; a `.$` field's path is "could not be
//!   found in the input"; a value of the wrong type is checked before its range; a range
//!   failure names the field without `Path`.
//!
//! Each row says whether an AWS recording shows it (the conformance case named beside it) or
//! it is inferred (and from which recorded rows). `tests/runtime_errors.json` runs a small
//! definition for every row. The executor adds the state's prefix ("An error occurred while
//! executing the state ...") to every cause.

use crate::dataflow::query::QueryError;
use crate::error::Failure;

/// The kind of field, as far as its failures are worded differently.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Field {
    /// A reference path that selects a value: InputPath, OutputPath, and the `...Path` of a
    /// number, a timestamp or the items (before the value is checked).
    Path,
    /// ResultPath, placing a result into the state's input.
    ResultPath,
    /// A `"key.$"` field of a payload template (Parameters, ResultSelector, ItemSelector,
    /// Assign, an ItemReader's or ResultWriter's Parameters, BatchInput), a path argument of
    /// an intrinsic function, a Fail state's ErrorPath or CausePath.
    Dynamic,
    /// A Choice rule's `Variable` or `...Path` operand.
    Choice,
    /// The value a number's `...Path` selected: TimeoutSecondsPath, HeartbeatSecondsPath,
    /// MaxConcurrencyPath, ToleratedFailureCountPath, ToleratedFailurePercentagePath,
    /// MaxItemsPath, MaxItemsPerBatchPath, MaxInputBytesPerBatchPath.
    NumberPath,
    /// The value a Wait state's SecondsPath selected.
    SecondsPath,
    /// The value a Wait state's TimestampPath selected.
    TimestampPath,
    /// The value a Map's ItemsPath selected (or its input, without one).
    ItemsPath,
    /// The arguments of an intrinsic function (`States.Format`, ...).
    Intrinsic,
    /// A JSONata field: Arguments, Output, Assign, Items, a Choice rule's Condition,
    /// TimeoutSeconds, HeartbeatSeconds, Seconds, Timestamp, MaxConcurrency,
    /// ToleratedFailureCount, ToleratedFailurePercentage, MaxItems, MaxItemsPerBatch,
    /// MaxInputBytesPerBatch, a Fail state's Error and Cause.
    Jsonata,
}

/// How the field's value failed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fault {
    /// The path selects nothing, or cannot be walked (Jayway's message in `d`).
    Missing,
    /// The path reads a variable no state assigned.
    UndefinedVariable,
    /// The value is not of the kind the field takes (null, another type, a fraction).
    WrongType,
    /// A number below 0 where the field takes 0 and more (and has no upper bound).
    Negative,
    /// A number outside the field's range (`d`: "<low> and <high>").
    OutOfRange,
    /// A number below 1 where the field takes 1 and more (and has no upper bound).
    NotPositive,
    /// A string that is not an ISO-8601 timestamp.
    NotTimestamp,
    /// A JSONata expression gave nothing.
    Undefined,
    /// A JSONata expression threw (`d`: "<code>: <message>").
    Threw,
    /// A JSONata expression gave a function.
    Function,
}

/// What a cause shows; a row's cause names them `{f}`, `{p}`, ... .
#[derive(Default, Clone, Copy)]
pub struct Args<'a> {
    /// `{f}`: the field (a `.$` key as written; a number field without `Path`; a JSONata
    /// field's location).
    pub field: &'a str,
    /// `{p}`: the path as written.
    pub path: &'a str,
    /// `{v}`: the value, as the row shows it.
    pub value: &'a str,
    /// `{s}`: the JSONata expression.
    pub source: &'a str,
    /// `{k}`: the kind the field takes (`integer`, `array`, ...).
    pub kind: &'a str,
    /// `{t}`: the value's type (`string`, `null`, ...).
    pub ty: &'a str,
    /// `{d}`: a detail (Jayway's message, JSONata's error, a range, an intrinsic's complaint).
    pub detail: &'a str,
    /// `{n}`: a variable's name.
    pub name: &'a str,
}

const RUNTIME: u8 = 0;
const QUERY: u8 = 1;
const INTRINSIC: u8 = 2;
const NAMES: [&str; 3] = ["States.Runtime", QUERY_EVALUATION_ERROR, "States.IntrinsicFailure"];

/// The error of every JSONata field's failure (a [`QueryError`]).
pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";

/// `{q}` in a cause: how a JSONata cause begins.
const JSONATA: &str = "The JSONata expression '{s}' specified for the field '{f}' ";
/// `{i}` in a cause: how a path cause begins.
const INVALID_PATH: &str = "Invalid path '{p}' : ";

/// One rule: a field and a failure, the error name and the cause.
pub struct Row {
    pub field: Field,
    pub fault: Fault,
    error: u8,
    cause: &'static str,
}

impl Row {
    pub fn error(&self) -> &'static str {
        NAMES[self.error as usize]
    }
    pub fn cause(&self) -> &'static str {
        self.cause
    }
}

const fn row(field: Field, fault: Fault, error: u8, cause: &'static str) -> Row {
    Row { field, fault, error, cause }
}

use Fault::*;
use Field::*;

/// The rules. A pair missing here is worded by [`FALLBACK`] (a test checks that every pair
/// the engine raises is here).
pub const RULES: &[Row] = &[
    // Recorded: OutputPath (scenarios.test_base_scenarios.test_invalid_jsonpath_ST.
    // INVALID_JSONPATH_IN_OUTPUTPATH, and test_catch_states_runtime's `Missing property in path
    // $['no']`), TimeoutSecondsPath and HeartbeatSecondsPath (..._IN_TIMEOUTSECONDSPATH,
    // _IN_HEARTBEATSECONDSPATH). Inferred for InputPath, ItemsPath and the other `...Path`
    // fields: the same selection.
    row(Path, Missing, RUNTIME, "{i}{d}"),
    // Inferred: the `Invalid path` form, Jayway's sentence for a root that is not there.
    row(Path, UndefinedVariable, RUNTIME, "{i}The variable '${n}' is not defined"),
    // Inferred: the OutputPath rows, with Jayway's message for a path it cannot write.
    row(ResultPath, Missing, RUNTIME, "{i}{d}"),
    // Recorded: `value.$` (test_invalid_jsonpath_INVALID_JSONPATH_IN_STRING_EXPR_JSONPATH) and
    // ErrorPath (..._INVALID_JSONPATH_IN_ERRORPATH). Inferred for the other `.$` fields,
    // CausePath and an intrinsic's path arguments (named by the `.$` key they are in).
    row(
        Dynamic,
        Missing,
        RUNTIME,
        "The JSONPath '{p}' specified for the field '{f}' could not be found in the input '{v}'",
    ),
    // Inferred: the `.$` form, with the variable in the input's place.
    row(
        Dynamic,
        UndefinedVariable,
        RUNTIME,
        "The JSONPath '{p}' specified for the field '{f}' could not be found: the variable '${n}' is not defined",
    ),
    // Inferred (no recording): a Choice rule's path that selects nothing.
    row(Choice, Missing, RUNTIME, "Invalid path '{p}': The choice state's condition path references an invalid value."),
    row(
        Choice,
        UndefinedVariable,
        RUNTIME,
        "Invalid path '{p}': The choice state's condition path references an invalid value.",
    ),
    // Recorded: MaxConcurrencyPath and ToleratedFailureCountPath ("integer"),
    // ToleratedFailurePercentagePath ("float") with "NoNumber" and {} (scenarios.test_base_scenarios.
    // test_max_concurrency_path_NoNumber, test_map_state_tolerated_failure_count_path_NoNumber,
    // ..._percentage_path_NoNumber, and the {} twins). Inferred for TimeoutSecondsPath,
    // HeartbeatSecondsPath, MaxItemsPath, MaxItemsPerBatchPath, MaxInputBytesPerBatchPath.
    row(NumberPath, WrongType, RUNTIME, "The {f}Path field refers to value \"{v}\" which is not a valid {k}: {p}"),
    // Recorded: test_map_state_tolerated_failure_count_path_-1. Inferred for MaxConcurrencyPath
    // and MaxItemsPath.
    row(NumberPath, Negative, RUNTIME, "{f} cannot be negative."),
    // Recorded: test_map_state_tolerated_failure_percentage_path_-1.1. Inferred for
    // TimeoutSecondsPath, HeartbeatSecondsPath (1 to 99999999) and MaxItemsPath.
    row(NumberPath, OutOfRange, RUNTIME, "{f} must be between {d}."),
    // Inferred: MaxItemsPerBatchPath and MaxInputBytesPerBatchPath, in the form of the two above.
    row(NumberPath, NotPositive, RUNTIME, "{f} must be greater than 0."),
    // Inferred from the TimestampPath rows (the Wait state's form): a type, a negative or a
    // too large number alike.
    row(SecondsPath, WrongType, RUNTIME, "The {f}Path parameter does not reference a valid integer: {p} == {v}"),
    row(SecondsPath, OutOfRange, RUNTIME, "The {f}Path parameter does not reference a valid integer: {p} == {v}"),
    // Recorded: scenarios.test_base_scenarios.test_wait_timestamp_path_INVALID_DATE, _INVALID_ISO,
    // _INVALID_TIME, _NO_T, _NO_Z. Inferred for a value that is not a string (shown as JSON).
    row(
        TimestampPath,
        NotTimestamp,
        RUNTIME,
        "The {f}Path parameter does not reference a valid ISO-8601 extended offset date-time format string: {p} == {v}",
    ),
    // Recorded: test_state.test_state_context_object.test_state_map_context_object_ALL and
    // _EXECUTION_INPUT (a TestState answer).
    row(ItemsPath, WrongType, RUNTIME, "Reference path \"{p}\" must point to array."),
    // Inferred (no recording of an intrinsic's failure): the function and what is wrong.
    row(Intrinsic, WrongType, INTRINSIC, "Invalid arguments in {f}: {d}"),
    // Recorded: Arguments, Arguments/FunctionName, Assign/result, Output/result
    // (assign.test_assign_reference_variables.test_undefined_reference_*), Output/error
    // (states_variables.test_error_output.test_map_catch_error_MAP_CATCH_ERROR_OUTPUT_WITH_RETRY).
    row(Jsonata, Undefined, QUERY, "{q}returned nothing (undefined)."),
    // Recorded: intrinsic_functions.test_math_operations_jsonata.test_math_random_seeded (T1006).
    row(Jsonata, Threw, QUERY, "{q}threw an error during evaluation. {d}"),
    // Recorded: scenarios.test_base_scenarios.test_map_state_items_eval_jsonata_fail_function.
    row(Jsonata, Function, QUERY, "{q}returned an unsupported result type."),
    // Recorded: Items with a boolean, number, object, string, null
    // (test_map_state_items_eval_jsonata_fail_*, ..._variable_sampling_fail_*). Inferred for
    // the other fields that take a kind: a Condition (boolean), Timestamp (string), the
    // numbers (integer; ToleratedFailurePercentage: number).
    row(
        Jsonata,
        WrongType,
        QUERY,
        "{q}returned an unexpected result type. Expected '{k}', but was '{t}' for value: {v}",
    ),
    // Recorded: scenarios.test_base_scenarios.test_wait_timestamp_jsonata_INVALID_DATE,
    // _INVALID_ISO, _INVALID_TIME, _NO_T, _NO_Z.
    row(
        Jsonata,
        NotTimestamp,
        QUERY,
        "The {f} field cannot be parsed as an ISO-8601 extended offset date-time format string: {v}",
    ),
    // Inferred: the range rows of the `...Path` fields, under the JSONata error (as the
    // Timestamp rows are the TimestampPath ones under it).
    row(Jsonata, Negative, QUERY, "{f} cannot be negative."),
    row(Jsonata, OutOfRange, QUERY, "{f} must be between {d}."),
    row(Jsonata, NotPositive, QUERY, "{f} must be greater than 0."),
];

/// The wording of a pair no row covers.
pub const FALLBACK: Row = row(Path, Missing, RUNTIME, "{i}{d}");

/// The rule of `field` failing with `fault`.
pub fn rule(field: Field, fault: Fault) -> &'static Row {
    RULES.iter().find(|r| r.field == field && r.fault == fault).unwrap_or(&FALLBACK)
}

/// The rule's error name and its cause filled from `a`.
pub fn failure(field: Field, fault: Fault, a: &Args) -> Failure {
    let r = rule(field, fault);
    Failure::new(r.error(), fill(r.cause, a))
}

/// A JSONata field's failure, for the executor's EvaluationFailed event (`location`: the
/// field).
pub fn query(fault: Fault, a: &Args) -> QueryError {
    QueryError { location: a.field.to_string(), detail: fill(rule(Jsonata, fault).cause, a) }
}

/// `t` with its `{x}` pieces filled.
fn fill(t: &str, a: &Args) -> String {
    let mut out = String::with_capacity(t.len() + a.path.len() + a.value.len() + a.source.len() + a.detail.len());
    fill_into(&mut out, t, a);
    out
}

fn fill_into(out: &mut String, t: &str, a: &Args) {
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let b = rest.as_bytes();
        if b.get(i + 2) != Some(&b'}') {
            out.push('{');
            rest = &rest[i + 1..];
            continue;
        }
        match b[i + 1] {
            b'q' => fill_into(out, JSONATA, a),
            b'i' => fill_into(out, INVALID_PATH, a),
            c => out.push_str(match c {
                b'f' => a.field,
                b'p' => a.path,
                b'v' => a.value,
                b's' => a.source,
                b'k' => a.kind,
                b't' => a.ty,
                b'd' => a.detail,
                _ => a.name,
            }),
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_filled() {
        let a = Args { field: "Items", source: "1", kind: "array", ty: "number", value: "1", ..Args::default() };
        let q = query(WrongType, &a);
        assert_eq!(q.location, "Items");
        assert_eq!(
            q.detail,
            "The JSONata expression '1' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'number' for value: 1"
        );
        let f = failure(Path, Missing, &Args { path: "$.a", detail: "No results for path: $['a']", ..Args::default() });
        assert_eq!(
            (f.error.as_str(), f.cause.as_str()),
            ("States.Runtime", "Invalid path '$.a' : No results for path: $['a']")
        );
        // A brace that is not a piece stays.
        assert_eq!(fill("{x {} {", &Args::default()), "{x {} {");
    }

    #[test]
    fn every_pair_has_one_row() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(
                !RULES[..i].iter().any(|o| o.field == r.field && o.fault == r.fault),
                "{:?} {:?} twice",
                r.field,
                r.fault
            );
        }
    }
}
