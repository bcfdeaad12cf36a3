//! A small backtracking regular-expression engine with JavaScript semantics (the subset
//! JSONata expressions use): classes, escapes, groups, alternation, greedy and lazy
//! quantifiers, anchors, word boundaries, lookahead, lookbehind and backreferences; flags `i` and `m`.
//! Matching works on `char`s and is bounded by a step budget so it can never hang.

#[derive(Debug, Clone)]
enum ClassItem {
    Range(char, char),
    Digit(bool),
    Word(bool),
    Space(bool),
}

#[derive(Debug, Clone)]
enum RNode {
    Char(char),
    Any,
    Class(Vec<ClassItem>, bool),
    Start,
    End,
    WordB(bool),
    Group(Vec<Vec<RNode>>, Option<usize>),
    /// Lookaround: (alternatives, negative, behind)
    Look(Vec<Vec<RNode>>, bool, bool),
    Repeat(Box<RNode>, usize, usize, bool),
    Backref(usize),
}

#[derive(Debug)]
pub struct Regex {
    root: Vec<RNode>,
    groups: usize,
    icase: bool,
    multiline: bool,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub groups: Vec<Option<(usize, usize)>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RegexError(pub String);

/// Budget of backtracking steps per search.
const STEP_LIMIT: u64 = 5_000_000;
const DEPTH_LIMIT: usize = 20_000;

struct P<'a> {
    s: &'a [char],
    i: usize,
    groups: usize,
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{a0}' | '\u{feff}' | '\u{2028}' | '\u{2029}')
        || (c as u32 >= 0x2000 && c as u32 <= 0x200a)
        || c == '\u{1680}'
        || c == '\u{202f}'
        || c == '\u{205f}'
        || c == '\u{3000}'
}
fn is_line_term(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

impl<'a> P<'a> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn err<T>(&self, m: &str) -> Result<T, RegexError> {
        Err(RegexError(format!("{} at {}", m, self.i)))
    }

    fn alternation(&mut self) -> Result<Vec<Vec<RNode>>, RegexError> {
        let mut alts = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.i += 1;
            alts.push(self.sequence()?);
        }
        Ok(alts)
    }

    fn sequence(&mut self) -> Result<Vec<RNode>, RegexError> {
        let mut seq = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let atom = self.quantifier(atom)?;
            seq.push(atom);
        }
        Ok(seq)
    }

    fn number(&mut self) -> Option<usize> {
        let st = self.i;
        while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
            self.i += 1;
        }
        if st == self.i {
            return None;
        }
        self.s[st..self.i].iter().collect::<String>().parse().ok()
    }

    fn quantifier(&mut self, atom: RNode) -> Result<RNode, RegexError> {
        let (min, max) = match self.peek() {
            Some('*') => {
                self.i += 1;
                (0, usize::MAX)
            }
            Some('+') => {
                self.i += 1;
                (1, usize::MAX)
            }
            Some('?') => {
                self.i += 1;
                (0, 1)
            }
            Some('{') => {
                let save = self.i;
                self.i += 1;
                match self.number() {
                    Some(lo) => {
                        let hi = if self.peek() == Some(',') {
                            self.i += 1;
                            if self.peek() == Some('}') {
                                Some(usize::MAX)
                            } else {
                                self.number()
                            }
                        } else {
                            Some(lo)
                        };
                        if let (Some(hi), Some('}')) = (hi, self.peek()) {
                            self.i += 1;
                            (lo, hi)
                        } else {
                            self.i = save;
                            return Ok(atom);
                        }
                    }
                    None => {
                        self.i = save;
                        return Ok(atom);
                    }
                }
            }
            _ => return Ok(atom),
        };
        if matches!(atom, RNode::Start | RNode::End | RNode::WordB(_)) {
            return self.err("nothing to repeat");
        }
        let mut greedy = true;
        if self.peek() == Some('?') {
            self.i += 1;
            greedy = false;
        }
        Ok(RNode::Repeat(Box::new(atom), min, max, greedy))
    }

    fn escape_char(&mut self, c: char) -> char {
        match c {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'f' => '\u{c}',
            'v' => '\u{b}',
            '0' => '\0',
            'x' | 'u' => {
                let n = if c == 'x' { 2 } else { 4 };
                let hex: String = self.s.iter().skip(self.i).take(n).collect();
                if hex.len() == n && hex.chars().all(|h| h.is_ascii_hexdigit()) {
                    self.i += n;
                    char::from_u32(u32::from_str_radix(&hex, 16).unwrap_or(0)).unwrap_or('\u{fffd}')
                } else {
                    c
                }
            }
            'c' => match self.peek() {
                Some(l) if l.is_ascii_alphabetic() => {
                    self.i += 1;
                    char::from_u32((l as u32) % 32).unwrap_or(l)
                }
                _ => '\\',
            },
            other => other,
        }
    }

    fn atom(&mut self) -> Result<RNode, RegexError> {
        let c = self.peek().unwrap_or('\0');
        self.i += 1;
        Ok(match c {
            '.' => RNode::Any,
            '^' => RNode::Start,
            '$' => RNode::End,
            '(' => {
                let mut capture = true;
                let mut look: Option<bool> = None;
                let mut behind = false;
                if self.peek() == Some('?') {
                    let n = self.s.get(self.i + 1).copied();
                    match n {
                        Some(':') => {
                            capture = false;
                            self.i += 2;
                        }
                        Some('=') => {
                            look = Some(false);
                            self.i += 2;
                        }
                        Some('!') => {
                            look = Some(true);
                            self.i += 2;
                        }
                        Some('<') if matches!(self.s.get(self.i + 2), Some('=') | Some('!')) => {
                            look = Some(self.s.get(self.i + 2) == Some(&'!'));
                            behind = true;
                            self.i += 3;
                        }
                        Some('<') => {
                            // named group: skip the name
                            self.i += 2;
                            while matches!(self.peek(), Some(ch) if ch != '>') {
                                self.i += 1;
                            }
                            self.i += 1;
                        }
                        _ => return self.err("unsupported group"),
                    }
                }
                let idx = if capture && look.is_none() {
                    self.groups += 1;
                    Some(self.groups)
                } else {
                    None
                };
                let alts = self.alternation()?;
                if self.peek() != Some(')') {
                    return self.err("unterminated group");
                }
                self.i += 1;
                match look {
                    Some(neg) => RNode::Look(alts, neg, behind),
                    None => RNode::Group(alts, idx),
                }
            }
            ')' => return self.err("unmatched )"),
            '[' => {
                let mut neg = false;
                if self.peek() == Some('^') {
                    neg = true;
                    self.i += 1;
                }
                let mut items = Vec::new();
                loop {
                    let ch = match self.peek() {
                        None => return self.err("unterminated class"),
                        Some(ch) => ch,
                    };
                    if ch == ']' {
                        self.i += 1;
                        break;
                    }
                    self.i += 1;
                    let lo = if ch == '\\' {
                        let e = self.peek().unwrap_or('\\');
                        self.i += 1;
                        match e {
                            'd' | 'D' => {
                                items.push(ClassItem::Digit(e == 'D'));
                                continue;
                            }
                            'w' | 'W' => {
                                items.push(ClassItem::Word(e == 'W'));
                                continue;
                            }
                            's' | 'S' => {
                                items.push(ClassItem::Space(e == 'S'));
                                continue;
                            }
                            'b' => '\u{8}',
                            other => self.escape_char(other),
                        }
                    } else {
                        ch
                    };
                    if self.peek() == Some('-') && self.s.get(self.i + 1).map(|c| *c != ']').unwrap_or(false) {
                        self.i += 1;
                        let hc = self.peek().unwrap_or('\0');
                        self.i += 1;
                        let hi = if hc == '\\' {
                            let e = self.peek().unwrap_or('\\');
                            self.i += 1;
                            if matches!(e, 'd' | 'D' | 'w' | 'W' | 's' | 'S') {
                                // `a-\d`: treat '-' literally
                                items.push(ClassItem::Range(lo, lo));
                                items.push(ClassItem::Range('-', '-'));
                                items.push(match e {
                                    'd' | 'D' => ClassItem::Digit(e == 'D'),
                                    'w' | 'W' => ClassItem::Word(e == 'W'),
                                    _ => ClassItem::Space(e == 'S'),
                                });
                                continue;
                            }
                            if e == 'b' {
                                '\u{8}'
                            } else {
                                self.escape_char(e)
                            }
                        } else {
                            hc
                        };
                        if hi < lo {
                            return self.err("range out of order");
                        }
                        items.push(ClassItem::Range(lo, hi));
                    } else {
                        items.push(ClassItem::Range(lo, lo));
                    }
                }
                RNode::Class(items, neg)
            }
            '\\' => {
                let e = match self.peek() {
                    None => return self.err("trailing backslash"),
                    Some(e) => e,
                };
                self.i += 1;
                match e {
                    'd' | 'D' => RNode::Class(vec![ClassItem::Digit(false)], e == 'D'),
                    'w' | 'W' => RNode::Class(vec![ClassItem::Word(false)], e == 'W'),
                    's' | 'S' => RNode::Class(vec![ClassItem::Space(false)], e == 'S'),
                    'b' => RNode::WordB(false),
                    'B' => RNode::WordB(true),
                    '1'..='9' => {
                        self.i -= 1;
                        let n = self.number().unwrap_or(0);
                        RNode::Backref(n)
                    }
                    other => RNode::Char(self.escape_char(other)),
                }
            }
            '*' | '+' | '?' => return self.err("nothing to repeat"),
            other => RNode::Char(other),
        })
    }
}

struct M<'r, 'a> {
    re: &'r Regex,
    s: &'a [char],
    caps: Vec<Option<(usize, usize)>>,
    steps: u64,
    depth: usize,
    failed: bool,
}

fn fold(c: char) -> char {
    crate::support::case::lower_first(c)
}

impl<'r, 'a> M<'r, 'a> {
    fn class_has(&self, items: &[ClassItem], c: char) -> bool {
        let test = |c: char| {
            items.iter().any(|it| match it {
                ClassItem::Range(lo, hi) => *lo <= c && c <= *hi,
                ClassItem::Digit(n) => c.is_ascii_digit() != *n,
                ClassItem::Word(n) => is_word(c) != *n,
                ClassItem::Space(n) => is_space(c) != *n,
            })
        };
        if test(c) {
            return true;
        }
        if self.re.icase {
            let l = fold(c);
            let u = crate::support::case::upper_first(c);
            return test(l) || test(u);
        }
        false
    }

    /// Does a single-character node match at `pos`?
    fn single(&self, n: &RNode, pos: usize) -> Option<bool> {
        let c = self.s.get(pos).copied();
        Some(match n {
            RNode::Char(x) => match c {
                Some(c) => c == *x || (self.re.icase && fold(c) == fold(*x)),
                None => false,
            },
            RNode::Any => matches!(c, Some(c) if !is_line_term(c)),
            RNode::Class(items, neg) => match c {
                Some(c) => self.class_has(items, c) != *neg,
                None => false,
            },
            _ => return None,
        })
    }

    fn seq(&mut self, seq: &'r [RNode], pos: usize, k: &mut dyn FnMut(&mut Self, usize) -> bool) -> bool {
        self.steps += 1;
        if self.steps > STEP_LIMIT || self.depth > DEPTH_LIMIT {
            self.failed = true;
            return false;
        }
        if self.failed {
            return false;
        }
        let Some(node) = seq.first() else { return k(self, pos) };
        let rest = &seq[1..];
        if let Some(ok) = self.single(node, pos) {
            return ok && self.seq(rest, pos + 1, k);
        }
        self.depth += 1;
        let r = match node {
            RNode::Start => {
                (pos == 0 || (self.re.multiline && is_line_term(self.s[pos - 1]))) && self.seq(rest, pos, k)
            }
            RNode::End => {
                (pos == self.s.len() || (self.re.multiline && is_line_term(self.s[pos]))) && self.seq(rest, pos, k)
            }
            RNode::WordB(neg) => {
                let a = pos > 0 && is_word(self.s[pos - 1]);
                let b = pos < self.s.len() && is_word(self.s[pos]);
                ((a != b) != *neg) && self.seq(rest, pos, k)
            }
            RNode::Group(alts, idx) => {
                let mut found = false;
                for alt in alts {
                    let ok = self.seq(alt, pos, &mut |m: &mut Self, p| {
                        if let Some(i) = idx {
                            let old = m.caps[*i];
                            m.caps[*i] = Some((pos, p));
                            if m.seq(rest, p, k) {
                                return true;
                            }
                            m.caps[*i] = old;
                            false
                        } else {
                            m.seq(rest, p, k)
                        }
                    });
                    if ok {
                        found = true;
                        break;
                    }
                }
                found
            }
            RNode::Look(alts, neg, behind) => {
                let saved = self.caps.clone();
                let mut matched = false;
                for alt in alts {
                    if *behind {
                        // some start k <= pos from which the alternative ends exactly at pos
                        for k in (0..=pos).rev() {
                            if self.seq(alt, k, &mut |_, p| p == pos) {
                                matched = true;
                                break;
                            }
                        }
                        if matched {
                            break;
                        }
                    } else if self.seq(alt, pos, &mut |_, _| true) {
                        matched = true;
                        break;
                    }
                }
                if *neg {
                    self.caps = saved;
                    !matched && self.seq(rest, pos, k)
                } else if matched {
                    if self.seq(rest, pos, k) {
                        true
                    } else {
                        self.caps = saved;
                        false
                    }
                } else {
                    false
                }
            }
            RNode::Backref(i) => match self.caps.get(*i).copied().flatten() {
                None => self.seq(rest, pos, k),
                Some((s, e)) => {
                    let len = e - s;
                    if pos + len > self.s.len() {
                        false
                    } else {
                        let eq = (0..len).all(|j| {
                            let a = self.s[s + j];
                            let b = self.s[pos + j];
                            a == b || (self.re.icase && fold(a) == fold(b))
                        });
                        eq && self.seq(rest, pos + len, k)
                    }
                }
            },
            RNode::Repeat(inner, min, max, greedy) => {
                if self.single(inner, pos).is_some() {
                    // fast path: single-character repetition
                    let mut n = 0;
                    while n < *max && self.single(inner, pos + n) == Some(true) {
                        n += 1;
                    }
                    if n < *min {
                        false
                    } else if *greedy {
                        let mut c = n;
                        loop {
                            if self.seq(rest, pos + c, k) {
                                break true;
                            }
                            if c == *min || self.failed {
                                break false;
                            }
                            c -= 1;
                        }
                    } else {
                        let mut c = *min;
                        loop {
                            if self.seq(rest, pos + c, k) {
                                break true;
                            }
                            if c == n || self.failed {
                                break false;
                            }
                            c += 1;
                        }
                    }
                } else {
                    self.rep(inner, *min, *max, *greedy, 0, pos, rest, k)
                }
            }
            _ => false,
        };
        self.depth -= 1;
        r
    }

    #[allow(clippy::too_many_arguments)]
    fn rep(
        &mut self,
        node: &'r RNode,
        min: usize,
        max: usize,
        greedy: bool,
        count: usize,
        pos: usize,
        rest: &'r [RNode],
        k: &mut dyn FnMut(&mut Self, usize) -> bool,
    ) -> bool {
        if self.failed {
            return false;
        }
        self.depth += 1;
        let one = std::slice::from_ref(node);
        let r = if greedy {
            (count < max
                && self.seq(one, pos, &mut |m: &mut Self, p| {
                    if p == pos && count >= min {
                        return false;
                    }
                    m.rep(node, min, max, greedy, count + 1, p, rest, k)
                }))
                || (count >= min && self.seq(rest, pos, k))
        } else {
            (count >= min && self.seq(rest, pos, k))
                || (count < max
                    && self.seq(one, pos, &mut |m: &mut Self, p| {
                        if p == pos && count >= min {
                            return false;
                        }
                        m.rep(node, min, max, greedy, count + 1, p, rest, k)
                    }))
        };
        self.depth -= 1;
        r
    }
}

impl Regex {
    pub fn new(pattern: &str, flags: &str) -> Result<Regex, RegexError> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = P { s: &chars, i: 0, groups: 0 };
        let alts = p.alternation()?;
        if p.i < chars.len() {
            return p.err("unmatched )");
        }
        Ok(Regex {
            root: vec![RNode::Group(alts, Some(0))],
            groups: p.groups,
            icase: flags.contains('i'),
            multiline: flags.contains('m'),
            source: pattern.to_string(),
        })
    }

    /// First match at or after `start` (char index). `Err` when the step budget is exhausted.
    pub fn find_at(&self, s: &[char], start: usize) -> Result<Option<Match>, RegexError> {
        let mut m = M { re: self, s, caps: vec![None; self.groups + 1], steps: 0, depth: 0, failed: false };
        let mut st = start;
        while st <= s.len() {
            for c in m.caps.iter_mut() {
                *c = None;
            }
            let ok = m.seq(&self.root, st, &mut |_, _| true);
            if m.failed {
                return Err(RegexError("regular expression too complex".into()));
            }
            if ok {
                let (a, b) = m.caps[0].unwrap_or((st, st));
                return Ok(Some(Match { start: a, end: b, groups: m.caps[1..].to_vec() }));
            }
            st += 1;
        }
        Ok(None)
    }

    pub fn is_match(&self, s: &str) -> Result<bool, RegexError> {
        let chars: Vec<char> = s.chars().collect();
        Ok(self.find_at(&chars, 0)?.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn find(p: &str, f: &str, s: &str) -> Option<(usize, usize)> {
        let r = Regex::new(p, f).unwrap();
        let c: Vec<char> = s.chars().collect();
        r.find_at(&c, 0).unwrap().map(|m| (m.start, m.end))
    }
    #[test]
    fn basics() {
        assert_eq!(find("ab+c", "", "xxabbbc"), Some((2, 7)));
        assert_eq!(find("AB", "i", "xab"), Some((1, 3)));
        assert_eq!(find("^a", "m", "b\na"), Some((2, 3)));
        assert_eq!(find("a.*?b", "", "aXbXb"), Some((0, 3)));
        assert_eq!(find("a.*b", "", "aXbXb"), Some((0, 5)));
        assert_eq!(find("(a|b)\\1", "", "xabba"), Some((2, 4)));
        assert_eq!(find("\\bfoo\\b", "", "a foo b"), Some((2, 5)));
        assert_eq!(find("\\d{2,3}", "", "a12345"), Some((1, 4)));
        assert_eq!(find("x(?=y)", "", "xzxy"), Some((2, 3)));
        assert_eq!(find("x(?!y)", "", "xyxz"), Some((2, 3)));
        assert_eq!(find("(?<=\\$)\\d+", "", "a1 $42"), Some((4, 6)));
        assert_eq!(find("(?<!\\$)\\b\\d+", "", "$42 17"), Some((4, 6)));
        assert_eq!(find("[^a-c]+", "", "abcdef"), Some((3, 6)));
        assert_eq!(find("(?:ab)+", "", "ababab"), Some((0, 6)));
        assert_eq!(find("(ab)*c", "", "ababc"), Some((0, 5)));
        assert_eq!(find("z", "", "abc"), None);
    }
    #[test]
    fn no_hang() {
        let r = Regex::new("(a*)*b", "").unwrap();
        let c: Vec<char> = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".chars().collect();
        assert!(r.find_at(&c, 0).is_err() || r.find_at(&c, 0).unwrap().is_none());
    }
}
