//! Choice rules of JSONPath states: `Variable` with a comparison operator, `And`, `Or`, `Not`,
//! with AWS's type rules (a value of the wrong type never matches).

use crate::asl::{Comparison, Condition, Operand};
use crate::dataflow::jsonpath::Reference;
use crate::dataflow::runtime_errors::{failure, Args, Fault, Field};
use crate::dataflow::scope::Scope;
use crate::error::Failure;
use crate::value::Value;

/// Whether `c` holds in `scope`. A path that selects nothing fails, but for `IsPresent`.
/// JSONata conditions are not evaluated here (see `pipeline`): they count as false.
pub fn holds(c: &Condition, scope: &dyn Scope) -> Result<bool, Failure> {
    Ok(match c {
        Condition::And(cs) => {
            for c in cs {
                if !holds(c, scope)? {
                    return Ok(false);
                }
            }
            true
        }
        Condition::Or(cs) => {
            for c in cs {
                if holds(c, scope)? {
                    return Ok(true);
                }
            }
            false
        }
        Condition::Not(c) => !holds(c, scope)?,
        Condition::Compare { variable, op, operand } => {
            let value = lookup(scope, variable);
            if *op == Comparison::IsPresent {
                return Ok(value.is_some() == operand_bool(operand));
            }
            let Some(value) = value else { return Err(invalid(variable)) };
            let expected = match operand {
                Operand::Value(v) => v.clone(),
                Operand::Path(r) => lookup(scope, r).ok_or_else(|| invalid(r))?,
            };
            compare(*op, &value, &expected)
        }
        Condition::Jsonata(_) => false,
    })
}

fn invalid(r: &Reference) -> Failure {
    failure(Field::Choice, Fault::Missing, &Args { path: &r.text(), ..Args::default() })
}

fn lookup(scope: &dyn Scope, r: &Reference) -> Option<Value> {
    let base = match &r.root {
        crate::dataflow::jsonpath::Root::Input => scope.input(),
        crate::dataflow::jsonpath::Root::Context => scope.context(),
        crate::dataflow::jsonpath::Root::Variable(n) => scope.variable(n)?,
    };
    r.path.select(base)
}

fn operand_bool(o: &Operand) -> bool {
    matches!(o, Operand::Value(Value::Bool(true)))
}

/// One comparison of a Choice rule, with AWS's type rules: a value of the wrong type never matches.
fn compare(op: Comparison, value: &Value, expected: &Value) -> bool {
    use std::cmp::Ordering::*;
    use Comparison::*;
    let ord = |o: Option<std::cmp::Ordering>, want: &[std::cmp::Ordering]| o.is_some_and(|o| want.contains(&o));
    match op {
        IsNull => (value.is_null()) == (expected == &Value::Bool(true)),
        IsPresent => true,
        IsNumeric => value.is_number() == (expected == &Value::Bool(true)),
        IsString => value.is_string() == (expected == &Value::Bool(true)),
        IsBoolean => value.is_boolean() == (expected == &Value::Bool(true)),
        IsTimestamp => {
            value.as_str().is_some_and(|s| crate::support::time::parse_timestamp(s).is_some())
                == (expected == &Value::Bool(true))
        }
        BooleanEquals => value.is_boolean() && value == expected,
        StringMatches => match (value.as_str(), expected.as_str()) {
            (Some(v), Some(p)) => string_matches(v, p),
            _ => false,
        },
        StringEquals | StringLessThan | StringGreaterThan | StringLessThanEquals | StringGreaterThanEquals => {
            let o = match (value.as_str(), expected.as_str()) {
                (Some(a), Some(b)) => Some(a.cmp(b)),
                _ => None,
            };
            match op {
                StringEquals => ord(o, &[Equal]),
                StringLessThan => ord(o, &[Less]),
                StringGreaterThan => ord(o, &[Greater]),
                StringLessThanEquals => ord(o, &[Less, Equal]),
                _ => ord(o, &[Greater, Equal]),
            }
        }
        NumericEquals | NumericLessThan | NumericGreaterThan | NumericLessThanEquals | NumericGreaterThanEquals => {
            let o = match (value.as_f64(), expected.as_f64()) {
                (Some(a), Some(b)) if value.is_number() && expected.is_number() => a.partial_cmp(&b),
                _ => None,
            };
            match op {
                NumericEquals => ord(o, &[Equal]),
                NumericLessThan => ord(o, &[Less]),
                NumericGreaterThan => ord(o, &[Greater]),
                NumericLessThanEquals => ord(o, &[Less, Equal]),
                _ => ord(o, &[Greater, Equal]),
            }
        }
        TimestampEquals
        | TimestampLessThan
        | TimestampGreaterThan
        | TimestampLessThanEquals
        | TimestampGreaterThanEquals => {
            let t = |v: &Value| v.as_str().and_then(crate::support::time::parse_timestamp);
            let o = match (t(value), t(expected)) {
                (Some(a), Some(b)) => Some(a.cmp(&b)),
                _ => None,
            };
            match op {
                TimestampEquals => ord(o, &[Equal]),
                TimestampLessThan => ord(o, &[Less]),
                TimestampGreaterThan => ord(o, &[Greater]),
                TimestampLessThanEquals => ord(o, &[Less, Equal]),
                _ => ord(o, &[Greater, Equal]),
            }
        }
    }
}

/// `StringMatches`: `*` matches any run of characters; `\*` and `\\` are literal.
fn string_matches(value: &str, pattern: &str) -> bool {
    enum Tok {
        Lit(char),
        Star,
    }
    let mut toks = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) => toks.push(Tok::Lit(n)),
                None => toks.push(Tok::Lit('\\')),
            },
            '*' => toks.push(Tok::Star),
            c => toks.push(Tok::Lit(c)),
        }
    }
    let v: Vec<char> = value.chars().collect();
    // Iterative wildcard matching with backtracking to the last star.
    let (mut i, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < v.len() {
        match toks.get(t) {
            Some(Tok::Lit(c)) if *c == v[i] => {
                i += 1;
                t += 1;
            }
            Some(Tok::Star) => {
                star = Some((t, i));
                t += 1;
            }
            _ => match star {
                Some((st, si)) => {
                    t = st + 1;
                    i = si + 1;
                    star = Some((st, si + 1));
                }
                None => return false,
            },
        }
    }
    toks[t..].iter().all(|t| matches!(t, Tok::Star))
}

#[cfg(test)]
mod tests {
    use super::string_matches;

    #[test]
    fn wildcards() {
        assert!(string_matches("log-2024.txt", "log-*.txt"));
        assert!(string_matches("abc", "*"));
        assert!(string_matches("a*c", "a\\*c"));
        assert!(!string_matches("abc", "a\\*c"));
        assert!(!string_matches("log.csv", "*.txt"));
        assert!(string_matches("", "*"));
    }
}
