//! A mutation fuzzer for statelab (stable Rust, no libFuzzer): it mutates definitions, inputs,
//! mocks and JSONata expressions from the conformance corpus, the repository's own cases and
//! built-in pathological seeds, runs them in worker processes under a watchdog and a memory
//! cap, shrinks what fails and writes reproducers.
//!
//!     cargo run --release --example fuzz -- --minutes 10 [--target validate|run|jsonata|test-state|wasm]
//!         [--seed S] [--out DIR] [--execs N] [--timeout-ms MS] [--no-shrink]
//!     cargo run --release --example fuzz -- --smoke          # CI: seeded, about a minute
//!     cargo run --release --example fuzz -- --replay FILE    # run one reproducer again
//!
//! Targets: `validate` (`statelab::validate_text`), `run` (validate, then the CLI's `run
//! --json` path with the case's mocks), `jsonata` (the CLI's `jsonata` path), `test-state` (the
//! CLI's `test-state` path, `teststate::test_state`, on TestState requests), `wasm` (the JS
//! API `www/statelab.js` in Node, `scripts/fuzz-wasm.mjs`, against the native result; needs
//! `scripts/build-wasm.sh` first). `--minutes` is for the one target given, or shared among
//! all of them.
//!
//! See `examples/fuzz/README.md` for the design (workers, oracles, mutations, shrinking).

#[path = "fuzz/alloc.rs"]
mod alloc;
#[path = "fuzz/case.rs"]
mod case;
#[path = "fuzz/json.rs"]
mod json;
#[path = "fuzz/mutate.rs"]
mod mutate;
#[path = "fuzz/pool.rs"]
mod pool;
#[path = "fuzz/rng.rs"]
mod rng;
#[path = "fuzz/seeds.rs"]
mod seeds;
#[path = "fuzz/shrink.rs"]
mod shrink;
#[path = "fuzz/worker.rs"]
mod worker;

use case::{Case, Part, Target};
use json::J;
use pool::{Kind, Limits, Outcome, Pool};
use rng::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

const USAGE: &str = "\
usage: fuzz [--minutes N | --execs N] [--target validate|run|jsonata|test-state|wasm] [--seed S] [--out DIR]
            [--timeout-ms MS] [--mem-flag-mb MB] [--no-shrink] [--known FILE]
       fuzz --smoke        seeded short run of every target; exit 1 on a finding not in tests/fuzz-known.txt
       fuzz --self-test    check that the oracles see a panic, a stack overflow, an allocation past the cap, a hang
       fuzz --replay FILE  run a reproducer (a finding file) again and print what happens
       fuzz --to-test FILE NAME  make a finding a regression test: tests/fuzz/NAME.json";

#[derive(Clone)]
struct Config {
    minutes: f64,
    execs: Option<u64>,
    targets: Vec<Target>,
    seed: u64,
    out: PathBuf,
    timeout: Duration,
    shrink_timeout: Duration,
    mem_flag: u64,
    shrink: bool,
    shrink_secs: u64,
    known: PathBuf,
    smoke: bool,
}

/// One problem an execution showed.
#[derive(Clone, Debug)]
struct Prob {
    class: String,
    loc: String,
    msg: String,
}

struct Exec {
    probs: Vec<Prob>,
    /// What kind of behaviour the case showed (new kinds join the pool).
    sig: String,
    ms: f64,
    peak: u64,
}

struct Finding {
    class: String,
    target: Target,
    loc: String,
    msg: String,
    count: u64,
    file: PathBuf,
    known: bool,
    summary: String,
}

#[derive(Default)]
struct Stats {
    execs: u64,
    secs: f64,
    peak: u64,
    max_ms: f64,
    slow: u64,
    shrink_secs: f64,
    classes: BTreeMap<String, u64>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--worker") {
        worker::main(&args);
    }
    // The supervisor walks trees up to json::MAX_DEPTH deep: a big stack for it.
    let code = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || supervise(args))
        .expect("thread")
        .join()
        .unwrap_or(3);
    std::process::exit(code);
}

fn supervise(args: Vec<String>) -> i32 {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut cfg = Config {
        minutes: 1.0,
        execs: None,
        targets: Target::ALL.to_vec(),
        seed: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(1),
        out: repo.join("target/fuzz/findings"),
        timeout: Duration::from_secs(10),
        shrink_timeout: Duration::from_secs(3),
        mem_flag: 256 << 20,
        shrink: true,
        shrink_secs: 90,
        known: repo.join("tests/fuzz-known.txt"),
        smoke: false,
    };
    let mut replay = None;
    let mut self_test_only = false;
    let mut i = 0;
    let mut target_given = false;
    while i < args.len() {
        let a = args[i].as_str();
        let mut val = || {
            i += 1;
            args.get(i).cloned().unwrap_or_else(|| {
                eprintln!("fuzz: {a} needs a value\n{USAGE}");
                std::process::exit(2)
            })
        };
        match a {
            "--minutes" => cfg.minutes = val().parse().unwrap_or(1.0),
            "--execs" => cfg.execs = val().parse().ok(),
            "--target" => {
                let v = val();
                cfg.targets = v
                    .split(',')
                    .map(|t| {
                        Target::parse(t).unwrap_or_else(|| {
                            eprintln!("fuzz: unknown target {t}\n{USAGE}");
                            std::process::exit(2)
                        })
                    })
                    .collect();
                target_given = true;
            }
            "--seed" => cfg.seed = val().parse().unwrap_or(1),
            "--out" => cfg.out = PathBuf::from(val()),
            "--timeout-ms" => cfg.timeout = Duration::from_millis(val().parse().unwrap_or(10_000)),
            "--mem-flag-mb" => cfg.mem_flag = val().parse::<u64>().unwrap_or(256) << 20,
            "--shrink-secs" => cfg.shrink_secs = val().parse().unwrap_or(90),
            "--no-shrink" => cfg.shrink = false,
            "--known" => cfg.known = PathBuf::from(val()),
            "--replay" => replay = Some(PathBuf::from(val())),
            "--self-test" => self_test_only = true,
            "--to-test" => {
                let file = PathBuf::from(val());
                let name = val();
                return to_test(&repo, &file, &name);
            }
            "--smoke" => {
                cfg.smoke = true;
                cfg.seed = 1;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return 0;
            }
            other => {
                eprintln!("fuzz: unknown argument {other}\n{USAGE}");
                return 2;
            }
        }
        i += 1;
    }
    cfg.shrink_timeout = cfg.shrink_timeout.min(cfg.timeout);
    let limits = Limits {
        ulimit_mb: 6144,
        node_ulimit_mb: 16384,
        mem_cap_mb: 2048,
        rss_kill_mb: 3072,
        stack_kb: 8192,
        repo: repo.clone(),
    };
    let mut pool = Pool::new(limits);
    if let Some(file) = replay {
        return replay_file(cfg, pool, &file);
    }
    if cfg.smoke && !target_given {
        cfg.execs = cfg.execs.or(Some(0));
    }
    let wasm_ready = repo.join("www/pkg/statelab_bg.wasm").exists();
    if cfg.targets.contains(&Target::Wasm) && !wasm_ready {
        println!("wasm target: SKIPPED, no www/pkg/statelab_bg.wasm (scripts/build-wasm.sh builds it)");
        cfg.targets.retain(|t| *t != Target::Wasm);
    }
    if cfg.smoke || self_test_only {
        let mut f =
            Fuzzer { cfg: cfg.clone(), pool, findings: BTreeMap::new(), known: vec![], shrinks: BTreeMap::new() };
        let ok = f.self_test();
        if self_test_only || !ok {
            return if ok { 0 } else { 1 };
        }
        pool = f.pool;
    }
    let known = read_known(&cfg.known);
    let seeds = seeds::load(&repo);
    println!("{}", seeds.note);
    println!(
        "fuzzing {} with seed {} ({}), findings in {}",
        cfg.targets.iter().map(|t| t.name()).collect::<Vec<_>>().join(", "),
        cfg.seed,
        match cfg.execs {
            Some(_) if cfg.smoke => "smoke: a fixed number of executions per target".to_string(),
            Some(n) => format!("{n} executions per target"),
            None => format!("{} minutes", cfg.minutes),
        },
        cfg.out.display()
    );
    let _ = std::fs::create_dir_all(&cfg.out);
    let mut f = Fuzzer { cfg, pool, findings: BTreeMap::new(), known, shrinks: BTreeMap::new() };
    let started = Instant::now();
    let mut stats = BTreeMap::new();
    let n_targets = f.cfg.targets.len().max(1) as f64;
    for (ti, target) in f.cfg.targets.clone().into_iter().enumerate() {
        let budget = match f.cfg.execs {
            Some(0) => Budget::Execs(smoke_execs(target)),
            Some(n) => Budget::Execs(n),
            None => Budget::Time(Duration::from_secs_f64(f.cfg.minutes * 60.0 / n_targets)),
        };
        let st = f.fuzz_target(target, &seeds, budget, ti as u64);
        stats.insert(target, st);
    }
    f.report(&stats, started.elapsed())
}

/// The smoke's executions per target: 35-45 s in all on two shared cores.
fn smoke_execs(t: Target) -> u64 {
    match t {
        Target::Validate => 20_000,
        Target::Run => 6000,
        Target::Jsonata => 5000,
        Target::TestState => 4000,
        Target::Wasm => 1500,
    }
}

enum Budget {
    Execs(u64),
    Time(Duration),
}

struct Fuzzer {
    cfg: Config,
    pool: Pool,
    findings: BTreeMap<String, Finding>,
    known: Vec<String>,
    /// Shrinks done per class and target (a few each, the rest are counted).
    shrinks: BTreeMap<String, u32>,
}

fn read_known(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|t| {
            t.lines()
                .map(|l| l.split(" #").next().unwrap_or("").trim())
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// `*` matches any run of characters.
fn glob(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == s;
    }
    let mut rest = s;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(p) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(p);
        } else {
            match rest.find(p) {
                Some(at) => rest = &rest[at + p.len()..],
                None => return false,
            }
        }
    }
    true
}

/// What a shrunk case is about: its state types and the functions it calls.
fn fingerprint(c: &Case) -> String {
    fn calls(s: &str, out: &mut BTreeSet<String>) {
        let b: Vec<char> = s.chars().collect();
        let mut i = 0;
        while i < b.len() {
            if b[i] == '$' || (b[i] == 'S' && s[s.char_indices().nth(i).map_or(0, |x| x.0)..].starts_with("States.")) {
                let start = i;
                i += 1;
                while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_' || b[i] == '.') {
                    i += 1;
                }
                if i < b.len() && b[i] == '(' && i > start + 1 {
                    out.insert(b[start..i].iter().collect());
                }
            } else {
                i += 1;
            }
        }
    }
    fn walk(j: &J, types: &mut BTreeSet<String>, fns: &mut BTreeSet<String>) {
        match j {
            J::Str(s) => calls(s, fns),
            J::Arr(a) => a.iter().for_each(|x| walk(x, types, fns)),
            J::Obj(m) => {
                for (k, v) in m {
                    if k == "Type" {
                        if let Some(t) = v.as_str() {
                            types.insert(t.chars().take(20).collect());
                        }
                    }
                    walk(v, types, fns);
                }
            }
            _ => {}
        }
    }
    let (mut types, mut fns) = (BTreeSet::new(), BTreeSet::new());
    match c.target {
        Target::Jsonata => {
            calls(&c.expr, &mut fns);
            if fns.is_empty() {
                // The operator the expression is mostly made of.
                let ops = [
                    "..", "~>", ".", "+", "-", "*", "/", "&", "[", "(", "{", " and ", " or ", "?", ":=", "=", "<", ">",
                ];
                let mut best = ("", 0);
                let mut rest = c.expr.as_str();
                let mut counts = [0usize; 18];
                while let Some(ch) = rest.chars().next() {
                    if let Some(i) = ops.iter().position(|o| rest.starts_with(o)) {
                        counts[i] += 1;
                        rest = &rest[ops[i].len()..];
                    } else {
                        rest = &rest[ch.len_utf8()..];
                    }
                }
                for (i, n) in counts.iter().enumerate() {
                    if *n > best.1 {
                        best = (ops[i], *n);
                    }
                }
                return if best.1 == 0 { "no call".into() } else { format!("op {}", best.0.trim()) };
            }
        }
        _ => match &c.definition {
            Part::Tree(d) => walk(d, &mut types, &mut fns),
            Part::Text(_) => return "text".into(),
        },
    }
    let take = |s: BTreeSet<String>| s.into_iter().take(5).collect::<Vec<_>>().join(",");
    let t = take(types);
    let f = take(fns);
    match (t.is_empty(), f.is_empty()) {
        (false, false) => format!("{t} {f}"),
        (false, true) => t,
        (true, false) => f,
        _ => "-".into(),
    }
}

fn hash8(s: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100000001b3);
    }
    format!("{:08x}", h as u32)
}

fn probs_of(reply: &J) -> Vec<Prob> {
    reply
        .get("problems")
        .and_then(J::as_arr)
        .map(|ps| {
            ps.iter()
                .map(|p| Prob {
                    class: p.get("class").and_then(J::as_str).unwrap_or("?").to_string(),
                    loc: p.get("loc").and_then(J::as_str).unwrap_or("").to_string(),
                    msg: p.get("msg").and_then(J::as_str).unwrap_or("").to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Digits out, so that messages differing in numbers count as one kind of behaviour.
fn generic(s: &str) -> String {
    let mut out = String::new();
    let mut last_digit = false;
    for c in s.chars().take(120) {
        if c.is_ascii_digit() {
            if !last_digit {
                out.push('N');
            }
            last_digit = true;
        } else {
            out.push(c);
            last_digit = false;
        }
    }
    out
}

fn signature(mode: &str, summary: &J) -> String {
    let g = |k: &str| summary.get(k).and_then(J::as_str).unwrap_or("");
    match g("kind") {
        "validate" => {
            let d = json::parse(g("diagnostics")).unwrap_or(J::Null);
            let first = d
                .as_arr()
                .and_then(|a| a.first())
                .and_then(|x| x.get("message"))
                .and_then(J::as_str)
                .unwrap_or("valid");
            format!("v {}", generic(first))
        }
        "result" => {
            let types: BTreeSet<&str> =
                summary.get("types").and_then(J::as_arr).into_iter().flatten().filter_map(J::as_str).collect();
            let n = summary.get("events").and_then(J::as_u64).unwrap_or(0);
            format!(
                "r {} {} {} {}",
                g("status"),
                g("error"),
                types.into_iter().collect::<Vec<_>>().join(","),
                64 - n.leading_zeros()
            )
        }
        "jsonata" => format!("j {}", g("sig")),
        "test-state" => format!("t {}", g("sig")),
        "rejected" => format!("x {mode} {} {}", g("why"), generic(g("message"))),
        k => format!("? {k}"),
    }
}

/// The native and wasm results of one case, compared: status, output, error, cause and event
/// types (or the diagnostics), and whether both rejected the case.
fn compare(native: &J, wasm: &J) -> Option<Prob> {
    let g = |j: &J, k: &str| j.get(k).cloned().unwrap_or(J::Null);
    let kind = |j: &J| j.get("kind").and_then(J::as_str).unwrap_or("").to_string();
    let (nk, wk) = (kind(native), kind(wasm));
    let mismatch = |what: &str, a: String, b: String| {
        Some(Prob { class: "wasm-mismatch".into(), loc: what.into(), msg: format!("native: {a}\nwasm:   {b}") })
    };
    let clip = |s: String| {
        if s.len() > 1500 {
            format!("{}...", &s[..s.char_indices().nth(1500).map_or(s.len(), |x| x.0)])
        } else {
            s
        }
    };
    if nk == "panicked" || wk == "crashed" || nk.is_empty() || wk.is_empty() {
        return None; // reported as its own problem
    }
    if nk != wk {
        return mismatch("kind", clip(native.text()), clip(wasm.text()));
    }
    match nk.as_str() {
        "validate" => {
            let (a, b) = (g(native, "diagnostics"), g(wasm, "diagnostics"));
            let pa = a.as_str().and_then(|t| json::parse(t).ok()).unwrap_or(J::Null);
            let pb = b.as_str().and_then(|t| json::parse(t).ok()).unwrap_or(J::Null);
            if !pa.same_value(&pb) {
                return mismatch("diagnostics", clip(a.text()), clip(b.text()));
            }
        }
        "result" => {
            for k in ["status", "error", "cause"] {
                if g(native, k) != g(wasm, k) {
                    return mismatch(k, clip(g(native, k).text()), clip(g(wasm, k).text()));
                }
            }
            let (a, b) = (g(native, "output"), g(wasm, "output"));
            let pa = a.as_str().map(|t| json::parse(t).unwrap_or(J::Str(t.into()))).unwrap_or(J::Null);
            let pb = b.as_str().map(|t| json::parse(t).unwrap_or(J::Str(t.into()))).unwrap_or(J::Null);
            if !pa.same_value(&pb) {
                return mismatch("output", clip(a.text()), clip(b.text()));
            }
            let (ta, tb) = (g(native, "types"), g(wasm, "types"));
            if ta != tb {
                let (va, vb) = (ta.as_arr().cloned().unwrap_or_default(), tb.as_arr().cloned().unwrap_or_default());
                let at = va.iter().zip(&vb).position(|(x, y)| x != y).unwrap_or(va.len().min(vb.len()));
                return mismatch(
                    "events",
                    format!("{} events, #{} {}", va.len(), at + 1, va.get(at).map_or("-".into(), J::text)),
                    format!("{} events, #{} {}", vb.len(), at + 1, vb.get(at).map_or("-".into(), J::text)),
                );
            }
        }
        _ => {}
    }
    None
}

impl Fuzzer {
    /// Run one case (natively, or for wasm both ways) and collect its problems.
    fn execute(&mut self, case: &Case, timeout: Duration) -> Exec {
        let mode = case.native_mode();
        let req = case.request(mode);
        let mut probs = Vec::new();
        let mut sig = String::new();
        let mut peak = 0;
        let mut ms;
        let native = match self.pool.call(Kind::Native, &req, timeout) {
            Outcome::Reply(r) => {
                probs.extend(probs_of(&r));
                ms = r.get("ms").and_then(J::as_f64).unwrap_or(0.0);
                peak = r.get("peak").and_then(J::as_u64).unwrap_or(0);
                if peak > self.cfg.mem_flag {
                    probs.push(Prob {
                        class: "memory".into(),
                        loc: "native".into(),
                        msg: format!("peak live memory {} MiB", peak >> 20),
                    });
                }
                let s = r.get("summary").cloned().unwrap_or(J::Null);
                sig = signature(mode, &s);
                Some(s)
            }
            Outcome::Died { class, loc, msg } => {
                probs.push(Prob { class, loc, msg });
                ms = timeout.as_secs_f64() * 1000.0;
                None
            }
        };
        if case.target == Target::Wasm {
            match self.pool.call(Kind::Node, &req, timeout) {
                Outcome::Reply(r) => {
                    probs.extend(probs_of(&r));
                    ms += r.get("ms").and_then(J::as_f64).unwrap_or(0.0);
                    let s = r.get("summary").cloned().unwrap_or(J::Null);
                    if let Some(n) = &native {
                        probs.extend(compare(n, &s));
                    }
                }
                Outcome::Died { class, loc, msg } => probs.push(Prob { class, loc, msg }),
            }
        }
        Exec { probs, sig, ms, peak }
    }

    fn fuzz_target(&mut self, target: Target, seeds: &seeds::Seeds, budget: Budget, salt: u64) -> Stats {
        let mut rng = Rng::new(self.cfg.seed.wrapping_mul(0x9E37_79B9).wrapping_add(salt));
        let base: Vec<Case> = match target {
            Target::Jsonata => seeds.jsonata.clone(),
            Target::TestState => seeds.test_state.clone(),
            _ => seeds.asl.clone(),
        };
        let mut pool: Vec<Case> = base
            .into_iter()
            .map(|mut c| {
                c.target = target;
                c
            })
            .collect();
        let n_seeds = pool.len();
        let mut strikes = vec![0u8; pool.len()];
        let mut sigs: BTreeSet<String> = BTreeSet::new();
        let mut st = Stats::default();
        let start = Instant::now();
        let mut last_print = Instant::now();
        println!("== {}: {} seeds", target.name(), n_seeds);
        loop {
            match budget {
                Budget::Execs(n) if st.execs >= n => break,
                Budget::Time(d) if start.elapsed() >= d => break,
                _ => {}
            }
            if pool.is_empty() {
                break;
            }
            let i = rng.below(pool.len());
            let other = pool[rng.below(pool.len())].clone();
            let mut case = pool[i].clone();
            if !rng.chance(10) {
                mutate::mutate(&mut rng, &seeds.donors, &mut case, &other);
            }
            if target == Target::Wasm {
                case.wasm_validate = rng.chance(4);
                case.wasm_compiled = !case.wasm_validate && rng.chance(3);
            }
            if case.weight() > 3_000_000 {
                continue;
            }
            let t0 = Instant::now();
            let e = self.execute(&case, self.cfg.timeout);
            st.secs += t0.elapsed().as_secs_f64();
            st.execs += 1;
            st.peak = st.peak.max(e.peak);
            st.max_ms = st.max_ms.max(e.ms);
            if e.ms > 1000.0 {
                st.slow += 1;
            }
            // Slow cases leave the pool, and only quick ones join it; the smoke decides
            // without the clock, so that it runs the same cases every time.
            let timed = !self.cfg.smoke;
            let heavy = (timed && e.ms > 2000.0)
                || e.probs.iter().any(|p| matches!(p.class.as_str(), "timeout" | "oom" | "memory" | "stack-overflow"));
            if heavy {
                strikes[i] = strikes[i].saturating_add(1);
            }
            for p in e.probs.clone() {
                *st.classes.entry(p.class.clone()).or_default() += 1;
                let t = Instant::now();
                self.on_problem(target, p, &case, st.execs);
                st.shrink_secs += t.elapsed().as_secs_f64();
            }
            if !heavy
                && (!timed || e.ms < 500.0)
                && e.probs.is_empty()
                && sigs.insert(e.sig.clone())
                && case.weight() < 1_000_000
            {
                if pool.len() < 20_000 {
                    pool.push(case);
                    strikes.push(0);
                } else {
                    let j = n_seeds + rng.below(pool.len() - n_seeds);
                    pool[j] = case;
                    strikes[j] = 0;
                }
            }
            // A case whose mutants keep timing out or exhausting memory leaves the pool.
            if strikes[i] >= 3 && pool.len() > 1 {
                pool.swap_remove(i);
                strikes.swap_remove(i);
            }
            if last_print.elapsed() > Duration::from_secs(30) {
                last_print = Instant::now();
                println!(
                    "   {}: {} execs, {:.0}/s, pool {}, findings {}",
                    target.name(),
                    st.execs,
                    st.execs as f64 / start.elapsed().as_secs_f64(),
                    pool.len(),
                    self.findings.len()
                );
            }
        }
        st.secs = start.elapsed().as_secs_f64();
        st
    }

    /// The oracles see what they are for: a worker that panics, overflows its stack,
    /// allocates past its cap, uses much memory or hangs is classified as such.
    fn self_test(&mut self) -> bool {
        let mut ok = true;
        for (mode, want) in [
            ("selftest-panic", "panic"),
            ("selftest-overflow", "stack-overflow"),
            ("selftest-oom", "oom"),
            ("selftest-memory", "memory"),
            ("selftest-hang", "timeout"),
        ] {
            let req = J::obj(vec![("mode", J::str(mode))]);
            let got = match self.pool.call(Kind::Native, &req, Duration::from_millis(1500)) {
                Outcome::Reply(r) => {
                    let mut classes: Vec<String> = probs_of(&r).into_iter().map(|p| p.class).collect();
                    if r.get("peak").and_then(J::as_u64).unwrap_or(0) > self.cfg.mem_flag {
                        classes.push("memory".into());
                    }
                    classes
                }
                Outcome::Died { class, .. } => vec![class],
            };
            if !got.iter().any(|c| c == want) {
                println!("self-test: {mode} should be seen as {want}, got {got:?}");
                ok = false;
            }
        }
        // The mutator itself stays bounded: a run of one character once made a piece to
        // repeat 20,000 times the size of the whole text (a 29 GB allocation).
        let mut rng = Rng::new(self.cfg.seed);
        let donors = seeds::Donors::default();
        let base = alloc::reset_peak();
        let mut s = ".".repeat(400_000);
        for _ in 0..500 {
            s = mutate::mutate_string(&mut rng, &donors, &s);
        }
        drop(s);
        let peak = alloc::peak().saturating_sub(base);
        if peak > 64 << 20 {
            println!(
                "self-test: mutating a 400,000-character text took {} MiB at the peak (at most 64 expected)",
                peak >> 20
            );
            ok = false;
        }
        println!(
            "self-test: {}",
            if ok {
                "the oracles see a panic, a stack overflow, an allocation past the cap, 300 MiB and a hang; the mutator stays bounded"
            } else {
                "FAILED"
            }
        );
        ok
    }

    fn still_fails(&mut self, c: &Case, p: &Prob) -> bool {
        let e = self.execute(c, self.cfg.shrink_timeout);
        e.probs.iter().any(|q| {
            q.class == p.class
                && match p.class.as_str() {
                    "panic" | "wasm-mismatch" | "nondeterminism" | "history-off-differs" => q.loc == p.loc,
                    "wasm-internal-error" => q.loc == p.loc,
                    _ => true,
                }
        })
    }

    fn is_known(&self, key: &str) -> bool {
        self.known.iter().any(|k| glob(k, key))
    }

    fn on_problem(&mut self, target: Target, p: Prob, case: &Case, exec: u64) {
        let located = p.class == "panic" || (p.class == "wasm-internal-error" && p.loc.starts_with("src/"));
        let pre_key = located.then(|| format!("{} {}", p.class, p.loc));
        if let Some(k) = &pre_key {
            if let Some(f) = self.findings.get_mut(k) {
                f.count += 1;
                return;
            }
        }
        let class_key = format!("{} {}", p.class, target.name());
        let done = self.shrinks.get(&class_key).copied().unwrap_or(0);
        // Where it happened (native or wasm, the error's kind, the field that differs) and
        // what the case is about.
        let key_of = |fp: &str| format!("{} {} ({}) [{fp}]", p.class, target.name(), generic(&p.loc));
        let quick_key = pre_key.clone().unwrap_or_else(|| key_of(&fingerprint(case)));
        // The smoke neither shrinks nor runs again what the allow-list knows.
        let smoke_known = self.cfg.smoke && self.is_known(&quick_key);
        let want_shrink = self.cfg.shrink && done < 6 && !smoke_known;
        let (shrunk, tries) = if want_shrink {
            *self.shrinks.entry(class_key.clone()).or_default() += 1;
            let deadline = Instant::now() + Duration::from_secs(self.cfg.shrink_secs);
            let budget = shrink::Budget { attempts: 3000, deadline };
            let mut pred = |c: &Case| self.still_fails(c, &p);
            shrink::shrink(case, &mut pred, budget)
        } else {
            (case.clone(), 0)
        };
        let key = pre_key.unwrap_or_else(|| {
            if want_shrink || !self.cfg.shrink || smoke_known {
                key_of(&fingerprint(&shrunk))
            } else {
                // Past the shrinks of its class: counted with the class.
                key_of("*")
            }
        });
        if let Some(f) = self.findings.get_mut(&key) {
            f.count += 1;
            return;
        }
        // The reproducer once more, with the full time limit, for the report.
        let again = (!smoke_known).then(|| self.execute(&shrunk, self.cfg.timeout));
        let known = self.is_known(&key);
        let file = self.write_finding(&key, &p, target, case, &shrunk, tries, again.as_ref(), exec);
        let summary = match &again {
            Some(again) => format!(
                "{} (shrunk from {} to {} in {} tries; again: {:.0} ms, {} MiB{})",
                file.display(),
                case.weight(),
                shrunk.weight(),
                tries,
                again.ms,
                again.peak >> 20,
                if again.probs.iter().any(|q| q.class == p.class) {
                    ""
                } else {
                    ", did NOT fail again with the full limits"
                }
            ),
            None => format!("{} (not shrunk: known)", file.display()),
        };
        println!(
            "   finding{}: {key}\n      {}\n      {summary}",
            if known { " (known)" } else { "" },
            first_line(&p.msg)
        );
        self.findings.insert(
            key,
            Finding {
                class: p.class.clone(),
                target,
                loc: p.loc.clone(),
                msg: p.msg.clone(),
                count: 1,
                file,
                known,
                summary,
            },
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn write_finding(
        &self,
        key: &str,
        p: &Prob,
        target: Target,
        original: &Case,
        shrunk: &Case,
        tries: usize,
        again: Option<&Exec>,
        exec: u64,
    ) -> PathBuf {
        let name = format!("{}-{}-{}", p.class, target.name(), hash8(key));
        let base = self.cfg.out.join(&name);
        let file = base.with_extension("json");
        let rel = |suffix: &str| format!("{}.{suffix}", base.display());
        let mut commands = vec![format!("cargo run --release --example fuzz -- --replay {}", file.display())];
        let write = |suffix: &str, text: String| {
            let _ = std::fs::write(rel(suffix), text);
        };
        match target {
            Target::Jsonata => {
                write("expr.txt", shrunk.expr.clone());
                let mut cmd = format!("target/release/statelab jsonata \"$(cat {})\"", rel("expr.txt"));
                if let Some(d) = &shrunk.data {
                    write("data.json", d.text());
                    cmd.push_str(&format!(" --input {}", rel("data.json")));
                }
                write("bindings.json", shrunk.bindings.text());
                cmd.push_str(&format!(" --bindings {} --json", rel("bindings.json")));
                if shrunk.asl {
                    cmd.push_str("   # (the case uses the Step Functions functions, which the CLI's jsonata command does not: --replay runs it as found)");
                }
                commands.push(cmd);
            }
            Target::TestState => {
                write("request.json", shrunk.test_state_request());
                commands.push(format!("target/release/statelab test-state {} --json", rel("request.json")));
            }
            _ => {
                write("definition.json", shrunk.definition.text());
                let run_like = target == Target::Run || (target == Target::Wasm && !shrunk.wasm_validate);
                if run_like {
                    write("input.json", shrunk.input.text());
                    let mut cmd =
                        format!("target/release/statelab run {} --input {}", rel("definition.json"), rel("input.json"));
                    if let Some(m) = &shrunk.mocks {
                        write("mocks.json", m.text());
                        cmd.push_str(&format!(" --mock-config {}", rel("mocks.json")));
                    }
                    if let Some(t) = &shrunk.test_case {
                        cmd.push_str(&format!(" --test-case '{t}'"));
                    }
                    cmd.push_str(&format!(" --seed {} --json", shrunk.seed));
                    commands.push(cmd);
                } else {
                    commands.push(format!(
                        "target/release/statelab validate {}{} --json",
                        rel("definition.json"),
                        if shrunk.express { " --type EXPRESS" } else { "" }
                    ));
                }
                if target == Target::Wasm {
                    commands.push(format!("node scripts/fuzz-wasm.mjs {}", file.display()));
                }
            }
        }
        let doc = J::obj(vec![
            ("key", J::str(key)),
            ("class", J::str(&p.class)),
            ("target", J::str(target.name())),
            ("location", J::str(&p.loc)),
            ("message", J::str(&p.msg)),
            (
                "found",
                J::str(format!(
                    "execution {exec} of target {} with --seed {}, from {}",
                    target.name(),
                    self.cfg.seed,
                    original.origin
                )),
            ),
            (
                "shrunk",
                J::obj(vec![
                    ("from", J::num(original.weight())),
                    ("to", J::num(shrunk.weight())),
                    ("tries", J::num(tries)),
                ]),
            ),
            (
                "again",
                match again {
                    Some(again) => J::obj(vec![
                        ("ms", J::Num(format!("{:.0}", again.ms))),
                        ("peakBytes", J::num(again.peak)),
                        (
                            "problems",
                            J::Arr(again.probs.iter().map(|q| J::str(format!("{} {}", q.class, q.loc))).collect()),
                        ),
                    ]),
                    None => J::Null,
                },
            ),
            ("commands", J::Arr(commands.into_iter().map(J::Str).collect())),
            ("reproducer", shrunk.to_file()),
            ("request", shrunk.request(shrunk.native_mode())),
        ]);
        let _ = std::fs::write(&file, json::pretty(&doc) + "\n");
        file
    }

    fn report(&self, stats: &BTreeMap<Target, Stats>, took: Duration) -> i32 {
        println!("\n== summary ({:.0} s)", took.as_secs_f64());
        println!(
            "{:<9} {:>8} {:>9} {:>8} {:>10} {:>10} {:>6}  problems seen",
            "target", "execs", "execs/s", "secs", "peak MiB", "max ms", ">1s"
        );
        for (t, s) in stats {
            let fuzz_secs = (s.secs - s.shrink_secs).max(0.001);
            println!(
                "{:<9} {:>8} {:>9.0} {:>8.0} {:>10.1} {:>10.0} {:>6}  {}",
                t.name(),
                s.execs,
                s.execs as f64 / fuzz_secs,
                s.secs,
                s.peak as f64 / (1 << 20) as f64,
                s.max_ms,
                s.slow,
                s.classes.iter().map(|(c, n)| format!("{c} {n}")).collect::<Vec<_>>().join(", ")
            );
        }
        println!(
            "worker restarts: {}; peak resident memory of a worker: native {} MiB, wasm {} MiB",
            self.pool.restarts,
            self.pool.peak_rss_kb[0] >> 10,
            self.pool.peak_rss_kb[1] >> 10
        );
        let mut by_class: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in self.findings.values() {
            by_class.entry(f.class.as_str()).or_default().push(f);
        }
        println!("findings: {}", self.findings.len());
        for (class, list) in &by_class {
            println!("  {class}: {}", list.len());
            for f in list {
                let key =
                    self.findings.iter().find(|(_, g)| std::ptr::eq(*g, *f)).map(|(k, _)| k.as_str()).unwrap_or("");
                println!(
                    "    {}{} x{} [{}] at {}: {}\n      {}",
                    key,
                    if f.known { " (known)" } else { "" },
                    f.count,
                    f.target.name(),
                    f.loc,
                    first_line(&f.msg),
                    f.summary
                );
            }
        }
        let summary = J::obj(vec![(
            "findings",
            J::Arr(
                self.findings
                    .iter()
                    .map(|(k, f)| {
                        J::obj(vec![
                            ("key", J::str(k)),
                            ("count", J::num(f.count)),
                            ("known", J::Bool(f.known)),
                            ("file", J::str(f.file.display().to_string())),
                        ])
                    })
                    .collect(),
            ),
        )]);
        let _ = std::fs::write(self.cfg.out.join("summary.json"), json::pretty(&summary) + "\n");
        if self.cfg.smoke {
            let unknown: Vec<&String> = self.findings.iter().filter(|(_, f)| !f.known).map(|(k, _)| k).collect();
            if unknown.is_empty() {
                println!("smoke: no finding outside {}", self.cfg.known.display());
                return 0;
            }
            println!("smoke: FAILED, {} finding(s) not in {}:", unknown.len(), self.cfg.known.display());
            for k in unknown {
                println!("  {k}");
            }
            return 1;
        }
        0
    }
}

fn first_line(s: &str) -> String {
    let l = s.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    l.chars().take(200).collect()
}

fn replay_file(cfg: Config, pool: Pool, file: &Path) -> i32 {
    let doc = match std::fs::read_to_string(file).map_err(|e| e.to_string()).and_then(|t| json::parse(&t)) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("fuzz: cannot read {}: {e}", file.display());
            return 2;
        }
    };
    let case = match Case::from_file(doc.get("reproducer").unwrap_or(&doc)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("fuzz: {}: {e}", file.display());
            return 2;
        }
    };
    let timeout = cfg.timeout;
    let mut f = Fuzzer { cfg, pool, findings: BTreeMap::new(), known: vec![], shrinks: BTreeMap::new() };
    let e = f.execute(&case, timeout);
    println!("{} case: {:.0} ms, peak {} MiB, behaviour: {}", case.target.name(), e.ms, e.peak >> 20, e.sig);
    if e.probs.is_empty() {
        println!("no problem");
        return 0;
    }
    for p in &e.probs {
        println!("{} at {}:\n{}\n", p.class, p.loc, p.msg);
    }
    1
}

/// `tests/fuzz/NAME.json` from a finding: what it was about, the reproducer, the request.
fn to_test(repo: &Path, file: &Path, name: &str) -> i32 {
    let doc = match std::fs::read_to_string(file).map_err(|e| e.to_string()).and_then(|t| json::parse(&t)) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("fuzz: cannot read {}: {e}", file.display());
            return 2;
        }
    };
    let g = |k: &str| doc.get(k).and_then(J::as_str).unwrap_or("").to_string();
    let about = format!("{}: {}", g("key"), first_line(&g("message")));
    let mut reproducer = doc.get("reproducer").cloned().unwrap_or(J::Null);
    reproducer.remove("origin");
    if case::weight(&reproducer) > 2000 {
        // Big: the request alone (the same texts) keeps the file readable.
        reproducer = J::str("(large: see request)");
    }
    // Its bounds, from the finding's run with the full limits: ten times its time (at least
    // 5 s) and twice its peak live memory plus the binary's own, as address space (at least
    // 64 MiB); tests/it/fuzz_regressions.rs checks them, so measure and adjust if they fail.
    let again = doc.get("again");
    let ms = again.and_then(|a| a.get("ms")).and_then(J::as_f64).unwrap_or(1000.0);
    let peak_mib = again.and_then(|a| a.get("peakBytes")).and_then(J::as_u64).unwrap_or(0) >> 20;
    let seconds = ((ms * 10.0 / 1000.0).ceil() as u64).max(5);
    let mib = (2 * peak_mib + 64).next_power_of_two().max(64);
    let test = J::obj(vec![
        ("about", J::Str(about)),
        ("found", J::Str(g("found"))),
        ("bounds", J::obj(vec![("seconds", J::num(seconds)), ("memoryMiB", J::num(mib))])),
        ("reproducer", reproducer),
        ("request", doc.get("request").cloned().unwrap_or(J::Null)),
    ]);
    let out = repo.join("tests/fuzz").join(format!("{name}.json"));
    let _ = std::fs::create_dir_all(out.parent().unwrap());
    match std::fs::write(&out, json::pretty(&test) + "\n") {
        Ok(()) => {
            println!("{}", out.display());
            0
        }
        Err(e) => {
            eprintln!("fuzz: {}: {e}", out.display());
            1
        }
    }
}
