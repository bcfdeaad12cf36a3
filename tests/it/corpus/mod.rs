//! The conformance corpus driven from Rust: one loop over the corpus files, one report, one
//! ratchet (`tests/conformance-baseline.txt`, the file the Python runner reads too).
//!
//! The corpus (expectations nobody on this project wrote: AWS recordings, the JSONata test
//! suite) lives outside the repository, at `$STATELAB_CONFORMANCE` or else
//! `<repo>/../shared/conformance`. Without it this test prints one line saying what it
//! skipped and passes; a corpus that is there but does not parse fails it.
//!
//! Four suites are graded in process, through the library calls behind `statelab run --json`,
//! `validate --json` and `jsonata --json`, with the rules of the corpus's own runner
//! (`grade.rs`): the set of cases passing here is the set the runner passes with the CLI.
//! Then the checks of the library's parts against the same recordings (`library.rs`).
//!
//! `STATELAB_WRITE_BASELINE=1` rewrites the baseline with every case that passes now;
//! `STATELAB_CORPUS_REPORT=FILE` writes the results as the runner's `--report FILE` does
//! (per suite: passed, total, and each failure's id and reason).

mod grade;
mod library;

use grade::Verdict;
use statelab::value::Value;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

const BASELINE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance-baseline.txt");
/// How many failures of each suite the report shows.
const SHOW: usize = 3;

/// Written straight to the process's standard error, past the test harness's capture: the
/// report (and the skip line) show in every `cargo test` run, not only when the test fails.
fn say(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// `STATELAB_WRITE_BASELINE` set (and not `0`): rewrite the baseline instead of checking it.
fn write_baseline() -> bool {
    std::env::var_os("STATELAB_WRITE_BASELINE").is_some_and(|v| v != "0" && !v.is_empty())
}

/// Where the corpus is: `Ok(None)` when it is not at the default place (a bare clone).
fn locate() -> Result<Option<PathBuf>, String> {
    if let Some(dir) = std::env::var_os("STATELAB_CONFORMANCE") {
        let dir = PathBuf::from(dir);
        return if dir.is_dir() {
            Ok(Some(dir))
        } else {
            Err(format!("STATELAB_CONFORMANCE={} is not a directory", dir.display()))
        };
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    Ok(dir.is_dir().then_some(dir))
}

/// One case as the runner loads it: its id, the case, and for JSONata whether the expression
/// held a lone UTF-16 surrogate.
struct Case {
    id: String,
    value: Value,
    lone_surrogate_in_expr: bool,
}

/// Files or lines that do not parse, or cases without what their suite needs.
#[derive(Default)]
struct Malformed(Vec<String>);

impl Malformed {
    fn parse(&mut self, where_: &str, text: &str) -> Option<Value> {
        match statelab::value::read::parse(text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(format!("{where_}: {e}"));
                None
            }
        }
    }
    fn read(&mut self, path: &Path) -> Option<String> {
        match std::fs::read_to_string(path) {
            Ok(t) => Some(t),
            Err(e) => {
                self.0.push(format!("{}: {e}", path.display()));
                None
            }
        }
    }
}

/// The files of a folder, by name, as `sorted(os.listdir(...))`.
fn listing(dir: &Path, bad: &mut Malformed) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            bad.0.push(format!("{}: {e}", dir.display()));
            return Vec::new();
        }
    };
    files.sort();
    files
}

/// The runner's `load_suite` for a folder of cases: each `.json` file is a case (its id the
/// file name unless it has one), each line of a `.jsonl` file is one.
fn load_folder(dir: &Path, bad: &mut Malformed) -> Vec<Case> {
    let mut cases = Vec::new();
    for path in listing(dir, bad) {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if name.ends_with(".json") {
            let Some(text) = bad.read(&path) else { continue };
            let Some(mut v) = bad.parse(&path.display().to_string(), &text) else { continue };
            if !v.is_object() {
                bad.0.push(format!("{}: not a JSON object", path.display()));
                continue;
            }
            if v.get("id").is_none() {
                v["id"] = Value::String(name.as_str().into());
            }
            cases.push(v);
        } else if name.ends_with(".jsonl") {
            let Some(text) = bad.read(&path) else { continue };
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                if let Some(v) = bad.parse(&format!("{}:{}", path.display(), i + 1), line) {
                    cases.push(v);
                }
            }
        }
    }
    cases
        .into_iter()
        .filter_map(|v| match v.get("id").and_then(Value::as_str) {
            Some(id) => Some(Case { id: id.to_string(), value: v, lone_surrogate_in_expr: false }),
            None => {
                bad.0.push(format!("{}: a case without a string id", dir.display()));
                None
            }
        })
        .collect()
}

/// The `\uXXXX` escapes in JSON text that are UTF-16 surrogates not half of a pair (Python
/// keeps them in its strings; statelab's parser, as the CLI reads files, makes them U+FFFD).
fn without_lone_surrogates(line: &str) -> Option<String> {
    let b = line.as_bytes();
    let hex = |at: usize| -> Option<u32> {
        if b.get(at) == Some(&b'\\') && b.get(at + 1) == Some(&b'u') {
            u32::from_str_radix(line.get(at + 2..at + 6)?, 16).ok()
        } else {
            None
        }
    };
    let (mut out, mut i, mut lit, mut found) = (String::new(), 0, 0, false);
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        match hex(i) {
            Some(0xD800..=0xDBFF) if hex(i + 6).is_some_and(|lo| (0xDC00..=0xDFFF).contains(&lo)) => i += 12,
            Some(0xD800..=0xDFFF) => {
                out.push_str(&line[lit..i]);
                found = true;
                i += 6;
                lit = i;
            }
            Some(_) => i += 6,
            None => i += 2,
        }
    }
    out.push_str(&line[lit..]);
    found.then_some(out)
}

/// The JSONata suite: `cases.jsonl`, with `datasets/NAME.json` as the data of a case that
/// names a dataset and has no data of its own.
fn load_jsonata(dir: &Path, bad: &mut Malformed) -> Vec<Case> {
    let path = dir.join("cases.jsonl");
    let Some(text) = bad.read(&path) else { return Vec::new() };
    let mut datasets: Vec<(String, Value)> = Vec::new();
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let at = format!("{}:{}", path.display(), i + 1);
        let Some(mut v) = bad.parse(&at, line) else { continue };
        let Some(id) = v.get("id").and_then(Value::as_str).map(str::to_string) else {
            bad.0.push(format!("{at}: a case without a string id"));
            continue;
        };
        if !v.get("expr").is_some_and(Value::is_string) {
            bad.0.push(format!("{at}: a case without an expression"));
            continue;
        }
        // The runner cannot pass an expression holding a lone surrogate on the command line.
        let lone = without_lone_surrogates(line)
            .and_then(|stripped| statelab::value::read::parse(&stripped).ok())
            .is_some_and(|w| w.get("expr") != v.get("expr"));
        if v.get("data").is_none() {
            if let Some(name) = v.get("dataset").and_then(Value::as_str).filter(|n| !n.is_empty()).map(str::to_string) {
                let data = match datasets.iter().find(|(n, _)| *n == name) {
                    Some((_, d)) => Some(d.clone()),
                    None => {
                        let file = dir.join("datasets").join(format!("{name}.json"));
                        let d = bad.read(&file).and_then(|t| bad.parse(&file.display().to_string(), &t));
                        if let Some(d) = &d {
                            datasets.push((name, d.clone()));
                        }
                        d
                    }
                };
                match data {
                    Some(d) => v["data"] = d,
                    None => continue,
                }
            }
        }
        cases.push(Case { id, value: v, lone_surrogate_in_expr: lone });
    }
    cases
}

/// The runner's `accepted_definitions`: every distinct definition AWS ran must be accepted.
fn accepted_definitions(executions: &[Case]) -> Vec<Case> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for c in executions {
        let def = c.value.get("definition").cloned().unwrap_or_default();
        if !seen.insert(grade::py_dumps(&def, false, true)) {
            continue;
        }
        let ty = c.value.get("state_machine_type").cloned().unwrap_or_else(|| "STANDARD".into());
        let mut v = statelab::json!({"id": format!("accept:{}", c.id), "expected_valid": true});
        v["definition"] = def;
        v["request"] = statelab::json!({"type": ty});
        out.push(Case { id: format!("accept:{}", c.id), value: v, lone_surrogate_in_expr: false });
    }
    out
}

/// One suite's results.
struct Suite {
    name: &'static str,
    passed: Vec<String>,
    failed: Vec<(String, String)>,
    not_gradable: usize,
    note: &'static str,
}

impl Suite {
    fn grade(name: &'static str, note: &'static str, cases: &[Case], grader: impl Fn(&Case) -> Verdict) -> Suite {
        let mut s = Suite { name, passed: Vec::new(), failed: Vec::new(), not_gradable: 0, note };
        for c in cases {
            let verdict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| grader(c)))
                .unwrap_or_else(|p| Verdict::Fail(format!("panicked: {}", panic_text(&p))));
            match verdict {
                Verdict::Pass => s.passed.push(c.id.clone()),
                Verdict::Fail(why) => s.failed.push((c.id.clone(), why)),
                Verdict::NotGradable => s.not_gradable += 1,
            }
        }
        s
    }
    fn line(&self) -> String {
        let total = self.passed.len() + self.failed.len();
        let pct = if total == 0 { 0.0 } else { 100.0 * self.passed.len() as f64 / total as f64 };
        let mut line = format!("  {:<11} {:>5}/{:<5} passed ({pct:.1}%)", self.name, self.passed.len(), total);
        if self.not_gradable > 0 {
            line += &format!(
                ", {} not gradable (lone surrogate in the expression), left out as the runner does",
                self.not_gradable
            );
        }
        if !self.note.is_empty() {
            line += &format!(" {}", self.note);
        }
        line.push('\n');
        for (id, why) in self.failed.iter().take(SHOW) {
            line += &format!("      FAIL {id}: {why}\n");
        }
        if self.failed.len() > SHOW {
            line += &format!("      ... and {} more\n", self.failed.len() - SHOW);
        }
        line
    }
}

pub fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default()
}

/// A thread with a large stack: the engine and the JSONata evaluator recurse on deep inputs,
/// and the CLI runs them on a main thread with more stack than a test thread has.
fn big_stack() -> std::thread::Builder {
    std::thread::Builder::new().stack_size(512 << 20)
}

/// Everything the corpus gives: the four suites graded, the library checks, the ratchet.
/// The JSONata suite's own checks run on a second thread, with their own copy of the suite
/// (values are not shared between threads).
fn run(root: &Path) {
    std::thread::scope(|scope| {
        let jsonata_checks = big_stack()
            .spawn_scoped(scope, || {
                let mut bad = Malformed::default();
                let cases = load_jsonata(&root.join("jsonata"), &mut bad);
                let cases: Vec<(&str, &Value, bool)> =
                    cases.iter().map(|c| (c.id.as_str(), &c.value, c.lone_surrogate_in_expr)).collect();
                library::jsonata_checks(&cases)
            })
            .expect("a thread");
        let checks = move || match jsonata_checks.join() {
            Ok(checks) => checks,
            Err(p) => std::panic::resume_unwind(p),
        };
        grade_and_report(root, checks);
    });
}

fn grade_and_report(root: &Path, jsonata_checks: impl FnOnce() -> Vec<library::Check>) {
    let mut bad = Malformed::default();
    for sub in ["aws/executions", "aws/validation", "aws/test_state", "realworld", "jsonata"] {
        if !root.join(sub).is_dir() {
            bad.0.push(format!("{}: no folder {sub}", root.display()));
        }
    }
    let executions = load_folder(&root.join("aws/executions"), &mut bad);
    for c in &executions {
        for field in ["definition", "expected"] {
            if c.value.get(field).is_none() {
                bad.0.push(format!("aws/executions: case {} has no {field}", c.id));
            }
        }
    }
    let mut validation = load_folder(&root.join("aws/validation"), &mut bad);
    validation.extend(accepted_definitions(&executions));
    validation.extend(load_folder(&root.join("realworld"), &mut bad));
    let jsonata = load_jsonata(&root.join("jsonata"), &mut bad);
    let test_state = load_folder(&root.join("aws/test_state"), &mut bad);
    if !bad.0.is_empty() {
        panic!(
            "the conformance corpus at {} is malformed ({} problems):\n  {}",
            root.display(),
            bad.0.len(),
            bad.0.iter().take(20).cloned().collect::<Vec<_>>().join("\n  ")
        );
    }

    let cli_opts = statelab::jsonata::Options::default();
    let suites = [
        Suite::grade("executions", "", &executions, |c| grade::grade_execution(&c.value)),
        Suite::grade("validation", "", &validation, |c| grade::grade_validation(&c.value)),
        Suite::grade("jsonata", "", &jsonata, |c| grade::grade_jsonata(&c.value, c.lone_surrogate_in_expr, &cli_opts)),
        Suite::grade("test_state", "", &test_state, |c| grade::grade_test_state(&c.value)),
    ];
    let exec_values: Vec<&Value> = executions.iter().map(|c| &c.value).collect();
    let ts_values: Vec<&Value> = test_state.iter().map(|c| &c.value).collect();
    let mut checks = library::recording_checks(&exec_values, &ts_values);
    checks.extend(jsonata_checks());

    let passed: BTreeSet<&str> = suites.iter().flat_map(|s| s.passed.iter().map(String::as_str)).collect();
    let mut report =
        format!("\nconformance corpus at {} (graded in process, with the rules of its runner)\n", root.display());
    for s in &suites {
        report += &s.line();
    }
    report += "  library checks against the same recordings:\n";
    for c in &checks {
        report += &c.line();
    }
    let mut problems: Vec<String> = checks.iter().filter(|c| !c.failures.is_empty()).map(|c| c.problem()).collect();

    if write_baseline() {
        let text: String = passed.iter().map(|id| format!("{id}\n")).collect();
        std::fs::write(BASELINE, text).unwrap_or_else(|e| panic!("cannot write {BASELINE}: {e}"));
        report += &format!("  baseline: wrote {} passing case ids to tests/conformance-baseline.txt\n", passed.len());
    } else {
        let text = std::fs::read_to_string(BASELINE).unwrap_or_else(|e| panic!("cannot read {BASELINE}: {e}"));
        let want: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        let failures: Vec<&(String, String)> = suites.iter().flat_map(|s| &s.failed).collect();
        let lost: Vec<&str> = want.iter().copied().filter(|id| !passed.contains(id)).collect();
        let gained = passed.len() - (want.len() - lost.len());
        if lost.is_empty() {
            report += &format!("  ratchet: all {} baselined cases still pass", want.len());
            if gained > 0 {
                report += &format!("; {gained} more pass (STATELAB_WRITE_BASELINE=1 adds them)");
            }
            report.push('\n');
        } else {
            let mut p =
                format!("{} case(s) of tests/conformance-baseline.txt no longer pass (the ratchet):\n", lost.len());
            for id in lost.iter().take(20) {
                let why = failures
                    .iter()
                    .find(|(f, _)| f == id)
                    .map(|(_, w)| w.as_str())
                    .unwrap_or("not in the corpus any more");
                p += &format!("    {id}: {why}\n");
            }
            if lost.len() > 20 {
                p += &format!("    ... and {} more\n", lost.len() - 20);
            }
            report +=
                &format!("  ratchet: {} of {} baselined cases no longer pass (listed below)\n", lost.len(), want.len());
            problems.insert(0, p);
        }
    }
    if let Some(path) = std::env::var_os("STATELAB_CORPUS_REPORT") {
        let mut out = statelab::json!({});
        for s in &suites {
            let mut failures = statelab::value::Map::new();
            for (id, why) in &s.failed {
                failures.insert(id.as_str().into(), Value::String(why.as_str().into()));
            }
            out[s.name] = statelab::json!({"passed": s.passed.len(), "total": s.passed.len() + s.failed.len()});
            out[s.name]["failures"] = Value::Object(failures);
        }
        std::fs::write(&path, format!("{}\n", statelab::value::Pretty(&out)))
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.to_string_lossy()));
    }
    say(&report);
    assert!(problems.is_empty(), "conformance corpus: {}", problems.join("\n"));
}

#[test]
fn conformance_corpus() {
    let root = match locate() {
        Ok(Some(root)) => root,
        Ok(None) => {
            if write_baseline() {
                panic!("STATELAB_WRITE_BASELINE is set but there is no corpus to grade");
            }
            say(&format!(
                "\nconformance corpus not found at {}/../shared/conformance (set STATELAB_CONFORMANCE): skipped executions, \
                 validation, jsonata, test_state and the path/template corpus checks\n",
                env!("CARGO_MANIFEST_DIR")
            ));
            return;
        }
        Err(e) => panic!("{e}"),
    };
    let worker = big_stack().spawn(move || run(&root)).expect("a thread");
    if let Err(p) = worker.join() {
        std::panic::resume_unwind(p);
    }
}
