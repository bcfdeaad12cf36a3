//! Evaluations per second for a few typical ASL-style JSONata expressions.
//! `cargo run --release --example jsonata_bench`

use statelab::json;
use statelab::jsonata::{parse, Host, Options};
use statelab::value::{Map, Value};
use std::time::Instant;

struct H;
impl Host for H {
    fn now_millis(&self) -> f64 {
        1_700_000_000_000.0
    }
    fn random(&mut self) -> f64 {
        0.5
    }
}

fn main() {
    let items: Vec<Value> = (0..20)
        .map(|i| json!({"name": format!("item{}", i), "price": (i * 7 % 23) as f64 + 0.5, "qty": i % 4}))
        .collect();
    let mut bindings = Map::new();
    bindings
        .insert("states".into(), json!({"input": {"items": items, "customer": {"first": "Ada", "last": "Lovelace"}}}));
    let exprs = [
        "$states.input.items[price > 10].name",
        "$sum($states.input.items.price)",
        "'Hello ' & $states.input.customer.first & ' ' & $states.input.customer.last",
        "$count($states.input.items[qty > 1])",
        "$states.input.items^(>price)[0].name",
        "{ 'total': $sum($states.input.items.(price * qty)), 'names': $join($states.input.items.name, ',') }",
    ];
    let opts = Options { asl_functions: true, ..Options::default() };
    for src in exprs {
        let expr = parse(src).expect("parses");
        // warm up, and check it evaluates
        let first = expr.evaluate(None, &bindings, &mut H, &opts).expect("evaluates");
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed().as_millis() < 500 {
            for _ in 0..100 {
                let _ = expr.evaluate(None, &bindings, &mut H, &opts);
            }
            n += 100;
        }
        let secs = start.elapsed().as_secs_f64();
        let shown = first.map(|v| v.to_string()).unwrap_or_else(|| "undefined".into());
        println!("{:>10.0} evals/s  {}  => {}", n as f64 / secs, src, &shown[..shown.len().min(60)]);
    }
    // parse cost
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed().as_millis() < 300 {
        for src in exprs {
            let _ = parse(src);
            n += 1;
        }
    }
    println!("{:>10.0} parses/s (mixed expressions above)", n as f64 / start.elapsed().as_secs_f64());
}
