//! A small backtracking regular-expression engine with JavaScript semantics (the subset
//! JSONata expressions use): classes, escapes, groups, alternation, greedy and lazy
//! quantifiers, anchors, word boundaries, lookahead, lookbehind and backreferences; flags `i` and `m`.
//!
//! Neither compiling nor matching recurses: the pattern is compiled in one pass (open groups
//! on a list) to instructions, which a loop runs with an explicit stack of choice points and
//! undo records, so no pattern or text can exhaust the call stack. Matching is bounded by a
//! step budget, so it can never hang.

#[derive(Debug, Clone)]
enum ClassItem {
    Range(char, char),
    Digit(bool),
    Word(bool),
    Space(bool),
}

/// One instruction; targets are instruction indexes.
#[derive(Debug, Clone)]
enum Inst {
    Char(char),
    Any,
    Class(Vec<ClassItem>, bool),
    Start,
    End,
    WordB(bool),
    /// A placeholder a quantifier or a `|` turns into `Rep` or `Split`.
    Nop,
    /// Go on; on failure resume at the target.
    Split(usize),
    Jmp(usize),
    Save(usize),
    Backref(usize),
    /// `min` to `max` repetitions of the single-character instruction that follows.
    RepChar(usize, usize, bool),
    /// A repeated group (or backreference) that follows, up to its `Next` at `exit - 1`:
    /// loop number, min, max, greedy, exit, the capture slots the body holds (cleared at
    /// each iteration, as JavaScript does).
    Rep {
        l: usize,
        min: usize,
        max: usize,
        greedy: bool,
        exit: usize,
        caps: (usize, usize),
    },
    /// The end of an iteration of the `Rep` at the index.
    Next(usize),
    /// Lookaround (negative, behind) whose body follows, up to `LookEnd` at the index.
    Look(bool, bool, usize),
    LookEnd,
    Match,
}

#[derive(Debug)]
pub struct Regex {
    code: Vec<Inst>,
    groups: usize,
    loops: usize,
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

/// Budget of steps (instructions and backtracks) per search.
pub const STEP_LIMIT: u64 = 5_000_000;
/// Most choice points and undo records kept at once (16 bytes each).
const STACK_LIMIT: usize = 4_000_000;
const UNSET: u32 = u32::MAX;

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

/// A group being compiled.
struct Open {
    /// The placeholder before the group, for a quantifier.
    quant: usize,
    /// The placeholder that starts the current alternative, for a `|`.
    alt: usize,
    /// The jumps ending the alternatives so far, to the end of the group.
    jumps: Vec<usize>,
    /// Capture number, or none; the `Look` instruction for a lookaround.
    capture: Option<usize>,
    look: Option<usize>,
    /// Captures opened before the group.
    groups_before: usize,
}

/// The last atom compiled: where it starts, whether it is one character, the capture slots it holds.
struct Atom {
    at: usize,
    single: bool,
    caps: (usize, usize),
}

struct P<'a> {
    s: &'a [char],
    i: usize,
}

impl P<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn err<T>(&self, m: &str) -> Result<T, RegexError> {
        Err(RegexError(format!("{} at {}", m, self.i)))
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

    /// A quantifier at the current position: (min, max, greedy); the position is left
    /// unchanged when there is none (a `{` that does not start one is a literal).
    fn quantifier(&mut self) -> Option<(usize, usize, bool)> {
        let save = self.i;
        let (min, max) = match self.peek()? {
            '*' => (0, usize::MAX),
            '+' => (1, usize::MAX),
            '?' => (0, 1),
            '{' => {
                self.i += 1;
                let lo = self.number();
                let hi = if self.peek() == Some(',') {
                    self.i += 1;
                    if self.peek() == Some('}') {
                        Some(usize::MAX)
                    } else {
                        self.number()
                    }
                } else {
                    lo
                };
                match (lo, hi, self.peek()) {
                    (Some(lo), Some(hi), Some('}')) => (lo, hi),
                    _ => {
                        self.i = save;
                        return None;
                    }
                }
            }
            _ => return None,
        };
        self.i += 1;
        let mut greedy = true;
        if self.peek() == Some('?') {
            self.i += 1;
            greedy = false;
        }
        Some((min, max, greedy))
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

    /// `[...]` after the `[`.
    fn class(&mut self) -> Result<Inst, RegexError> {
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
            self.i += 1;
            if ch == ']' {
                return Ok(Inst::Class(items, neg));
            }
            let lo = if ch == '\\' {
                let e = self.peek().unwrap_or('\\');
                self.i += 1;
                match e {
                    'd' | 'D' | 'w' | 'W' | 's' | 'S' => {
                        items.push(class_escape(e));
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
                        items.push(class_escape(e));
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
    }
}

fn class_escape(e: char) -> ClassItem {
    let neg = e.is_ascii_uppercase();
    match e.to_ascii_lowercase() {
        'd' => ClassItem::Digit(neg),
        'w' => ClassItem::Word(neg),
        _ => ClassItem::Space(neg),
    }
}

/// Compile `pattern` to instructions, in one pass.
fn compile(chars: &[char]) -> Result<(Vec<Inst>, usize, usize), RegexError> {
    let mut p = P { s: chars, i: 0 };
    let mut code = vec![Inst::Save(0), Inst::Nop];
    let mut open: Vec<Open> =
        vec![Open { quant: usize::MAX, alt: 1, jumps: vec![], capture: Some(0), look: None, groups_before: 0 }];
    let (mut groups, mut loops) = (0, 0);
    let mut atom: Option<Atom> = None;
    while let Some(c) = p.peek() {
        // a quantifier applies to the atom just compiled
        if let Some((min, max, greedy)) = p.quantifier() {
            let Some(a) = atom.take() else { return p.err("nothing to repeat") };
            if a.single {
                code.insert(a.at, Inst::RepChar(min, max, greedy));
            } else {
                if a.at + 1 == code.len() {
                    // a backreference: room for the loop in front of it
                    code.insert(a.at, Inst::Nop);
                }
                code[a.at] = Inst::Rep { l: loops, min, max, greedy, exit: code.len() + 1, caps: a.caps };
                code.push(Inst::Next(a.at));
                loops += 1;
            }
            continue;
        }
        p.i += 1;
        let at = code.len();
        match c {
            '(' => {
                let (mut capture, mut look) = (true, None);
                if p.peek() == Some('?') {
                    match p.s.get(p.i + 1).copied() {
                        Some(':') => capture = false,
                        Some('=') => look = Some((false, false)),
                        Some('!') => look = Some((true, false)),
                        Some('<') if matches!(p.s.get(p.i + 2), Some('=') | Some('!')) => {
                            look = Some((p.s.get(p.i + 2) == Some(&'!'), true));
                            p.i += 1;
                        }
                        Some('<') => {
                            // named group: skip the name
                            while matches!(p.peek(), Some(ch) if ch != '>') {
                                p.i += 1;
                            }
                            p.i -= 1;
                        }
                        _ => return p.err("unsupported group"),
                    }
                    p.i += 2;
                }
                code.push(Inst::Nop);
                let groups_before = groups;
                let capture = if capture && look.is_none() {
                    groups += 1;
                    code.push(Inst::Save(2 * groups));
                    Some(groups)
                } else {
                    None
                };
                let look = look.map(|(neg, behind)| {
                    code.push(Inst::Look(neg, behind, 0));
                    code.len() - 1
                });
                code.push(Inst::Nop);
                open.push(Open { quant: at, alt: code.len() - 1, jumps: vec![], capture, look, groups_before });
                atom = None;
                continue;
            }
            '|' => {
                let g = open.last_mut().expect("the pattern's own group");
                g.jumps.push(code.len());
                code.push(Inst::Jmp(0));
                code[g.alt] = Inst::Split(code.len());
                g.alt = code.len();
                code.push(Inst::Nop);
                atom = None;
                continue;
            }
            ')' => {
                if open.len() == 1 {
                    return p.err("unmatched )");
                }
                let g = open.pop().expect("an open group");
                close(&mut code, &g);
                atom = Some(Atom { at: g.quant, single: false, caps: (2 * g.groups_before + 2, 2 * groups + 2) });
                continue;
            }
            '.' => code.push(Inst::Any),
            '^' => code.push(Inst::Start),
            '$' => code.push(Inst::End),
            '[' => code.push(p.class()?),
            '\\' => {
                let Some(e) = p.peek() else { return p.err("trailing backslash") };
                p.i += 1;
                code.push(match e {
                    'd' | 'D' | 'w' | 'W' | 's' | 'S' => Inst::Class(vec![class_escape(e)], false),
                    'b' | 'B' => Inst::WordB(e == 'B'),
                    '1'..='9' => {
                        p.i -= 1;
                        Inst::Backref(p.number().unwrap_or(0))
                    }
                    other => Inst::Char(p.escape_char(other)),
                });
            }
            '*' | '+' | '?' => return p.err("nothing to repeat"),
            other => code.push(Inst::Char(other)),
        };
        let single = matches!(code[at], Inst::Any | Inst::Class(..) | Inst::Char(_));
        // anchors and word boundaries cannot be repeated
        atom = (!matches!(code[at], Inst::Start | Inst::End | Inst::WordB(_))).then_some(Atom {
            at,
            single,
            caps: (0, 0),
        });
    }
    if open.len() > 1 {
        return p.err("unterminated group");
    }
    close(&mut code, &open[0]);
    code.push(Inst::Match);
    Ok((code, groups, loops))
}

/// End a group: its alternatives jump here, then its capture or lookaround ends.
fn close(code: &mut Vec<Inst>, g: &Open) {
    let end = code.len();
    for &j in &g.jumps {
        code[j] = Inst::Jmp(end);
    }
    if let Some(n) = g.capture {
        code.push(Inst::Save(2 * n + 1));
    }
    if let Some(l) = g.look {
        if let Inst::Look(neg, behind, _) = code[l] {
            code[l] = Inst::Look(neg, behind, code.len());
        }
        code.push(Inst::LookEnd);
    }
}

/// A choice point or an undo record on the backtracking stack.
#[derive(Clone, Copy)]
enum Bt {
    /// Resume at (pc, position).
    Alt(u32, u32),
    /// Undo: capture slot, its old value.
    Cap(u32, u32),
    /// Undo: loop, its old count and the old start of its iteration.
    Loop(u32, u32, u32),
    /// Resume iterating the `Rep` at the index, at the position (a lazy loop's choice).
    Iter(u32, u32),
    /// Resume at pc with the position, then the next one towards the last (a repeated character).
    Range(u32, u32, u32),
    /// A lookaround's start: pc after it, position, negative, behind.
    Look(u32, u32, bool, bool),
    /// A lookbehind's next start to try: pc of its body, position.
    Behind(u32, u32),
}

struct M<'r, 'a> {
    re: &'r Regex,
    s: &'a [char],
    caps: Vec<u32>,
    /// Per loop: iterations done, where the current one started.
    loops: Vec<(u32, u32)>,
    stack: Vec<Bt>,
    pc: usize,
    pos: usize,
    steps: u64,
}

fn fold(c: char) -> char {
    crate::support::case::lower_first(c)
}

impl M<'_, '_> {
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

    /// Does the single-character instruction match at `pos`?
    fn single(&self, n: &Inst, pos: usize) -> bool {
        let Some(&c) = self.s.get(pos) else { return false };
        match n {
            Inst::Char(x) => c == *x || (self.re.icase && fold(c) == fold(*x)),
            Inst::Any => !is_line_term(c),
            Inst::Class(items, neg) => self.class_has(items, c) != *neg,
            _ => false,
        }
    }

    fn push(&mut self, b: Bt) {
        self.stack.push(b);
    }

    fn set_cap(&mut self, slot: usize, v: u32) {
        self.push(Bt::Cap(slot as u32, self.caps[slot]));
        self.caps[slot] = v;
    }

    fn set_loop(&mut self, l: usize, v: (u32, u32)) {
        let (count, start) = self.loops[l];
        self.push(Bt::Loop(l as u32, count, start));
        self.loops[l] = v;
    }

    /// At the head of the loop `Rep` at `rep`: iterate, leave, or both in the order wanted.
    fn head(&mut self, rep: usize) {
        let Inst::Rep { l, min, max, greedy, exit, .. } = self.re.code[rep] else { return };
        let count = self.loops[l].0 as usize;
        if count < min {
            self.iterate(rep);
        } else if count >= max {
            self.pc = exit;
        } else if greedy {
            self.push(Bt::Alt(exit as u32, self.pos as u32));
            self.iterate(rep);
        } else {
            self.push(Bt::Iter(rep as u32, self.pos as u32));
            self.pc = exit;
        }
    }

    fn iterate(&mut self, rep: usize) {
        let Inst::Rep { l, caps: (a, b), .. } = self.re.code[rep] else { return };
        self.set_loop(l, (self.loops[l].0, self.pos as u32));
        for slot in a..b {
            if self.caps[slot] != UNSET {
                self.set_cap(slot, UNSET);
            }
        }
        self.pc = rep + 1;
    }

    /// The innermost lookaround's start on the stack.
    fn look(&self) -> usize {
        self.stack.iter().rposition(|b| matches!(b, Bt::Look(..))).unwrap_or(0)
    }

    /// Undo down to the stack's length `to`, dropping the choice points.
    fn unwind(&mut self, to: usize) {
        while self.stack.len() > to {
            match self.stack.pop() {
                Some(Bt::Cap(slot, old)) => self.caps[slot as usize] = old,
                Some(Bt::Loop(l, count, start)) => self.loops[l as usize] = (count, start),
                _ => {}
            }
        }
    }

    /// Resume at the latest choice point; false when there is none.
    fn backtrack(&mut self) -> bool {
        while let Some(b) = self.stack.pop() {
            self.steps = self.steps.saturating_sub(1);
            match b {
                Bt::Alt(pc, pos) => {
                    (self.pc, self.pos) = (pc as usize, pos as usize);
                    return true;
                }
                Bt::Cap(slot, old) => self.caps[slot as usize] = old,
                Bt::Loop(l, count, start) => self.loops[l as usize] = (count, start),
                Bt::Iter(rep, pos) => {
                    self.pos = pos as usize;
                    self.iterate(rep as usize);
                    return true;
                }
                Bt::Range(pc, pos, last) => {
                    if pos != last {
                        let next = if pos < last { pos + 1 } else { pos - 1 };
                        self.push(Bt::Range(pc, next, last));
                    }
                    (self.pc, self.pos) = (pc as usize, pos as usize);
                    return true;
                }
                Bt::Behind(pc, pos) => {
                    if pos > 0 {
                        self.push(Bt::Behind(pc, pos - 1));
                    }
                    (self.pc, self.pos) = (pc as usize, pos as usize);
                    return true;
                }
                // the body of a negative lookaround failed: it matches
                Bt::Look(pc, pos, true, _) => {
                    (self.pc, self.pos) = (pc as usize, pos as usize);
                    return true;
                }
                Bt::Look(..) => {}
            }
        }
        false
    }

    /// Run from (pc, pos) to a match (true), to no match (false), or out of budget (Err).
    fn run(&mut self) -> Result<bool, ()> {
        loop {
            if self.steps == 0 || self.stack.len() > STACK_LIMIT {
                return Err(());
            }
            self.steps -= 1;
            let (pc, pos) = (self.pc, self.pos);
            let inst = &self.re.code[pc];
            self.pc = pc + 1;
            let ok = match inst {
                Inst::Char(_) | Inst::Any | Inst::Class(..) => {
                    self.pos = pos + 1;
                    self.single(inst, pos)
                }
                Inst::Start => pos == 0 || (self.re.multiline && is_line_term(self.s[pos - 1])),
                Inst::End => pos == self.s.len() || (self.re.multiline && is_line_term(self.s[pos])),
                Inst::WordB(neg) => {
                    let a = pos > 0 && is_word(self.s[pos - 1]);
                    let b = pos < self.s.len() && is_word(self.s[pos]);
                    (a != b) != *neg
                }
                Inst::Nop => true,
                Inst::Split(alt) => {
                    self.push(Bt::Alt(*alt as u32, pos as u32));
                    true
                }
                Inst::Jmp(t) => {
                    self.pc = *t;
                    true
                }
                Inst::Save(slot) => {
                    self.set_cap(*slot, pos as u32);
                    true
                }
                Inst::Backref(i) => {
                    let (s, e) = (self.caps.get(2 * i).copied(), self.caps.get(2 * i + 1).copied());
                    match (s, e) {
                        (Some(s), Some(e)) if s != UNSET && e != UNSET && s <= e => {
                            let (s, len) = (s as usize, (e - s) as usize);
                            self.pos = pos + len;
                            pos + len <= self.s.len()
                                && (0..len).all(|j| {
                                    let (a, b) = (self.s[s + j], self.s[pos + j]);
                                    a == b || (self.re.icase && fold(a) == fold(b))
                                })
                        }
                        _ => true,
                    }
                }
                Inst::RepChar(min, max, greedy) => {
                    let one = &self.re.code[pc + 1];
                    let mut n = 0;
                    while n < *max && self.single(one, pos + n) {
                        n += 1;
                    }
                    self.steps = self.steps.saturating_sub(n as u64 / 4);
                    self.pc = pc + 2;
                    let (first, last) = if *greedy { (pos + n, pos + min) } else { (pos + min, pos + n) };
                    if n > *min {
                        let next = if *greedy { first - 1 } else { first + 1 };
                        self.push(Bt::Range(self.pc as u32, next as u32, last as u32));
                    }
                    self.pos = first;
                    n >= *min
                }
                Inst::Rep { l, .. } => {
                    self.set_loop(*l, (0, UNSET));
                    self.head(pc);
                    true
                }
                Inst::Next(rep) => {
                    let rep = *rep;
                    let Inst::Rep { l, min, .. } = self.re.code[rep] else { return Err(()) };
                    let (count, start) = self.loops[l];
                    // an iteration that matched nothing ends the loop (once the minimum is met)
                    if count as usize >= min && start as usize == pos {
                        false
                    } else {
                        self.set_loop(l, (count + 1, start));
                        self.head(rep);
                        true
                    }
                }
                Inst::Look(neg, behind, end) => {
                    self.push(Bt::Look(*end as u32 + 1, pos as u32, *neg, *behind));
                    if *behind && pos > 0 {
                        // starts tried from `pos` down: the body must end at `pos`
                        self.push(Bt::Behind(pc as u32 + 1, pos as u32 - 1));
                    }
                    true
                }
                Inst::LookEnd => {
                    let at = self.look();
                    let Bt::Look(after, start, neg, behind) = self.stack[at] else { return Err(()) };
                    if behind && pos != start as usize {
                        false
                    } else if neg {
                        // the body matched: the negative lookaround fails
                        self.unwind(at);
                        false
                    } else {
                        // matched: keep the undo records of the body, drop its choice points
                        let mut w = at;
                        for r in at + 1..self.stack.len() {
                            if matches!(self.stack[r], Bt::Cap(..) | Bt::Loop(..)) {
                                self.stack[w] = self.stack[r];
                                w += 1;
                            }
                        }
                        self.stack.truncate(w);
                        (self.pc, self.pos) = (after as usize, start as usize);
                        true
                    }
                }
                Inst::Match => return Ok(true),
            };
            if !ok && !self.backtrack() {
                return Ok(false);
            }
        }
    }
}

impl Regex {
    pub fn new(pattern: &str, flags: &str) -> Result<Regex, RegexError> {
        let chars: Vec<char> = pattern.chars().collect();
        let (code, groups, loops) = compile(&chars)?;
        Ok(Regex {
            code,
            groups,
            loops,
            icase: flags.contains('i'),
            multiline: flags.contains('m'),
            source: pattern.to_string(),
        })
    }

    /// First match at or after `start` (char index). `Err` when the step budget is exhausted.
    pub fn find_at(&self, s: &[char], start: usize) -> Result<Option<Match>, RegexError> {
        self.search(s, start, &mut STEP_LIMIT.clone())
    }

    /// [`Regex::find_at`] within `budget` steps (instructions, backtracks, and a step per
    /// eight capture slots reset at each start position), which it decreases.
    pub fn search(&self, s: &[char], start: usize, budget: &mut u64) -> Result<Option<Match>, RegexError> {
        let mut m = M {
            re: self,
            s,
            caps: vec![],
            loops: vec![(0, UNSET); self.loops],
            stack: vec![],
            pc: 0,
            pos: 0,
            steps: *budget,
        };
        for st in start..=s.len() {
            m.caps.clear();
            m.caps.resize(2 * self.groups + 2, UNSET);
            m.stack.clear();
            (m.pc, m.pos) = (0, st);
            m.steps = m.steps.saturating_sub(self.groups as u64 / 8);
            let r = m.run();
            *budget = m.steps;
            match r {
                Err(()) => return Err(RegexError("regular expression too complex".into())),
                Ok(true) => {
                    let span = |i: usize| {
                        let (a, b) = (m.caps[2 * i], m.caps[2 * i + 1]);
                        (a != UNSET && b != UNSET).then_some((a as usize, b as usize))
                    };
                    let (a, b) = span(0).unwrap_or((st, st));
                    return Ok(Some(Match { start: a, end: b, groups: (1..=self.groups).map(span).collect() }));
                }
                Ok(false) => {}
            }
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
    fn groups(p: &str, s: &str) -> Vec<Option<String>> {
        let r = Regex::new(p, "").unwrap();
        let c: Vec<char> = s.chars().collect();
        let m = r.find_at(&c, 0).unwrap().unwrap();
        m.groups.iter().map(|g| g.map(|(a, b)| c[a..b].iter().collect())).collect()
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
        assert_eq!(find("(?:a|bc){2}d", "", "xbcad"), Some((1, 5)));
        assert_eq!(find("(a{1,2}?)(a*)", "", "aaa"), Some((0, 3)));
        assert_eq!(find("(?:x?)*y", "", "xxy"), Some((0, 3)));
        assert_eq!(find("a{,2}", "", "a{,2}"), Some((0, 5)));
        assert_eq!(find("(?:(?=(a))a)+b", "", "aab"), Some((0, 3)));
        assert_eq!(find("\\1*(a)", "", "a"), Some((0, 1)));
        assert_eq!(find("(a)\\1{2}", "", "aaaa"), Some((0, 3)));
    }
    #[test]
    fn captures_as_javascript() {
        // a group's capture is cleared at each iteration of the loop it is in
        assert_eq!(groups("(?:(a)|b)+", "ab"), vec![None]);
        assert_eq!(groups("(a)|(b)", "b"), vec![None, Some("b".into())]);
        // lookahead captures stay, a negative lookaround's do not
        assert_eq!(groups("(?=(\\d+))\\d", "123"), vec![Some("123".into())]);
        assert_eq!(groups("(?!(x))a", "a"), vec![None]);
        assert_eq!(groups("(a*)+b", "aab"), vec![Some("aa".into())]);
    }
    #[test]
    fn errors() {
        for p in ["(", "a)", "*a", "a**", "[a", "\\", "(?x)", "[z-a]"] {
            assert!(Regex::new(p, "").is_err(), "{p}");
        }
    }
    #[test]
    fn no_hang() {
        let r = Regex::new("(a*)*b", "").unwrap();
        let c: Vec<char> = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".chars().collect();
        assert!(r.find_at(&c, 0).is_err() || r.find_at(&c, 0).unwrap().is_none());
    }
    #[test]
    fn deep_and_long_without_recursion() {
        // nesting and length cost heap, not stack (run on a small stack to show it)
        std::thread::Builder::new()
            .stack_size(64 << 10)
            .spawn(|| {
                let n = 50_000;
                let p = format!("{}a{}", "(".repeat(n), ")".repeat(n));
                assert_eq!(find(&p, "", "xa"), Some((1, 2)));
                let p = format!("{}a{}", "(?:".repeat(n), ")*".repeat(n));
                assert!(Regex::new(&p, "").is_ok());
                let s = "ab".repeat(100_000);
                assert_eq!(find("(ab)*$", "", &s), Some((0, 200_000)));
                assert_eq!(find(&"a".repeat(100_000), "", &s.replace('b', "a")), Some((0, 100_000)));
            })
            .unwrap()
            .join()
            .unwrap();
    }
}
