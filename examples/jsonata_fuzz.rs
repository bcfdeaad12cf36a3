//! Mutation fuzzing over the conformance-suite expressions: replaces, inserts and deletes
//! characters at random and checks that evaluation never panics.
//! `cargo run --release --example jsonata_fuzz -- [ROUNDS] [SEED]`

use statelab::jsonata::{evaluate_str, Host, Options};
use statelab::value::Map;

struct H(u64);
impl Host for H {
    fn now_millis(&self) -> f64 {
        1_700_000_000_000.0
    }
    fn random(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(20);
    let text = std::fs::read_to_string("/work/shared/conformance/jsonata/cases.jsonl").expect("suite");
    let alphabet: Vec<char> = "$.[]{}()@#%^*?:;,|&=<>!~+-/\"'`0123456789aAzZ λ\\".chars().collect();
    let opts = Options { max_steps: 50_000, ..Options::default() };
    let mut seed: u64 = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(0x9E3779B97F4A7C15);
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let mut count = 0;
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            for line in text.lines() {
                let Ok(case) = statelab::value::read::parse(line) else { continue };
                let expr: Vec<char> = case["expr"].as_str().unwrap_or("").chars().collect();
                let data = case.get("data").cloned();
                for _ in 0..rounds {
                    let mut e = expr.clone();
                    for _ in 0..1 + next(3) {
                        let pos = next(e.len() + 1);
                        match next(3) {
                            0 if pos < e.len() => e[pos] = alphabet[next(alphabet.len())],
                            1 => e.insert(pos, alphabet[next(alphabet.len())]),
                            _ if pos < e.len() => {
                                e.remove(pos);
                            }
                            _ => {}
                        }
                    }
                    let src: String = e.iter().collect();
                    if std::env::var("FUZZ_TRACE").is_ok() {
                        eprintln!("EXPR {:?}", src);
                    }
                    let r = std::panic::catch_unwind(|| {
                        let _ = evaluate_str(&src, data.as_ref(), &Map::new(), &mut H(1), &opts);
                    });
                    if r.is_err() {
                        println!("PANIC on {:?}", src);
                    }
                    count += 1;
                }
            }
            println!("{} mutated expressions evaluated", count);
        })
        .unwrap()
        .join()
        .unwrap();
}
