//! CLI contract for the conformance runner:
//! `jsonata_cli jsonata EXPRESSION [--input FILE] [--bindings FILE] --json`
//! prints `{"result": v}`, `{"undefined": true}` or `{"error": {"code", "message"}}`.

use statelab::json;
use statelab::jsonata::{evaluate_str, Host, Options};
use statelab::value::{Map, Value};

/// Fixed clock and a simple deterministic generator: the CLI is for testing.
struct CliHost {
    state: u64,
}

impl Host for CliHost {
    fn now_millis(&self) -> f64 {
        1_700_000_000_000.0
    }
    fn random(&mut self) -> f64 {
        self.state = self.state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.state >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn read_json(path: &str) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {}", path, e))?;
    statelab::value::read::parse(&text).map_err(|e| format!("{}: {}", path, e))
}

fn run(args: Vec<String>) -> Result<Value, String> {
    if args.len() < 2 || args[0] != "jsonata" {
        return Err("usage: jsonata_cli jsonata EXPRESSION [--input FILE] [--bindings FILE] --json".into());
    }
    let expr = &args[1];
    let mut input = None;
    let mut bindings = Map::new();
    let mut i = 2;
    while i < args.len() {
        match args[i].as_str() {
            "--input" => {
                input = Some(read_json(args.get(i + 1).ok_or("--input needs a file")?)?);
                i += 1;
            }
            "--bindings" => {
                if let Value::Object(m) = read_json(args.get(i + 1).ok_or("--bindings needs a file")?)? {
                    bindings = m;
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    let mut host = CliHost { state: 0x2545F4914F6CDD1D };
    Ok(match evaluate_str(expr, input.as_ref(), &bindings, &mut host, &Options::default()) {
        Ok(Some(v)) => json!({ "result": v }),
        Ok(None) => json!({ "undefined": true }),
        Err(e) => json!({ "error": { "code": e.code, "message": e.message } }),
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // deep (but bounded) recursion needs a generous native stack
    let out = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run(args).map(|v| v.to_string()))
        .expect("spawn evaluator thread")
        .join()
        .unwrap_or_else(|_| Err("evaluator panicked".into()));
    match out {
        Ok(v) => println!("{}", v),
        Err(e) => {
            eprintln!("{}", e);
            std::process::exit(2);
        }
    }
}
