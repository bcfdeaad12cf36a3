//! The `statelab` command line: run, validate, and evaluate JSONata, on the same engine as
//! the browser playground.

use statelab::asl::{self, MachineType};
use statelab::driver::{simulate_with_files, Host};
use statelab::exec::{Options, Status};
use statelab::files::Files;
use statelab::json;
use statelab::mock::Mocks;
use statelab::source;
use statelab::value::read;
use statelab::value::Value;
use std::cell::RefCell;
use std::io::Write;
use std::process::ExitCode;

thread_local! {
    /// Everything the CLI prints goes through one buffered writer.
    static OUT: RefCell<std::io::BufWriter<std::io::Stdout>> =
        RefCell::new(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()));
}

/// Write to standard output. A reader that stops reading (`statelab run --json | head -c 1`)
/// ends the program quietly: there is no one left to tell.
fn emit(args: std::fmt::Arguments) {
    if let Err(e) = OUT.with(|o| o.borrow_mut().write_fmt(args)) {
        output_failed(e);
    }
}

fn flush_output() {
    if let Err(e) = OUT.with(|o| o.borrow_mut().flush()) {
        output_failed(e);
    }
}

fn output_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("statelab: cannot write the output: {e}");
    std::process::exit(1);
}

/// `println!` to the CLI's output.
macro_rules! say {
    () => { emit(format_args!("\n")) };
    ($($t:tt)*) => { emit(format_args!("{}\n", format_args!($($t)*))) };
}
/// `print!` to the CLI's output.
macro_rules! say_raw {
    ($($t:tt)*) => { emit(format_args!($($t)*)) };
}

// The engine allocates and frees small blocks all the time: free lists per size class in
// front of the system allocator (see src/support/quick_alloc.rs).
// (The wasm build's allocator is the library's.)
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: statelab::QuickAlloc<std::alloc::System> = statelab::QuickAlloc::new(std::alloc::System);

const USAGE: &str = "\
statelab: run Amazon States Language workflows on a virtual clock

usage:
  statelab run DEFINITION [--input FILE] [--mock-config FILE] [--test-case NAME]
                          [--files DIR] [--write-files DIR] [--machine NAME=FILE ...]
                          [--seed N] [--name NAME] [--json] [--history] [--timeline]
                          [--sequential] [--auto] [--stop-at SECONDS
                          [--stop-error ERROR] [--stop-cause CAUSE]] [SOURCE OPTIONS]
  statelab redrive PREVIOUS [--mocks FILE] [--test-case NAME] [--after SECONDS]
                            [--files DIR] [--write-files DIR] [--stop-at SECONDS ...]
                            [--machine NAME=FILE ...] [--json] [--history] [--timeline]
  statelab bench DEFINITION [--input FILE] [--mock-config FILE] [--test-case NAME] [--files DIR]
                            [--runs N] [--no-history] [--json] [--auto] [SOURCE OPTIONS]
  statelab validate DEFINITION [--json] [SOURCE OPTIONS]
  statelab jsonata EXPRESSION [--input FILE] [--bindings FILE] [--json]
  statelab test-state REQUEST [--json]

test-state runs one state as AWS's TestState API does: REQUEST is a file holding the
API's request (definition, input, inspectionLevel, stateName, variables, context, mock,
stateConfiguration). It prints the answer (status, output, error, cause, nextState,
inspectionData), or the API's refusal (its error code and message), exit code 2.

DEFINITION is ASL as JSON or YAML, or a CloudFormation, SAM or Serverless Framework
template (JSON or YAML, short tags such as !Sub and !GetAtt included), told apart by
content. SOURCE OPTIONS: --state-machine NAME picks one of a template's state machines;
--sub NAME=VALUE sets a substitution (a ${NAME} placeholder, or an intrinsic as statelab
names it, such as 'Fn::GetAtt Fn.Arn'); --type STANDARD|EXPRESS overrides the machine
type. Values the source leaves open are made up from the name and the referenced
resource's type, and said on standard error.

--auto derives what was not given from the definition: an input holding every field the
workflow reads (typed by how it is used), and for every Task without a mock its
service's response in AWS's shape with the fields later states read; a Choice in a loop
gets values that take its way out, so polling loops end. What was made up is said on standard error.

--machine NAME=FILE (repeatable) adds the state machine in FILE to the workspace, as NAME;
a template's state machines are in it by logical id. A Task on states:startExecution
(.sync, .sync:2) or aws-sdk:sfn:startExecution whose StateMachineArn names one (by the
ARN's stateMachine:NAME, or NAME) runs it as a child execution, unless a mock names the
Task's state; run --json prints the children under \"children\", --history and --timeline
after the parent's.

--files DIR is a workspace of files in Amazon S3's place, one folder per bucket (a key is
a file's path below its bucket's folder); the mock configuration's \"Files\" section
({\"bucket\": {\"key\": \"text\" or JSON}}) adds to it. A distributed Map's ItemReader reads
its items there, its ResultWriter writes its results there, and s3:getObject,
s3:putObject and s3:listObjectsV2 tasks without a mock read and write the same objects.
--write-files DIR writes the objects the run wrote below DIR (DIR/bucket/key); --json
prints them as \"files\": {\"bucket\": {\"key\": \"text\"}}.

--sequential runs the workflow's sequential twin: each Parallel's branches one after
another, each Map one iteration at a time.

--stop-at SECONDS stops the run at that virtual time (AWS's StopExecution; for redrive,
SECONDS after the redrive): it ends
ABORTED, its ExecutionAborted event with --stop-error and --stop-cause if given.

redrive continues a run that ended FAILED, TIMED_OUT or ABORTED as AWS's
RedriveExecution does. PREVIOUS is what run --json (or redrive --json) printed: its
\"redrive\" part holds the definition, input, options, mocks and where the run stopped.
The same execution enters its unsuccessful states again (only the Parallel branches and
Map iterations that did not succeed run again), SECONDS after the previous end (--after,
default 0), with the mocks of --mocks FILE (or --mock-config FILE) if given, else the
previous ones. It prints the whole history, the previous events then the new ones from
ExecutionRedriven. A run that cannot be redriven (it succeeded, an Express machine, a
full history, more than 14 days after its end, 1,000 redrives) is refused with AWS's
ExecutionNotRedrivable and its reason, exit code 2.

bench checks the definition once, then runs the execution N times (default 20) in this
process and prints the median and the fastest time of one execution. --no-history keeps
no events or spans (they are only counted, for the history limit).

Files may be '-' for standard input. Exit codes: 0 success, 1 the execution failed,
timed out or was aborted (run, bench) or the expression raised an error (jsonata), 2 bad
input: unreadable files, invalid JSON or an invalid definition.
";

struct Args {
    positional: Vec<String>,
    flags: Vec<(String, Option<String>)>,
}

impl Args {
    fn parse(raw: &[String], with_value: &[&str]) -> Result<Args, String> {
        let mut positional = Vec::new();
        let mut flags = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            let a = &raw[i];
            if let Some(name) = a.strip_prefix("--") {
                let (name, inline) = match name.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (name.to_string(), None),
                };
                if with_value.contains(&name.as_str()) {
                    let v = match inline {
                        Some(v) => v,
                        None => {
                            i += 1;
                            raw.get(i).cloned().ok_or_else(|| format!("--{name} needs a value"))?
                        }
                    };
                    flags.push((name, Some(v)));
                } else {
                    flags.push((name, inline));
                }
            } else {
                positional.push(a.clone());
            }
            i += 1;
        }
        Ok(Args { positional, flags })
    }
    fn value(&self, name: &str) -> Option<&str> {
        self.flags.iter().rev().find(|(n, _)| n == name).and_then(|(_, v)| v.as_deref())
    }
    fn values(&self, name: &str) -> Vec<&str> {
        self.flags.iter().filter(|(n, _)| n == name).filter_map(|(_, v)| v.as_deref()).collect()
    }
    fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| n == name)
    }
    fn check(&self, known: &[&str]) -> Result<(), String> {
        for (n, _) in &self.flags {
            if !known.contains(&n.as_str()) {
                return Err(format!("unknown option --{n}"));
            }
        }
        Ok(())
    }
}

fn read(path: &str) -> Result<String, String> {
    let bytes = if path == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        b
    } else {
        std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?
    };
    String::from_utf8(bytes).map_err(|e| {
        // Where the text stops being UTF-8: the line and column of the first bad byte.
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = std::str::from_utf8(good).unwrap_or_default();
        let line = text.matches('\n').count() + 1;
        let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{path}:{line}:{column}: the file is not UTF-8 text (byte {} of it is not)", good.len() + 1)
    })
}

fn read_json(path: &str) -> Result<Value, String> {
    let text = read(path)?;
    read::parse(&text).map_err(|e| {
        let at = if e.pointer.is_empty() { String::new() } else { format!(" (at {})", e.pointer) };
        format!("{path}:{}:{}: invalid JSON: {}{at}", e.pos.line, e.pos.column, e.message)
    })
}

/// glibc gives freed memory back to the system as soon as the top of its heap is free, and
/// serves big blocks (an execution's frames, a Map's items) from fresh mappings: each of the
/// executions `bench` times, and each step of a long one, then pays for the pages again
/// (a Map of 10,000 items: about a third of its time in page faults). A short-lived process
/// keeps what it freed instead.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_freed_memory() {
    use std::os::raw::c_int;
    extern "C" {
        fn mallopt(param: c_int, value: c_int) -> c_int;
    }
    const M_TRIM_THRESHOLD: c_int = -1;
    const M_MMAP_THRESHOLD: c_int = -3;
    // SAFETY: mallopt only sets glibc's malloc parameters, before anything is allocated
    // concurrently (the CLI runs on one thread).
    unsafe {
        mallopt(M_TRIM_THRESHOLD, c_int::MAX);
        mallopt(M_MMAP_THRESHOLD, 32 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_freed_memory() {}

fn main() -> ExitCode {
    keep_freed_memory();
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = raw.first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &raw[1..];
    let result = match cmd.as_str() {
        "run" => cmd_run(rest),
        "redrive" => cmd_redrive(rest),
        "bench" => cmd_bench(rest),
        "validate" => cmd_validate(rest),
        "jsonata" => cmd_jsonata(rest),
        "test-state" => cmd_test_state(rest),
        "help" | "--help" | "-h" => {
            say_raw!("{USAGE}");
            Ok(0)
        }
        other => Err(format!("unknown command '{other}'\n\n{USAGE}")),
    };
    flush_output();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(msg) => {
            eprintln!("statelab: {msg}");
            ExitCode::from(2)
        }
    }
}

/// A definition checked: the machine and the definition's JSON, or its diagnostics.
type Checked = Result<(std::rc::Rc<asl::Machine>, Value), Vec<asl::Diagnostic>>;

/// The options that pick and complete a definition from its source.
const SOURCE_OPTIONS: [&str; 3] = ["state-machine", "sub", "type"];

/// The checked machine of DEFINITION, in any source form (ASL as JSON or YAML, a
/// CloudFormation, SAM or Serverless template: `--state-machine` picks one of several,
/// `--sub NAME=VALUE` sets a substitution, `--type` the machine type). What the source left
/// open and statelab made up is said on standard error. `Err` is a message (exit 2); the
/// inner `Err` the definition's diagnostics.
fn definition_of(path: &str, args: &Args) -> Result<Checked, String> {
    let text = read(path)?;
    let explicit = match args.value("type") {
        None => None,
        Some("STANDARD") => Some(MachineType::Standard),
        Some("EXPRESS") => Some(MachineType::Express),
        Some(other) => return Err(format!("--type must be STANDARD or EXPRESS, not '{other}'")),
    };
    // The common case, a JSON definition with nothing to fill in, is checked as before.
    let plain = text.trim_start().starts_with('{')
        && !text.contains("${")
        && !text.contains("\"Resources\"")
        && !text.contains("\"stepFunctions\"");
    let overrides = args
        .values("sub")
        .iter()
        .map(|s| {
            s.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| format!("--sub takes NAME=VALUE, not '{s}'"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if plain && args.value("state-machine").is_none() {
        return Ok(asl::validate_text(&text, explicit.unwrap_or(MachineType::Standard)).map(|m| {
            // The JSON itself only when something is derived from it.
            // (and for a redrive of the run, which `run --json` describes).
            let value = if args.has("auto") || args.has("json") {
                read::parse(&text).unwrap_or(Value::Null)
            } else {
                Value::Null
            };
            (m, value)
        }));
    }
    let source = match source::load(&text, &overrides) {
        Ok(s) => s,
        Err(e) => {
            let code = "INVALID_JSON_DESCRIPTION";
            return Ok(Err(vec![asl::Diagnostic { code, pointer: e.pointer, pos: e.pos, message: e.message }]));
        }
    };
    let mut found = source.pick(args.value("state-machine")).map_err(|e| format!("{path}: {e}"))?.clone();
    if let Some(uri) = found.definition_uri.clone() {
        let file = std::path::Path::new(path).parent().unwrap_or(std::path::Path::new(".")).join(&uri);
        let file = file.to_string_lossy().to_string();
        let text = read(&file).map_err(|e| format!("{path}: the state machine's DefinitionUri names {uri}: {e}"))?;
        found = found
            .with_definition(&text, &overrides)
            .map_err(|e| format!("{file}:{}:{}: {}", e.pos.line, e.pos.column, e.message))?;
    }
    for s in found.substitutions.iter().filter(|s| s.generated) {
        eprintln!("{path}: {} = {} (made up by statelab; --sub '{}=VALUE' sets it)", s.name, s.value, s.name);
    }
    let ty = explicit.or(found.machine_type).unwrap_or(MachineType::Standard);
    Ok(asl::parse_definition(&found.definition, &found.locations, ty).map(|m| (m, found.definition)))
}

fn load_definition(path: &str, args: &Args) -> Result<(std::rc::Rc<asl::Machine>, Value), Vec<String>> {
    match definition_of(path, args) {
        Err(msg) => Err(vec![format!("statelab: {msg}")]),
        Ok(Ok(m)) => Ok(m),
        Ok(Err(diags)) => Err(asl::truncated(diags).0.iter().map(|d| format!("{path}:{d}")).collect()),
    }
}

/// What `run` and `bench` execute: the checked definition, the input and the mock file,
/// what `--auto` derived of them (`{"input": ..., "mocks": {...}}`, for `--json`), and the
/// workspace of files.
type Job = (std::rc::Rc<asl::Machine>, Value, Option<Value>, Option<Value>, Files, Value);

/// The most bytes `--files DIR` reads in all.
const MAX_FILES_BYTES: u64 = 512 << 20;

/// The workspace of files: `--files DIR` (one folder per bucket), then the mock
/// configuration's `Files` section, which is taken out of it.
fn files_of(args: &Args, mocks: &mut Option<Value>) -> Result<Files, String> {
    let mut files = match args.value("files") {
        Some(dir) => read_files_dir(dir)?,
        None => Files::new(),
    };
    if let Some(Value::Object(m)) = mocks {
        if let Some(section) = m.remove("Files") {
            let path = args.value("mock-config").unwrap_or_default();
            let given = Files::from_value(&section).map_err(|(pointer, message)| {
                let pointer = format!("/Files{pointer}");
                let pos = std::fs::read_to_string(path).ok().and_then(|t| read::locate(&t, &[&pointer]).ok());
                match pos.map(|l| l.find(&pointer)) {
                    Some(p) => format!("{path}:{}:{}: {message} (at {pointer})", p.line, p.column),
                    None => format!("{path}: {message} (at {pointer})"),
                }
            })?;
            for bucket in given.buckets() {
                files.add_bucket(bucket);
                for (key, o) in given.objects(bucket) {
                    files.insert(bucket, key, o.body.clone());
                }
            }
        }
    }
    Ok(files)
}

/// `--files DIR`: each folder of DIR a bucket, each file below it an object keyed by its
/// path from the bucket's folder ('/' between the parts).
fn read_files_dir(dir: &str) -> Result<Files, String> {
    let mut files = Files::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("--files {dir}: {e}"))?;
    let mut buckets: Vec<std::path::PathBuf> = Vec::new();
    for e in entries {
        let e = e.map_err(|e| format!("--files {dir}: {e}"))?;
        if e.path().is_dir() {
            buckets.push(e.path());
        } else {
            eprintln!("statelab: --files {dir}: {} is not a folder (a bucket), left out", e.path().display());
        }
    }
    buckets.sort();
    let mut total = 0u64;
    for b in buckets {
        let name = b.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some(why) = statelab::files::bad_bucket_name(&name) {
            return Err(format!("--files {dir}: the folder '{name}' is not a bucket name: {why}"));
        }
        files.add_bucket(&name);
        let mut stack = vec![(b.clone(), String::new())];
        let mut found: Vec<(String, std::path::PathBuf)> = Vec::new();
        while let Some((path, key)) = stack.pop() {
            for e in std::fs::read_dir(&path).map_err(|e| format!("--files {}: {e}", path.display()))? {
                let e = e.map_err(|e| format!("--files {}: {e}", path.display()))?;
                let part = e.file_name().to_string_lossy().into_owned();
                let k = if key.is_empty() { part } else { format!("{key}/{part}") };
                if e.path().is_dir() {
                    stack.push((e.path(), k));
                } else {
                    found.push((k, e.path()));
                }
            }
        }
        found.sort();
        for (key, path) in found {
            if key.len() > statelab::files::MAX_KEY_BYTES {
                return Err(format!("--files {}: the key is longer than 1024 bytes", path.display()));
            }
            let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            total += bytes.len() as u64;
            if total > MAX_FILES_BYTES {
                return Err(format!(
                    "--files {dir}: the files hold more than {} MiB, statelab's limit",
                    MAX_FILES_BYTES >> 20
                ));
            }
            files.insert(&name, &key, bytes);
        }
    }
    Ok(files)
}

/// `--write-files DIR`: the objects the run wrote, as DIR/bucket/key.
fn write_files_dir(dir: &str, files: &Files) -> Result<(), String> {
    for (bucket, key) in files.written() {
        // A key is a path below its bucket's folder, never out of it.
        if key.split('/').any(|p| p.is_empty() || p == "." || p == "..") {
            return Err(format!("--write-files {dir}: the key '{key}' of bucket '{bucket}' is not a relative path"));
        }
        let path = std::path::Path::new(dir).join(bucket).join(key);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot make {}: {e}", parent.display()))?;
        }
        let body = &files.get(bucket, key).map_err(|e| e.message().to_string())?.body;
        std::fs::write(&path, body).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// The definition, input and mock file of `run` and `bench`; `None` once the definition's
/// diagnostics are printed (exit code 2).
fn load_execution(args: &Args, cmd: &str, machines: &Machines) -> Result<Option<Job>, String> {
    let [def_path] = args.positional.as_slice() else {
        return Err(format!("{cmd} needs exactly one DEFINITION file\n\n{USAGE}"));
    };
    let (machine, definition) = match load_definition(def_path, args) {
        Ok(m) => m,
        Err(lines) => {
            for l in lines {
                eprintln!("{l}");
            }
            return Ok(None);
        }
    };
    let auto = args.has("auto");
    let mut input = match args.value("input") {
        Some(p) => Some(read_json(p)?),
        None => None,
    };
    let mut mocks = args.value("mock-config").map(read_json).transpose()?;
    let mut generated = None;
    if auto {
        let mut made = statelab::value::Map::new();
        // What was not given is derived from the definition (and said on standard error).
        let sfn_local =
            mocks.as_ref().is_some_and(|m| m.get("StateMachines").is_some() || m.get("MockedResponses").is_some());
        let mut mocked: Vec<String> = match &mocks {
            Some(Value::Object(m)) if !sfn_local => m.keys().map(|k| k.to_string()).collect(),
            _ => Vec::new(),
        };
        // Files the user gives are theirs: none are made up then.
        if args.value("files").is_some() {
            mocked.push("Files".into());
        }
        // A Task that starts a machine of the workspace runs it: no response is made up.
        mocked.extend(machines.starters(&definition));
        let mut derived = statelab::derive::derive(&definition, input.is_none(), &mocked);
        // The workspace's machines' Tasks are answered by the same mocks (by state name).
        for (_, def) in &machines.definitions {
            let mut known = mocked.clone();
            known.extend(derived.mocks.keys().map(|k| k.to_string()));
            known.extend(machines.starters(def));
            for (k, v) in statelab::derive::derive(def, false, &known).mocks {
                if !derived.mocks.contains_key(&k) {
                    derived.mocks.insert(k, v);
                }
            }
        }
        if let Some(v) = derived.input {
            eprintln!("{def_path}: input made up by statelab (--input FILE sets it): {}", read::to_compact(&v));
            made.insert("input".into(), v.clone());
            input = Some(v);
        }
        if sfn_local {
            if !derived.mocks.is_empty() {
                eprintln!("{def_path}: --auto adds no responses to a Step Functions Local mock file");
            }
        } else if !derived.mocks.is_empty() {
            let mut all = match mocks.take() {
                Some(Value::Object(m)) => m,
                _ => statelab::value::Map::new(),
            };
            for (name, mock) in derived.mocks.iter() {
                if name.as_str() == "Files" {
                    // The objects an ItemReader reads (and a ResultWriter's bucket).
                    for (bucket, objects) in mock.as_object().map(|m| m.iter().collect::<Vec<_>>()).unwrap_or_default()
                    {
                        let keys: Vec<String> =
                            objects.as_object().map(|o| o.keys().map(|k| k.to_string()).collect()).unwrap_or_default();
                        eprintln!(
                            "{def_path}: files made up by statelab (--files DIR sets them): s3://{bucket}/ {}",
                            if keys.is_empty() { "(an empty bucket)".to_string() } else { keys.join(", ") }
                        );
                    }
                    all.insert(name.clone(), mock.clone());
                    continue;
                }
                eprintln!("{def_path}: {name}: response made up by statelab: {}", read::to_compact(&mock["result"]));
                all.insert(name.clone(), mock.clone());
            }
            mocks = Some(Value::Object(all));
            made.insert("mocks".into(), Value::Object(derived.mocks.clone()));
        }
        generated = Some(Value::Object(made));
    }
    let files = files_of(args, &mut mocks)?;
    Ok(Some((machine, input.unwrap_or_else(|| json!({})), mocks, generated, files, definition)))
}

/// Every Task state no mock answers, at once, with where it is in the definition (a run
/// that reaches one fails on it). With files, an S3 object task is answered from them.
fn say_missing(args: &Args, mocks: &Mocks, machine: &asl::Machine, files: &Files, starters: &[String]) {
    let from_files = |s: &asl::State| match &s.kind {
        asl::Kind::Task(asl::Task { kind: asl::ResourceKind::Service { resource_type, resource, .. }, .. }) => {
            !files.is_empty() && statelab::files::s3_task_action(resource_type, resource).is_some()
        }
        _ => false,
    };
    let missing: Vec<&asl::State> = mocks
        .missing(machine)
        .into_iter()
        .filter(|s| !from_files(s) && !starters.iter().any(|n| *n == *s.name))
        .collect();
    if missing.is_empty() {
        return;
    }
    let def = args.positional.first().map(String::as_str).unwrap_or_default();
    let n = missing.len();
    eprintln!(
        "{def}: {n} Task state{} no mocked response (a run that reaches one fails there; give {} in --mock-config FILE, add a \"*\" entry for every Task not named, or let --auto make them up):",
        if n == 1 { " has" } else { "s have" },
        if n == 1 { "it" } else { "them" },
    );
    for s in missing {
        eprintln!("  {} at {}", s.name, s.pointer);
    }
}

/// Fresh mocks (invocation counters at zero) from the mock file's JSON.
fn mocks_of(args: &Args, v: Option<&Value>) -> Result<Mocks, String> {
    match v {
        Some(v) => Mocks::from_value(v, args.value("test-case")).map_err(|e| {
            let path = args.value("mock-config").unwrap_or_default();
            // Where in the file: the line and column of the value the pointer names.
            let pos = std::fs::read_to_string(path).ok().and_then(|t| read::locate(&t, &[&e.pointer]).ok());
            match pos.map(|l| l.find(&e.pointer)) {
                Some(p) => format!("{path}:{}:{}: {e}", p.line, p.column),
                None => format!("{path}: {e}"),
            }
        }),
        None => Ok(Mocks::empty()),
    }
}

/// `bench`: the engine's own time for one execution, the definition checked once beforehand
/// (as a host that compiles a machine and runs it many times would).
fn cmd_bench(raw: &[String]) -> Result<u8, String> {
    let args =
        Args::parse(raw, &["input", "mock-config", "test-case", "runs", "files", "state-machine", "sub", "type"])?;
    args.check(
        &[&["input", "mock-config", "test-case", "runs", "files", "no-history", "json", "auto"][..], &SOURCE_OPTIONS]
            .concat(),
    )?;
    let Some((machine, input, mocks_value, _, files, _)) = load_execution(&args, "bench", &Machines::default())? else {
        return Ok(2);
    };
    let runs: usize = match args.value("runs") {
        Some(s) => s
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("--runs takes a whole number above 0, not '{s}'"))?,
        None => 20,
    };
    let mut times = Vec::with_capacity(runs);
    let mut status = "";
    for _ in 0..runs {
        let mocks = mocks_of(&args, mocks_value.as_ref())?;
        let input = input.clone();
        let t = std::time::Instant::now();
        let opts = Options { history: !args.has("no-history"), ..Options::default() };
        let exec =
            simulate_with_files(machine.clone(), input, mocks, files.clone(), opts).map_err(|e| e.to_string())?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        status = exec.status().name();
        drop(exec);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let median = if runs % 2 == 1 { times[runs / 2] } else { (times[runs / 2 - 1] + times[runs / 2]) / 2.0 };
    if args.has("json") {
        say!("{}", json!({"status": status, "runs": runs, "medianMs": median, "minMs": times[0]}));
    } else {
        say!(
            "{status}: median {median:.3} ms, fastest {:.3} ms over {runs} runs (in process, definition checked once)",
            times[0]
        );
    }
    Ok(if status == "SUCCEEDED" { 0 } else { 1 })
}

fn cmd_run(raw: &[String]) -> Result<u8, String> {
    let with_value = [
        "input",
        "mock-config",
        "test-case",
        "seed",
        "name",
        "files",
        "write-files",
        "state-machine",
        "sub",
        "type",
        "stop-at",
        "stop-error",
        "stop-cause",
        "machine",
    ];
    let args = Args::parse(raw, &with_value)?;
    args.check(&[&with_value[..], &["json", "history", "timeline", "sequential", "auto"], &SOURCE_OPTIONS].concat())?;
    let machines = machines_of(&args)?;
    let Some((machine, input, mocks_value, generated, files, definition)) = load_execution(&args, "run", &machines)?
    else {
        return Ok(2);
    };
    let mocks = mocks_of(&args, mocks_value.as_ref())?;
    // The plain JSON definition is kept only for --auto and --json: read it again here.
    let starters = match (&definition, args.positional.first()) {
        (Value::Null, Some(p)) if !machines.workspace.is_empty() => {
            machines.starters(&read(p).ok().and_then(|t| read::parse(&t).ok()).unwrap_or(Value::Null))
        }
        _ => machines.starters(&definition),
    };
    say_missing(&args, &mocks, &machine, &files, &starters);
    let mut opts = Options::default();
    if let Some(s) = args.value("seed") {
        opts.seed = s.parse().map_err(|_| format!("--seed takes a whole number, not '{s}'"))?;
    }
    if let Some(n) = args.value("name") {
        opts.execution_name = n.into();
    }
    opts.sequential = args.has("sequential");
    keep_what_is_printed(&mut opts, &args);
    // What a redrive of this run needs besides the engine's own state (`run --json`'s
    // `redrive`): the definition, the input, the options and the mocks.
    let base = args.has("json").then(|| {
        let mut b = statelab::value::Map::new();
        b.insert("definition".into(), definition);
        b.insert("type".into(), json!(machine_type_name(machine.machine_type)));
        b.insert("input".into(), input.clone());
        b.insert("name".into(), json!(&*opts.execution_name));
        b.insert("seed".into(), json!(opts.seed));
        if let Some(m) = &mocks_value {
            b.insert("mocks".into(), m.clone());
        }
        if let Some(t) = args.value("test-case") {
            b.insert("testCase".into(), json!(t));
        }
        b
    });
    let mut host = Host::new(machine, input, mocks, opts);
    host.set_machines(machines.workspace);
    run_host(host, &args, files, generated, None, base)
}

/// The workspace of state machines a run may start as child executions: every state machine
/// of a template DEFINITION (by logical id), then each `--machine NAME=FILE`.
#[derive(Default)]
struct Machines {
    workspace: statelab::child::Workspace,
    /// The definitions, for `--auto`.
    definitions: Vec<(String, Value)>,
}

impl Machines {
    fn add(&mut self, name: &str, machine: std::rc::Rc<asl::Machine>, definition: Value) {
        self.workspace.add(name, machine);
        self.definitions.retain(|(n, _)| n != name);
        self.definitions.push((name.to_string(), definition));
    }

    /// The Task states of `definition` (at every depth) that start a machine of the
    /// workspace named by a literal `StateMachineArn`.
    fn starters(&self, definition: &Value) -> Vec<String> {
        let mut out = Vec::new();
        if self.workspace.is_empty() {
            return out;
        }
        let mut todo = vec![definition];
        while let Some(d) = todo.pop() {
            for (name, state) in d.get("States").and_then(Value::as_object).into_iter().flatten() {
                for b in state.get("Branches").and_then(Value::as_array).into_iter().flatten() {
                    todo.push(b);
                }
                if let Some(p) = state.get("ItemProcessor").or(state.get("Iterator")) {
                    todo.push(p);
                }
                let starts =
                    state.get("Resource").and_then(Value::as_str).and_then(statelab::child::Call::of).is_some();
                let target = state
                    .get("Parameters")
                    .or(state.get("Arguments"))
                    .and_then(|p| p.get("StateMachineArn"))
                    .and_then(Value::as_str);
                if starts && target.is_some_and(|t| self.workspace.find(t).is_some()) {
                    out.push(name.to_string());
                }
            }
        }
        out
    }
}

fn machines_of(args: &Args) -> Result<Machines, String> {
    let mut out = Machines::default();
    let no_options = Args::parse(&[], &[])?;
    // A template's state machines (a text is a template by its parsed shape, as
    // `source::load` decides; a bare definition has none to add).
    if let [def_path] = args.positional.as_slice() {
        let text = read(def_path)?;
        let source = statelab::source::load(&text, &[]).ok().filter(|s| s.form != statelab::source::Form::Asl);
        for found in source.iter().flat_map(|s| s.machines.iter()) {
            let mut found = found.clone();
            if let Some(uri) = found.definition_uri.clone() {
                let dir = std::path::Path::new(def_path).parent().unwrap_or(std::path::Path::new("."));
                let Ok(t) = read(&dir.join(&uri).to_string_lossy()) else { continue };
                let Ok(f) = found.with_definition(&t, &[]) else { continue };
                found = f;
            }
            let ty = found.machine_type.unwrap_or(MachineType::Standard);
            // A machine of the template that does not check is left out (a run that
            // starts it falls back to the mocks); the one run says its own diagnostics.
            if let Ok(m) = asl::parse_definition(&found.definition, &found.locations, ty) {
                // Also by the name its ARN has (`Ref` of it).
                if let Some(n) = &found.arn_name {
                    out.add(n, m.clone(), found.definition.clone());
                }
                out.add(&found.name, m, found.definition.clone());
            }
        }
    }
    for spec in args.values("machine") {
        let (name, file) = spec.split_once('=').ok_or_else(|| format!("--machine takes NAME=FILE, not '{spec}'"))?;
        if name.is_empty() {
            return Err(format!("--machine takes NAME=FILE, not '{spec}'"));
        }
        match load_definition(file, &no_options) {
            Ok((m, def)) => {
                let def = if def.is_null() { read::parse(&read(file)?).unwrap_or(Value::Null) } else { def };
                out.add(name, m, def);
            }
            Err(lines) => return Err(format!("--machine {name}: {}", lines.join("\n"))),
        }
    }
    Ok(out)
}

/// Keep what is printed, nothing more: the events are written as they happen and let go,
/// the spans kept only for `--timeline`.
fn keep_what_is_printed(opts: &mut Options, args: &Args) {
    opts.history = args.has("json") || args.has("history") || args.has("timeline");
    opts.spans = args.has("timeline");
}

fn machine_type_name(t: MachineType) -> &'static str {
    match t {
        MachineType::Standard => "STANDARD",
        MachineType::Express => "EXPRESS",
    }
}

/// `--stop-at SECONDS` (of virtual time after the start), with `--stop-error` and
/// `--stop-cause`: when and how the run is stopped.
fn stop_of(args: &Args, start: i64) -> Result<Option<(i64, statelab::Failure)>, String> {
    let Some(s) = args.value("stop-at") else {
        if args.has("stop-error") || args.has("stop-cause") {
            return Err("--stop-error and --stop-cause go with --stop-at SECONDS".into());
        }
        return Ok(None);
    };
    let secs: f64 = s
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0 && *n <= 366.0 * 86400.0)
        .ok_or_else(|| format!("--stop-at takes seconds of virtual time (0 to a year), not '{s}'"))?;
    let f = statelab::Failure::new(args.value("stop-error").unwrap_or(""), args.value("stop-cause").unwrap_or(""));
    if f.error.chars().count() > 256 || f.cause.chars().count() > 32_768 {
        return Err("--stop-error holds at most 256 characters, --stop-cause 32,768".into());
    }
    Ok(Some((start + (secs * 1000.0).round() as i64, f)))
}

/// Run `host` (a new execution, or a redriven one after the `prior` events) and print it as
/// `args` ask; `base`: what `--json`'s `redrive` holds besides the engine's state.
fn run_host(
    mut host: Host,
    args: &Args,
    files: Files,
    generated: Option<Value>,
    prior: Option<&[Value]>,
    base: Option<statelab::value::Map>,
) -> Result<u8, String> {
    let (json_out, history, timeline) = (args.has("json"), args.has("history"), args.has("timeline"));
    let start = host.exec.options().start_time;
    let stop = stop_of(args, host.exec.now().max(start))?;
    host.set_files(files);
    // The events are written as they happen and let go (the timeline's spans are kept).
    let written = std::rc::Rc::new(std::cell::Cell::new(0usize));
    if json_out {
        say_raw!("{{\"events\":[");
    }
    for e in prior.unwrap_or_default() {
        if json_out {
            say_raw!("{}{}", if written.get() == 0 { "" } else { "," }, statelab::value::to_string(e));
        } else if history {
            let id = e["id"].as_u64().unwrap_or(0);
            let ty = e["type"].as_str().unwrap_or("");
            let details = e.as_object().and_then(|m| m.iter().find(|(k, _)| k.ends_with("EventDetails")));
            let details = details.map(|(_, d)| d.to_string()).unwrap_or_default();
            say!("{id:>5} {:>10}  {ty:<28} {details}", "(before)");
        }
        written.set(written.get() + 1);
    }
    if timeline && !(json_out || history) {
        // The timeline draws the spans: the events are only counted.
        host.exec.stream_events(|_| {});
    } else if json_out || history {
        let written = written.clone();
        host.exec.stream_events(move |e| {
            if json_out {
                let text = statelab::value::to_string(&e.to_json());
                say_raw!("{}{text}", if written.get() == 0 { "" } else { "," });
            } else {
                let details = e.details().map(|d| d.to_string()).unwrap_or_default();
                say!("{:>5} {:>9.3}s  {:<28} {}", e.id, (e.timestamp - start) as f64 / 1000.0, e.kind.name(), details);
            }
            written.set(written.get() + 1);
        });
    }
    let ran = (|| {
        host.start()?;
        statelab::driver::drive(&mut host, stop)
    })();
    let exec = &host.exec;
    if json_out {
        let mut outcome = String::new();
        if ran.is_ok() {
            // What `statelab redrive` continues from, when the run did not succeed (before the
            // outcome, which stays at the end of the output).
            if let (Some(mut b), Some(Value::Object(state)), false) =
                (base, exec.redrive_state(), matches!(exec.status(), Status::Succeeded(_)))
            {
                for (k, v) in state {
                    b.insert(k, v);
                }
                outcome.push_str(",\"redrive\":");
                statelab::value::write_compact(&mut outcome, &Value::Object(b));
            }
            for (k, v) in statelab::driver::outcome_json(exec) {
                outcome.push(',');
                statelab::value::write_string(&mut outcome, &k);
                outcome.push(':');
                statelab::value::write_compact(&mut outcome, &v);
            }
            if !exec.files().written().is_empty() {
                outcome.push_str(",\"files\":");
                statelab::value::write_compact(&mut outcome, &exec.files().written_json());
            }
            if !host.children().is_empty() {
                outcome.push_str(",\"children\":");
                statelab::value::write_compact(&mut outcome, &statelab::child::children_json(&host));
            }
        }
        // What --auto made up, as the page shows it: the input and the mocks it derived.
        if let Some(g) = &generated {
            outcome.push_str(",\"generated\":");
            statelab::value::write_compact(&mut outcome, g);
        }
        say!("]{outcome}}}");
    } else if history {
        say!();
    }
    ran.map_err(|e| e.to_string())?;
    if let Some(dir) = args.value("write-files") {
        write_files_dir(dir, exec.files())?;
    }
    let code = if matches!(exec.status(), Status::Succeeded(_)) { 0 } else { 1 };
    if json_out {
        return Ok(code);
    }
    if timeline {
        print_timeline(exec);
    }
    print_children(&host, history, timeline, start);
    let exec = &host.exec;
    let elapsed = (exec.now() - start) as f64 / 1000.0;
    say!("{} in {elapsed:.3} s (virtual), {} events", exec.status().name(), exec.event_count());
    match exec.status() {
        Status::Succeeded(v) => say!("{}", statelab::value::Pretty(v)),
        Status::Failed(f) | Status::TimedOut(f) | Status::Aborted(f) => {
            say!("error: {}", f.error);
            say!("cause: {}", f.cause);
        }
        Status::Running => {}
    }
    for (bucket, key) in exec.files().written() {
        let size = exec.files().get(bucket, key).map_or(0, |o| o.body.len());
        say!("wrote s3://{bucket}/{key} ({size} bytes)");
    }
    Ok(code)
}

/// `redrive PREVIOUS.json`: the execution `run --json` (or `redrive --json`) printed goes on
/// as AWS's RedriveExecution continues it, with new mocks if given.
fn cmd_redrive(raw: &[String]) -> Result<u8, String> {
    let with_value = [
        "mock-config",
        "mocks",
        "test-case",
        "files",
        "write-files",
        "after",
        "stop-at",
        "stop-error",
        "stop-cause",
        "machine",
    ];
    let args = Args::parse(raw, &with_value)?;
    args.check(&[&with_value[..], &["json", "history", "timeline"]].concat())?;
    let [path] = args.positional.as_slice() else {
        return Err(format!("redrive needs exactly one PREVIOUS file (what run --json printed)\n\n{USAGE}"));
    };
    let previous = read_json(path)?;
    let Some(events) = previous["events"].as_array() else {
        return Err(format!("{path}: no \"events\": PREVIOUS is what statelab run --json printed"));
    };
    let prior = &previous["redrive"];
    if prior.is_null() {
        // run --json describes every run that can be redriven.
        let reason = match previous["status"].as_str().unwrap_or("RUNNING") {
            s @ ("SUCCEEDED" | "RUNNING") => format!("Execution is {s} and cannot be redriven"),
            _ if events.len() >= statelab::exec::MAX_HISTORY_EVENTS => "Execution history event limit exceeded.".into(),
            _ => "Execution ended at one of statelab's own limits, with its states running.".into(),
        };
        eprintln!("{path}: ExecutionNotRedrivable: {reason}");
        return Ok(2);
    }
    let ty = match prior["type"].as_str() {
        Some("EXPRESS") => MachineType::Express,
        _ => MachineType::Standard,
    };
    let text = statelab::value::to_string(&prior["definition"]);
    let machine = asl::validate_text(&text, ty).map_err(|d| {
        format!(
            "{path}: the definition in \"redrive\" does not check: {}",
            asl::truncated(d).0.first().map(|d| d.to_string()).unwrap_or_default()
        )
    })?;
    let mocks_value = match args.value("mocks").or(args.value("mock-config")) {
        Some(p) => Some(read_json(p)?),
        None => prior.get("mocks").cloned(),
    };
    let test_case = args.value("test-case").or(prior["testCase"].as_str());
    let mut mocks_value = mocks_value;
    let files = files_of(&args, &mut mocks_value)?;
    let mocks = match &mocks_value {
        Some(v) => Mocks::from_value(v, test_case).map_err(|e| format!("mocks: {e}"))?,
        None => Mocks::empty(),
    };
    let mut opts = Options { seed: prior["seed"].as_u64().unwrap_or(0), ..Options::default() };
    if let Some(n) = prior["name"].as_str() {
        opts.execution_name = n.into();
    }
    keep_what_is_printed(&mut opts, &args);
    let input = prior["input"].clone();
    let end = prior["endTime"]
        .as_str()
        .and_then(statelab::exec::redrive::parse_time)
        .ok_or_else(|| format!("{path}: \"redrive\" has no endTime"))?;
    let after = match args.value("after") {
        Some(s) => s
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n >= 0.0 && *n <= 3660.0 * 86400.0)
            .ok_or_else(|| format!("--after takes seconds of virtual time after the previous end, not '{s}'"))?,
        None => 0.0,
    };
    let at = end + (after * 1000.0).round() as i64;
    let exec = match statelab::exec::Execution::redriven(machine.clone(), input.clone(), opts.clone(), prior, at) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{path}: {e}");
            return Ok(2);
        }
    };
    // The machines its Tasks start (--machine, as for run): a redriven task runs its child again.
    let machines = machines_of(&args)?;
    say_missing(&args, &mocks, &machine, &files, &machines.starters(&prior["definition"]));
    let mut base = statelab::value::Map::new();
    for key in ["definition", "type", "input", "name", "seed"] {
        base.insert(key.into(), prior[key].clone());
    }
    if let Some(m) = &mocks_value {
        base.insert("mocks".into(), m.clone());
    }
    if let Some(t) = test_case {
        base.insert("testCase".into(), json!(t));
    }
    let base = args.has("json").then_some(base);
    let mut host = Host::of(exec, mocks);
    host.set_machines(machines.workspace);
    run_host(host, &args, files, None, Some(events), base)
}

/// One line per span with a bar on a shared time axis: `=` a task attempt, `.` a retry
/// back-off, `~` a wait, `-` the rest of a state; `*` marks the critical path, and the
/// other bars show their slack.
/// Each child execution of the run (depth first), its history (`--history`) and timeline
/// (`--timeline`) after the parent's, under a line that says where it was started from.
fn print_children(host: &Host, history: bool, timeline: bool, start: i64) {
    if !(history || timeline) {
        return;
    }
    for c in host.children() {
        let exec = &c.host.exec;
        say!();
        say!(
            "child execution {} ({}, started by {} at {:.3}s): {}",
            c.arn,
            c.machine,
            c.parent.state,
            (c.start - start) as f64 / 1000.0,
            exec.status().name()
        );
        if history {
            for e in exec.events() {
                let details = e.details().map(|d| d.to_string()).unwrap_or_default();
                say!("{:>5} {:>9.3}s  {:<28} {}", e.id, (e.timestamp - start) as f64 / 1000.0, e.kind.name(), details);
            }
        }
        if timeline {
            print_timeline(exec);
        }
        print_children(&c.host, history, timeline, start);
    }
}

fn print_timeline(exec: &statelab::exec::Execution) {
    let timings = statelab::exec::analysis::critical_path(exec.spans(), exec.now());
    const WIDTH: f64 = 48.0;
    let start = exec.options().start_time;
    let total = (exec.now() - start).max(1) as f64;
    say!(
        "{:<20} {:<20} {:<8} {:>8} {:>8}  0s{:>width$}",
        "lane",
        "state",
        "kind",
        "start",
        "end",
        format!("{:.3}s", total / 1000.0),
        width = WIDTH as usize - 2
    );
    for (s, t) in exec.spans().iter().zip(&timings) {
        let (a, b) = (s.start - start, s.end.unwrap_or(exec.now()) - start);
        let from = (a as f64 / total * WIDTH).round() as usize;
        let to = ((b as f64 / total * WIDTH).round() as usize).max(from + 1).min(WIDTH as usize);
        let fill = match s.kind {
            statelab::exec::SpanKind::Attempt => '=',
            statelab::exec::SpanKind::Backoff => '.',
            statelab::exec::SpanKind::Wait => '~',
            statelab::exec::SpanKind::State => '-',
        };
        let bar: String = (0..WIDTH as usize).map(|i| if i >= from && i < to { fill } else { ' ' }).collect();
        let label = &exec.lanes().get(s.lane).label;
        let lane = if label.is_empty() { "main" } else { label };
        let note = if t.critical { "*".to_string() } else { format!("slack {:.3}s", t.slack_ms as f64 / 1000.0) };
        say!(
            "{:<20} {:<20} {:<8} {:>7.3}s {:>7.3}s  |{bar}| {} {note}",
            lane,
            s.state,
            s.kind.name(),
            a as f64 / 1000.0,
            b as f64 / 1000.0,
            s.status.name()
        );
    }
    say!();
}

fn cmd_validate(raw: &[String]) -> Result<u8, String> {
    let args = Args::parse(raw, &SOURCE_OPTIONS)?;
    args.check(&[&["json"][..], &SOURCE_OPTIONS].concat())?;
    let [def_path] = args.positional.as_slice() else {
        return Err(format!("validate needs exactly one DEFINITION file\n\n{USAGE}"));
    };
    let (diags, more) = match definition_of(def_path, &args)? {
        Ok(_) => (Vec::new(), false),
        Err(d) => asl::truncated(d),
    };
    if args.has("json") {
        let list: Vec<Value> = diags.iter().map(|d| d.to_json()).collect();
        say!("{}", json!({"valid": diags.is_empty(), "diagnostics": list, "truncated": more}));
    } else if diags.is_empty() {
        say!("{def_path}: valid");
    } else {
        for d in &diags {
            say!("{def_path}:{d}");
        }
        if more {
            say!("{def_path}: more problems not shown (at most {} are reported)", asl::MAX_DIAGNOSTICS);
        }
    }
    Ok(if diags.is_empty() { 0 } else { 2 })
}

fn cmd_jsonata(raw: &[String]) -> Result<u8, String> {
    let args = Args::parse(raw, &["input", "bindings"])?;
    args.check(&["input", "bindings", "json"])?;
    let [expr] = args.positional.as_slice() else {
        return Err(format!("jsonata needs exactly one EXPRESSION\n\n{USAGE}"));
    };
    let input = args.value("input").map(read_json).transpose()?;
    let bindings = match args.value("bindings").map(read_json).transpose()? {
        None => statelab::value::Map::new(),
        Some(Value::Object(m)) => m,
        Some(_) => return Err("--bindings must hold a JSON object".into()),
    };
    let result = statelab::jsonata::parse(expr).and_then(|e| {
        let mut host = CliHost { rng: statelab::exec::Rng::new(0) };
        e.evaluate(input.as_ref(), &bindings, &mut host, &statelab::jsonata::Options::default())
    });
    let (out, code) = match result {
        Ok(Some(v)) => (json!({"result": v}), 0),
        Ok(None) => (json!({"undefined": true}), 0),
        Err(e) => (json!({"error": {"code": e.code, "message": e.message}}), 1),
    };
    if args.has("json") {
        say!("{out}");
    } else {
        match out.get("result") {
            Some(v) => say!("{}", statelab::value::Pretty(v)),
            None if code == 0 => say!("(undefined)"),
            None => say!(
                "error {}: {}",
                out["error"]["code"].as_str().unwrap_or(""),
                out["error"]["message"].as_str().unwrap_or("")
            ),
        }
    }
    Ok(code)
}

fn cmd_test_state(raw: &[String]) -> Result<u8, String> {
    let args = Args::parse(raw, &[])?;
    args.check(&["json"])?;
    let [path] = args.positional.as_slice() else {
        return Err(format!("test-state needs exactly one REQUEST file\n\n{USAGE}"));
    };
    let request = read_json(path)?;
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    let (out, code) = match statelab::teststate::test_state(&request, now) {
        Ok(answer) => {
            let failed = answer["status"] == "FAILED";
            (answer, u8::from(failed))
        }
        Err(refusal) => (refusal.to_json(), 2),
    };
    if args.has("json") {
        say!("{out}");
    } else {
        say!("{}", statelab::value::Pretty(&out));
    }
    Ok(code)
}

/// The CLI's JSONata host: the time is the real wall clock for `$now()`, as in jsonata-js;
/// randomness is seeded.
struct CliHost {
    rng: statelab::exec::Rng,
}

impl statelab::jsonata::Host for CliHost {
    fn now_millis(&self) -> f64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as f64).unwrap_or(0.0)
    }
    fn random(&mut self) -> f64 {
        self.rng.next_f64()
    }
}
