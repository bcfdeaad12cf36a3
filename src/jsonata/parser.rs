//! Tokenizer and Pratt parser producing a raw tree, then `process` turning it into the
//! evaluator's tree (paths, stages, group-by, parent slots, tail calls), as jsonata-js does.

use std::cell::Cell;
use std::rc::Rc;

use super::ast::*;
use super::error::{make, Detail, Error};
use super::regex::Regex;
use super::signature::Signature;

// ---------------------------------------------------------------- tokens

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Var(String),
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Regex(String, String),
    /// An operator: see [`LONG_OPS`].
    Op(char),
    End,
}

const OPS1: &str = ".[]{}(),@#;:?+-*/%|=<>^&!~";

/// Operators longer than a character, by the character that stands for them in tokens and
/// in the raw tree (single-character operators stand for themselves).
const RANGE: char = 'R';
const ASSIGN: char = 'A';
const NE: char = 'N';
const GE: char = 'G';
const LE: char = 'L';
const DESC: char = 'D';
const APPLY: char = 'C';
const ELVIS: char = 'E';
const COALESCE: char = 'Q';
const AND: char = 'a';
const OR: char = 'o';
const IN: char = 'i';
const LONG_OPS: [(char, &str); 12] = [
    (RANGE, ".."),
    (ASSIGN, ":="),
    (NE, "!="),
    (GE, ">="),
    (LE, "<="),
    (DESC, "**"),
    (APPLY, "~>"),
    (ELVIS, "?:"),
    (COALESCE, "??"),
    (AND, "and"),
    (OR, "or"),
    (IN, "in"),
];

/// An operator's text (for messages).
fn op_text(o: char) -> String {
    LONG_OPS.iter().find(|(c, _)| *c == o).map(|(_, t)| t.to_string()).unwrap_or_else(|| o.to_string())
}

struct Lexer {
    src: Vec<char>,
    pos: usize,
}

impl Lexer {
    fn ch(&self, i: usize) -> char {
        self.src.get(i).copied().unwrap_or('\0')
    }

    fn next(&mut self, infix: bool) -> Result<(Tok, usize), Error> {
        let len = self.src.len();
        loop {
            while self.pos < len && matches!(self.src[self.pos], ' ' | '\t' | '\n' | '\r' | '\u{b}') {
                self.pos += 1;
            }
            if self.ch(self.pos) == '/' && self.ch(self.pos + 1) == '*' {
                let start = self.pos;
                self.pos += 2;
                loop {
                    if self.pos + 1 >= len {
                        return Err(Error::at("S0106", start));
                    }
                    if self.src[self.pos] == '*' && self.src[self.pos + 1] == '/' {
                        self.pos += 2;
                        break;
                    }
                    self.pos += 1;
                }
                continue;
            }
            break;
        }
        if self.pos >= len {
            return Ok((Tok::End, len));
        }
        let c = self.src[self.pos];
        if !infix && c == '/' {
            self.pos += 1;
            return self.regex();
        }
        let c2 = self.ch(self.pos + 1);
        let two: Option<char> = match (c, c2) {
            ('.', '.') => Some(RANGE),
            (':', '=') => Some(ASSIGN),
            ('!', '=') => Some(NE),
            ('>', '=') => Some(GE),
            ('<', '=') => Some(LE),
            ('*', '*') => Some(DESC),
            ('~', '>') => Some(APPLY),
            ('?', ':') => Some(ELVIS),
            ('?', '?') => Some(COALESCE),
            _ => None,
        };
        if let Some(op) = two {
            self.pos += 2;
            return Ok((Tok::Op(op), self.pos));
        }
        if OPS1.contains(c) {
            self.pos += 1;
            return Ok((Tok::Op(c), self.pos));
        }
        if c == '"' || c == '\'' {
            self.pos += 1;
            let mut s = String::new();
            while self.pos < len {
                let ch = self.src[self.pos];
                if ch == '\\' {
                    self.pos += 1;
                    let e = self.ch(self.pos);
                    match e {
                        '"' => s.push('"'),
                        '\\' => s.push('\\'),
                        '/' => s.push('/'),
                        'b' => s.push('\u{8}'),
                        'f' => s.push('\u{c}'),
                        'n' => s.push('\n'),
                        'r' => s.push('\r'),
                        't' => s.push('\t'),
                        'u' => {
                            let hex: String = self.src.iter().skip(self.pos + 1).take(4).collect();
                            if hex.len() == 4 && hex.chars().all(|h| h.is_ascii_hexdigit()) {
                                let cp = u32::from_str_radix(&hex, 16).unwrap_or(0xfffd);
                                self.pos += 4;
                                // combine a surrogate pair if one follows
                                if (0xd800..0xdc00).contains(&cp)
                                    && self.ch(self.pos + 1) == '\\'
                                    && self.ch(self.pos + 2) == 'u'
                                {
                                    let hex2: String = self.src.iter().skip(self.pos + 3).take(4).collect();
                                    if let Ok(lo) = u32::from_str_radix(&hex2, 16) {
                                        if (0xdc00..0xe000).contains(&lo) {
                                            let full = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                                            s.push(char::from_u32(full).unwrap_or('\u{fffd}'));
                                            self.pos += 6;
                                            self.pos += 1;
                                            continue;
                                        }
                                    }
                                }
                                s.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                            } else {
                                return Err(Error::at("S0104", self.pos));
                            }
                        }
                        _ => return Err(Error::tok("S0103", self.pos, &e.to_string())),
                    }
                } else if ch == c {
                    self.pos += 1;
                    return Ok((Tok::Str(s), self.pos));
                } else {
                    s.push(ch);
                }
                self.pos += 1;
            }
            return Err(Error::at("S0101", self.pos));
        }
        if c.is_ascii_digit() {
            let start = self.pos;
            let mut i = self.pos;
            if self.ch(i) == '0' {
                i += 1;
            } else {
                while self.ch(i).is_ascii_digit() {
                    i += 1;
                }
            }
            if self.ch(i) == '.' && self.ch(i + 1).is_ascii_digit() {
                i += 1;
                while self.ch(i).is_ascii_digit() {
                    i += 1;
                }
            }
            if matches!(self.ch(i), 'e' | 'E') {
                let mut j = i + 1;
                if matches!(self.ch(j), '+' | '-') {
                    j += 1;
                }
                if self.ch(j).is_ascii_digit() {
                    while self.ch(j).is_ascii_digit() {
                        j += 1;
                    }
                    i = j;
                }
            }
            let text: String = self.src[start..i].iter().collect();
            let n = crate::value::num::parse_f64(&text).unwrap_or(f64::NAN);
            if n.is_finite() {
                self.pos = i;
                return Ok((Tok::Num(n), self.pos));
            }
            return Err(Error::tok("S0102", self.pos, &text));
        }
        if c == '`' {
            self.pos += 1;
            let start = self.pos;
            while self.pos < len && self.src[self.pos] != '`' {
                self.pos += 1;
            }
            if self.pos >= len {
                return Err(Error::at("S0105", len));
            }
            let name: String = self.src[start..self.pos].iter().collect();
            self.pos += 1;
            return Ok((Tok::Name(name), self.pos));
        }
        let start = self.pos;
        let mut i = self.pos;
        while i < len && !matches!(self.src[i], ' ' | '\t' | '\n' | '\r' | '\u{b}') && !OPS1.contains(self.src[i]) {
            i += 1;
        }
        self.pos = i;
        if c == '$' {
            let name: String = self.src[start + 1..i].iter().collect();
            return Ok((Tok::Var(name), i));
        }
        let name: String = self.src[start..i].iter().collect();
        Ok((
            match name.as_str() {
                "and" => Tok::Op(AND),
                "or" => Tok::Op(OR),
                "in" => Tok::Op(IN),
                "true" => Tok::Bool(true),
                "false" => Tok::Bool(false),
                "null" => Tok::Null,
                _ => Tok::Name(name),
            },
            i,
        ))
    }

    fn regex(&mut self) -> Result<(Tok, usize), Error> {
        let start = self.pos;
        let mut depth: i32 = 0;
        let len = self.src.len();
        while self.pos < len {
            let c = self.src[self.pos];
            if c == '/' && depth == 0 {
                let mut bs = 0;
                while self.pos > bs && self.src[self.pos - bs - 1] == '\\' {
                    bs += 1;
                }
                if bs % 2 == 0 {
                    let pattern: String = self.src[start..self.pos].iter().collect();
                    if pattern.is_empty() {
                        return Err(Error::at("S0301", self.pos));
                    }
                    self.pos += 1;
                    let fstart = self.pos;
                    while matches!(self.ch(self.pos), 'i' | 'm') {
                        self.pos += 1;
                    }
                    let flags: String = self.src[fstart..self.pos].iter().collect();
                    return Ok((Tok::Regex(pattern, flags), self.pos));
                }
            }
            let prev = if self.pos > 0 { self.src[self.pos - 1] } else { '\0' };
            if matches!(c, '(' | '[' | '{') && prev != '\\' {
                depth += 1;
            }
            if matches!(c, ')' | ']' | '}') && prev != '\\' {
                depth -= 1;
            }
            self.pos += 1;
        }
        Err(Error::at("S0302", self.pos))
    }
}

// ---------------------------------------------------------------- raw tree

#[derive(Debug)]
enum R {
    Name(String),
    Var(String),
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Regex(Rc<Regex>),
    Wildcard,
    Descendant,
    Parent,
    /// `and`/`or`/`in` in operand position, or `?` placeholder
    Op(char),
    Bin(char, Box<P>, Box<P>),
    Group(Box<P>, Vec<(P, P)>),
    Sort(Box<P>, Vec<(bool, P)>),
    Neg(Box<P>),
    Array(Vec<P>),
    Object(Vec<(P, P)>),
    Call(Box<P>, Vec<P>, bool),
    Lambda(Vec<P>, Option<Rc<Signature>>, Box<P>),
    Cond(Box<P>, Box<P>, Option<Box<P>>),
    Coalesce(Box<P>, Box<P>),
    Elvis(Box<P>, Box<P>),
    Block(Vec<P>),
    Transform(Box<P>, Box<P>, Option<Box<P>>),
    End,
}

#[derive(Debug)]
struct P {
    r: R,
    pos: usize,
    keep_array: bool,
}

fn p(r: R, pos: usize) -> P {
    P { r, pos, keep_array: false }
}

/// Detach the left operand of a node that processes its left operand first: the left spine
/// of an operator chain (`1+1+...`, `a.b.c...`, `f()()...`), which the Pratt loop builds
/// without nesting and which can be as long as the expression.
fn take_left(r: &mut R) -> Option<P> {
    let l = match r {
        R::Bin(o, l, _) if *o != ASSIGN => l,
        R::Group(l, _) | R::Sort(l, _) | R::Call(l, ..) | R::Cond(l, ..) | R::Elvis(l, _) | R::Coalesce(l, _) => l,
        _ => return None,
    };
    Some(std::mem::replace(&mut **l, p(R::End, 0)))
}

impl Drop for P {
    /// A long left spine is unlinked in a loop rather than dropped recursively.
    fn drop(&mut self) {
        let mut next = take_left(&mut self.r);
        while let Some(mut n) = next {
            next = take_left(&mut n.r);
        }
    }
}

/// Deepest syntactic nesting accepted (parentheses, arrays, objects, calls, conditions, ...;
/// chains of left-associative operators do not nest). Processing a level takes 2.9 KB of the
/// wasm build's 1 MiB stack (it traps from 317 levels when unbounded) and, once V8 has
/// optimised the processor, about 3.9 KB of the JS stack (a Node worker of 0.5 MB overflows
/// from 76 levels; Chromium's Web Worker has about a third more), 4 KB natively. 50 keeps
/// half of that free; no expression of the JSONata suite or of the AWS corpus nests more
/// than 24 deep. (Its message says the number.)
const MAX_NESTING: usize = 50;

struct Parser {
    lx: Lexer,
    tok: Tok,
    pos: usize,
    depth: usize,
}

fn lbp(t: &Tok) -> u32 {
    match t {
        Tok::Op(o) => match *o {
            '.' => 75,
            '[' | '(' | '@' | '#' => 80,
            '{' => 70,
            '?' => 20,
            '+' | '-' | '&' => 50,
            '*' | '/' | '%' => 60,
            '=' | '<' | '>' | '^' | NE | LE | GE | APPLY | ELVIS | COALESCE | IN => 40,
            ASSIGN => 10,
            AND => 30,
            OR => 25,
            _ => 0,
        },
        _ => 0,
    }
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::Name(s) | Tok::Str(s) => s.clone(),
        Tok::Var(s) => format!("${}", s),
        Tok::Num(n) => super::value::js_num_str(*n),
        Tok::Bool(b) => b.to_string(),
        Tok::Null => "null".into(),
        Tok::Regex(p, _) => p.clone(),
        Tok::Op(o) => op_text(*o),
        Tok::End => "(end)".into(),
    }
}

impl Parser {
    fn advance(&mut self, infix: bool) -> Result<(), Error> {
        let (t, pos) = self.lx.next(infix)?;
        if matches!(t, Tok::Op('!') | Tok::Op('~')) {
            return Err(Error::tok("S0204", pos, &tok_text(&t)));
        }
        self.tok = t;
        self.pos = pos;
        Ok(())
    }
    fn is_op(&self, o: char) -> bool {
        matches!(&self.tok, Tok::Op(x) if *x == o)
    }
    fn expect(&mut self, o: char, infix: bool) -> Result<(), Error> {
        if !self.is_op(o) {
            let code = if self.tok == Tok::End { "S0203" } else { "S0202" };
            return Err(make(
                code,
                Some(self.pos),
                &Detail { token: Some(tok_text(&self.tok)), value: Some(op_text(o)), ..Default::default() },
            ));
        }
        self.advance(infix)
    }

    fn expression(&mut self, rbp: u32) -> Result<P, Error> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            // jsonata-js's parser overflows its stack here
            let m = "Stack overflow error: the expression nests more than 50 levels deep";
            return Err(Error::new("U1001", m, Some(self.pos)));
        }
        let t = std::mem::replace(&mut self.tok, Tok::End);
        let pos = self.pos;
        self.advance(true)?;
        let mut left = self.nud(t, pos)?;
        while rbp < lbp(&self.tok) {
            let t = std::mem::replace(&mut self.tok, Tok::End);
            let pos = self.pos;
            self.advance(false)?;
            left = self.led(t, pos, left)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    fn nud(&mut self, t: Tok, pos: usize) -> Result<P, Error> {
        Ok(match t {
            Tok::Name(n) => p(R::Name(n), pos),
            Tok::Var(n) => p(R::Var(n), pos),
            Tok::Str(s) => p(R::Str(s), pos),
            Tok::Num(n) => p(R::Num(n), pos),
            Tok::Bool(b) => p(R::Bool(b), pos),
            Tok::Null => p(R::Null, pos),
            Tok::Regex(pat, flags) => {
                let re = Regex::new(&pat, &flags).map_err(|_| Error::at("S0302", pos))?;
                p(R::Regex(Rc::new(re)), pos)
            }
            Tok::End => p(R::End, pos),
            Tok::Op(o) => match o {
                AND | OR | IN => p(R::Op(o), pos),
                '-' => {
                    let e = self.expression(70)?;
                    p(R::Neg(Box::new(e)), pos)
                }
                '*' => p(R::Wildcard, pos),
                DESC => p(R::Descendant, pos),
                '%' => p(R::Parent, pos),
                '(' => {
                    let mut exprs = Vec::new();
                    while !self.is_op(')') {
                        exprs.push(self.expression(0)?);
                        if !self.is_op(';') {
                            break;
                        }
                        self.advance(false)?;
                    }
                    self.expect(')', true)?;
                    p(R::Block(exprs), pos)
                }
                '[' => {
                    let mut items = Vec::new();
                    if !self.is_op(']') {
                        loop {
                            let mut item = self.expression(0)?;
                            if self.is_op(RANGE) {
                                let rpos = self.pos;
                                self.advance(false)?;
                                let rhs = self.expression(0)?;
                                item = p(R::Bin(RANGE, Box::new(item), Box::new(rhs)), rpos);
                            }
                            items.push(item);
                            if !self.is_op(',') {
                                break;
                            }
                            self.advance(false)?;
                        }
                    }
                    self.expect(']', true)?;
                    p(R::Array(items), pos)
                }
                '{' => {
                    let pairs = self.object_pairs()?;
                    p(R::Object(pairs), pos)
                }
                '|' => {
                    let pattern = self.expression(0)?;
                    self.expect('|', false)?;
                    let update = self.expression(0)?;
                    let mut delete = None;
                    if self.is_op(',') {
                        self.advance(false)?;
                        delete = Some(Box::new(self.expression(0)?));
                    }
                    self.expect('|', true)?;
                    p(R::Transform(Box::new(pattern), Box::new(update), delete), pos)
                }
                _ => return Err(Error::tok("S0211", pos, &op_text(o))),
            },
        })
    }

    fn object_pairs(&mut self) -> Result<Vec<(P, P)>, Error> {
        let mut pairs = Vec::new();
        if !self.is_op('}') {
            loop {
                let k = self.expression(0)?;
                self.expect(':', false)?;
                let v = self.expression(0)?;
                pairs.push((k, v));
                if !self.is_op(',') {
                    break;
                }
                self.advance(false)?;
            }
        }
        self.expect('}', true)?;
        Ok(pairs)
    }

    fn led(&mut self, t: Tok, pos: usize, left: P) -> Result<P, Error> {
        let o = match t {
            Tok::Op(o) => o,
            other => return Err(Error::tok("S0201", pos, &tok_text(&other))),
        };
        Ok(match o {
            '.' | '+' | '-' | '*' | '/' | '%' | '=' | '<' | '>' | NE | LE | GE | '&' | AND | OR | IN | APPLY => {
                let rhs = self.expression(lbp(&Tok::Op(o)))?;
                p(R::Bin(o, Box::new(left), Box::new(rhs)), pos)
            }
            ASSIGN => {
                if !matches!(left.r, R::Var(_)) {
                    return Err(Error::tok("S0212", left.pos, ""));
                }
                let rhs = self.expression(9)?;
                p(R::Bin(ASSIGN, Box::new(left), Box::new(rhs)), pos)
            }
            '@' | '#' => {
                let rhs = self.expression(80)?;
                if !matches!(rhs.r, R::Var(_)) {
                    return Err(Error::tok("S0214", rhs.pos, &op_text(o)));
                }
                p(R::Bin(o, Box::new(left), Box::new(rhs)), pos)
            }
            '?' => {
                let then = self.expression(0)?;
                let mut els = None;
                if self.is_op(':') {
                    self.advance(false)?;
                    els = Some(Box::new(self.expression(0)?));
                }
                p(R::Cond(Box::new(left), Box::new(then), els), pos)
            }
            ELVIS => {
                let rhs = self.expression(0)?;
                // elvis: condition with the lhs as both test and result
                p(R::Elvis(Box::new(left), Box::new(rhs)), pos)
            }
            COALESCE => {
                let rhs = self.expression(0)?;
                p(R::Coalesce(Box::new(left), Box::new(rhs)), pos)
            }
            '[' => {
                if self.is_op(']') {
                    let mut left = left;
                    {
                        let mut step = &mut left;
                        while let R::Bin('[', ref mut l, _) = step.r {
                            step = l;
                        }
                        step.keep_array = true;
                    }
                    self.advance(true)?;
                    left
                } else {
                    let rhs = self.expression(0)?;
                    self.expect(']', true)?;
                    p(R::Bin('[', Box::new(left), Box::new(rhs)), pos)
                }
            }
            '{' => {
                let pairs = self.object_pairs()?;
                p(R::Group(Box::new(left), pairs), pos)
            }
            '^' => {
                self.expect('(', false)?;
                let mut terms = Vec::new();
                loop {
                    let mut desc = false;
                    if self.is_op('<') {
                        self.advance(false)?;
                    } else if self.is_op('>') {
                        desc = true;
                        self.advance(false)?;
                    }
                    terms.push((desc, self.expression(0)?));
                    if !self.is_op(',') {
                        break;
                    }
                    self.advance(false)?;
                }
                self.expect(')', true)?;
                p(R::Sort(Box::new(left), terms), pos)
            }
            '(' => {
                let mut args = Vec::new();
                let mut partial = false;
                if !self.is_op(')') {
                    loop {
                        if self.is_op('?') {
                            partial = true;
                            args.push(p(R::Op('?'), self.pos));
                            self.advance(true)?;
                        } else {
                            args.push(self.expression(0)?);
                        }
                        if !self.is_op(',') {
                            break;
                        }
                        self.advance(false)?;
                    }
                }
                self.expect(')', true)?;
                if let R::Name(n) = &left.r {
                    if n == "function" || n == "λ" {
                        for (i, a) in args.iter().enumerate() {
                            if !matches!(a.r, R::Var(_)) {
                                return Err(make(
                                    "S0208",
                                    Some(a.pos),
                                    &Detail { value: Some((i + 1).to_string()), ..Default::default() },
                                ));
                            }
                        }
                        let mut sig = None;
                        if self.is_op('<') {
                            // read the signature text raw from the source up to the matching '>'
                            let start = self.lx.pos - 1;
                            let mut depth = 0;
                            let mut i = start;
                            let src = &self.lx.src;
                            while i < src.len() {
                                match src[i] {
                                    '<' => depth += 1,
                                    '>' => {
                                        depth -= 1;
                                        if depth == 0 {
                                            break;
                                        }
                                    }
                                    '{' => break,
                                    _ => {}
                                }
                                i += 1;
                            }
                            if i >= src.len() || src[i] != '>' {
                                return Err(Error::tok("S0202", self.pos, "<"));
                            }
                            let text: String = src[start..=i].iter().collect();
                            sig = Some(Rc::new(Signature::parse(&text).map_err(|e| e.with_pos(start))?));
                            self.lx.pos = i + 1;
                            self.advance(false)?;
                        }
                        self.expect('{', false)?;
                        let body = self.expression(0)?;
                        self.expect('}', true)?;
                        return Ok(p(R::Lambda(args, sig, Box::new(body)), pos));
                    }
                }
                p(R::Call(Box::new(left), args, partial), pos)
            }
            _ => return Err(Error::tok("S0201", pos, &op_text(o))),
        })
    }
}

/// Parse a JSONata expression into the evaluator's tree.
pub fn parse_node(src: &str) -> Result<Node, Error> {
    let mut ps = Parser { lx: Lexer { src: src.chars().collect(), pos: 0 }, tok: Tok::End, pos: 0, depth: 0 };
    ps.advance(false)?;
    let raw = ps.expression(0)?;
    if ps.tok != Tok::End {
        return Err(Error::tok("S0201", ps.pos, &tok_text(&ps.tok)));
    }
    let mut pr = Processor { slots: Vec::new(), label: 0 };
    let node = pr.process(raw)?;
    if matches!(node.kind, Kind::Parent(_)) || !node.seeking_parent.is_empty() {
        return Err(Error::tok("S0217", node.pos, node.type_name()));
    }
    Ok(node)
}

// ---------------------------------------------------------------- processing

struct Processor {
    slots: Vec<Rc<Slot>>,
    label: usize,
}

fn push_ancestry(result: &mut Node, value: &Node) {
    result.seeking_parent.extend(value.seeking_parent.iter().cloned());
    if let Kind::Parent(s) = &value.kind {
        result.seeking_parent.push(s.clone());
    }
}

impl Processor {
    fn seek_parent(&self, node: &mut Node, slot: Rc<Slot>) -> Result<Rc<Slot>, Error> {
        match &mut node.kind {
            Kind::Name(_) | Kind::Wildcard => {
                slot.level.set(slot.level.get() - 1);
                if slot.level.get() == 0 {
                    if let Some(anc) = &node.ancestor {
                        self.slots[slot.index].label.set(anc.label.get());
                    }
                    node.ancestor = Some(slot.clone());
                    node.tuple = true;
                }
            }
            Kind::Parent(_) => {
                slot.level.set(slot.level.get() + 1);
            }
            Kind::Block(exprs) => {
                if let Some(last) = exprs.last_mut() {
                    node.tuple = true;
                    return self.seek_parent(last, slot);
                }
            }
            Kind::Path(steps) => {
                node.tuple = true;
                let mut idx = steps.len() as isize - 1;
                let mut slot = self.seek_parent(&mut steps[idx as usize], slot)?;
                idx -= 1;
                while slot.level.get() > 0 && idx >= 0 {
                    slot = self.seek_parent(&mut steps[idx as usize], slot)?;
                    idx -= 1;
                }
                return Ok(slot);
            }
            _ => return Err(Error::tok("S0217", node.pos, node.type_name())),
        }
        Ok(slot)
    }

    fn resolve_ancestry(&self, path: &mut Node) -> Result<(), Error> {
        let Kind::Path(steps) = &mut path.kind else { return Ok(()) };
        let last = steps.len() - 1;
        let mut slots: Vec<Rc<Slot>> = steps[last].seeking_parent.clone();
        if let Kind::Parent(s) = &steps[last].kind {
            slots.push(s.clone());
        }
        let mut up = Vec::new();
        for slot in slots {
            let mut slot = slot;
            let mut index = steps.len() as isize - 2;
            while slot.level.get() > 0 {
                if index < 0 {
                    up.push(slot.clone());
                    break;
                }
                let mut si = index as usize;
                index -= 1;
                while index >= 0 && steps[si].focus.is_some() && steps[index as usize].focus.is_some() {
                    si = index as usize;
                    index -= 1;
                }
                slot = self.seek_parent(&mut steps[si], slot)?;
            }
        }
        path.seeking_parent.extend(up);
        Ok(())
    }

    fn new_slot(&mut self) -> Rc<Slot> {
        let s = Rc::new(Slot { label: Cell::new(self.label), level: Cell::new(1), index: self.slots.len() });
        self.label += 1;
        self.slots.push(s.clone());
        s
    }

    /// Process a raw tree. The left spine (see [`take_left`]) is walked in a loop, so only
    /// the other operands, whose nesting the parser bounds, recurse.
    fn process(&mut self, mut e: P) -> Result<Node, Error> {
        let mut spine = Vec::new();
        while let Some(left) = take_left(&mut e.r) {
            spine.push(e);
            e = left;
        }
        let mut done = self.process_one(e, None)?;
        while let Some(parent) = spine.pop() {
            done = self.process_one(parent, Some(done))?;
        }
        Ok(done)
    }

    /// The left operand: already processed (`done`) when it was on the spine.
    #[allow(clippy::boxed_local)] // the operand comes boxed out of the raw tree
    fn lhs(&mut self, l: Box<P>, done: &mut Option<Node>) -> Result<Node, Error> {
        match done.take() {
            Some(n) => Ok(n),
            None => self.process(*l),
        }
    }

    fn process_one(&mut self, mut e: P, mut done: Option<Node>) -> Result<Node, Error> {
        let keep = e.keep_array;
        let pos = e.pos;
        let mut result = match std::mem::replace(&mut e.r, R::End) {
            R::Bin('.', l, r) => {
                let lstep = self.lhs(l, &mut done)?;
                // steps not checked yet: all when the left side was not a path; else the
                // last one or two (a sort or a binding may have changed them since)
                let mut checked = 0;
                let mut result = if let Kind::Path(steps) = &lstep.kind {
                    checked = steps.len().saturating_sub(2);
                    lstep
                } else {
                    let mut n = Node::new(Kind::Path(vec![]), pos);
                    if let Kind::Parent(s) = &lstep.kind {
                        n.seeking_parent = vec![s.clone()];
                    }
                    if let Kind::Path(steps) = &mut n.kind {
                        steps.push(lstep);
                    }
                    n
                };
                let mut rest = self.process(*r)?;
                if let Kind::Path(steps) = &mut result.kind {
                    if let Kind::Path(rsteps) = &mut rest.kind {
                        steps.append(rsteps);
                    } else {
                        if !rest.predicate.is_empty() {
                            let preds = std::mem::take(&mut rest.predicate);
                            rest.stages = preds.into_iter().map(Stage::Filter).collect();
                        }
                        steps.push(rest);
                    }
                    for st in steps[checked..].iter_mut() {
                        match &st.kind {
                            Kind::Num(n) => {
                                return Err(make(
                                    "S0213",
                                    Some(st.pos),
                                    &Detail { value: Some(super::value::js_num_str(*n)), ..Default::default() },
                                ))
                            }
                            Kind::Bool(b) => {
                                return Err(make(
                                    "S0213",
                                    Some(st.pos),
                                    &Detail { value: Some(b.to_string()), ..Default::default() },
                                ))
                            }
                            Kind::Null => {
                                return Err(make(
                                    "S0213",
                                    Some(st.pos),
                                    &Detail { value: Some("null".into()), ..Default::default() },
                                ))
                            }
                            Kind::Str(s) => {
                                let s = s.clone();
                                st.kind = Kind::Name(s);
                            }
                            _ => {}
                        }
                    }
                    if steps[checked..].iter().any(|s| s.keep_array) {
                        result.keep_singleton_array = true;
                    }
                    if let Some(first) = steps.first_mut() {
                        if first.is_array_cons() {
                            first.cons_array = true;
                        }
                    }
                    if let Some(last) = steps.last_mut() {
                        if last.is_array_cons() {
                            last.cons_array = true;
                        }
                    }
                }
                self.resolve_ancestry(&mut result)?;
                result
            }
            R::Bin('[', l, r) => {
                let mut result = self.lhs(l, &mut done)?;
                let pred = self.process(*r)?;
                let ppos = pos;
                {
                    let is_path = matches!(result.kind, Kind::Path(_));
                    let step: &mut Node = match &mut result.kind {
                        Kind::Path(steps) => steps.last_mut().unwrap(),
                        _ => &mut result,
                    };
                    if step.group.is_some() {
                        return Err(Error::at("S0209", ppos));
                    }
                    if !pred.seeking_parent.is_empty() {
                        let sp = pred.seeking_parent.clone();
                        for slot in sp {
                            if slot.level.get() == 1 {
                                self.seek_parent(step, slot)?;
                            } else {
                                slot.level.set(slot.level.get() - 1);
                            }
                        }
                        push_ancestry(step, &pred);
                    }
                    if is_path {
                        step.stages.push(Stage::Filter(pred));
                    } else {
                        step.predicate.push(pred);
                    }
                }
                result
            }
            R::Group(l, pairs) => {
                let mut result = self.lhs(l, &mut done)?;
                if result.group.is_some() {
                    return Err(Error::at("S0210", pos));
                }
                let mut g = Vec::new();
                for (k, v) in pairs {
                    g.push((self.process(k)?, self.process(v)?));
                }
                result.group = Some(Box::new((g, pos)));
                result
            }
            R::Sort(l, terms) => {
                let mut result = self.lhs(l, &mut done)?;
                if !matches!(result.kind, Kind::Path(_)) {
                    let mut n = Node::new(Kind::Path(vec![]), pos);
                    if let Kind::Path(s) = &mut n.kind {
                        s.push(result);
                    }
                    result = n;
                }
                let mut sort = Node::new(Kind::Sort(vec![]), pos);
                let mut ts = Vec::new();
                for (desc, t) in terms {
                    let ex = self.process(t)?;
                    push_ancestry(&mut sort, &ex);
                    ts.push(SortTerm { descending: desc, expr: ex });
                }
                sort.kind = Kind::Sort(ts);
                if let Kind::Path(steps) = &mut result.kind {
                    steps.push(sort);
                }
                self.resolve_ancestry(&mut result)?;
                result
            }
            R::Bin(ASSIGN, l, r) => {
                let name = match &l.r {
                    R::Var(n) => n.clone(),
                    _ => return Err(Error::at("S0212", pos)),
                };
                let rhs = self.process(*r)?;
                let mut n = Node::new(Kind::Null, pos);
                push_ancestry(&mut n, &rhs);
                n.kind = Kind::Bind(name, Box::new(rhs));
                n
            }
            R::Bin('@', l, r) => {
                let var = match &r.r {
                    R::Var(v) => v.clone(),
                    _ => return Err(Error::tok("S0214", pos, "@")),
                };
                let mut result = self.lhs(l, &mut done)?;
                {
                    let step: &mut Node = match &mut result.kind {
                        Kind::Path(steps) => steps.last_mut().unwrap(),
                        _ => &mut result,
                    };
                    if !step.stages.is_empty() || !step.predicate.is_empty() {
                        return Err(Error::at("S0215", pos));
                    }
                    if matches!(step.kind, Kind::Sort(_)) {
                        return Err(Error::at("S0216", pos));
                    }
                    if keep {
                        step.keep_array = true;
                    }
                    step.focus = Some(var);
                    step.tuple = true;
                }
                result
            }
            R::Bin('#', l, r) => {
                let var = match &r.r {
                    R::Var(v) => v.clone(),
                    _ => return Err(Error::tok("S0214", pos, "#")),
                };
                let mut result = self.lhs(l, &mut done)?;
                if !matches!(result.kind, Kind::Path(_)) {
                    let mut step = result;
                    if !step.predicate.is_empty() {
                        let preds = std::mem::take(&mut step.predicate);
                        step.stages = preds.into_iter().map(Stage::Filter).collect();
                    }
                    let mut n = Node::new(Kind::Path(vec![]), pos);
                    n.kind = Kind::Path(vec![step]);
                    result = n;
                }
                if let Kind::Path(steps) = &mut result.kind {
                    let step = steps.last_mut().unwrap();
                    if step.stages.is_empty() {
                        step.index = Some(var);
                    } else {
                        step.stages.push(Stage::Index(var));
                    }
                    step.tuple = true;
                }
                result
            }
            R::Bin(APPLY, l, r) => {
                let lhs = self.lhs(l, &mut done)?;
                let rhs = self.process(*r)?;
                let mut n = Node::new(Kind::Null, pos);
                n.keep_array = lhs.keep_array || rhs.keep_array;
                n.kind = Kind::Apply(Box::new(lhs), Box::new(rhs));
                n
            }
            R::Bin(op, l, r) => {
                let bop = match op {
                    '+' => BinOp::Add,
                    '-' => BinOp::Sub,
                    '*' => BinOp::Mul,
                    '/' => BinOp::Div,
                    '%' => BinOp::Mod,
                    '=' => BinOp::Eq,
                    NE => BinOp::Ne,
                    '<' => BinOp::Lt,
                    LE => BinOp::Le,
                    '>' => BinOp::Gt,
                    GE => BinOp::Ge,
                    '&' => BinOp::Concat,
                    AND => BinOp::And,
                    OR => BinOp::Or,
                    IN => BinOp::In,
                    RANGE => BinOp::Range,
                    _ => return Err(Error::tok("S0201", pos, &op_text(op))),
                };
                let lhs = self.lhs(l, &mut done)?;
                let rhs = self.process(*r)?;
                let mut n = Node::new(Kind::Null, pos);
                push_ancestry(&mut n, &lhs);
                push_ancestry(&mut n, &rhs);
                n.kind = Kind::Binary(bop, Box::new(lhs), Box::new(rhs));
                n
            }
            R::Array(items) => {
                let mut n = Node::new(Kind::Null, pos);
                let mut out = Vec::new();
                for it in items {
                    let v = self.process(it)?;
                    push_ancestry(&mut n, &v);
                    out.push(v);
                }
                n.kind = Kind::ArrayCons(out);
                n
            }
            R::Object(pairs) => {
                let mut n = Node::new(Kind::Null, pos);
                let mut out = Vec::new();
                for (k, v) in pairs {
                    let k = self.process(k)?;
                    push_ancestry(&mut n, &k);
                    let v = self.process(v)?;
                    push_ancestry(&mut n, &v);
                    out.push((k, v));
                }
                n.kind = Kind::ObjectCons(out);
                n
            }
            R::Neg(e) => {
                let inner = self.process(*e)?;
                if let Kind::Num(v) = inner.kind {
                    let mut n = inner;
                    n.kind = Kind::Num(-v);
                    n
                } else {
                    let mut n = Node::new(Kind::Null, pos);
                    push_ancestry(&mut n, &inner);
                    n.kind = Kind::Neg(Box::new(inner));
                    n
                }
            }
            R::Call(procedure, args, partial) => {
                let mut n = Node::new(Kind::Null, pos);
                let procn = self.lhs(procedure, &mut done)?;
                if partial {
                    let mut out = Vec::new();
                    for a in args {
                        if matches!(a.r, R::Op('?')) {
                            out.push(None);
                        } else {
                            let v = self.process(a)?;
                            push_ancestry(&mut n, &v);
                            out.push(Some(v));
                        }
                    }
                    n.kind = Kind::Partial(Box::new(procn), out);
                } else {
                    let mut out = Vec::new();
                    for a in args {
                        let v = self.process(a)?;
                        push_ancestry(&mut n, &v);
                        out.push(v);
                    }
                    n.kind = Kind::Call(Box::new(procn), out);
                }
                n
            }
            R::Lambda(params, sig, body) => {
                let params = params
                    .into_iter()
                    .map(|a| match &a.r {
                        R::Var(v) => v.clone(),
                        _ => String::new(),
                    })
                    .collect();
                let body = self.process(*body)?;
                let body = tail_call_optimize(body);
                Node::new(
                    Kind::Lambda(Rc::new(LambdaDef { params, signature: sig, body: Rc::new(body), thunk: false })),
                    pos,
                )
            }
            R::Elvis(c, e) => {
                let mut n = Node::new(Kind::Null, pos);
                let cond = self.lhs(c, &mut done)?;
                push_ancestry(&mut n, &cond);
                let rhs = self.process(*e)?;
                push_ancestry(&mut n, &rhs);
                n.kind = Kind::Elvis(Box::new(cond), Box::new(rhs));
                n
            }
            R::Cond(c, t, e) => {
                let mut n = Node::new(Kind::Null, pos);
                let cond = self.lhs(c, &mut done)?;
                push_ancestry(&mut n, &cond);
                let then = self.process(*t)?;
                push_ancestry(&mut n, &then);
                let els = match e {
                    Some(e) => {
                        let v = self.process(*e)?;
                        push_ancestry(&mut n, &v);
                        Some(Box::new(v))
                    }
                    None => None,
                };
                n.kind = Kind::Condition(Box::new(cond), Box::new(then), els);
                n
            }
            R::Coalesce(l, r) => {
                let mut n = Node::new(Kind::Null, pos);
                let lhs = self.lhs(l, &mut done)?;
                push_ancestry(&mut n, &lhs);
                let rhs = self.process(*r)?;
                push_ancestry(&mut n, &rhs);
                n.kind = Kind::Coalesce(Box::new(lhs), Box::new(rhs));
                n
            }
            R::Transform(pat, upd, del) => {
                let pattern = self.process(*pat)?;
                let update = self.process(*upd)?;
                let delete = match del {
                    Some(d) => Some(self.process(*d)?),
                    None => None,
                };
                Node::new(Kind::Transform(Rc::new(TransformDef { pattern, update, delete })), pos)
            }
            R::Block(exprs) => {
                let mut n = Node::new(Kind::Null, pos);
                let mut out = Vec::new();
                for ex in exprs {
                    let part = self.process(ex)?;
                    push_ancestry(&mut n, &part);
                    let cons = part.cons_array
                        || matches!(&part.kind, Kind::Path(steps) if steps.first().map(|s| s.cons_array).unwrap_or(false));
                    if cons {
                        n.cons_array = true;
                    }
                    out.push(part);
                }
                n.kind = Kind::Block(out);
                n
            }
            R::Name(name) => {
                let mut step = Node::new(Kind::Name(name), pos);
                step.keep_array = keep;
                let mut n = Node::new(Kind::Path(vec![step]), pos);
                if keep {
                    n.keep_singleton_array = true;
                }
                n
            }
            R::Parent => {
                let slot = self.new_slot();
                Node::new(Kind::Parent(slot), pos)
            }
            R::Str(s) => Node::new(Kind::Str(s), pos),
            R::Num(v) => Node::new(Kind::Num(v), pos),
            R::Bool(b) => Node::new(Kind::Bool(b), pos),
            R::Null => Node::new(Kind::Null, pos),
            R::Regex(r) => Node::new(Kind::Regex(r), pos),
            R::Var(v) => Node::new(Kind::Var(v), pos),
            R::Wildcard => Node::new(Kind::Wildcard, pos),
            R::Descendant => Node::new(Kind::Descendant, pos),
            R::Op(o) => {
                if matches!(o, AND | OR | IN) {
                    let mut step = Node::new(Kind::Name(op_text(o)), pos);
                    step.keep_array = keep;
                    let mut n = Node::new(Kind::Path(vec![step]), pos);
                    n.keep_singleton_array = keep;
                    n
                } else {
                    return Err(Error::tok("S0201", pos, &op_text(o)));
                }
            }
            R::End => return Err(Error::at("S0207", pos)),
        };
        if keep {
            result.keep_array = true;
        }
        Ok(result)
    }
}

fn tail_call_optimize(mut e: Node) -> Node {
    match &mut e.kind {
        Kind::Call(..) if e.predicate.is_empty() => {
            let pos = e.pos;
            Node::new(
                Kind::Lambda(Rc::new(LambdaDef { params: vec![], signature: None, body: Rc::new(e), thunk: true })),
                pos,
            )
        }
        Kind::Condition(_, t, els) => {
            let tt = std::mem::replace(&mut **t, Node::new(Kind::Null, 0));
            **t = tail_call_optimize(tt);
            if let Some(x) = els {
                let xx = std::mem::replace(&mut **x, Node::new(Kind::Null, 0));
                **x = tail_call_optimize(xx);
            }
            e
        }
        Kind::Block(exprs) => {
            if let Some(last) = exprs.pop() {
                exprs.push(tail_call_optimize(last));
            }
            e
        }
        _ => e,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn limits_in_messages() {
        let deep = format!("{}1{}", "(".repeat(super::MAX_NESTING), ")".repeat(super::MAX_NESTING));
        let e = super::parse_node(&deep).unwrap_err();
        assert!(e.message.contains(&format!(" {} levels", super::MAX_NESTING)), "{}", e.message);
        let sig = format!("<{}>", "n".repeat(super::super::signature::MAX_PARAMS + 1));
        let e = super::super::signature::Signature::parse(&sig).unwrap_err();
        assert!(e.message.contains(&super::super::signature::MAX_PARAMS.to_string()), "{}", e.message);
    }
}
