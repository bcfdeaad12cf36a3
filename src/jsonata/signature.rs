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
        Ok(Signature { params })
    }

    /// Match symbols against params; returns for each param the range of symbols it took.
    fn match_from(&self, pi: usize, syms: &[char], si: usize, out: &mut Vec<(usize, usize)>) -> bool {
        if pi == self.params.len() {
            return si == syms.len();
        }
        let p = &self.params[pi];
        let ok = |c: char| p.set.contains(c);
        let mut max = 0;
        while si + max < syms.len() && ok(syms[si + max]) {
            max += 1;
            if p.quant != '+' {
                break;
            }
        }
        let min = if p.quant == '?' { 0 } else { 1 };
        let mut n = max as isize;
        while n >= min as isize {
            out.push((si, si + n as usize));
            if self.match_from(pi + 1, syms, si + n as usize, out) {
                return true;
            }
            out.pop();
            n -= 1;
        }
        false
    }

    /// Validate (and adjust) arguments; `context` is the focus value substituted for `-` params.
    pub fn validate(&self, args: &[Value], context: &Value, fname: &str) -> Result<Vec<Value>, Error> {
        let syms: Vec<char> = args.iter().map(|a| a.sig_symbol()).collect();
        let mut ranges = Vec::new();
        if !self.match_from(0, &syms, 0, &mut ranges) {
            // find how far the prefix matched to report the offending argument
            let mut good = 0;
            for k in 0..self.params.len() {
                let sub = Signature { params: self.params[..=k].to_vec() };
                let mut r = Vec::new();
                let mut best = None;
                for end in (good..=syms.len()).rev() {
                    if sub.match_from(0, &syms[..end], 0, &mut r) {
                        best = Some(end);
                        break;
                    }
                    r.clear();
                }
                match best {
                    Some(e) => good = e,
                    None => break,
                }
            }
            return Err(make(
                "T0410",
                None,
                &Detail { token: Some(fname.to_string()), index: Some(good + 1), ..Default::default() },
            ));
        }
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
    }
}
