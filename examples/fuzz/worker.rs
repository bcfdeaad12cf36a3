//! The native worker (`fuzz --worker`): the only part of the fuzzer that calls the engine. It
//! reads requests from stdin (`<length>\n<JSON>`), runs each under `catch_unwind` with the
//! oracles below, and answers with one JSON line. A crash the process cannot survive (a stack
//! overflow, an allocation past the cap, an abort) ends it; the supervisor sees that, records
//! the case, and starts another worker.
//!
//! Oracles, per mode:
//! - every mode: no panic; the case's peak live memory is reported;
//! - `validate`: the same diagnostics twice;
//! - `run` (the CLI's `run --json` path: `Host`, events streamed): the execution ends (not
//!   RUNNING with nothing left to do), within 25,000 events and within its type's longest
//!   run; run again with the same seed, the same bytes (the digest of every event's JSON and
//!   the outcome); run without history, the same outcome after the same number of events;
//! - `jsonata` (the CLI's `jsonata` path): the same result twice;
//! - `test-state` (the CLI's `test-state` path, `teststate::test_state`, at a fixed time): the
//!   same answer twice, and the answer reads back as JSON.

use crate::alloc;
use crate::json::{self, J};
use statelab::asl::{self, MachineType};
use statelab::driver::Host;
use statelab::exec::{Options, Rng, Status};
use statelab::files::Files;
use statelab::mock::Mocks;
use statelab::value::{read, Value};
use std::cell::RefCell;
use std::hash::Hasher;
use std::io::{BufRead, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::Mutex;
use std::time::Instant;

/// Where and why the last panic happened (set by the hook, taken after `catch_unwind`).
static LAST_PANIC: Mutex<Option<(String, String)>> = Mutex::new(None);

/// A repeat run (determinism, history off) only when the first took less than this.
const REPEAT_BELOW_MS: f64 = 1000.0;
const YEAR_MS: i64 = 366 * 24 * 3600 * 1000;

pub fn main(args: &[String]) -> ! {
    let arg = |name: &str| {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse::<usize>().ok())
    };
    let stack_kb = arg("--stack-kb").unwrap_or(8192);
    alloc::set_cap(arg("--mem-cap-mb").unwrap_or(2048) << 20);
    std::panic::set_hook(Box::new(|info| {
        let loc = info.location().map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column())).unwrap_or_default();
        let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
            s.to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "(non-string panic payload)".to_string()
        };
        if let Ok(mut g) = LAST_PANIC.lock() {
            *g = Some((loc, msg));
        }
    }));
    // The engine runs on a thread with the CLI's stack (the main thread's 8 MiB by default).
    let t = std::thread::Builder::new().name("case".into()).stack_size(stack_kb << 10).spawn(serve).expect("thread");
    let code = t.join().map(|_| 0).unwrap_or(3);
    std::process::exit(code)
}

fn serve() {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let stdout = std::io::stdout();
    loop {
        let mut header = String::new();
        if input.read_line(&mut header).unwrap_or(0) == 0 {
            return;
        }
        let Ok(len) = header.trim().parse::<usize>() else { return };
        let mut body = vec![0u8; len];
        if input.read_exact(&mut body).is_err() {
            return;
        }
        let req = String::from_utf8(body).ok().and_then(|t| json::parse(&t).ok()).unwrap_or(J::Null);
        let (reply, panicked) = handle(&req);
        let mut out = stdout.lock();
        let _ = writeln!(out, "{}", reply.text());
        let _ = out.flush();
        if panicked {
            // Whatever the panic left behind (thread-locals, free lists) goes with the process.
            return;
        }
    }
}

struct Problems(Vec<J>);

impl Problems {
    fn add(&mut self, class: &str, loc: &str, msg: impl Into<String>) {
        let mut msg: String = msg.into();
        if msg.len() > 4000 {
            let mut cut = 4000;
            while !msg.is_char_boundary(cut) {
                cut -= 1;
            }
            msg.truncate(cut);
            msg.push_str("...");
        }
        self.0.push(J::obj(vec![("class", J::str(class)), ("loc", J::str(loc)), ("msg", J::Str(msg))]));
    }
}

thread_local! {
    /// The peak of live memory when the engine's part of a case ended (see [`engine_done`]).
    static ENGINE_PEAK: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// The engine's part of the case (what the CLI does: evaluate, run, print) is over: the
/// memory oracle judges the peak so far. The checks that follow (reading the printed output
/// back into a tree, a second run beside the first's output) are the fuzzer's own work.
fn engine_done() {
    ENGINE_PEAK.with(|p| p.set(Some(alloc::peak())));
}

fn handle(req: &J) -> (J, bool) {
    let base = alloc::reset_peak();
    ENGINE_PEAK.with(|p| p.set(None));
    let t0 = Instant::now();
    let mut problems = Problems(Vec::new());
    let s = |k: &str| req.get(k).and_then(J::as_str).map(String::from);
    let mode = s("mode").unwrap_or_default();
    let result = catch_unwind(AssertUnwindSafe(|| match mode.as_str() {
        "validate" => validate(req, &mut problems),
        "run" => run(req, &mut problems),
        "jsonata" => jsonata(req, &mut problems),
        "test-state" => test_state(req, &mut problems),
        "ping" => J::obj(vec![("kind", J::str("pong"))]),
        // The supervisor's self-test: each oracle must see its failure.
        "selftest-panic" => panic!("fuzz self-test"),
        "selftest-overflow" => J::num(deep(std::hint::black_box(1 << 40))),
        "selftest-oom" => J::num(std::hint::black_box(vec![1u8; 3 << 30]).len()),
        "selftest-memory" => {
            J::num(std::hint::black_box(vec![1u8; 300 << 20]).iter().map(|b| *b as usize).sum::<usize>())
        }
        "selftest-hang" => loop {
            std::hint::spin_loop();
        },
        other => J::obj(vec![("kind", J::str("unknown-mode")), ("mode", J::str(other))]),
    }));
    let mut panicked = false;
    let summary = match result {
        Ok(s) => s,
        Err(_) => {
            panicked = true;
            let (loc, msg) = LAST_PANIC.lock().ok().and_then(|mut g| g.take()).unwrap_or_default();
            problems.add("panic", &loc, msg);
            J::obj(vec![("kind", J::str("panicked"))])
        }
    };
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    let peak = ENGINE_PEAK.with(|p| p.take()).unwrap_or_else(alloc::peak).saturating_sub(base);
    let reply = J::obj(vec![
        ("ms", J::Num(format!("{ms:.3}"))),
        ("peak", J::num(peak)),
        ("problems", J::Arr(problems.0)),
        ("summary", summary),
    ]);
    (reply, panicked)
}

fn machine_type(req: &J) -> MachineType {
    if req.get("type").and_then(J::as_str) == Some("EXPRESS") {
        MachineType::Express
    } else {
        MachineType::Standard
    }
}

fn text(req: &J, k: &str) -> Option<String> {
    req.get(k).and_then(J::as_str).map(String::from)
}

fn diagnostics(def: &str, t: MachineType) -> String {
    match asl::validate_text(def, t) {
        Ok(_) => "[]".to_string(),
        Err(d) => {
            let list: Vec<Value> = asl::truncated(d).0.iter().map(|d| d.to_json()).collect();
            statelab::value::to_string(&Value::Array(list.into()))
        }
    }
}

fn validate(req: &J, problems: &mut Problems) -> J {
    let def = text(req, "definition").unwrap_or_default();
    let t = machine_type(req);
    let t0 = Instant::now();
    let first = diagnostics(&def, t);
    if t0.elapsed().as_secs_f64() * 1000.0 < REPEAT_BELOW_MS {
        let again = diagnostics(&def, t);
        if again != first {
            problems.add("nondeterminism", "validate", format!("first {first}\nthen {again}"));
        }
    }
    J::obj(vec![("kind", J::str("validate")), ("diagnostics", J::Str(first))])
}

/// One execution, as `statelab run --json` makes it.
struct RunOut {
    status: &'static str,
    outcome: String,
    output: Option<String>,
    error: Option<String>,
    cause: Option<String>,
    types: Vec<&'static str>,
    events: u64,
    digest: u64,
    duration_ms: i64,
    host_error: Option<String>,
}

fn run_once(machine: Rc<asl::Machine>, input: Value, mocks: Mocks, files: &Files, seed: u64, history: bool) -> RunOut {
    let opts = Options { seed, history, spans: false, ..Options::default() };
    let start = opts.start_time;
    let mut host = Host::new(machine, input, mocks, opts);
    host.set_files(files.clone());
    let sink = Rc::new(RefCell::new((std::collections::hash_map::DefaultHasher::new(), Vec::new())));
    if history {
        let sink = sink.clone();
        host.exec.stream_events(move |e| {
            let text = statelab::value::to_string(&e.to_json());
            let mut s = sink.borrow_mut();
            s.0.write(text.as_bytes());
            s.1.push(e.kind.name());
        });
    }
    let ran = (|| {
        host.start()?;
        while host.step()? {}
        Ok::<_, statelab::HostError>(())
    })();
    let exec = &host.exec;
    let outcome = Value::Object(statelab::driver::outcome_json(exec));
    let (output, error, cause) = match exec.status() {
        Status::Succeeded(v) => (Some(statelab::value::to_string(v)), None, None),
        // As `run --json` prints them: an empty error or cause is left out.
        Status::Failed(f) | Status::TimedOut(f) | Status::Aborted(f) => {
            let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
            (None, some(&f.error), some(&f.cause))
        }
        Status::Running => (None, None, None),
    };
    let outcome = statelab::value::to_string(&outcome);
    let mut s = sink.borrow_mut();
    s.0.write(outcome.as_bytes());
    RunOut {
        status: exec.status().name(),
        outcome,
        output,
        error,
        cause,
        types: std::mem::take(&mut s.1),
        events: exec.event_count(),
        digest: s.0.finish(),
        duration_ms: exec.now() - start,
        host_error: ran.err().map(|e| e.to_string()),
    }
}

fn rejected(why: &str, msg: String) -> J {
    J::obj(vec![("kind", J::str("rejected")), ("why", J::str(why)), ("message", J::Str(msg))])
}

fn run(req: &J, problems: &mut Problems) -> J {
    let def = text(req, "definition").unwrap_or_default();
    let t = machine_type(req);
    let machine = match asl::validate_text(&def, t) {
        Ok(m) => m,
        Err(d) => return rejected("definition", d.first().map(|d| d.to_string()).unwrap_or_default()),
    };
    let input = match read::parse(&text(req, "input").unwrap_or_else(|| "{}".into())) {
        Ok(v) => v,
        Err(e) => return rejected("input", e.message.to_string()),
    };
    // The mocks, and their `Files` section (as the CLI and the wasm read it).
    let mut files = Files::new();
    let mocks = match text(req, "mocks") {
        None => Mocks::empty(),
        Some(t) => match read::parse(&t) {
            Ok(Value::Null) => Mocks::empty(),
            Ok(v) => {
                let local = v.get("StateMachines").is_some() || v.get("MockedResponses").is_some();
                if let (false, Some(section)) = (local, v.get("Files")) {
                    match Files::from_value(section) {
                        Ok(f) => files = f,
                        Err((pointer, m)) => return rejected("mocks", format!("{m} (at /Files{pointer})")),
                    }
                }
                match Mocks::from_value(&v, req.get("testCase").and_then(J::as_str)) {
                    Ok(m) => m,
                    Err(e) => return rejected("mocks", e.to_string()),
                }
            }
            Err(e) => return rejected("mocks", e.message.to_string()),
        },
    };
    let seed = req.get("seed").and_then(|s| s.as_str().map(|t| t.parse().ok()).unwrap_or(s.as_u64())).unwrap_or(0);
    let t0 = Instant::now();
    let first = run_once(machine.clone(), input.clone(), mocks.clone(), &files, seed, true);
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    engine_done();
    if let Some(e) = &first.host_error {
        return rejected("host", e.clone());
    }
    // What `run --json` prints must read back: the outcome, the output in it.
    if let Err(e) = read::parse(&first.outcome) {
        problems.add(
            "unreadable-output",
            "run",
            format!("{}: the outcome does not read back as JSON: {}", first.status, e.message),
        );
    }
    if first.status == "RUNNING" {
        problems.add(
            "stuck",
            "run",
            format!("the execution is RUNNING with nothing left to do after {} events", first.events),
        );
    }
    if first.events > 25_000 {
        problems.add("history-over-limit", "run", format!("{} events", first.events));
    }
    let limit = if t == MachineType::Express { 5 * 60 * 1000 } else { YEAR_MS };
    if first.duration_ms > limit || first.duration_ms < 0 {
        problems.add("over-time-limit", "run", format!("ran {} ms of virtual time", first.duration_ms));
    }
    if ms < REPEAT_BELOW_MS {
        let again = run_once(machine.clone(), input.clone(), mocks.clone(), &files, seed, true);
        if again.digest != first.digest || again.duration_ms != first.duration_ms {
            problems.add(
                "nondeterminism",
                "run",
                format!("same seed, different history or outcome: {} then {}", first.outcome, again.outcome),
            );
        }
        let lean = run_once(machine, input, mocks, &files, seed, false);
        if lean.outcome != first.outcome || lean.events != first.events || lean.duration_ms != first.duration_ms {
            problems.add(
                "history-off-differs",
                "run",
                format!(
                    "with history: {} after {} events at {} ms; without: {} after {} events at {} ms",
                    first.outcome, first.events, first.duration_ms, lean.outcome, lean.events, lean.duration_ms
                ),
            );
        }
    }
    let opt = |s: &Option<String>| s.as_ref().map_or(J::Null, |t| J::Str(t.clone()));
    J::obj(vec![
        ("kind", J::str("result")),
        ("status", J::str(first.status)),
        ("output", opt(&first.output)),
        ("error", opt(&first.error)),
        ("cause", opt(&first.cause)),
        ("events", J::num(first.events)),
        ("durationMs", J::num(first.duration_ms)),
        ("types", J::Arr(first.types.iter().map(|t| J::str(*t)).collect())),
    ])
}

/// The JSONata host: a fixed clock (the CLI reads the wall clock) and seeded randomness.
struct FixedHost(Rng);

impl statelab::jsonata::Host for FixedHost {
    fn now_millis(&self) -> f64 {
        1_735_689_600_000.0
    }
    fn random(&mut self) -> f64 {
        self.0.next_f64()
    }
}

fn jsonata(req: &J, problems: &mut Problems) -> J {
    let expr = text(req, "expr").unwrap_or_default();
    let data = match req.get("data").and_then(J::as_str) {
        None => None,
        Some(t) => match read::parse(t) {
            Ok(v) => Some(v),
            Err(e) => return rejected("data", e.message.to_string()),
        },
    };
    let bindings = match read::parse(&text(req, "bindings").unwrap_or_else(|| "{}".into())) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return rejected("bindings", "not an object".into()),
        Err(e) => return rejected("bindings", e.message.to_string()),
    };
    let opts = statelab::jsonata::Options {
        asl_functions: req.get("asl").and_then(J::as_bool).unwrap_or(false),
        ..statelab::jsonata::Options::default()
    };
    let eval = || {
        let mut host = FixedHost(Rng::new(0));
        let r = statelab::jsonata::parse(&expr).and_then(|e| e.evaluate(data.as_ref(), &bindings, &mut host, &opts));
        match r {
            Ok(Some(v)) => {
                let kind = match &v {
                    Value::Null => "null",
                    Value::Bool(_) => "boolean",
                    Value::Number(_) => "number",
                    Value::String(_) => "string",
                    Value::Array(_) => "array",
                    Value::Object(_) => "object",
                };
                (kind.to_string(), statelab::value::to_string(&statelab::json!({ "result": v })))
            }
            Ok(None) => ("undefined".to_string(), r#"{"undefined":true}"#.to_string()),
            Err(e) => {
                let out = statelab::json!({"error": {"code": e.code.as_str(), "message": e.message.as_str()}});
                (format!("error {}", e.code), statelab::value::to_string(&out))
            }
        }
    };
    let t0 = Instant::now();
    let (sig, first) = eval();
    engine_done();
    if let Err(e) = read::parse(&first) {
        problems.add("unreadable-output", "jsonata", format!("the result does not read back as JSON: {}", e.message));
    }
    if t0.elapsed().as_secs_f64() * 1000.0 < REPEAT_BELOW_MS {
        let (_, again) = eval();
        if again != first {
            problems.add("nondeterminism", "jsonata", format!("first {first}\nthen {again}"));
        }
    }
    let mut head: String = first.chars().take(300).collect();
    if head.len() < first.len() {
        head.push_str("...");
    }
    J::obj(vec![("kind", J::str("jsonata")), ("sig", J::Str(sig)), ("text", J::Str(head))])
}

/// The TestState request as the CLI reads it, answered as the CLI answers it (at a fixed time).
fn test_state(req: &J, problems: &mut Problems) -> J {
    let request = match read::parse(&text(req, "request").unwrap_or_default()) {
        Ok(v) => v,
        Err(e) => return rejected("request", e.message.to_string()),
    };
    let answer = || match statelab::teststate::test_state(&request, 1_735_689_600_000) {
        Ok(a) => {
            let status = a.get("status").and_then(Value::as_str).unwrap_or("?").to_string();
            let error = a.get("error").and_then(Value::as_str).unwrap_or("").to_string();
            (format!("{status} {error}"), statelab::value::to_string(&a))
        }
        Err(r) => (format!("refused {} {}", r.code, first_words(&r.message)), statelab::value::to_string(&r.to_json())),
    };
    let t0 = Instant::now();
    let (sig, first) = answer();
    if let Err(e) = read::parse(&first) {
        problems.add(
            "unreadable-output",
            "test-state",
            format!("the answer does not read back as JSON: {}", e.message),
        );
    }
    if t0.elapsed().as_secs_f64() * 1000.0 < REPEAT_BELOW_MS {
        let (_, again) = answer();
        if again != first {
            problems.add("nondeterminism", "test-state", format!("first {first}\nthen {again}"));
        }
    }
    J::obj(vec![("kind", J::str("test-state")), ("sig", J::Str(sig))])
}

/// The first words of a message, its numbers and quoted parts left out: a kind of refusal.
fn first_words(m: &str) -> String {
    m.split(['\'', '"']).next().unwrap_or("").chars().filter(|c| !c.is_ascii_digit()).take(60).collect()
}

/// Recursion without end (the self-test's stack overflow).
#[allow(unconditional_recursion)]
fn deep(n: u64) -> u64 {
    let pad = std::hint::black_box([n; 64]);
    deep(pad[7].wrapping_add(1)).wrapping_add(pad[3])
}
