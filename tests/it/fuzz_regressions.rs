//! The fuzzer's reproducers as regression tests: every `tests/fuzz/*.json` (a shrunk finding
//! of `cargo run --release --example fuzz`, see examples/fuzz/README.md, made into a test with
//! its `--to-test FILE NAME`) runs through the `statelab` binary within its own `bounds`: a
//! memory cap (`ulimit -v`, `memoryMiB` of address space) and a time limit (`seconds`, ten
//! times that in a debug build), and must end cleanly: no panic, no crash, no run-away; `run`
//! gives a finished execution within the history limit, `validate` its JSON verdict,
//! `jsonata` a result or an error, `test-state` an answer or the API's refusal; a run that
//! takes under two seconds runs again and prints the same bytes (but for the wall clock). A file holds the finding's `request` (the exact texts the fuzzer ran) and,
//! for people, the `reproducer` as JSON (when small) and what it is `about`. The wasm build
//! runs the `run` and `validate` ones too (tests/js/fuzz.test.mjs).
//!
//! Only reproducers that today's engine runs within their bounds are here. Open findings are
//! in `tests/fuzz-known.txt`.

use statelab::value::read::parse;
use statelab::value::Value;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The most a reproducer's bounds may say: a reproducer is a small, quick case.
const MAX_MIB: u64 = 1024;
const MAX_SECONDS: u64 = 20;

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
    took: Duration,
}

fn statelab(dir: &Path, args: &[String], mib: u64) -> Run {
    let start = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {} && exec \"$0\" \"$@\"", mib * 1024))
        .arg(env!("CARGO_BIN_EXE_statelab"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    let mut stdout = Vec::new();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    child.stdout.take().unwrap().read_to_end(&mut stdout).unwrap();
    let stderr = reader.join().unwrap();
    let status = child.wait().unwrap();
    Run { code: status.code().unwrap_or(-1), stdout, stderr, took: start.elapsed() }
}

fn statelab_copy(r: &Run) -> Run {
    Run { code: r.code, stdout: r.stdout.clone(), stderr: r.stderr.clone(), took: r.took }
}

fn text<'a>(req: &'a Value, k: &str) -> Option<&'a str> {
    req.get(k).and_then(Value::as_str)
}

/// Run one reproducer; `Err` says what went wrong.
fn check(path: &Path) -> Result<(), String> {
    let doc = parse(&std::fs::read_to_string(path).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let req = doc.get("request").ok_or("no request")?;
    let bound = |k: &str| doc.get("bounds").and_then(|b| b.get(k)).and_then(Value::as_f64).map(|n| n as u64);
    let (Some(mib), Some(seconds)) = (bound("memoryMiB"), bound("seconds")) else {
        return Err("no bounds: {\"seconds\": S, \"memoryMiB\": M}".into());
    };
    if mib > MAX_MIB || seconds > MAX_SECONDS {
        return Err(format!("bounds over {MAX_SECONDS} s or {MAX_MIB} MiB: not a reproducer"));
    }
    let time = Duration::from_secs(seconds * if cfg!(debug_assertions) { 10 } else { 1 });
    let dir = std::env::temp_dir().join(format!(
        "statelab-fuzz-regression-{}-{}",
        std::process::id(),
        path.file_stem().unwrap().to_string_lossy()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let write = |name: &str, t: &str| std::fs::write(dir.join(name), t).map_err(|e| e.to_string());
    let mode = text(req, "mode").unwrap_or("");
    let mut args: Vec<String> = Vec::new();
    match mode {
        "run" | "validate" => {
            write("d.json", text(req, "definition").unwrap_or(""))?;
            if mode == "validate" {
                args.extend(["validate".into(), "d.json".into(), "--json".into()]);
                if text(req, "type") == Some("EXPRESS") {
                    args.extend(["--type".into(), "EXPRESS".into()]);
                }
            } else {
                write("i.json", text(req, "input").unwrap_or("{}"))?;
                args.extend(["run".into(), "d.json".into(), "--input".into(), "i.json".into(), "--json".into()]);
                if let Some(m) = text(req, "mocks") {
                    write("m.json", m)?;
                    args.extend(["--mock-config".into(), "m.json".into()]);
                }
                if let Some(t) = text(req, "testCase") {
                    args.extend(["--test-case".into(), t.into()]);
                }
                args.extend(["--seed".into(), text(req, "seed").unwrap_or("0").into()]);
            }
        }
        "jsonata" => {
            if req.get("asl") == Some(&Value::Bool(true)) {
                return Err("the CLI's jsonata command has no Step Functions functions: keep asl false".into());
            }
            args.extend(["jsonata".into(), text(req, "expr").unwrap_or("").into(), "--json".into()]);
            if let Some(d) = text(req, "data") {
                write("data.json", d)?;
                args.extend(["--input".into(), "data.json".into()]);
            }
            write("b.json", text(req, "bindings").unwrap_or("{}"))?;
            args.extend(["--bindings".into(), "b.json".into()]);
        }
        "test-state" => {
            write("r.json", text(req, "request").unwrap_or("{}"))?;
            args.extend(["test-state".into(), "r.json".into(), "--json".into()]);
        }
        other => return Err(format!("unknown mode {other:?}")),
    }
    let first = statelab(&dir, &args, mib);
    // Again, for determinism, when that is quick.
    let second = if first.took < Duration::from_secs(2) { statelab(&dir, &args, mib) } else { statelab_copy(&first) };
    let _ = std::fs::remove_dir_all(&dir);
    for r in [&first, &second] {
        if r.took > time {
            return Err(format!("took {:?}, over its bound of {time:?}", r.took));
        }
        for bad in ["panicked", "overflow", "memory allocation", "fatal"] {
            if r.stderr.contains(bad) {
                return Err(format!("stderr: {}", r.stderr));
            }
        }
        if !matches!(r.code, 0..=2) {
            return Err(format!("exit code {}; stderr: {}", r.code, r.stderr));
        }
    }
    let out = std::str::from_utf8(&first.stdout).map_err(|e| e.to_string())?;
    if mode == "test-state"
        || (mode == "jsonata" && text(req, "expr").is_some_and(|e| e.contains("$now") || e.contains("$millis")))
    {
        // The CLI's clock is the wall clock: only the shape is checked (the fuzzer's worker
        // checks TestState answers twice at a fixed time).
    } else if first.stdout != second.stdout {
        return Err("two runs printed different output".into());
    }
    if first.code == 2 && mode != "validate" {
        // Rejected before running (an invalid definition, input or mocks): a clean end.
        return Ok(());
    }
    let v =
        parse(out).map_err(|e| format!("output is not JSON ({e}): {}", out.chars().take(300).collect::<String>()))?;
    match mode {
        "run" => {
            let status = v.get("status").and_then(Value::as_str).unwrap_or("");
            if !matches!(status, "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED") {
                return Err(format!("status {status:?}"));
            }
            let n = v.get("events").and_then(Value::as_array).map_or(0, Vec::len);
            if n > 25_000 {
                return Err(format!("{n} events"));
            }
        }
        "validate" => {
            v.get("valid").and_then(Value::as_bool).ok_or("no verdict")?;
        }
        "test-state" => {
            if v.get("status").and_then(Value::as_str).is_none() && v.get("Error").is_none() {
                return Err(format!("neither an answer nor a refusal: {}", out.chars().take(300).collect::<String>()));
            }
        }
        _ => {
            if v.get("result").is_none() && v.get("undefined").is_none() && v.get("error").is_none() {
                return Err(format!("no result: {out}"));
            }
        }
    }
    Ok(())
}

#[test]
fn fuzzer_reproducers_end_cleanly() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|r| r.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect())
        .unwrap_or_default();
    files.sort();
    let failures: Vec<String> =
        files.iter().filter_map(|p| check(p).err().map(|e| format!("{}: {e}", p.display()))).collect();
    assert!(failures.is_empty(), "{} of {} reproducers:\n{}", failures.len(), files.len(), failures.join("\n"));
}
