//! Function signatures such as `<s-n?:s>`: parsing and argument validation
//! (T0410 / T0411 / T0412), following jsonata-js's signature semantics.

use super::error::{make, Detail, Error};
use super::value::Value;

#[derive(Debug, Clone)]
pub struct Param {
    /// Allowed argument symbols (`s n b l o a f m`).
    pub set: String,
    pub kind: char,
    pub subtype: Option<String>,
    /// `' '`, `'?'` or `'+'`
    pub quant: char,
    pub context: bool,
}

#[derive(Debug, Clone)]
pub struct Signature {
    pub params: Vec<Param>,
}

/// The most parameters a signature may declare (matching costs a table of parameters by
/// arguments). (Its message says the number.)
pub const MAX_PARAMS: usize = 100;

fn closing(s: &[char], start: usize, open: char, close: char) -> Option<usize> {
    let mut depth = 1;
    let mut i = start + 1;
    while i < s.len() {
        if s[i] == open {
            depth += 1;
        } else if s[i] == close {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

impl Signature {
    pub fn parse(text: &str) -> Result<Signature, Error> {
        let s: Vec<char> = text.chars().collect();
        let mut params: Vec<Param> = Vec::new();
        let mut i = 1; // skip the leading '<'
        while i < s.len() {
            let c = s[i];
            if c == ':' || c == '>' {
                break;
            }
            let mk =
                |set: &str, kind: char| Param { set: set.to_string(), kind, subtype: None, quant: ' ', context: false };
            match c {
                's' | 'n' | 'b' | 'l' | 'o' => params.push(mk(&format!("{}m", c), c)),
                'a' => params.push(mk("asnblfom", 'a')),
                'f' => params.push(mk("f", 'f')),
                'j' => params.push(mk("asnblom", 'j')),
                'x' => params.push(mk("asnblfom", 'x')),
                '-' => {
                    if let Some(p) = params.last_mut() {
                        p.context = true;
                        p.quant = '?';
                    }
                }
                '?' | '+' => {
                    if let Some(p) = params.last_mut() {
                        p.quant = c;
                    }
                }
                '(' => {
                    let end = closing(&s, i, '(', ')').ok_or_else(|| Error::at("S0401", i))?;
                    let choice: String = s[i + 1..end].iter().collect();
                    if choice.contains('<') {
                        return Err(Error::at("S0402", i));
                    }
                    params.push(mk(&format!("{}m", choice), '('));
                    i = end;
                }
                '<' => {
                    let ok = matches!(params.last(), Some(p) if p.kind == 'a' || p.kind == 'f');
                    if !ok {
                        return Err(Error::at("S0401", i));
                    }
                    let end = closing(&s, i, '<', '>').ok_or_else(|| Error::at("S0401", i))?;
                    let sub: String = s[i + 1..end].iter().collect();
                    if let Some(p) = params.last_mut() {
                        p.subtype = Some(sub);
                    }
                    i = end;
                }
                _ => {}
            }
            i += 1;
        }
        if params.len() > MAX_PARAMS {
            return Err(Error::new("S0401", "A function signature may have at most 100 parameters", Some(0)));
        }
        Ok(Signature { params })
    }

    /// How many symbols param `p` may take from each position: (least, most per start).
    fn takes(&self, p: usize, syms: &[char]) -> (usize, Vec<usize>) {
        let par = &self.params[p];
        let mut most = vec![0; syms.len() + 1];
        for s in (0..syms.len()).rev() {
            if par.set.contains(syms[s]) {
                most[s] = if par.quant == '+' { 1 + most[s + 1] } else { 1 };
            }
        }
        (usize::from(par.quant != '?'), most)
    }

    /// For each param, the range of symbols it takes: the first assignment jsonata-js's
    /// signature regex finds (each param as many as it can, earlier params first). A table
    /// of which params can take which rest of the symbols, filled in a loop: no recursion,
    /// no exponential backtracking, whatever the signature and the arguments.
    fn assign(&self, syms: &[char]) -> Option<Vec<(usize, usize)>> {
        let (np, w) = (self.params.len(), syms.len() + 1);
        // can[p * w + s]: params p.. take exactly syms s..
        let mut can = vec![false; (np + 1) * w];
        can[np * w + w - 1] = true;
        for p in (0..np).rev() {
            let (least, most) = self.takes(p, syms);
            // the nearest position at or after each where params p+1.. can start
            let mut near = vec![usize::MAX; w + 1];
            for s in (0..w).rev() {
                near[s] = if can[(p + 1) * w + s] { s } else { near[s + 1] };
            }
            for s in 0..w {
                can[p * w + s] = s + least <= s + most[s] && near[s + least] <= s + most[s];
            }
        }
        if !can[0] {
            return None;
        }
        let mut out = Vec::with_capacity(np);
        let mut s = 0;
        for p in 0..np {
            let (least, most) = self.takes(p, syms);
            let n = (least..=most[s]).rev().find(|n| can[(p + 1) * w + s + n])?;
            out.push((s, s + n));
            s += n;
        }
        Some(out)
    }

    /// The argument a mismatch is reported at: after the longest run of symbols that ever
    /// more of the params take exactly (as jsonata-js finds it), one row at a time.
    fn mismatch(&self, syms: &[char]) -> usize {
        let w = syms.len() + 1;
        let mut reach = vec![false; w];
        reach[0] = true;
        let mut good = 0;
        for p in 0..self.params.len() {
            let (least, most) = self.takes(p, syms);
            // the ends reachable with one more param: ranges marked in a difference array
            let mut diff = vec![0i64; w + 1];
            for s in 0..w {
                if reach[s] && least <= most[s] {
                    diff[s + least] += 1;
                    diff[s + most[s] + 1] -= 1;
                }
            }
            let mut open = 0;
            for (e, r) in reach.iter_mut().enumerate() {
                open += diff[e];
                *r = open > 0;
            }
            match (good..w).rev().find(|&e| reach[e]) {
                Some(e) => good = e,
                None => break,
            }
        }
        good
    }

    /// Validate (and adjust) arguments; `context` is the focus value substituted for `-` params.
    pub fn validate(&self, args: &[Value], context: &Value, fname: &str) -> Result<Vec<Value>, Error> {
        let syms: Vec<char> = args.iter().map(|a| a.sig_symbol()).collect();
        let Some(ranges) = self.assign(&syms) else {
            return Err(make(
                "T0410",
                None,
                &Detail { token: Some(fname.to_string()), index: Some(self.mismatch(&syms) + 1), ..Default::default() },
            ));
        };
        let mut out = Vec::new();
        let mut ai = 0;
        for (p, &(s, e)) in self.params.iter().zip(ranges.iter()) {
            if s == e {
                if p.context {
                    let ct = context.sig_symbol();
                    if p.set.contains(ct) {
                        out.push(context.clone());
                    } else {
                        return Err(make(
                            "T0411",
                            None,
                            &Detail { token: Some(fname.to_string()), index: Some(ai + 1), ..Default::default() },
                        ));
                    }
                } else {
                    // (jsonata-js passes the next argument through here, and moves on)
                    out.push(args.get(ai).cloned().unwrap_or(Value::Undefined));
                    ai += 1;
                }
                continue;
            }
            let matched: String = syms[s..e].iter().collect();
            for &single in &syms[s..e] {
                let arg = args.get(ai).cloned().unwrap_or(Value::Undefined);
                if p.kind == 'a' {
                    if single == 'm' {
                        out.push(Value::Undefined);
                    } else {
                        let mut ok = true;
                        if let Some(sub) = &p.subtype {
                            if single != 'a' && &matched != sub {
                                ok = false;
                            } else if single == 'a' {
                                let items = arg.items();
                                if let Some(first) = items.first() {
                                    let t = first.sig_symbol();
                                    if !sub.starts_with(t) {
                                        ok = false;
                                    } else {
                                        ok = items.iter().all(|v| v.sig_symbol() == t);
                                    }
                                }
                            }
                        }
                        if !ok {
                            let tname = match sub_first(&p.subtype) {
                                'a' => "arrays",
                                'b' => "booleans",
                                'f' => "functions",
                                'n' => "numbers",
                                'o' => "objects",
                                's' => "strings",
                                _ => "values",
                            };
                            return Err(make(
                                "T0412",
                                None,
                                &Detail {
                                    token: Some(fname.to_string()),
                                    index: Some(ai + 1),
                                    extra: Some(("type", tname.to_string())),
                                    ..Default::default()
                                },
                            ));
                        }
                        if single != 'a' {
                            out.push(Value::array(vec![arg]));
                        } else {
                            out.push(arg);
                        }
                    }
                } else {
                    out.push(arg);
                }
                ai += 1;
            }
        }
        Ok(out)
    }
}

fn sub_first(s: &Option<String>) -> char {
    s.as_ref().and_then(|x| x.chars().next()).unwrap_or(' ')
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn validates() {
        let sig = Signature::parse("<s-nn?:s>").unwrap();
        let ctx = Value::str("hello");
        let r = sig.validate(&[Value::Num(1.0)], &ctx, "substring").unwrap();
        assert_eq!(r.len(), 3);
        assert!(sig.validate(&[Value::Bool(true)], &ctx, "substring").is_err());
        let sum = Signature::parse("<a<n>:n>").unwrap();
        assert!(sum.validate(&[Value::array(vec![Value::str("x")])], &ctx, "sum").is_err());
        assert!(sum.validate(&[Value::Num(3.0)], &ctx, "sum").is_ok());
        // optional params and many arguments: a table, not a search of every combination
        let opt = Signature::parse(&format!("<{}>", "n?".repeat(60))).unwrap();
        let err = opt.validate(&vec![Value::Num(1.0); 61], &ctx, "f").unwrap_err();
        assert_eq!(err.code, "T0410");
        assert_eq!(opt.validate(&vec![Value::Num(1.0); 30], &ctx, "f").unwrap().len(), 60);
        let one = Signature::parse("<n>").unwrap();
        assert!(one.validate(&vec![Value::Num(1.0); 50_000], &ctx, "f").unwrap_err().message.contains("Argument 2"));
    }
}
