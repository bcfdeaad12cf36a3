//! Measures how much native stack deep evaluation needs: runs deeply recursive and deeply
//! nested expressions on threads with a given stack size and reports the outcome.
//! `cargo run --release --example jsonata_stack_probe -- STACK_KB`

use statelab::jsonata::{evaluate_str, Host, Options};
use statelab::value::Map;

struct H;
impl Host for H {
    fn now_millis(&self) -> f64 {
        0.0
    }
    fn random(&mut self) -> f64 {
        0.5
    }
}

fn main() {
    let kb: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1024);
    let n: usize = std::env::var("NEST").ok().and_then(|d| d.parse().ok()).unwrap_or(390);
    let nested = format!("{}1{}", "(".repeat(n), ")".repeat(n));
    let arr = format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let cases = vec![
        ("non-tail recursion", "($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))".to_string()),
        ("deep parentheses", nested),
        ("deep arrays", arr),
        ("deeply nested arrays (drop)", "$reduce([1..200000], function($a,$b){[[$a]]}, 0) ~> $type()".to_string()),
        ("deeply nested objects (drop)", "$reduce([1..200000], function($a,$b){{'x': $a}}, 0) ~> $type()".to_string()),
        ("deep value: $string", "$string($reduce([1..100000], function($a,$b){[[$a]]}, 0)) ~> $length()".to_string()),
        ("deep value: equality", "($a := $reduce([1..100000], function($a,$b){[[$a]]}, 0); $b := $reduce([1..100000], function($a,$b){[[$a]]}, 0); $a = $b)".to_string()),
        ("deep value: descendants", "$count($reduce([1..100000], function($a,$b){{'x': [$a]}}, 0).**)".to_string()),
        ("deep value: boolean", "$boolean($reduce([1..100000], function($a,$b){[[$a]]}, 0))".to_string()),
        ("deep value: transform", "$reduce([1..100000], function($a,$b){{'x': $a}}, 0) ~> |x|{'y': 1}| ~> $type()".to_string()),
        ("recursion through $map", "($f := function($n){ $n = 0 ? 0 : $sum($map([1], function($x){ $f($n - 1) })) }; $f(100000))".to_string()),
        ("recursion through $reduce/$filter", "($f := function($n){ $n = 0 ? 0 : $reduce($filter([1,2], function($v){ $v > 1 }), function($a, $b){ $f($n - 1) }, 0) }; $f(100000))".to_string()),
        ("recursion through transform", "($f := function($o, $n){ $n = 0 ? $o : $f($o ~> |$|{'n': $n}|, $n - 1) + 0 }; $f({}, 100000))".to_string()),
        ("sort comparator recursion", "($f := function($n){ $n = 0 ? 0 : $sum([$f($n-1), 1]) }; $f(10000))".to_string()),
    ];
    for (name, expr) in cases {
        let r = std::thread::Builder::new()
            .stack_size(kb * 1024)
            .spawn(move || {
                if std::env::var("PARSE_ONLY").is_ok() {
                    return match statelab::jsonata::parse(&expr) {
                        Ok(_) => "parsed".to_string(),
                        Err(e) => format!("parse error {}", e.code),
                    };
                }
                let mut opts = Options::default();
                if let Some(d) = std::env::var("MAX_DEPTH").ok().and_then(|d| d.parse().ok()) {
                    opts.max_depth = d;
                }
                let r = evaluate_str(&expr, None, &Map::new(), &mut H, &opts);
                match r {
                    Ok(v) => format!("ok {:?}", v.map(|v| v.to_string().chars().take(20).collect::<String>())),
                    Err(e) => format!("error {}", e.code),
                }
            })
            .unwrap()
            .join();
        println!("{:28} {}", name, r.unwrap_or_else(|_| "PANIC".into()));
    }
}
