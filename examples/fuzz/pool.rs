//! Worker processes and the watchdog. A worker is this binary with `--worker` (native) or
//! `node scripts/fuzz-wasm.mjs --worker` (the wasm build through `www/statelab.js`), started
//! under `ulimit -v`. Requests go over stdin as `<length>\n<JSON>`; each answer is one line.
//! A worker that does not answer in time is killed (`timeout`), one whose resident memory
//! passes the limit is killed (`memory`), one that dies is classified from its exit and the
//! end of its stderr (`stack-overflow`, `oom`, `crash`). The next call starts a new one.

use crate::json::{self, J};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Native,
    Node,
}

#[derive(Clone)]
pub struct Limits {
    /// Address space of a native worker (`ulimit -v`), in MiB.
    pub ulimit_mb: usize,
    /// Address space of a Node worker, in MiB: V8 reserves much more than it uses (a
    /// pointer-compression cage, and a wasm memory per instance of the engine).
    pub node_ulimit_mb: usize,
    /// The native worker's allocation cap (its counting allocator), in MiB.
    pub mem_cap_mb: usize,
    /// Resident memory at which the watchdog kills a worker, in MiB.
    pub rss_kill_mb: usize,
    /// The stack of the native worker's engine thread, in KiB.
    pub stack_kb: usize,
    pub repo: PathBuf,
}

/// A worker's answer, or how it died.
pub enum Outcome {
    Reply(J),
    Died { class: String, loc: String, msg: String },
}

pub struct Worker {
    kind: Kind,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    pub peak_rss_kb: u64,
}

impl Worker {
    pub fn spawn(kind: Kind, limits: &Limits) -> std::io::Result<Worker> {
        let mut cmd = Command::new("sh");
        let ulimit = if kind == Kind::Node { limits.node_ulimit_mb } else { limits.ulimit_mb } << 10;
        cmd.arg("-c").arg(format!("ulimit -v {ulimit} 2>/dev/null; exec \"$0\" \"$@\""));
        match kind {
            Kind::Native => {
                cmd.arg(std::env::current_exe()?).arg("--worker");
                cmd.arg("--stack-kb").arg(limits.stack_kb.to_string());
                cmd.arg("--mem-cap-mb").arg(limits.mem_cap_mb.to_string());
            }
            Kind::Node => {
                // Without the trap handler V8 does not reserve 10 GB of address space per
                // wasm memory, so the worker runs under ulimit -v.
                cmd.arg("node").arg("--disable-wasm-trap-handler").arg(limits.repo.join("scripts/fuzz-wasm.mjs"));
                cmd.arg("--worker");
            }
        }
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn()?;
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut line = String::new();
                match r.read_line(&mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {
                        if tx.send(line).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let t2 = tail.clone();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stderr);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match r.by_ref().take(8192).read_until(b'\n', &mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {
                        // The first lines (what happened) and the last ones (a backtrace's end).
                        let mut t = t2.lock().unwrap();
                        t.push_back(String::from_utf8_lossy(&buf).into_owned());
                        if t.len() > 60 {
                            t.remove(12);
                        }
                    }
                }
            }
        });
        Ok(Worker { kind, stdin: child.stdin.take(), child, lines, stderr: tail, peak_rss_kb: 0 })
    }

    fn rss_kb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    fn stderr_tail(&self) -> String {
        self.stderr.lock().map(|t| t.iter().cloned().collect::<String>()).unwrap_or_default()
    }

    /// Send one request and wait for its answer, at most `timeout`.
    pub fn call(&mut self, req: &J, timeout: Duration, rss_kill_mb: usize) -> Outcome {
        let text = req.text();
        let sent = self.stdin.as_mut().map(|w| {
            w.write_all(format!("{}\n", text.len()).as_bytes())
                .and_then(|_| w.write_all(text.as_bytes()))
                .and_then(|_| w.flush())
        });
        let start = Instant::now();
        if !matches!(sent, Some(Ok(()))) {
            return self.died(false, false);
        }
        loop {
            match self.lines.recv_timeout(Duration::from_millis(25)) {
                Ok(line) => {
                    return match json::parse(line.trim_end()) {
                        Ok(j) => Outcome::Reply(j),
                        Err(e) => Outcome::Died {
                            class: "worker-protocol".into(),
                            loc: format!("{:?}", self.kind),
                            msg: format!("{e}: {}", line.chars().take(300).collect::<String>()),
                        },
                    };
                }
                Err(RecvTimeoutError::Disconnected) => return self.died(false, false),
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(rss) = self.rss_kb() {
                        self.peak_rss_kb = self.peak_rss_kb.max(rss);
                        if rss > (rss_kill_mb as u64) << 10 {
                            return self.died(false, true);
                        }
                    }
                    if start.elapsed() > timeout {
                        return self.died(true, false);
                    }
                }
            }
        }
    }

    fn died(&mut self, timed_out: bool, too_big: bool) -> Outcome {
        let rss = self.peak_rss_kb;
        if timed_out || too_big {
            let _ = self.child.kill();
        }
        self.stdin = None;
        let status = self.child.wait().ok();
        // Let the stderr reader catch up with the last lines.
        std::thread::sleep(Duration::from_millis(30));
        let tail = self.stderr_tail();
        let who = match self.kind {
            Kind::Native => "native",
            Kind::Node => "wasm",
        };
        let (class, loc) = if timed_out {
            ("timeout".to_string(), who.to_string())
        } else if too_big {
            ("memory".to_string(), format!("{who} rss"))
        } else if tail.contains("has overflowed its stack") || tail.contains("stack overflow") {
            ("stack-overflow".to_string(), who.to_string())
        } else if tail.contains("memory allocation of") {
            ("oom".to_string(), who.to_string())
        } else if tail.contains("heap out of memory") || tail.contains("Out of memory") {
            ("oom".to_string(), format!("{who} heap"))
        } else {
            use std::os::unix::process::ExitStatusExt;
            let how = match status {
                Some(s) => match s.signal() {
                    Some(sig) => format!("signal {sig}"),
                    None => format!("exit {}", s.code().unwrap_or(-1)),
                },
                None => "unknown".into(),
            };
            ("crash".to_string(), format!("{who} {how}"))
        };
        let mut msg = tail.clone();
        if msg.len() > 6000 {
            let cut = (0..=3000).rev().find(|&i| msg.is_char_boundary(i)).unwrap_or(0);
            let from = (msg.len() - 2000..msg.len()).find(|&i| msg.is_char_boundary(i)).unwrap_or(msg.len());
            msg = format!("{}\n...\n{}", &msg[..cut], &msg[from..]);
        }
        if rss > 0 {
            msg.push_str(&format!("\n(peak resident memory seen: {} MiB)", rss >> 10));
        }
        Outcome::Died { class, loc, msg }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// At most one worker of each kind, started on demand and replaced after a death.
pub struct Pool {
    pub limits: Limits,
    native: Option<Worker>,
    node: Option<Worker>,
    pub restarts: u64,
    pub peak_rss_kb: [u64; 2],
}

impl Pool {
    pub fn new(limits: Limits) -> Pool {
        Pool { limits, native: None, node: None, restarts: 0, peak_rss_kb: [0, 0] }
    }

    pub fn call(&mut self, kind: Kind, req: &J, timeout: Duration) -> Outcome {
        let slot = match kind {
            Kind::Native => &mut self.native,
            Kind::Node => &mut self.node,
        };
        if slot.is_none() {
            match Worker::spawn(kind, &self.limits) {
                Ok(w) => *slot = Some(w),
                Err(e) => {
                    return Outcome::Died { class: "worker-spawn".into(), loc: format!("{kind:?}"), msg: e.to_string() }
                }
            }
        }
        let w = slot.as_mut().expect("spawned");
        let out = w.call(req, timeout, self.limits.rss_kill_mb);
        let i = usize::from(kind == Kind::Node);
        self.peak_rss_kb[i] = self.peak_rss_kb[i].max(w.peak_rss_kb);
        // A worker that answered about a panic has exited (its state is not trusted).
        let panicked = matches!(&out, Outcome::Reply(r) if r.get("problems").and_then(J::as_arr).is_some_and(|p| p.iter().any(|x| x.get("class").and_then(J::as_str) == Some("panic"))));
        if matches!(out, Outcome::Died { .. }) || panicked {
            *slot = None;
            self.restarts += 1;
        }
        out
    }
}
