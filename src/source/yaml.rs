//! YAML text with locations: the part of YAML that state machine definitions and
//! CloudFormation, SAM and Serverless templates are written in, read into a
//! `crate::value::Value` with the line and column of every value by JSON Pointer (as
//! `value::read` does for JSON), so diagnostics point at the text the user typed.
//!
//! Read: block mappings and sequences (compact `- key: value` entries too), flow `[...]` and
//! `{...}` collections over several lines, plain, single- and double-quoted scalars, literal
//! and folded block scalars (`|`, `>`, with chomping and an indentation indicator), comments,
//! anchors and aliases, one document (`---` and `...` markers, `%` directives). Plain scalars
//! resolve as YAML 1.2's core schema does (`null`, `~`, `true`, `false`, integers, floats;
//! the rest are strings). Tags: the standard `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`,
//! `!!map`, `!!seq`; CloudFormation's short forms become their long forms (`!Ref x` is
//! `{"Ref": "x"}`, `!GetAtt a.b` is `{"Fn::GetAtt": ["a", "b"]}`, `!Condition c` is
//! `{"Condition": "c"}`, any other `!Name v` is `{"Fn::Name": v}`).
//! Not read (a located error says so): complex keys (`? `), several documents, tabs in
//! indentation, verbatim tags.

use crate::support::ordmap::OrdMap;
use crate::value::read::{escape_token, JsonError, Locations, Pos, MAX_DEPTH};
use crate::value::{Map, Value};
use std::collections::HashMap;

/// Parse YAML text, recording the location of every value.
pub fn parse_located(text: &str) -> Result<(Value, Locations), JsonError> {
    let mut y = Yaml {
        c: text.trim_start_matches('\u{feff}').chars().collect(),
        i: 0,
        pos: Pos { line: 1, column: 1 },
        locs: OrdMap::new(),
        ptr: String::new(),
        anchors: HashMap::new(),
        depth: 0,
    };
    let v = y.document()?;
    Ok((v, Locations::from_map(y.locs)))
}

type R<T> = Result<T, JsonError>;

/// A scalar as written: its text, and whether it was plain (unquoted: resolved by schema).
struct Scalar {
    text: String,
    plain: bool,
}

struct Yaml {
    c: Vec<char>,
    i: usize,
    /// Line and column of `c[i]`.
    pos: Pos,
    locs: OrdMap<Pos>,
    ptr: String,
    anchors: HashMap<String, Value>,
    depth: usize,
}

impl Yaml {
    fn err(&self, msg: &str) -> JsonError {
        JsonError { message: format!("invalid YAML: {msg}"), pos: self.pos, pointer: self.ptr.clone() }
    }
    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }
    fn at(&self, k: usize) -> Option<char> {
        self.c.get(self.i + k).copied()
    }
    fn bump(&mut self) -> Option<char> {
        let ch = self.peek()?;
        self.i += 1;
        if ch == '\n' {
            self.pos = Pos { line: self.pos.line + 1, column: 1 };
        } else {
            self.pos.column += 1;
        }
        Some(ch)
    }
    fn eof(&self) -> bool {
        self.i >= self.c.len()
    }
    /// The column (0-based) of the current character.
    fn col(&self) -> usize {
        self.pos.column as usize - 1
    }
    fn blank(ch: Option<char>) -> bool {
        matches!(ch, None | Some(' ' | '\n' | '\r' | '\t'))
    }
    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.bump();
        }
    }
    /// Whether the rest of the line is empty or a comment (spaces skipped).
    fn line_ends(&mut self) -> bool {
        self.skip_spaces();
        matches!(self.peek(), None | Some('\n' | '\r' | '#'))
    }
    fn skip_to_eol(&mut self) {
        while !matches!(self.peek(), None | Some('\n')) {
            self.bump();
        }
    }
    /// Move to the first character of the next line with content (blank and comment lines
    /// skipped, also when the current line has only a comment left). Returns its indentation,
    /// or `None` at the end of the text (or of the document).
    fn next_content(&mut self) -> R<Option<usize>> {
        if self.col() == 0 && self.document_marker() {
            return Ok(None);
        }
        loop {
            if self.line_ends() {
                self.skip_to_eol();
                if self.bump().is_none() {
                    return Ok(None);
                }
                // At a line start: indentation is spaces only.
                while self.peek() == Some(' ') {
                    self.bump();
                }
                if self.peek() == Some('\t') && !self.line_ends() {
                    return Err(self.err("tabs are not allowed in indentation"));
                }
                if self.col() == 0 && self.document_marker() {
                    return Ok(None);
                }
                continue;
            }
            return Ok(Some(self.col()));
        }
    }
    /// `---` or `...` at the start of a line.
    fn document_marker(&self) -> bool {
        let m =
            |ch| self.peek() == Some(ch) && self.at(1) == Some(ch) && self.at(2) == Some(ch) && Yaml::blank(self.at(3));
        m('-') || m('.')
    }
    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        Ok(())
    }
    fn record(&mut self, at: Pos) {
        self.locs.insert(self.ptr.as_str().into(), at);
    }

    fn document(&mut self) -> R<Value> {
        // Directives (`%` lines) and the start marker.
        let mut started = false;
        loop {
            self.next_content()?;
            if self.col() == 0 && self.peek() == Some('%') && !started {
                self.skip_to_eol();
                continue;
            }
            if self.col() == 0 && self.peek() == Some('-') && self.document_marker() && !started {
                self.skip_marker();
                started = true;
                continue;
            }
            break;
        }
        let v = if self.eof() || (self.col() == 0 && self.document_marker()) {
            self.record(self.pos);
            Value::Null
        } else {
            self.block_node(-1, true)?
        };
        // What may follow: blank lines, `...`, another `---` with nothing after it.
        if self.next_content()?.is_some() {
            return Err(self.err("unexpected text after the document (wrong indentation?)"));
        }
        if self.peek() == Some('.') && self.document_marker() {
            self.skip_marker();
            self.next_content()?;
        }
        if self.peek() == Some('-') && self.document_marker() {
            self.skip_marker();
            if self.next_content()?.is_some() || (self.col() == 0 && self.document_marker()) {
                return Err(self.err("several YAML documents: statelab reads one"));
            }
        }
        if !self.eof() {
            return Err(self.err("unexpected text after the document"));
        }
        Ok(v)
    }

    fn skip_marker(&mut self) {
        for _ in 0..3 {
            self.bump();
        }
    }

    /// Tags and an anchor before a node: (tag, anchor).
    fn properties(&mut self) -> R<(Option<String>, Option<String>)> {
        let (mut tag, mut anchor) = (None, None);
        loop {
            self.skip_spaces();
            match self.peek() {
                Some('!') if tag.is_none() => {
                    if self.at(1) == Some('<') {
                        return Err(self.err("verbatim tags (!<...>) are not supported"));
                    }
                    let mut t = String::new();
                    while !Yaml::blank(self.peek()) && !matches!(self.peek(), Some(',' | '[' | ']' | '{' | '}')) {
                        t.push(self.bump().unwrap_or_default());
                    }
                    tag = Some(t);
                }
                Some('&') if anchor.is_none() => {
                    self.bump();
                    let mut a = String::new();
                    while !Yaml::blank(self.peek()) && !matches!(self.peek(), Some(',' | '[' | ']' | '{' | '}')) {
                        a.push(self.bump().unwrap_or_default());
                    }
                    if a.is_empty() {
                        return Err(self.err("an anchor needs a name"));
                    }
                    anchor = Some(a);
                }
                _ => return Ok((tag, anchor)),
            }
        }
    }

    /// A node in block context after a mapping key's `:`, a sequence's `-`, or at the start
    /// of the document; `parent` is the indentation of the collection it belongs to.
    /// `after_dash`: the node follows a sequence's `-` (or starts the document), where a
    /// mapping may start on the same line; after a key's `:` it may not (`a: b: c` is an
    /// error in YAML, not a nested mapping).
    fn block_node(&mut self, parent: isize, after_dash: bool) -> R<Value> {
        self.enter()?;
        let (tag, anchor) = self.properties()?;
        let start = self.pos;
        let v = if self.line_ends() {
            // The node is on the lines below, indented more (a sequence may sit at its key's
            // indentation), or it is empty.
            let here = (self.i, self.pos);
            match self.next_content()? {
                Some(ind)
                    if (ind as isize) > parent
                        || (ind as isize == parent && self.peek() == Some('-') && Yaml::blank(self.at(1))) =>
                {
                    self.record(self.pos);
                    self.block_at(ind, parent, tag.as_deref(), true)?
                }
                _ => {
                    (self.i, self.pos) = here;
                    self.record(start);
                    self.resolve(tag.as_deref(), Scalar { text: String::new(), plain: true })?
                }
            }
        } else {
            self.record(start);
            match self.peek() {
                Some('|' | '>') => {
                    let s = self.block_scalar(parent)?;
                    self.resolve(tag.as_deref(), s)?
                }
                _ => {
                    let col = self.col();
                    self.block_at(col, parent, tag.as_deref(), after_dash)?
                }
            }
        };
        if let Some(a) = anchor {
            self.anchors.insert(a, v.clone());
        }
        self.depth -= 1;
        Ok(v)
    }

    /// A node starting at the current character, whose column is `ind`: a block sequence, a
    /// block mapping, or an inline node (flow collection, alias, scalar).
    fn block_at(&mut self, ind: usize, parent: isize, tag: Option<&str>, map_ok: bool) -> R<Value> {
        if self.peek() == Some('-') && Yaml::blank(self.at(1)) && !self.document_marker() {
            let v = self.block_seq(ind)?;
            return self.tagged(tag, v);
        }
        if self.peek() == Some('?') && Yaml::blank(self.at(1)) {
            return Err(self.err("complex mapping keys (? ) are not supported"));
        }
        // A mapping if a key and `:` start here.
        let here = (self.i, self.pos);
        if self.mapping_key()?.is_some() {
            (self.i, self.pos) = here;
            if !map_ok {
                return Err(self.err("a mapping cannot start on the line of its key (quote a value that holds ': ')"));
            }
            let v = self.block_map(ind)?;
            return self.tagged(tag, v);
        }
        (self.i, self.pos) = here;
        let v = match self.peek() {
            Some('[' | '{') => {
                let v = self.flow_collection()?;
                self.tagged(tag, v)?
            }
            Some('*') => self.alias()?,
            Some('"' | '\'') => {
                let s = self.quoted()?;
                self.resolve(tag, s)?
            }
            _ => {
                let s = self.plain_block(parent)?;
                self.resolve(tag, s)?
            }
        };
        if !self.line_ends() {
            return Err(self.err("unexpected text after a value"));
        }
        Ok(v)
    }

    /// A key and its `:` at the current position, if there is one (the position is left after
    /// the `:`); `None` if this is not a mapping entry.
    fn mapping_key(&mut self) -> R<Option<String>> {
        let key = match self.peek() {
            Some('"' | '\'') => {
                let s = self.quoted()?;
                self.skip_spaces();
                s.text
            }
            Some('[' | '{' | '*' | '!' | '&' | '|' | '>' | '#' | '%' | '@' | '`') | None => return Ok(None),
            _ => {
                let mut k = String::new();
                loop {
                    match self.peek() {
                        None | Some('\n' | '\r') => return Ok(None),
                        Some(':') if Yaml::blank(self.at(1)) => break,
                        Some(' ' | '\t') if self.at(1) == Some('#') => return Ok(None),
                        Some(ch) => {
                            k.push(ch);
                            self.bump();
                        }
                    }
                }
                k.trim_end().to_string()
            }
        };
        if self.peek() == Some(':') && Yaml::blank(self.at(1)) {
            self.bump();
            Ok(Some(key))
        } else {
            Ok(None)
        }
    }

    fn block_map(&mut self, ind: usize) -> R<Value> {
        let mut m = Map::new();
        loop {
            let key_pos = self.pos;
            let Some(key) = self.mapping_key()? else {
                return Err(self.err("expected a mapping key followed by ':'"));
            };
            let len = self.ptr.len();
            self.ptr.push('/');
            self.ptr.push_str(&escape_token(&key));
            if m.get(key.as_str()).is_some() {
                self.pos = key_pos;
                return Err(self.err(&format!("duplicate key '{key}'")));
            }
            let v = self.block_node(ind as isize, false)?;
            self.ptr.truncate(len);
            m.insert(key.into(), v);
            match self.next_content()? {
                Some(n) if n == ind => {
                    if self.peek() == Some('-') && Yaml::blank(self.at(1)) {
                        return Err(self.err("a sequence entry where a mapping key was expected"));
                    }
                }
                Some(n) if n > ind => return Err(self.err("bad indentation of a mapping entry")),
                _ => return Ok(Value::Object(m)),
            }
        }
    }

    fn block_seq(&mut self, ind: usize) -> R<Value> {
        let mut items = Vec::new();
        loop {
            self.bump(); // the '-'
            let len = self.ptr.len();
            self.ptr.push('/');
            self.ptr.push_str(&items.len().to_string());
            let v = self.block_node(ind as isize, true)?;
            self.ptr.truncate(len);
            items.push(v);
            match self.next_content()? {
                Some(n) if n == ind && self.peek() == Some('-') && Yaml::blank(self.at(1)) => {}
                Some(n) if n > ind => return Err(self.err("bad indentation of a sequence entry")),
                _ => return Ok(Value::Array(items.into())),
            }
        }
    }

    fn alias(&mut self) -> R<Value> {
        self.bump();
        let mut a = String::new();
        while !Yaml::blank(self.peek()) && !matches!(self.peek(), Some(',' | ']' | '}')) {
            a.push(self.bump().unwrap_or_default());
        }
        match self.anchors.get(&a) {
            Some(v) => Ok(v.clone()),
            None => Err(self.err(&format!("unknown alias '*{a}'"))),
        }
    }

    /// A plain scalar in block context: to the end of the line (or a comment), continued on
    /// more indented lines (folded with a space; a blank line is a newline).
    fn plain_block(&mut self, parent: isize) -> R<Scalar> {
        let mut text = self.plain_line(false);
        loop {
            let here = (self.i, self.pos);
            if !self.line_ends() || self.peek() == Some('#') {
                break;
            }
            // Count blank lines, then look at the next line's indentation.
            let mut breaks = 0;
            let mut cont = false;
            while self.peek().is_some() {
                self.skip_to_eol();
                self.bump();
                breaks += 1;
                while self.peek() == Some(' ') {
                    self.bump();
                }
                if matches!(self.peek(), Some('\n' | '\r')) {
                    continue;
                }
                cont = self.col() as isize > parent
                    && !matches!(self.peek(), None | Some('#'))
                    && !(self.col() == 0 && self.document_marker());
                break;
            }
            if !cont {
                (self.i, self.pos) = here;
                break;
            }
            // A continuation line that is itself a mapping entry is a mistake, not text.
            let probe = (self.i, self.pos);
            if self.mapping_key()?.is_some() {
                (self.i, self.pos) = probe;
                return Err(self.err("a mapping entry inside a plain scalar (wrong indentation?)"));
            }
            (self.i, self.pos) = probe;
            if breaks == 1 {
                text.push(' ');
            } else {
                text.extend(std::iter::repeat_n('\n', breaks - 1));
            }
            text.push_str(&self.plain_line(false));
        }
        Ok(Scalar { text, plain: true })
    }

    /// The plain scalar text on this line (in a flow collection, up to `,`, `]`, `}` or a
    /// `: ` too), trailing spaces left out.
    fn plain_line(&mut self, flow: bool) -> String {
        let mut s = String::new();
        loop {
            match self.peek() {
                None | Some('\n' | '\r') => break,
                Some(' ' | '\t') if self.at(1) == Some('#') => break,
                Some(',' | ']' | '}' | '[' | '{') if flow => break,
                Some(':') if flow && (Yaml::blank(self.at(1)) || matches!(self.at(1), Some(',' | ']' | '}'))) => break,
                Some(ch) => {
                    s.push(ch);
                    self.bump();
                }
            }
        }
        s.truncate(s.trim_end().len());
        s
    }

    fn quoted(&mut self) -> R<Scalar> {
        let q = self.bump().unwrap_or('"');
        let start = self.pos;
        let mut s = String::new();
        loop {
            let Some(ch) = self.bump() else {
                self.pos = start;
                return Err(self.err("a quoted scalar is not closed"));
            };
            match ch {
                '\'' if q == '\'' => {
                    if self.peek() == Some('\'') {
                        self.bump();
                        s.push('\'');
                    } else {
                        break;
                    }
                }
                '"' if q == '"' => break,
                '\\' if q == '"' => {
                    let e = self.bump().ok_or_else(|| self.err("an escape at the end of the text"))?;
                    match e {
                        'n' => s.push('\n'),
                        't' | '\t' => s.push('\t'),
                        'r' => s.push('\r'),
                        '0' => s.push('\0'),
                        'a' => s.push('\u{7}'),
                        'b' => s.push('\u{8}'),
                        'e' => s.push('\u{1b}'),
                        'f' => s.push('\u{c}'),
                        'v' => s.push('\u{b}'),
                        ' ' => s.push(' '),
                        '"' | '\\' | '/' => s.push(e),
                        'N' => s.push('\u{85}'),
                        '_' => s.push('\u{a0}'),
                        'L' => s.push('\u{2028}'),
                        'P' => s.push('\u{2029}'),
                        'x' | 'u' | 'U' => {
                            let n = match e {
                                'x' => 2,
                                'u' => 4,
                                _ => 8,
                            };
                            let mut code = 0u32;
                            for _ in 0..n {
                                let d = self.bump().and_then(|c| c.to_digit(16));
                                code = code * 16 + d.ok_or_else(|| self.err("a bad hexadecimal escape"))?;
                            }
                            s.push(char::from_u32(code).ok_or_else(|| self.err("an escape that is not a character"))?);
                        }
                        '\n' => {
                            // An escaped line break: joined without a space.
                            while matches!(self.peek(), Some(' ' | '\t')) {
                                self.bump();
                            }
                        }
                        _ => return Err(self.err(&format!("unknown escape '\\{e}'"))),
                    }
                }
                '\n' | '\r' => {
                    if ch == '\r' && self.peek() == Some('\n') {
                        self.bump();
                    }
                    // Folding: trailing spaces go, a line break is a space, blank lines are newlines.
                    s.truncate(s.trim_end_matches([' ', '\t']).len());
                    let mut breaks = 0;
                    loop {
                        while matches!(self.peek(), Some(' ' | '\t')) {
                            self.bump();
                        }
                        if self.peek() == Some('\n') {
                            self.bump();
                            breaks += 1;
                        } else {
                            break;
                        }
                    }
                    if breaks == 0 {
                        s.push(' ');
                    } else {
                        s.extend(std::iter::repeat_n('\n', breaks));
                    }
                }
                _ => s.push(ch),
            }
        }
        Ok(Scalar { text: s, plain: false })
    }

    /// A literal (`|`) or folded (`>`) block scalar; `parent` is the indentation of the
    /// collection it belongs to.
    fn block_scalar(&mut self, parent: isize) -> R<Scalar> {
        let folded = self.bump() == Some('>');
        let (mut chomp, mut explicit) = ('c', None);
        for _ in 0..2 {
            match self.peek() {
                Some('-') => chomp = '-',
                Some('+') => chomp = '+',
                Some(d @ '1'..='9') => explicit = d.to_digit(10),
                _ => break,
            }
            self.bump();
        }
        if !self.line_ends() {
            return Err(self.err("unexpected text after a block scalar indicator"));
        }
        self.skip_to_eol();
        let mut lines: Vec<String> = Vec::new();
        let mut ind = explicit.map(|d| (parent.max(0) as usize + d as usize) as isize);
        while self.peek() == Some('\n') {
            let here = (self.i, self.pos);
            self.bump();
            let mut n = 0;
            while self.peek() == Some(' ') && ind.is_none_or(|i| (n as isize) < i) {
                self.bump();
                n += 1;
            }
            let empty = matches!(self.peek(), None | Some('\n' | '\r'));
            if empty {
                lines.push(String::new());
                continue;
            }
            match ind {
                None if (n as isize) > parent => ind = Some(n as isize),
                Some(i) if n as isize == i => {}
                _ => {
                    (self.i, self.pos) = here;
                    break;
                }
            }
            if self.col() == 0 && self.document_marker() {
                (self.i, self.pos) = here;
                break;
            }
            let mut l = String::new();
            while !matches!(self.peek(), None | Some('\n')) {
                l.push(self.bump().unwrap_or_default());
            }
            l.truncate(l.trim_end_matches('\r').len());
            lines.push(l);
        }
        // Trailing empty lines are given back to the document (they are blank anyway).
        let mut trailing = 0;
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
            trailing += 1;
        }
        let more = |s: &str| s.starts_with([' ', '\t']);
        let mut text = String::new();
        for (k, l) in lines.iter().enumerate() {
            if k > 0 {
                let prev = lines[k - 1].as_str();
                // Folding: a break between two plain lines is a space; after a blank line (or
                // around more indented lines) breaks are kept, the first of a run dropped.
                if !folded || more(prev) || (more(l) && !l.is_empty()) || (!l.is_empty() && prev.is_empty()) {
                    text.push('\n');
                } else if l.is_empty() {
                    if prev.is_empty() {
                        text.push('\n');
                    }
                } else {
                    text.push(' ');
                }
            }
            text.push_str(l);
        }
        match chomp {
            '-' => {}
            '+' if !lines.is_empty() => text.extend(std::iter::repeat_n('\n', 1 + trailing)),
            _ if !lines.is_empty() => text.push('\n'),
            _ => {}
        }
        Ok(Scalar { text, plain: false })
    }

    /// A flow collection, `[...]` or `{...}`, over any number of lines.
    fn flow_collection(&mut self) -> R<Value> {
        self.enter()?;
        let open = self.bump().unwrap_or('[');
        let close = if open == '[' { ']' } else { '}' };
        let (mut items, mut m) = (Vec::new(), Map::new());
        loop {
            self.flow_space()?;
            if self.peek() == Some(close) {
                self.bump();
                break;
            }
            let len = self.ptr.len();
            if open == '{' {
                let key = match self.peek() {
                    Some('"' | '\'') => self.quoted()?.text,
                    _ => self.plain_line(true),
                };
                self.ptr.push('/');
                self.ptr.push_str(&escape_token(&key));
                self.flow_space()?;
                let v = if self.peek() == Some(':') {
                    self.bump();
                    self.flow_node()?
                } else {
                    self.record(self.pos);
                    Value::Null
                };
                if m.get(key.as_str()).is_some() {
                    return Err(self.err(&format!("duplicate key '{key}'")));
                }
                m.insert(key.into(), v);
            } else {
                self.ptr.push('/');
                self.ptr.push_str(&items.len().to_string());
                items.push(self.flow_node()?);
            }
            self.ptr.truncate(len);
            self.flow_space()?;
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(c) if c == close => {}
                None => return Err(self.err(&format!("'{open}' is not closed"))),
                _ => return Err(self.err(&format!("expected ',' or '{close}'"))),
            }
        }
        self.depth -= 1;
        Ok(if open == '[' { Value::Array(items.into()) } else { Value::Object(m) })
    }

    /// Spaces, line breaks and comments inside a flow collection.
    fn flow_space(&mut self) -> R<()> {
        loop {
            match self.peek() {
                Some(' ' | '\t' | '\n' | '\r') => {
                    self.bump();
                }
                Some('#') => self.skip_to_eol(),
                None => return Err(self.err("a flow collection is not closed")),
                _ => return Ok(()),
            }
        }
    }

    fn flow_node(&mut self) -> R<Value> {
        self.flow_space()?;
        let (tag, anchor) = self.properties()?;
        self.flow_space()?;
        self.record(self.pos);
        let v = match self.peek() {
            Some('[' | '{') => {
                let v = self.flow_collection()?;
                self.tagged(tag.as_deref(), v)?
            }
            Some('*') => self.alias()?,
            Some('"' | '\'') => {
                let s = self.quoted()?;
                self.resolve(tag.as_deref(), s)?
            }
            _ => {
                let text = self.plain_line(true);
                self.resolve(tag.as_deref(), Scalar { text, plain: true })?
            }
        };
        if let Some(a) = anchor {
            self.anchors.insert(a, v.clone());
        }
        Ok(v)
    }

    /// A scalar's value under its tag (the core schema for a plain scalar without one).
    fn resolve(&self, tag: Option<&str>, s: Scalar) -> R<Value> {
        let v = match tag {
            Some("!!str") | Some("!") => Value::from(s.text),
            Some("!!null") => Value::Null,
            Some("!!bool") | Some("!!int") | Some("!!float") => {
                let v = core_schema(&s.text);
                let ok = match tag {
                    Some("!!bool") => v.as_bool().is_some(),
                    _ => v.as_f64().is_some(),
                };
                if !ok {
                    return Err(self.err(&format!("'{}' is not a {}", s.text, &tag.unwrap_or_default()[2..])));
                }
                v
            }
            _ if s.plain => core_schema(&s.text),
            _ => Value::from(s.text),
        };
        match tag {
            Some(t) if !t.starts_with("!!") && t != "!" => self.tagged(Some(t), v),
            _ => Ok(v),
        }
    }

    /// A value under a CloudFormation short-form tag (or a standard collection tag).
    fn tagged(&self, tag: Option<&str>, v: Value) -> R<Value> {
        let Some(tag) = tag else { return Ok(v) };
        let wrap = |k: String, v: Value| {
            let mut m = Map::new();
            m.insert(k.into(), v);
            Ok(Value::Object(m))
        };
        match tag {
            "!!map" | "!!seq" | "!!str" | "!" => Ok(v),
            "!Ref" => wrap("Ref".into(), v),
            "!Condition" => wrap("Condition".into(), v),
            "!GetAtt" => match v.as_str() {
                Some(s) => {
                    let (a, b) = s.split_once('.').unwrap_or((s, ""));
                    wrap("Fn::GetAtt".into(), Value::Array(vec![Value::from(a), Value::from(b)].into()))
                }
                None => wrap("Fn::GetAtt".into(), v),
            },
            t if t.starts_with("!!") => Err(self.err(&format!("unknown tag '{t}'"))),
            t => wrap(format!("Fn::{}", &t[1..]), v),
        }
    }
}

/// A plain scalar by YAML 1.2's core schema.
fn core_schema(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let b = s.as_bytes();
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits(unsigned) {
        if let Ok(n) = s.parse::<i64>() {
            return Value::from(n);
        }
        if let Ok(f) = s.parse::<f64>() {
            return Value::from(f);
        }
    }
    if let Some(h) = s.strip_prefix("0x") {
        if let Ok(n) = i64::from_str_radix(h, 16) {
            return Value::from(n);
        }
    }
    if let Some(o) = s.strip_prefix("0o") {
        if let Ok(n) = i64::from_str_radix(o, 8) {
            return Value::from(n);
        }
    }
    // A float: digits with a point and/or an exponent (".5", "1.", "1e3", "-2.5E-3").
    let looks_float = b.iter().any(|c| c.is_ascii_digit())
        && b.iter().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'+'))
        && (s.contains('.') || s.contains(['e', 'E']));
    if looks_float {
        if let Ok(f) = s.parse::<f64>() {
            if f.is_finite() {
                return Value::from(f);
            }
        }
    }
    Value::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn y(text: &str) -> Value {
        parse_located(text).map(|(v, _)| v).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn block_collections_and_scalars() {
        let text = "# a comment\nStartAt: A\nStates:\n  A:\n    Type: Pass   # trailing\n    Result: [1, 'two', \"th\\u0072ee\", {k: v}]\n    End: true\n  B:\n    - x\n    - n: 1\n      m: 2.5\n    -\n      - nested\n";
        assert_eq!(
            y(text),
            json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": [1, "two", "three", {"k": "v"}], "End": true},
                "B": ["x", {"n": 1, "m": 2.5}, ["nested"]]}})
        );
        assert_eq!(y("a:\n- 1\n- 2\nb: ~\nc:\n"), json!({"a": [1, 2], "b": null, "c": null}));
        assert_eq!(
            y("- null\n- 0x1f\n- 1e3\n- .5\n- -7\n- 12:30\n- yes\n"),
            json!([null, 31, 1000.0, 0.5, -7, "12:30", "yes"])
        );
        assert_eq!(y("- k: v\n  l: w\n"), json!([{"k": "v", "l": "w"}]));
        assert_eq!(y("---\na: 1\n...\n"), json!({"a": 1}));
        assert_eq!(y("%YAML 1.2\n---\n"), json!(null));
    }

    #[test]
    fn block_scalars_fold_and_chomp() {
        assert_eq!(y("a: |\n  line 1\n    more\n  line 2\nb: 1\n"), json!({"a": "line 1\n  more\nline 2\n", "b": 1}));
        assert_eq!(y("a: >-\n  one\n  two\n\n  three\n"), json!({"a": "one two\nthree"}));
        assert_eq!(y("a: |+\n  x\n\nb: 2\n"), json!({"a": "x\n\n", "b": 2}));
        assert_eq!(y("a: plain\n  continued\n  lines\n"), json!({"a": "plain continued lines"}));
        assert_eq!(y("a: 'it''s\n  folded'\n"), json!({"a": "it's folded"}));
    }

    #[test]
    fn cloudformation_tags_and_anchors() {
        let text = "Arn: !GetAtt Fn.Arn\nName: !Ref Fn\nSub: !Sub '${A}-x'\nJoin: !Join\n  - ''\n  - [a, !Ref B]\nIf: !If [C, 1, 2]\nbase: &b {x: 1}\ncopy: *b\ns: !!str 12\n";
        assert_eq!(
            y(text),
            json!({"Arn": {"Fn::GetAtt": ["Fn", "Arn"]}, "Name": {"Ref": "Fn"}, "Sub": {"Fn::Sub": "${A}-x"},
                "Join": {"Fn::Join": ["", ["a", {"Ref": "B"}]]}, "If": {"Fn::If": ["C", 1, 2]}, "base": {"x": 1}, "copy": {"x": 1}, "s": "12"})
        );
    }

    #[test]
    fn locations_and_errors() {
        let (_, locs) = parse_located("a:\n  b:\n    - x\n    - y: 1\n").unwrap();
        assert_eq!(locs.find("/a/b/1/y"), Pos { line: 4, column: 10 });
        assert_eq!(locs.find("/a/b/0"), Pos { line: 3, column: 7 });
        let err = |t: &str| parse_located(t).unwrap_err();
        let e = err("a: 1\n  b: 2\n");
        assert!(e.message.contains("indentation") || e.message.contains("after"), "{e}");
        assert_eq!(e.pos.line, 2);
        assert!(err("a: [1, 2\n").message.contains("not closed"));
        assert!(err("a: \"open\n").message.contains("not closed"));
        assert!(err("a: 1\na: 2\n").message.contains("duplicate key 'a'"));
        assert!(err("? complex\n").message.contains("complex"));
        assert!(err("a: 1\n---\nb: 2\n").message.contains("several"));
        assert!(err("a: *nope\n").message.contains("unknown alias"));
        assert!(err("k: it's a: b\n").message.contains("quote a value"));
        let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
        assert!(err(&deep).message.contains("nested too deeply"));
    }

    #[test]
    fn every_prefix_and_every_one_character_change_ends_cleanly() {
        let texts =
            [include_str!("../../tests/sources/sam-order.yaml"), include_str!("../../tests/sources/serverless.yml")];
        for text in texts {
            let chars: Vec<char> = text.chars().collect();
            for n in 0..chars.len() {
                let prefix: String = chars[..n].iter().collect();
                let _ = parse_located(&prefix);
                for ch in ['"', '\'', '[', '{', ':', '-', '|', '>', '!', '&', '*', '\t', '#', '\n'] {
                    let mut changed = chars.clone();
                    changed[n] = ch;
                    let _ = parse_located(&changed.iter().collect::<String>());
                }
            }
        }
    }
}
