//! Date/time: `$now`, `$millis`, `$fromMillis` and `$toMillis` with XPath
//! `format-dateTime` picture strings. Calendar arithmetic is done by hand
//! (days-from-civil), so there is no clock or time-zone database involved.

use super::super::error::{make, Detail, Error};
use super::super::eval::{err_val, Eval, R};
use super::super::value::*;
use super::format::{analyse_integer_picture, compile, format_int, Case, IntFormat};
#[cfg(feature = "extras")]
use super::format::{integer_regex, parse_int_with};
use super::{arg, CallCtx};

const DAY_MS: f64 = 86_400_000.0;

fn code(c: &str) -> Error {
    make(c, None, &Detail::default())
}

// ---------------------------------------------------------------- civil calendar

pub use crate::support::time::{civil_from_days, days_from_civil};

/// The greatest distance from the epoch a JavaScript `Date` holds, in milliseconds.
const MAX_DATE: f64 = 8.64e15;

/// JavaScript's TimeClip: a time a `Date` holds (truncated), NaN beyond ±[`MAX_DATE`].
fn time_clip(t: f64) -> f64 {
    if t.abs() <= MAX_DATE {
        t.trunc()
    } else {
        f64::NAN
    }
}

/// JavaScript `Date.UTC` (month 0-based; out-of-range fields roll over; NaN for a time no
/// `Date` holds).
pub fn date_utc(y: f64, mon: f64, d: f64, h: f64, mi: f64, s: f64, ms: f64) -> f64 {
    // beyond these the time is out of range anyway (and the integer arithmetic would overflow)
    if [y, mon, d, h, mi, s, ms].iter().any(|v| v.is_nan() || v.abs() >= 1e12) {
        return f64::NAN;
    }
    let y = y.trunc() as i64 + (mon.trunc() as i64).div_euclid(12);
    let m = (mon.trunc() as i64).rem_euclid(12);
    let days = days_from_civil(y, m + 1, 1) as f64 + d.trunc() - 1.0;
    time_clip(days * DAY_MS + h.trunc() * 3_600_000.0 + mi.trunc() * 60_000.0 + s.trunc() * 1000.0 + ms.trunc())
}

/// Broken-down UTC time of epoch millis.
#[derive(Debug, Clone, Copy)]
struct Tm {
    year: i64,
    month: i64, // 0-based
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    ms: i64,
    wday: i64, // 0 = Sunday
    millis: f64,
}

fn tm(millis: f64) -> Tm {
    let days = (millis / DAY_MS).floor() as i64;
    let rem = (millis - days as f64 * DAY_MS) as i64;
    let (y, m, d) = civil_from_days(days);
    Tm {
        year: y,
        month: m - 1,
        day: d,
        hour: rem / 3_600_000,
        minute: rem / 60_000 % 60,
        second: rem / 1000 % 60,
        ms: rem % 1000,
        wday: (days + 4).rem_euclid(7),
        millis,
    }
}

fn start_of_first_week(year: i64, month: i64) -> f64 {
    let first = date_utc(year as f64, month as f64, 1.0, 0.0, 0.0, 0.0, 0.0);
    let mut d = tm(first).wday;
    if d == 0 {
        d = 7;
    }
    if d > 4 {
        first + (8 - d) as f64 * DAY_MS
    } else {
        first - (d - 1) as f64 * DAY_MS
    }
}

fn next_month(y: i64, m: i64) -> (i64, i64) {
    if m == 11 {
        (y + 1, 0)
    } else {
        (y, m + 1)
    }
}
fn prev_month(y: i64, m: i64) -> (i64, i64) {
    if m == 0 {
        (y - 1, 11)
    } else {
        (y, m - 1)
    }
}

enum Frag {
    N(f64),
    S(&'static str),
    None,
}

/// A component of the date, or of an invalid date (`None`): NaN, as JavaScript's `Date`
/// methods give then (and `am`, as jsonata-js's `NaN >= 12` decides).
fn fragment(t: Option<&Tm>, c: char) -> Frag {
    let weeks = |start: f64, end: f64| (end - start) / (DAY_MS * 7.0) + 1.0;
    let Some(t) = t else {
        return match c {
            'P' => Frag::S("am"),
            'C' | 'E' => Frag::S("ISO"),
            _ => Frag::N(f64::NAN),
        };
    };
    match c {
        'Y' => Frag::N(t.year as f64),
        'M' => Frag::N((t.month + 1) as f64),
        'D' => Frag::N(t.day as f64),
        'd' => {
            let today = date_utc(t.year as f64, t.month as f64, t.day as f64, 0.0, 0.0, 0.0, 0.0);
            let jan1 = date_utc(t.year as f64, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0);
            Frag::N((today - jan1) / DAY_MS + 1.0)
        }
        'F' => Frag::N(if t.wday == 0 { 7.0 } else { t.wday as f64 }),
        'W' => {
            let start = start_of_first_week(t.year, 0);
            let today = date_utc(t.year as f64, t.month as f64, t.day as f64, 0.0, 0.0, 0.0, 0.0);
            let mut w = weeks(start, today);
            if w > 52.0 {
                if today >= start_of_first_week(t.year + 1, 0) {
                    w = 1.0;
                }
            } else if w < 1.0 {
                w = weeks(start_of_first_week(t.year - 1, 0), today);
            }
            Frag::N(w.floor())
        }
        'w' => {
            let start = start_of_first_week(t.year, t.month);
            let today = date_utc(t.year as f64, t.month as f64, t.day as f64, 0.0, 0.0, 0.0, 0.0);
            let mut w = weeks(start, today);
            if w > 4.0 {
                let (ny, nm) = next_month(t.year, t.month);
                if today >= start_of_first_week(ny, nm) {
                    w = 1.0;
                }
            } else if w < 1.0 {
                let (py, pm) = prev_month(t.year, t.month);
                w = weeks(start_of_first_week(py, pm), today);
            }
            Frag::N(w.floor())
        }
        'X' => {
            let start = start_of_first_week(t.year, 0);
            let end = start_of_first_week(t.year + 1, 0);
            Frag::N(if t.millis < start {
                (t.year - 1) as f64
            } else if t.millis >= end {
                (t.year + 1) as f64
            } else {
                t.year as f64
            })
        }
        'x' => {
            let start = start_of_first_week(t.year, t.month);
            let (ny, nm) = next_month(t.year, t.month);
            let end = start_of_first_week(ny, nm);
            Frag::N(if t.millis < start {
                (prev_month(t.year, t.month).1 + 1) as f64
            } else if t.millis >= end {
                (nm + 1) as f64
            } else {
                (t.month + 1) as f64
            })
        }
        'H' => Frag::N(t.hour as f64),
        'h' => {
            let h = t.hour % 12;
            Frag::N(if h == 0 { 12.0 } else { h as f64 })
        }
        'P' => Frag::S(if t.hour >= 12 { "pm" } else { "am" }),
        'm' => Frag::N(t.minute as f64),
        's' => Frag::N(t.second as f64),
        'f' => Frag::N(t.ms as f64),
        'C' | 'E' => Frag::S("ISO"),
        _ => Frag::None,
    }
}

// ---------------------------------------------------------------- picture analysis

#[derive(Debug, Clone)]
enum Part {
    Literal(String),
    Marker(Marker),
}

#[derive(Debug, Clone)]
struct Marker {
    component: char,
    pres2: Option<char>,
    width: Option<(Option<usize>, Option<usize>)>,
    names: Option<Case>,
    int: Option<IntFormat>,
    n: i64,
}

const DAYS: [&str; 8] = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn default_presentation(c: char) -> Option<&'static str> {
    Some(match c {
        'Y' | 'M' | 'D' | 'd' | 'W' | 'w' | 'X' | 'x' | 'H' | 'h' | 'f' => "1",
        'F' | 'P' | 'C' | 'E' => "n",
        'm' | 's' => "01",
        'Z' | 'z' => "01:01",
        _ => return None,
    })
}

fn analyse_picture(picture: &str) -> Result<Vec<Part>, Error> {
    let pc: Vec<char> = picture.chars().collect();
    let mut parts = Vec::new();
    let add_literal = |parts: &mut Vec<Part>, s: usize, e: usize| {
        if e > s {
            let lit: String = pc[s..e].iter().collect();
            parts.push(Part::Literal(lit.replace("]]", "]")));
        }
    };
    let mut start = 0;
    let mut pos = 0;
    while pos < pc.len() {
        if pc[pos] == '[' {
            if pc.get(pos + 1) == Some(&'[') {
                add_literal(&mut parts, start, pos);
                parts.push(Part::Literal("[".into()));
                pos += 2;
                start = pos;
                continue;
            }
            add_literal(&mut parts, start, pos);
            start = pos;
            let close = match pc[start..].iter().position(|c| *c == ']') {
                Some(i) => start + i,
                None => return Err(code("D3135")),
            };
            pos = close;
            let marker: String = pc[start + 1..close].iter().filter(|c| !c.is_whitespace()).collect();
            let mc: Vec<char> = marker.chars().collect();
            let component = mc.first().copied().unwrap_or(' ');
            let mut width = None;
            let pres: String = match mc.iter().rposition(|c| *c == ',') {
                Some(comma) => {
                    let wm: String = mc[comma + 1..].iter().collect();
                    let parse_w = |s: &str| -> Option<usize> {
                        if s == "*" || s.is_empty() {
                            None
                        } else {
                            let d: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
                            d.parse().ok()
                        }
                    };
                    let (min, max) = match wm.find('-') {
                        None => (parse_w(&wm), None),
                        Some(d) => (parse_w(&wm[..d]), parse_w(&wm[d + 1..])),
                    };
                    width = Some((min, max));
                    mc[1.min(comma)..comma].iter().collect()
                }
                None => mc.iter().skip(1).collect(),
            };
            let pcs: Vec<char> = pres.chars().collect();
            let mut pres2 = None;
            let pres1: String = if pcs.len() == 1 {
                pres.clone()
            } else if pcs.len() > 1 {
                let last = pcs[pcs.len() - 1];
                if "atco".contains(last) {
                    pres2 = Some(last);
                    pcs[..pcs.len() - 1].iter().collect()
                } else {
                    pres.clone()
                }
            } else {
                match default_presentation(component) {
                    Some(p) => p.to_string(),
                    None => {
                        return Err(make(
                            "D3132",
                            None,
                            &Detail { value: Some(component.to_string()), ..Default::default() },
                        ))
                    }
                }
            };
            let mut m = Marker { component, pres2, width, names: None, int: None, n: -1 };
            let p1: Vec<char> = pres1.chars().collect();
            if p1.first() == Some(&'n') {
                m.names = Some(Case::Lower);
            } else if p1.first() == Some(&'N') {
                m.names = Some(if p1.get(1) == Some(&'n') { Case::Title } else { Case::Upper });
            } else if "YMDdFWwXxHhmsf".contains(component) {
                let mut pattern = pres1.clone();
                if let Some(p2) = pres2 {
                    pattern.push(';');
                    pattern.push(p2);
                }
                let mut f = analyse_integer_picture(&pattern)?;
                if let Some((Some(min), _)) = width {
                    if f.mandatory < min {
                        f.mandatory = min;
                    }
                }
                if component == 'Y' {
                    m.n = -1;
                    if let Some((_, Some(max))) = width {
                        m.n = max as i64;
                        f.mandatory = max;
                    } else {
                        let w = f.mandatory + f.optional;
                        if w >= 2 {
                            m.n = w as i64;
                        }
                    }
                }
                m.int = Some(f);
            }
            if component == 'Z' || component == 'z' {
                m.int = Some(analyse_integer_picture(&pres1)?);
            }
            parts.push(Part::Marker(m));
            start = pos + 1;
        }
        pos += 1;
    }
    add_literal(&mut parts, start, pc.len());
    Ok(parts)
}

const ISO_PICTURE: &str = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";

fn js_parse_int(s: &str) -> f64 {
    let t = s.trim_start();
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => (-1.0, r),
        None => (1.0, t.strip_prefix('+').unwrap_or(t)),
    };
    let d: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if d.is_empty() {
        f64::NAN
    } else {
        sign * crate::value::num::parse_f64(&d).unwrap_or(f64::NAN)
    }
}

/// jsonata-js's `formatDateTime`: a time no JavaScript `Date` holds (beyond ±8.64e15 ms) has
/// NaN components, formatted as jsonata-js formats them (`0NaN-NaN-NaNTNaN:NaN:NaN.NaNZ`
/// for the ISO picture); names and words of NaN, where jsonata-js throws, are D1001. A
/// component may be at most `max_len` characters wide (the step budget's bound on text).
pub fn format_datetime(
    millis: f64,
    picture: Option<&str>,
    timezone: Option<&str>,
    max_len: u64,
) -> Result<String, Error> {
    let (mut oh, mut om) = (0.0f64, 0.0f64);
    if let Some(tz) = timezone {
        let off = js_parse_int(tz);
        oh = (off / 100.0).floor();
        om = off % 100.0;
    }
    let parts = analyse_picture(picture.unwrap_or(ISO_PICTURE))?;
    let t = time_clip(millis + (60.0 * oh + om) * 60_000.0);
    let t = (!t.is_nan()).then(|| tm(t));
    let mut out = String::new();
    for part in &parts {
        match part {
            Part::Literal(s) => out.push_str(s),
            Part::Marker(m) => {
                if m.int.as_ref().is_some_and(|f| f.mandatory as u64 > max_len) {
                    return Err(super::super::eval::runaway(None));
                }
                out.push_str(&format_component(t.as_ref(), m, oh, om)?)
            }
        }
    }
    Ok(out)
}

fn format_component(t: Option<&Tm>, m: &Marker, oh: f64, om: f64) -> Result<String, Error> {
    let frag = fragment(t, m.component);
    if "YMDdFWwXxHhms".contains(m.component) {
        let mut v = match frag {
            Frag::N(n) => n,
            _ => 0.0,
        };
        if m.component == 'Y' && m.n != -1 {
            v %= 10f64.powi(m.n as i32);
        }
        if let Some(case) = m.names {
            let name = match m.component {
                'M' | 'x' => MONTHS.get((v as usize).wrapping_sub(1)).copied().unwrap_or(""),
                'F' => DAYS.get(v as usize).copied().unwrap_or(""),
                c => return Err(make("D3133", None, &Detail { value: Some(c.to_string()), ..Default::default() })),
            };
            // an invalid date's name is undefined: jsonata-js prints it, or fails changing its case
            let name = match (v.is_nan(), case) {
                (false, _) => name,
                (true, Case::Title) if m.width.is_none() => "undefined",
                (true, _) => return Err(err_val("D1001", &Value::Num(v))),
            };
            let mut s = match case {
                Case::Upper => crate::support::case::to_upper(name),
                Case::Lower => crate::support::case::to_lower(name),
                Case::Title => name.to_string(),
            };
            if let Some((_, Some(max))) = m.width {
                if s.chars().count() > max {
                    s = s.chars().take(max).collect();
                }
            }
            return Ok(s);
        }
        return match &m.int {
            Some(f) => format_int(v, f),
            None => Ok(String::new()),
        };
    }
    match m.component {
        'f' => {
            let v = match frag {
                Frag::N(n) => n,
                _ => 0.0,
            };
            match &m.int {
                Some(f) => format_int(v, f),
                None => Ok(js_num_str(v)),
            }
        }
        'Z' | 'z' => {
            let offset = oh * 100.0 + om;
            let f = m.int.as_ref().ok_or_else(|| code("D3134"))?;
            let mut s = if f.regular.is_some() {
                format_int(offset, f)?
            } else {
                match f.mandatory {
                    1 | 2 => {
                        let mut s = format_int(oh, f)?;
                        if om != 0.0 {
                            let two = analyse_integer_picture("00")?;
                            s.push(':');
                            s.push_str(&format_int(om, &two)?);
                        }
                        s
                    }
                    3 | 4 => format_int(offset, f)?,
                    n => return Err(make("D3134", None, &Detail { value: Some(n.to_string()), ..Default::default() })),
                }
            };
            if offset >= 0.0 {
                s = format!("+{}", s);
            }
            if m.component == 'z' {
                s = format!("GMT{}", s);
            }
            if offset == 0.0 && m.pres2 == Some('t') {
                s = "Z".into();
            }
            Ok(s)
        }
        _ => Ok(match frag {
            Frag::S(s) => match m.names {
                Some(Case::Upper) => crate::support::case::to_upper(s),
                Some(Case::Title) if s.len() > 1 => format!("{}{}", crate::support::case::to_upper(&s[..1]), &s[1..]),
                _ => s.to_string(),
            },
            Frag::N(n) => js_num_str(n),
            Frag::None => String::new(),
        }),
    }
}

// ---------------------------------------------------------------- parsing

#[cfg(feature = "extras")]
fn escape_regex(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        if ".*+?^${}()|[]\\".contains(c) {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

#[cfg(feature = "extras")]
enum PartParser {
    None,
    Int(IntFormat),
    Names(Vec<(String, f64)>),
    Tz { z: bool, sep: Option<char> },
}

#[cfg(feature = "extras")]
fn parse_datetime(ev: &mut Eval, ts: &str, picture: &str) -> Result<Option<f64>, Error> {
    let now = ev.now;
    crate::used_extras();
    let parts = analyse_picture(picture)?;
    let mut regex = String::from("^");
    let mut parsers: Vec<(char, PartParser)> = Vec::new();
    for part in &parts {
        match part {
            Part::Literal(s) => {
                regex.push('(');
                regex.push_str(&escape_regex(s));
                regex.push(')');
                parsers.push((' ', PartParser::None));
            }
            Part::Marker(m) if m.component == 'Z' || m.component == 'z' => {
                let sep = m.int.as_ref().and_then(|f| f.regular.map(|r| r.1));
                let mut r = String::new();
                if m.component == 'z' {
                    r.push_str("GMT");
                }
                r.push_str("[-+][0-9]+");
                if let Some(c) = sep {
                    r.push_str(&escape_regex(&c.to_string()));
                    r.push_str("[0-9]+");
                }
                regex.push('(');
                regex.push_str(&r);
                regex.push(')');
                parsers.push((m.component, PartParser::Tz { z: m.component == 'z', sep }));
            }
            Part::Marker(m) => {
                if let Some(f) = &m.int {
                    let mut f = f.clone();
                    // fixed-width numeric fields (two or more digits in the picture) match exactly that many digits
                    let w = f.mandatory + f.optional;
                    f.n = if m.n > 0 {
                        Some(m.n as usize)
                    } else if m.component != 'f'
                        && m.component != 'Y'
                        && f.optional == 0
                        && w >= 2
                        && f.primary == super::format::Primary::Decimal
                    {
                        Some(w)
                    } else {
                        None
                    };
                    regex.push('(');
                    regex.push_str(&integer_regex(&f)?);
                    regex.push(')');
                    parsers.push((m.component, PartParser::Int(f)));
                } else {
                    let max = m.width.and_then(|w| w.1);
                    let cut = |s: &str| -> String {
                        match max {
                            Some(n) if n > 0 => s.chars().take(n).collect(),
                            _ => s.to_string(),
                        }
                    };
                    let table: Vec<(String, f64)> = match m.component {
                        'M' | 'x' => MONTHS.iter().enumerate().map(|(i, n)| (cut(n), (i + 1) as f64)).collect(),
                        'F' => DAYS.iter().enumerate().skip(1).map(|(i, n)| (cut(n), i as f64)).collect(),
                        'P' => vec![("am".into(), 0.0), ("AM".into(), 0.0), ("pm".into(), 1.0), ("PM".into(), 1.0)],
                        c => {
                            return Err(make(
                                "D3133",
                                None,
                                &Detail { value: Some(c.to_string()), ..Default::default() },
                            ))
                        }
                    };
                    regex.push_str("([a-zA-Z]+)");
                    parsers.push((m.component, PartParser::Names(table)));
                }
            }
        }
    }
    regex.push('$');
    // The matcher compiled takes some 45 bytes a byte of its source (measured: a `[DW]` is
    // ~900 bytes of source, ~41 KB compiled): paid for as a value of 64 times its source.
    ev.check_size(regex.len().saturating_mul(64))?;
    let re = compile(&regex, "i")?;
    let chars: Vec<char> = ts.chars().collect();
    let Some(mat) = re.find_at(&chars, 0).map_err(|_| code("D3136"))? else { return Ok(None) };
    // The components read, by specifier (a few: a list is smaller than a map).
    let mut comps: Vec<(char, f64)> = Vec::new();
    fn set(comps: &mut Vec<(char, f64)>, c: char, v: f64) {
        match comps.iter_mut().find(|e| e.0 == c) {
            Some(e) => e.1 = v,
            None => comps.push((c, v)),
        }
    }
    let get = |comps: &[(char, f64)], c: char| comps.iter().find(|e| e.0 == c).map(|e| e.1);
    for (i, (comp, p)) in parsers.iter().enumerate() {
        let Some((s, e)) = mat.groups.get(i).copied().flatten() else { continue };
        let text: String = chars[s..e].iter().collect();
        let v = match p {
            PartParser::None => continue,
            PartParser::Int(_) if *comp == 'f' => {
                // fractional seconds: the digits are a fraction, truncated to milliseconds
                let digits: String = text.chars().filter(|c| c.is_ascii_digit()).take(3).collect();
                crate::value::num::parse_f64(&format!("{:0<3}", digits)).unwrap_or(f64::NAN)
            }
            PartParser::Int(f) => parse_int_with(&text, f)?,
            PartParser::Names(t) => match t.iter().find(|(n, _)| *n == text) {
                Some((_, v)) => *v,
                None => f64::NAN,
            },
            PartParser::Tz { z, sep } => {
                let v = if *z { text[3..].to_string() } else { text.clone() };
                let (h, mi) = match sep {
                    Some(c) => match v.find(*c) {
                        Some(ix) => (js_parse_int(&v[..ix]), js_parse_int(&v[ix + c.len_utf8()..])),
                        None => (js_parse_int(&v), 0.0),
                    },
                    None => {
                        if v.len() - 1 <= 2 {
                            (js_parse_int(&v), 0.0)
                        } else {
                            (js_parse_int(&v[..3]), js_parse_int(&v[3..]))
                        }
                    }
                };
                h * 60.0 + mi
            }
        };
        set(&mut comps, *comp, v);
    }
    if comps.is_empty() {
        return Ok(None);
    }
    let mut mask: u32 = 0;
    for c in "YXMxWwdD".chars() {
        mask = (mask << 1) | get(&comps, c).is_some() as u32;
    }
    let is_type = |t: u32, mask: u32| (!t & mask) == 0 && (t & mask) != 0;
    let date_a = is_type(161, mask);
    let date_b = !date_a && is_type(130, mask);
    let date_c = is_type(84, mask);
    let date_d = !date_c && is_type(72, mask);
    let mut tmask: u32 = 0;
    for c in "PHhmsf".chars() {
        tmask = (tmask << 1) | get(&comps, c).is_some() as u32;
    }
    let time_a = is_type(23, tmask);
    let time_b = !time_a && is_type(47, tmask);
    let date_comps = if date_b {
        "YD"
    } else if date_c {
        "XxwF"
    } else if date_d {
        "XWF"
    } else {
        "YMD"
    };
    let time_comps = if time_b { "Phmsf" } else { "Hmsf" };
    let now_tm = tm(now);
    let mut start_specified = false;
    let mut end_specified = false;
    for c in date_comps.chars().chain(time_comps.chars()) {
        if get(&comps, c).is_none() {
            if start_specified {
                set(&mut comps, c, if "MDd".contains(c) { 1.0 } else { 0.0 });
                end_specified = true;
            } else {
                let v = match fragment(Some(&now_tm), c) {
                    Frag::N(n) => n,
                    Frag::S(s) => {
                        if s == "pm" {
                            1.0
                        } else {
                            0.0
                        }
                    }
                    Frag::None => 0.0,
                };
                set(&mut comps, c, v);
            }
        } else {
            start_specified = true;
            if end_specified {
                return Err(code("D3136"));
            }
        }
    }
    let g = |c: char| get(&comps, c).unwrap_or(0.0);
    let mut month = if g('M') > 0.0 { g('M') - 1.0 } else { 0.0 };
    let mut day = g('D');
    if date_b {
        let jan1 = date_utc(g('Y'), 0.0, 1.0, 0.0, 0.0, 0.0, 0.0);
        let derived = tm(jan1 + (g('d') - 1.0) * DAY_MS);
        month = derived.month as f64;
        day = derived.day as f64;
    }
    if date_c || date_d {
        return Err(code("D3136"));
    }
    let mut hour = g('H');
    if time_b {
        hour = if g('h') == 12.0 { 0.0 } else { g('h') };
        if g('P') == 1.0 {
            hour += 12.0;
        }
    }
    let mut millis = date_utc(g('Y'), month, day, hour, g('m'), g('s'), g('f'));
    let tz = get(&comps, 'Z').or_else(|| get(&comps, 'z')).unwrap_or(0.0);
    if tz != 0.0 {
        millis -= tz * 60_000.0;
    }
    Ok(Some(millis))
}

#[cfg(not(feature = "extras"))]
fn parse_datetime(_: &mut Eval, _: &str, _: &str) -> Result<Option<f64>, Error> {
    crate::without_extras("$toMillis with a picture")
}

/// `Date.parse` for the ISO 8601 forms `$toMillis` accepts.
fn parse_iso(s: &str) -> Option<f64> {
    let b: Vec<char> = s.chars().collect();
    let num = |from: usize, len: usize| -> Option<f64> {
        let t: String = b.get(from..from + len)?.iter().collect();
        if t.chars().all(|c| c.is_ascii_digit()) {
            crate::value::num::parse_f64(&t)
        } else {
            None
        }
    };
    let y = num(0, 4)?;
    let mut i = 4;
    let (mut mo, mut d) = (1.0, 1.0);
    if b.get(i) == Some(&'-') {
        mo = num(i + 1, 2)?;
        i += 3;
        if b.get(i) == Some(&'-') {
            d = num(i + 1, 2)?;
            i += 3;
        }
    }
    let (mut h, mut mi, mut sec, mut ms) = (0.0, 0.0, 0.0, 0.0);
    if b.get(i) == Some(&'T') {
        h = num(i + 1, 2)?;
        mi = num(i + 4, 2)?;
        sec = num(i + 7, 2)?;
        i += 9;
        if b.get(i) == Some(&'.') {
            let mut j = i + 1;
            let mut frac = String::new();
            while j < b.len() && b[j].is_ascii_digit() {
                frac.push(b[j]);
                j += 1;
            }
            let f3: String = format!("{:0<3}", frac).chars().take(3).collect();
            ms = crate::value::num::parse_f64(&f3).unwrap_or(0.0);
            i = j;
        }
    }
    let mut offset = 0.0;
    if let Some(&c) = b.get(i) {
        if c == 'Z' {
            i += 1;
        } else if c == '+' || c == '-' {
            let oh = num(i + 1, 2)?;
            let mut j = i + 3;
            if b.get(j) == Some(&':') {
                j += 1;
            }
            let om = num(j, 2)?;
            offset = (oh * 60.0 + om) * if c == '-' { -1.0 } else { 1.0 };
            i = j + 2;
        }
    }
    if i != b.len() || !(1.0..=12.0).contains(&mo) || !(1.0..=31.0).contains(&d) || h > 24.0 || mi > 59.0 || sec > 59.0
    {
        return None;
    }
    Some(date_utc(y, mo - 1.0, d, h, mi, sec, ms) - offset * 60_000.0)
}

const ISO_CHECK: &str =
    "^\\d{4}(-[01]\\d)*(-[0-3]\\d)*(T[0-2]\\d:[0-5]\\d:[0-5]\\d)*(\\.\\d+)?([+-][0-2]\\d:?[0-5]\\d|Z)?$";

pub fn to_millis(ev: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Value::Str(s) = arg(a, 0) else { return Ok(Value::Undefined) };
    match arg(a, 1) {
        // a time no `Date` holds is NaN, as in jsonata-js
        Value::Str(p) => {
            // Analysing the picture and building its matcher is work the values do not show:
            // 64 steps a character (a call with '[Yw]' takes ~15 us, a thousand simple steps'
            // time), so that $map over $map of it ends with U1001 rather than running for ever.
            ev.charge(64 * (p.chars().count() + 1))?;
            Ok(parse_datetime(ev, s, p)?.map(Value::Num).unwrap_or(Value::Undefined))
        }
        _ => {
            let re = compile(ISO_CHECK, "")?;
            if !re.is_match(s).unwrap_or(false) {
                return Err(err_val("D3110", arg(a, 0)));
            }
            Ok(parse_iso(s).map(Value::Num).unwrap_or(Value::Undefined))
        }
    }
}

pub fn from_millis(ev: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let Value::Num(ms) = arg(a, 0) else { return Ok(Value::Undefined) };
    let pic = arg(a, 1).as_str();
    let tz = arg(a, 2).as_str();
    Ok(Value::string(format_datetime(*ms, pic, tz, ev.remaining_steps().saturating_mul(8))?))
}

pub fn now(ev: &mut Eval, a: &[Value], _: &CallCtx) -> R<Value> {
    let pic = arg(a, 0).as_str();
    let tz = arg(a, 1).as_str();
    Ok(Value::string(format_datetime(ev.now, pic, tz, ev.remaining_steps().saturating_mul(8))?))
}

pub fn millis(ev: &mut Eval, _: &[Value], _: &CallCtx) -> R<Value> {
    Ok(Value::Num(ev.now))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn civil() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
    #[test]
    fn pictures() {
        let f = |ms, pic, tz| format_datetime(ms, pic, tz, u64::MAX);
        assert_eq!(f(1521801216617.0, None, None).unwrap(), "2018-03-23T10:33:36.617Z");
        assert_eq!(f(1521801216617.0, Some("[D1o] [MNn] [Y]"), None).unwrap(), "23rd March 2018");
        assert_eq!(f(0.0, Some("[FNn], [H01]:[m01]"), Some("-0500")).unwrap(), "Wednesday, 19:00");
        // beyond what a JavaScript Date holds: NaN components, as jsonata-js prints them
        assert_eq!(f(1e300, None, None).unwrap(), "0NaN-NaN-NaNTNaN:NaN:NaN.NaNZ");
        assert_eq!(f(8.64e15, None, None).unwrap(), "5760-09-13T00:00:00.000Z");
        assert_eq!(
            f(8.64e15 + 1.0, Some("[Y] [MNn] [D1o] [P] [f] [Z]"), None).unwrap(),
            "NaN undefined NaNth am NaN +00:00"
        );
        assert_eq!(f(8.64e15 - 3_600_000.0, Some("[Y]"), Some("+0200")).unwrap(), "NaN");
        assert_eq!(f(-1.7, Some("[s].[f001]"), None).unwrap(), "59.999");
        assert_eq!(f(1e300, Some("[MN]"), None).unwrap_err().code, "D1001");
        assert_eq!(f(1e300, Some("[Dw]"), None).unwrap_err().code, "D1001");
        assert_eq!(f(0.0, Some("[Y,100000]"), None).unwrap().len(), 100_000);
        assert_eq!(format_datetime(0.0, Some("[Y,100000]"), None, 1000).unwrap_err().code, "U1001");
        assert_eq!(parse_iso("2018-03-23T10:33:36.617Z"), Some(1521801216617.0));
        #[cfg(feature = "extras")]
        {
            struct H;
            impl crate::jsonata::Host for H {
                fn now_millis(&self) -> f64 {
                    0.0
                }
                fn random(&mut self) -> f64 {
                    0.5
                }
            }
            let mut host = H;
            let mut ev = Eval::new(&mut host, &Default::default());
            assert_eq!(parse_datetime(&mut ev, "23 March 2018", "[D] [MNn] [Y]").unwrap(), Some(1521763200000.0));
            // a matcher whose source the budget cannot pay for is not compiled
            let words = "[DW]".repeat(7000);
            assert_eq!(parse_datetime(&mut ev, "one", &words).unwrap_err().code, "U1001");
        }
    }
}
