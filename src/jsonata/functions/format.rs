//! `$formatNumber` (XPath `format-number` pictures), `$formatBase`, and the integer
//! pictures of `$formatInteger` / `$parseInteger` (XPath `format-integer`): decimal digit
//! patterns with grouping, letters, roman numerals, English words, ordinals.

use super::super::error::{make, Detail, Error};
use super::super::eval::{err_val, Eval, R};
use super::super::regex::Regex;
use super::super::value::*;
use super::numeric::round_half_even;
use super::{arg, CallCtx};

fn code(c: &str) -> Error {
    make(c, None, &Detail::default())
}

// ---------------------------------------------------------------- integer pictures

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Primary {
    Decimal,
    Letters,
    Roman,
    Words,
    Sequence,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Case {
    Upper,
    Lower,
    Title,
}

#[derive(Debug, Clone)]
pub struct IntFormat {
    pub primary: Primary,
    pub case: Case,
    pub ordinal: bool,
    pub zero: u32,
    pub mandatory: usize,
    pub optional: usize,
    /// Regular grouping: (interval, separator).
    pub regular: Option<(usize, char)>,
    /// Irregular grouping: (position from the right, separator).
    pub separators: Vec<(usize, char)>,
    pub token: String,
    /// Fixed digit count when parsing years (`n` in jsonata-js): read by the picture parsing
    /// of the full build.
    #[cfg_attr(not(feature = "extras"), allow(dead_code))]
    pub n: Option<usize>,
}

const DECIMAL_GROUPS: [u32; 37] = [
    0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6,
    0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40,
    0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
];

fn digit_group(c: char) -> Option<u32> {
    let cp = c as u32;
    DECIMAL_GROUPS.iter().copied().find(|g| cp >= *g && cp <= g + 9)
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The interval if the grouping positions are regular (multiples of their gcd), else 0.
fn regular_interval(positions: &[usize]) -> usize {
    if positions.is_empty() {
        return 0;
    }
    let factor = positions.iter().copied().fold(positions[0], gcd);
    if factor == 0 {
        return 0;
    }
    // (each position is a count of the picture's digits: a table of them, not a search each)
    let mut present = vec![false; positions.iter().copied().max().unwrap_or(0) + 1];
    for p in positions {
        present[*p] = true;
    }
    if (1..=positions.len()).all(|i| present.get(i * factor) == Some(&true)) {
        factor
    } else {
        0
    }
}

pub fn analyse_integer_picture(picture: &str) -> Result<IntFormat, Error> {
    let mut f = IntFormat {
        primary: Primary::Decimal,
        case: Case::Lower,
        ordinal: false,
        zero: 0x30,
        mandatory: 0,
        optional: 0,
        regular: None,
        separators: vec![],
        token: String::new(),
        n: None,
    };
    let (primary, modifier) = match picture.rfind(';') {
        Some(i) => (&picture[..i], Some(&picture[i + 1..])),
        None => (picture, None),
    };
    if let Some(m) = modifier {
        if m.starts_with('o') {
            f.ordinal = true;
        }
    }
    match primary {
        "A" => {
            f.case = Case::Upper;
            f.primary = Primary::Letters;
        }
        "a" => f.primary = Primary::Letters,
        "I" => {
            f.case = Case::Upper;
            f.primary = Primary::Roman;
        }
        "i" => f.primary = Primary::Roman,
        "W" => {
            f.case = Case::Upper;
            f.primary = Primary::Words;
        }
        "Ww" => {
            f.case = Case::Title;
            f.primary = Primary::Words;
        }
        "w" => f.primary = Primary::Words,
        _ => {
            let mut zero: Option<u32> = None;
            let mut mandatory = 0;
            let mut optional = 0;
            let mut seps: Vec<(usize, char)> = vec![];
            let mut pos = 0;
            for c in primary.chars().rev() {
                if let Some(g) = digit_group(c) {
                    mandatory += 1;
                    pos += 1;
                    match zero {
                        None => zero = Some(g),
                        Some(z) if z != g => return Err(code("D3131")),
                        _ => {}
                    }
                } else if c == '#' {
                    pos += 1;
                    optional += 1;
                } else {
                    seps.push((pos, c));
                }
            }
            if mandatory > 0 {
                f.zero = zero.unwrap_or(0x30);
                f.mandatory = mandatory;
                f.optional = optional;
                let same = seps.iter().all(|s| s.1 == seps.first().map(|x| x.1).unwrap_or(','));
                let positions: Vec<usize> = seps.iter().map(|s| s.0).collect();
                let reg = if same { regular_interval(&positions) } else { 0 };
                if reg > 0 {
                    f.regular = Some((reg, seps[0].1));
                } else {
                    f.separators = seps;
                }
            } else {
                f.primary = Primary::Sequence;
                f.token = primary.to_string();
            }
        }
    }
    Ok(f)
}

const FEW: [&str; 20] = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
];
const ORDINALS: [&str; 20] = [
    "Zeroth",
    "First",
    "Second",
    "Third",
    "Fourth",
    "Fifth",
    "Sixth",
    "Seventh",
    "Eighth",
    "Ninth",
    "Tenth",
    "Eleventh",
    "Twelfth",
    "Thirteenth",
    "Fourteenth",
    "Fifteenth",
    "Sixteenth",
    "Seventeenth",
    "Eighteenth",
    "Nineteenth",
];
const DECADES: [&str; 9] = ["Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"];
const MAGNITUDES: [&str; 4] = ["Thousand", "Million", "Billion", "Trillion"];

fn words(num: f64, prev: bool, ord: bool) -> String {
    let mut w = String::new();
    if num <= 19.0 {
        if prev {
            w.push_str(" and ");
        }
        let i = num as usize;
        w.push_str(if ord { ORDINALS[i] } else { FEW[i] });
    } else if num < 100.0 {
        let tens = (num / 10.0).floor() as usize;
        let rem = num % 10.0;
        if prev {
            w.push_str(" and ");
        }
        w.push_str(DECADES[tens - 2]);
        if rem > 0.0 {
            w.push('-');
            w.push_str(&words(rem, false, ord));
        } else if ord {
            w.pop();
            w.push_str("ieth");
        }
    } else if num < 1000.0 {
        let hundreds = (num / 100.0).floor() as usize;
        let rem = num % 100.0;
        if prev {
            w.push_str(", ");
        }
        w.push_str(FEW[hundreds]);
        w.push_str(" Hundred");
        if rem > 0.0 {
            w.push_str(&words(rem, true, ord));
        } else if ord {
            w.push_str("th");
        }
    } else {
        let mut mag = (num.log10() / 3.0).floor() as usize;
        if mag > MAGNITUDES.len() {
            mag = MAGNITUDES.len();
        }
        let factor = 10f64.powi(mag as i32 * 3);
        let mant = (num / factor).floor();
        let rem = num - mant * factor;
        if prev {
            w.push_str(", ");
        }
        w.push_str(&words(mant, false, false));
        w.push(' ');
        w.push_str(MAGNITUDES[mag - 1]);
        if rem > 0.0 {
            w.push_str(&words(rem, true, ord));
        } else if ord {
            w.push_str("th");
        }
    }
    w
}

#[cfg(feature = "extras")]
fn word_value(w: &str) -> Option<f64> {
    for (i, x) in FEW.iter().enumerate() {
        if x.eq_ignore_ascii_case(w) {
            return Some(i as f64);
        }
    }
    for (i, x) in ORDINALS.iter().enumerate() {
        if x.eq_ignore_ascii_case(w) {
            return Some(i as f64);
        }
    }
    for (i, x) in DECADES.iter().enumerate() {
        let v = ((i + 2) * 10) as f64;
        let lower = crate::support::case::to_lower(x);
        let ieth = format!("{}ieth", &lower[..lower.len() - 1]);
        if lower == w || ieth == w {
            return Some(v);
        }
    }
    if w == "hundredth" {
        return Some(100.0);
    }
    for (i, x) in MAGNITUDES.iter().enumerate() {
        let lower = crate::support::case::to_lower(x);
        if lower == w || format!("{}th", lower) == w {
            return Some(10f64.powi((i as i32 + 1) * 3));
        }
    }
    None
}

#[cfg(feature = "extras")]
/// All words (lower case) recognised when parsing numbers in words.
fn word_list() -> Vec<String> {
    let mut v: Vec<String> = FEW.iter().chain(ORDINALS.iter()).map(|w| crate::support::case::to_lower(w)).collect();
    for d in DECADES.iter() {
        let l = crate::support::case::to_lower(d);
        v.push(l.clone());
        v.push(format!("{}ieth", &l[..l.len() - 1]));
    }
    v.push("hundredth".into());
    for m in MAGNITUDES.iter() {
        let l = crate::support::case::to_lower(m);
        v.push(l.clone());
        v.push(format!("{}th", l));
    }
    v
}

#[cfg(feature = "extras")]
fn words_to_number(text: &str) -> f64 {
    // split on ", ", " and ", whitespace and hyphens
    let t = text.replace(", ", " ").replace(" and ", " ");
    let mut segs: Vec<f64> = vec![0.0];
    for part in t.split(|c: char| c.is_whitespace() || c == '-' || c == '\\') {
        let v = word_value(part).unwrap_or(f64::NAN);
        if v < 100.0 || v.is_nan() {
            let mut top = segs.pop().unwrap_or(0.0);
            if top >= 1000.0 {
                segs.push(top);
                top = 0.0;
            }
            segs.push(top + v);
        } else {
            let top = segs.pop().unwrap_or(0.0);
            segs.push(top * v);
        }
    }
    segs.iter().sum()
}

const ROMAN: [(u64, &str); 13] = [
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
];

fn to_roman(mut v: u64) -> String {
    // Thousands are a run of m's (a big number is a long text: its caller checks the budget).
    let mut s = "m".repeat(usize::try_from(v / 1000).unwrap_or(usize::MAX));
    v %= 1000;
    while v > 0 {
        match ROMAN.iter().find(|(n, _)| v >= *n) {
            Some((n, r)) => {
                s.push_str(r);
                v -= n;
            }
            None => break,
        }
    }
    s
}

#[cfg(feature = "extras")]
fn from_roman(s: &str) -> f64 {
    let mut dec = 0.0;
    let mut max = 1.0;
    for c in s.chars().rev() {
        let v = match c.to_ascii_uppercase() {
            'M' => 1000.0,
            'D' => 500.0,
            'C' => 100.0,
            'L' => 50.0,
            'X' => 10.0,
            'V' => 5.0,
            'I' => 1.0,
            _ => f64::NAN,
        };
        if v < max {
            dec -= v;
        } else {
            max = v;
            dec += v;
        }
    }
    dec
}

fn to_letters(mut v: u64, a: char) -> String {
    let mut out = Vec::new();
    while v > 0 {
        out.push(char::from_u32(((v - 1) % 26) as u32 + a as u32).unwrap_or(a));
        v = (v - 1) / 26;
    }
    out.iter().rev().collect()
}

#[cfg(feature = "extras")]
fn from_letters(s: &str, a: char) -> f64 {
    let chars: Vec<char> = s.chars().collect();
    let mut dec = 0.0;
    for (i, c) in chars.iter().rev().enumerate() {
        dec += (*c as u32 as f64 - a as u32 as f64 + 1.0) * 26f64.powi(i as i32);
    }
    dec
}

/// jsonata-js's `_formatInteger`; NaN (an invalid date's component) is formatted as
/// jsonata-js formats it ("NaN", padded and grouped; nothing in letters or roman numerals),
/// but not in words, where jsonata-js overflows its stack.
pub fn format_int(value: f64, f: &IntFormat) -> Result<String, Error> {
    if value.is_infinite() || (value.is_nan() && f.primary == Primary::Words) {
        return Err(err_val("D1001", &Value::Num(value)));
    }
    let negative = value < 0.0;
    let v = value.abs();
    let mut s = match f.primary {
        Primary::Letters => to_letters(v as u64, if f.case == Case::Upper { 'A' } else { 'a' }),
        Primary::Roman => {
            let r = to_roman(v as u64);
            if f.case == Case::Upper {
                crate::support::case::to_upper(&r)
            } else {
                r
            }
        }
        Primary::Words => {
            let w = words(v, false, f.ordinal);
            match f.case {
                Case::Upper => crate::support::case::to_upper(&w),
                Case::Lower => crate::support::case::to_lower(&w),
                Case::Title => w,
            }
        }
        Primary::Decimal => {
            let mut s = js_num_str(v);
            let digits = s.chars().count();
            if f.mandatory > digits {
                s = "0".repeat(f.mandatory - digits) + &s;
            }
            if f.zero != 0x30 {
                // every character moves, as in jsonata-js (only digits but for NaN)
                s = s.chars().map(|c| char::from_u32(c as u32 + f.zero - 0x30).unwrap_or(c)).collect();
            }
            let mut chars: Vec<char> = s.chars().collect();
            if let Some((every, sep)) = f.regular {
                let n = (chars.len() - 1) / every;
                for i in (1..=n).rev() {
                    let pos = chars.len() - i * every;
                    chars.insert(pos, sep);
                }
            } else {
                for (pos, sep) in f.separators.iter().rev() {
                    if *pos <= chars.len() {
                        let at = chars.len() - pos;
                        chars.insert(at, *sep);
                    }
                }
            }
            let mut s: String = chars.into_iter().collect();
            if f.ordinal {
                let cs: Vec<char> = s.chars().collect();
                let last = cs.last().copied().unwrap_or('0');
                let tens_one = cs.len() > 1 && cs[cs.len() - 2] == '1';
                let suffix = match last {
                    '1' if !tens_one => "st",
                    '2' if !tens_one => "nd",
                    '3' if !tens_one => "rd",
                    _ => "th",
                };
                s.push_str(suffix);
            }
            s
        }
        Primary::Sequence => {
            return Err(make("D3130", None, &Detail { value: Some(f.token.clone()), ..Default::default() }));
        }
    };
    if negative {
        s = format!("-{}", s);
    }
    Ok(s)
}

#[cfg(feature = "extras")]
/// A regex (source) and parser for one integer picture, as used by `$parseInteger`
/// and date/time parsing.
pub fn integer_regex(f: &IntFormat) -> Result<String, Error> {
    let occ = match f.n {
        Some(n) if n > 0 => format!("{{{}}}", n),
        _ => "+".into(),
    };
    Ok(match f.primary {
        Primary::Letters => if f.case == Case::Upper { "[A-Z]+" } else { "[a-z]+" }.to_string(),
        Primary::Roman => if f.case == Case::Upper { "[MDCLXVI]+" } else { "[mdclxvi]+" }.to_string(),
        Primary::Words => {
            let mut alts = word_list();
            alts.push("and".into());
            alts.push("[\\-, ]".into());
            format!("(?:{})+", alts.join("|"))
        }
        Primary::Decimal => {
            let mut r = format!("[0-9]{}", occ);
            if f.ordinal {
                r.push_str("(?:th|st|nd|rd)");
            }
            r
        }
        Primary::Sequence => {
            return Err(make("D3130", None, &Detail { value: Some(f.token.clone()), ..Default::default() }))
        }
    })
}

#[cfg(feature = "extras")]
pub fn parse_int_with(value: &str, f: &IntFormat) -> Result<f64, Error> {
    Ok(match f.primary {
        Primary::Letters => from_letters(value, if f.case == Case::Upper { 'A' } else { 'a' }),
        Primary::Roman => from_roman(value),
        Primary::Words => words_to_number(&crate::support::case::to_lower(value)),
        Primary::Decimal => {
            let mut digits: String = value.to_string();
            if f.ordinal && digits.len() >= 2 {
                let cut = digits.char_indices().rev().nth(1).map(|(i, _)| i).unwrap_or(0);
                digits.truncate(cut);
            }
            if f.regular.is_some() {
                digits = digits.replace(',', "");
            } else {
                for (_, c) in &f.separators {
                    digits = digits.replace(*c, "");
                }
            }
            if f.zero != 0x30 {
                digits = digits
                    .chars()
                    .map(|c| char::from_u32((c as u32).wrapping_sub(f.zero).wrapping_add(0x30)).unwrap_or(c))
                    .collect();
            }
            // parseInt: leading digits
            let lead: String = digits.chars().take_while(|c| c.is_ascii_digit()).collect();
            if lead.is_empty() {
                f64::NAN
            } else {
                crate::value::num::parse_f64(&lead).unwrap_or(f64::NAN)
            }
        }
        Primary::Sequence => {
            return Err(make("D3130", None, &Detail { value: Some(f.token.clone()), ..Default::default() }))
        }
    })
}

#[cfg(feature = "extras")]
pub fn format_integer(ev: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    crate::used_extras();
    let Value::Num(n) = arg(a, 0) else { return Ok(Value::Undefined) };
    let pic = arg(a, 1).as_str().unwrap_or("");
    let f = analyse_integer_picture(pic)?;
    if f.primary == Primary::Roman {
        // A thousand is an m: $formatInteger(1e15, 'I') would be a text of 10^12 bytes.
        ev.check_size((n.abs() / 1000.0) as usize)?;
    }
    Ok(Value::string(format_int(n.floor(), &f)?))
}

#[cfg(not(feature = "extras"))]
pub fn format_integer(_: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> {
    crate::without_extras("$formatInteger")
}

#[cfg(feature = "extras")]
pub fn parse_integer(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    crate::used_extras();
    let Value::Str(s) = arg(a, 0) else { return Ok(Value::Undefined) };
    let pic = arg(a, 1).as_str().unwrap_or("");
    let f = analyse_integer_picture(pic)?;
    let _ = integer_regex(&f)?;
    let v = parse_int_with(s, &f)?;
    if v.is_nan() {
        return Ok(Value::Undefined);
    }
    Ok(Value::Num(v))
}

#[cfg(not(feature = "extras"))]
pub fn parse_integer(_: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> {
    crate::without_extras("$parseInteger")
}

/// Compile a regex built from pictures (the patterns are generated, so always valid).
pub fn compile(src: &str, flags: &str) -> Result<Regex, Error> {
    Regex::new(src, flags).map_err(|e| make("D3136", None, &Detail { value: Some(e.0), ..Default::default() }))
}

// ---------------------------------------------------------------- $formatBase

pub fn format_base(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Value::Num(n) = arg(a, 0) else { return Ok(Value::Undefined) };
    let v = round_half_even(*n, 0);
    let radix = match arg(a, 1) {
        Value::Num(r) => *r,
        _ => 10.0,
    };
    if !(2.0..=36.0).contains(&radix) {
        return Err(err_val("D3100", &Value::Num(radix)));
    }
    let radix = radix as u64;
    let neg = v < 0.0;
    let mut x = v.abs() as u64;
    let mut digits = Vec::new();
    if x == 0 {
        digits.push('0');
    }
    while x > 0 {
        digits.push(std::char::from_digit((x % radix) as u32, radix as u32).unwrap_or('?'));
        x /= radix;
    }
    if neg {
        digits.push('-');
    }
    Ok(Value::string(digits.iter().rev().collect()))
}

// ---------------------------------------------------------------- $formatNumber

#[cfg(feature = "extras")]
struct Props {
    decimal: char,
    grouping: char,
    exponent: char,
    minus: char,
    percent: char,
    permille: char,
    zero: char,
    digit: char,
    pattern: char,
}

#[cfg(feature = "extras")]
struct Parts {
    prefix: String,
    suffix: String,
    active: String,
    mantissa: String,
    exponent: Option<String>,
    integer: String,
    fractional: String,
    sub: String,
}

#[cfg(feature = "extras")]
/// Separators inserted into a text of `n` characters one at a time, each at an index of the
/// text as it stands then: gap `i` is before character `i` (gap `n` at the end) and holds the
/// separators put there. A Fenwick tree over the gaps' lengths (separators, and the character
/// after them) finds the gap of an index in O(log n).
struct Gaps {
    tree: Vec<usize>,
    seps: Vec<usize>,
    len: usize,
}

#[cfg(feature = "extras")]
impl Gaps {
    fn new(n: usize) -> Gaps {
        let mut g = Gaps { tree: vec![0; n + 2], seps: vec![0; n + 1], len: 0 };
        for i in 0..n {
            g.add(i, 1);
        }
        g
    }
    /// The length of the text with its separators.
    fn len(&self) -> usize {
        self.len
    }
    fn add(&mut self, gap: usize, d: usize) {
        self.len += d;
        let mut i = gap + 1;
        while i < self.tree.len() {
            self.tree[i] += d;
            i += i & i.wrapping_neg();
        }
    }
    /// A separator before the element now at `at` (at most the length: at the end).
    fn insert_at(&mut self, at: usize) {
        // the first gap whose elements, with those before it, pass `at`
        let (mut pos, mut left) = (0, at);
        let mut step = (self.tree.len() - 1).next_power_of_two();
        while step > 0 {
            if pos + step < self.tree.len() && self.tree[pos + step] <= left {
                pos += step;
                left -= self.tree[pos];
            }
            step >>= 1;
        }
        let gap = pos.min(self.seps.len() - 1);
        self.seps[gap] += 1;
        self.add(gap, 1);
    }
    fn apply(&self, text: &[char], sep: char) -> Vec<char> {
        let mut out = Vec::with_capacity(self.len);
        for (i, n) in self.seps.iter().enumerate() {
            out.extend(std::iter::repeat_n(sep, *n));
            if let Some(c) = text.get(i) {
                out.push(*c);
            }
        }
        out
    }
}

#[cfg(feature = "extras")]
fn cstr_index(s: &[char], c: char) -> Option<usize> {
    s.iter().position(|x| *x == c)
}

#[cfg(feature = "extras")]
pub fn format_number(_: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    crate::used_extras();
    let Value::Num(value) = arg(a, 0) else { return Ok(Value::Undefined) };
    let value = *value;
    let picture = arg(a, 1).as_str().unwrap_or("").to_string();
    let mut p = Props {
        decimal: '.',
        grouping: ',',
        exponent: 'e',
        minus: '-',
        percent: '%',
        permille: '\u{2030}',
        zero: '0',
        digit: '#',
        pattern: ';',
    };
    if let Value::Object(o) = arg(a, 2) {
        for (k, v) in o.iter() {
            let Some(c) = v.as_str().and_then(|s| s.chars().next()) else { continue };
            match k.as_str() {
                "decimal-separator" => p.decimal = c,
                "grouping-separator" => p.grouping = c,
                "exponent-separator" => p.exponent = c,
                "minus-sign" => p.minus = c,
                "percent" => p.percent = c,
                "per-mille" => p.permille = c,
                "zero-digit" => p.zero = c,
                "digit" => p.digit = c,
                "pattern-separator" => p.pattern = c,
                _ => {}
            }
        }
    }
    let family: Vec<char> = (0..10).filter_map(|i| char::from_u32(p.zero as u32 + i)).collect();
    let is_digit = |c: char| family.contains(&c);
    let active: Vec<char> =
        family.iter().copied().chain([p.decimal, p.exponent, p.grouping, p.digit, p.pattern]).collect();
    let is_active = |c: char| active.contains(&c);

    let subs: Vec<String> = picture.split(p.pattern).map(|s| s.to_string()).collect();
    if subs.len() > 2 {
        return Err(code("D3080"));
    }
    let split = |sub: &str| -> Parts {
        let cs: Vec<char> = sub.chars().collect();
        // with no active character at all, prefix and suffix are empty (the whole picture is "active")
        let pre_end = cs.iter().position(|c| is_active(*c) && *c != p.exponent).unwrap_or(0);
        let suf_start = cs.iter().rposition(|c| is_active(*c) && *c != p.exponent).map(|i| i + 1).unwrap_or(cs.len());
        let suf_start = suf_start.max(pre_end);
        let prefix: String = cs[..pre_end].iter().collect();
        let suffix: String = cs[suf_start..].iter().collect();
        let activec: Vec<char> = cs[pre_end..suf_start].to_vec();
        let exp_pos = cs.iter().skip(pre_end).position(|c| *c == p.exponent).map(|i| i + pre_end);
        let (mantissa, exponent): (Vec<char>, Option<Vec<char>>) = match exp_pos {
            Some(e) if e <= suf_start => {
                // (jsonata-js indexes the active part with the picture position here)
                (activec[..e.min(activec.len())].to_vec(), Some(activec[(e + 1).min(activec.len())..].to_vec()))
            }
            _ => (activec.clone(), None),
        };
        let (integer, fractional): (Vec<char>, Vec<char>) = match cstr_index(&mantissa, p.decimal) {
            None => (mantissa.clone(), suffix.chars().collect()),
            Some(d) => (mantissa[..d].to_vec(), mantissa[d + 1..].to_vec()),
        };
        Parts {
            prefix,
            suffix,
            active: activec.iter().collect(),
            mantissa: mantissa.iter().collect(),
            exponent: exponent.map(|e| e.iter().collect()),
            integer: integer.iter().collect(),
            fractional: fractional.iter().collect(),
            sub: sub.to_string(),
        }
    };
    let parts: Vec<Parts> = subs.iter().map(|s| split(s)).collect();
    // validation (F&O 4.7.3)
    for pt in &parts {
        let sub: Vec<char> = pt.sub.chars().collect();
        let count = |c: char| sub.iter().filter(|x| **x == c).count();
        let mut err: Option<&str> = None;
        if count(p.decimal) > 1 {
            err = Some("D3081");
        }
        if count(p.percent) > 1 {
            err = Some("D3082");
        }
        if count(p.permille) > 1 {
            err = Some("D3083");
        }
        if count(p.percent) > 0 && count(p.permille) > 0 {
            err = Some("D3084");
        }
        if !pt.mantissa.chars().any(|c| is_digit(c) || c == p.digit) {
            err = Some("D3085");
        }
        if pt.active.chars().any(|c| !is_active(c)) {
            err = Some("D3086");
        }
        match cstr_index(&sub, p.decimal) {
            Some(d) => {
                if (d > 0 && sub[d - 1] == p.grouping) || sub.get(d + 1) == Some(&p.grouping) {
                    err = Some("D3087");
                }
            }
            None => {
                if pt.integer.ends_with(p.grouping) {
                    err = Some("D3088");
                }
            }
        }
        if pt.sub.contains(&format!("{}{}", p.grouping, p.grouping)) {
            err = Some("D3089");
        }
        let ic: Vec<char> = pt.integer.chars().collect();
        if let Some(od) = cstr_index(&ic, p.digit) {
            if ic[..od].iter().any(|c| is_digit(*c)) {
                err = Some("D3090");
            }
        }
        let fc: Vec<char> = pt.fractional.chars().collect();
        if let Some(od) = fc.iter().rposition(|c| *c == p.digit) {
            if fc[od..].iter().any(|c| is_digit(*c)) {
                err = Some("D3091");
            }
        }
        if let Some(e) = &pt.exponent {
            if !e.is_empty() && (count(p.percent) > 0 || count(p.permille) > 0) {
                err = Some("D3092");
            }
            if e.is_empty() || e.chars().any(|c| !is_digit(c)) {
                err = Some("D3093");
            }
        }
        if let Some(e) = err {
            return Err(code(e));
        }
    }
    // analysis (F&O 4.7.4)
    struct Pic {
        int_groups: Vec<usize>,
        regular: usize,
        min_int: usize,
        scaling: usize,
        prefix: String,
        suffix: String,
        frac_groups: Vec<usize>,
        min_frac: usize,
        max_frac: usize,
        min_exp: usize,
        picture: String,
    }
    let analyse = |pt: &Parts| -> Pic {
        let ic: Vec<char> = pt.integer.chars().collect();
        let fc: Vec<char> = pt.fractional.chars().collect();
        let positions = |part: &[char], to_left: bool| -> Vec<usize> {
            // digits[i]: the digit places in part[..i]
            let mut digits = Vec::with_capacity(part.len() + 1);
            digits.push(0);
            for c in part {
                digits.push(digits.last().copied().unwrap_or(0) + usize::from(is_digit(*c) || *c == p.digit));
            }
            let mut out = vec![];
            let mut gp = cstr_index(part, p.grouping);
            while let Some(g) = gp {
                // (clamped, as JavaScript's substring is: the search goes on in the integer
                // part, which may be longer)
                let at = g.min(part.len());
                out.push(if to_left { digits[at] } else { digits[part.len()] - digits[at] });
                // (jsonata-js continues the search in the integer part)
                gp = ic.iter().skip(g + 1).position(|c| *c == p.grouping).map(|i| i + g + 1);
            }
            out
        };
        let int_groups = positions(&ic, false);
        let regular = regular_interval(&int_groups);
        let frac_groups = positions(&fc, true);
        let mut min_int = ic.iter().filter(|c| is_digit(**c)).count();
        let scaling = min_int;
        let mut min_frac = fc.iter().filter(|c| is_digit(**c)).count();
        let mut max_frac = fc.iter().filter(|c| is_digit(**c) || **c == p.digit).count();
        let exp_present = pt.exponent.is_some();
        if min_int == 0 && max_frac == 0 {
            if exp_present {
                min_frac = 1;
                max_frac = 1;
            } else {
                min_int = 1;
            }
        }
        if exp_present && min_int == 0 && ic.contains(&p.digit) {
            min_int = 1;
        }
        if min_int == 0 && min_frac == 0 {
            min_frac = 1;
        }
        let min_exp = pt.exponent.as_ref().map(|e| e.chars().filter(|c| is_digit(*c)).count()).unwrap_or(0);
        Pic {
            int_groups,
            regular,
            min_int,
            scaling,
            prefix: pt.prefix.clone(),
            suffix: pt.suffix.clone(),
            frac_groups,
            min_frac,
            max_frac,
            min_exp,
            picture: pt.sub.clone(),
        }
    };
    let mut pics: Vec<Pic> = parts.iter().map(analyse).collect();
    if pics.len() == 1 {
        let mut neg = analyse(&parts[0]);
        neg.prefix = format!("{}{}", p.minus, neg.prefix);
        pics.push(neg);
    }
    let pic = if value >= 0.0 { &pics[0] } else { &pics[1] };
    let adjusted = if pic.picture.contains(p.percent) {
        value * 100.0
    } else if pic.picture.contains(p.permille) {
        value * 1000.0
    } else {
        value
    };
    let (mantissa, exponent) = if pic.min_exp == 0 {
        (adjusted, None)
    } else {
        let max_m = 10f64.powi(pic.scaling as i32);
        let min_m = 10f64.powi(pic.scaling as i32 - 1);
        let mut m = adjusted.abs();
        let mut e = 0i32;
        if m != 0.0 && m.is_finite() {
            while m < min_m && e > -400 {
                m *= 10.0;
                e -= 1;
            }
            while m > max_m && e < 400 {
                m /= 10.0;
                e += 1;
            }
        }
        (m, Some(e))
    };
    let rounded = round_half_even(mantissa, pic.max_frac as i32);
    let to_family = |s: String| -> String {
        if p.zero == '0' {
            s
        } else {
            s.chars().map(|c| if c.is_ascii_digit() { family[(c as u8 - b'0') as usize] } else { c }).collect()
        }
    };
    let mut sv: Vec<char> = to_family(crate::value::num::fixed(rounded.abs(), pic.max_frac)).chars().collect();
    match cstr_index(&sv, '.') {
        None => sv.push(p.decimal),
        Some(i) => sv[i] = p.decimal,
    }
    let lead = sv.iter().take_while(|c| **c == p.zero).count();
    sv.drain(..lead);
    while sv.last() == Some(&p.zero) {
        sv.pop();
    }
    let dp = cstr_index(&sv, p.decimal).unwrap_or(0);
    let pad_left = (pic.min_int as isize - dp as isize).max(0) as usize;
    let pad_right = pic.min_frac as isize - (sv.len() as isize - dp as isize - 1);
    if pad_left > 0 {
        sv.splice(0..0, std::iter::repeat_n(p.zero, pad_left));
    }
    if pad_right > 0 {
        sv.extend(std::iter::repeat_n(p.zero, pad_right as usize));
    }
    // The grouping separators, inserted one by one at places counted in the text as it grows
    // (jsonata-js's way, kept exactly), placed by `Gaps` in O(log n) each, not by moving
    // the text each time (a picture of 40,000 characters took seconds).
    let dp = cstr_index(&sv, p.decimal).unwrap_or(0);
    let mut gaps = Gaps::new(sv.len());
    if let Some(groups) = dp.saturating_sub(1).checked_div(pic.regular) {
        for g in 1..=groups {
            gaps.insert_at(dp - g * pic.regular);
        }
    } else {
        let mut dp = dp;
        for pos in &pic.int_groups {
            if *pos <= dp {
                gaps.insert_at(dp - pos);
                dp += 1;
            }
        }
    }
    let sv = gaps.apply(&sv, p.grouping);
    let dp = cstr_index(&sv, p.decimal).unwrap_or(0);
    let mut gaps = Gaps::new(sv.len());
    for pos in &pic.frac_groups {
        let at = pos + dp + 1;
        if at <= gaps.len() {
            gaps.insert_at(at);
        }
    }
    let mut sv = gaps.apply(&sv, p.grouping);
    let dp = cstr_index(&sv, p.decimal).unwrap_or(0);
    if dp + 1 == sv.len() {
        sv.pop();
    }
    let mut out: String = sv.into_iter().collect();
    if let Some(e) = exponent {
        let mut es = to_family(e.abs().to_string());
        let len = es.chars().count();
        if pic.min_exp > len {
            es = p.zero.to_string().repeat(pic.min_exp - len) + &es;
        }
        out.push(p.exponent);
        if e < 0 {
            out.push(p.minus);
        }
        out.push_str(&es);
    }
    Ok(Value::string(format!("{}{}{}", pic.prefix, out, pic.suffix)))
}

#[cfg(not(feature = "extras"))]
pub fn format_number(_: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> {
    crate::without_extras("$formatNumber")
}

#[cfg(all(test, feature = "extras"))]
mod tests {
    use super::*;
    #[test]
    fn integer_pictures() {
        let f = analyse_integer_picture("#,##0").unwrap();
        assert_eq!(format_int(1234567.0, &f).unwrap(), "1,234,567");
        let w = analyse_integer_picture("w").unwrap();
        assert_eq!(format_int(123.0, &w).unwrap(), "one hundred and twenty-three");
        assert_eq!(words_to_number("one hundred and twenty-three"), 123.0);
        let r = analyse_integer_picture("I").unwrap();
        assert_eq!(format_int(1999.0, &r).unwrap(), "MCMXCIX");
        let o = analyse_integer_picture("1;o").unwrap();
        assert_eq!(format_int(22.0, &o).unwrap(), "22nd");
        assert_eq!(format_int(12.0, &o).unwrap(), "12th");
    }
}
