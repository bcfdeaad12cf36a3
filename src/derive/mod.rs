//! What a user did not give, derived from the definition (issue #16, "zero-config run"):
//! an input holding every field the workflow reads, and for every Task without a mock the
//! response its service returns, in AWS's shape, plus the fields later states read from it.
//! Values are typed by how they are used (a Choice comparison, an `ItemsPath` array, an
//! intrinsic's argument); a Choice in a loop gets values that take its way out (the rules
//! before it fail, it matches), so polling and pagination loops end. Deterministic: the same definition
//! gives the same values.
//!
//! The walk reads the definition as JSON (every state at every depth: Parallel branches,
//! Map processors), and the fields read as paths: JSONPath (`$.a.b`, in `.$` fields,
//! paths, Choice variables and intrinsic arguments) and JSONata (`$states.input.a.b`,
//! `$states.result.a.b`).

mod flow;
mod shapes;
mod text;

use crate::value::{Map, Value};
use flow::Read;
use text::{Kind, Step};

/// What was derived: the input (when asked for) and a short-form mock per Task state that
/// had none (`{"result": ..., "latency": s}`), by state name.
#[derive(Debug, Clone, Default)]
pub struct Derived {
    pub input: Option<Value>,
    pub mocks: Map,
}

/// Derive the input (if `input` is true) and mocks for the Task states not in `mocked`.
pub fn derive(definition: &Value, input: bool, mocked: &[String]) -> Derived {
    let choose = |states: &Map, name: &str| way_out(states, name);
    let sources = flow::follow(definition, &choose);
    let mut out = Derived::default();
    if input {
        let mut v = Value::Object(Map::new());
        build(&mut v, sources.input.iter());
        out.input = Some(v);
    }
    for (name, resource) in &sources.tasks {
        if mocked.iter().any(|m| m == name) || out.mocks.get(name.as_str()).is_some() {
            continue;
        }
        let (mut result, latency) = shapes::response(name, resource);
        // Each read lands where the state reads it: a `lambda:invoke` state reads the
        // function's answer under `Payload` (by its own ResultSelector or OutputPath, or a
        // later state's path), and a read of another field is a field of the response.
        let reads: Vec<&Read> = sources.results.iter().filter(|(n, _)| n == name).map(|(_, r)| r).collect();
        build(&mut result, reads.into_iter());
        let mut m = Map::new();
        m.insert("result".into(), result);
        m.insert("latency".into(), Value::from(latency));
        out.mocks.insert(name.as_str().into(), Value::Object(m));
    }
    // The objects an ItemReader reads, when the user gave no files: a few items of the
    // shape the iterations read, where the reader looks (the bucket and key it is given,
    // or the ones the made-up input and answers hold).
    if !sources.readers.is_empty() && !mocked.iter().any(|m| m == "Files") {
        let files = reader_files(&sources, &mut out);
        if !files.is_empty() {
            out.mocks.insert("Files".into(), Value::Object(files));
        }
    }
    out
}

/// The value at `steps` in `v` (the first item for `[*]`).
fn at<'v>(v: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    let Some((first, rest)) = steps.split_first() else { return Some(v) };
    let next = match first {
        Step::Key(k) => v.get(k.as_str())?,
        Step::Index(i) => v.as_array()?.get(*i)?,
        Step::Each => v.as_array()?.first()?,
        _ => return None,
    };
    at(next, rest)
}

/// [`at`], to change the value there.
fn at_mut<'v>(v: &'v mut Value, steps: &[Step]) -> Option<&'v mut Value> {
    let Some((first, rest)) = steps.split_first() else { return Some(v) };
    let next = match (first, v) {
        (Step::Key(k), Value::Object(m)) => m.get_mut(k.as_str())?,
        (Step::Index(i), Value::Array(a)) => a.get_mut(*i)?,
        (Step::Each, Value::Array(a)) => a.first_mut()?,
        _ => return None,
    };
    at_mut(next, rest)
}

/// `{bucket: {key: text}}` for the Maps whose ItemReader reads S3 (a `Files` section).
fn reader_files(sources: &flow::Sources, out: &mut Derived) -> Map {
    let mut files = Map::new();
    for (map, what, reader, tags) in &sources.readers {
        let args = reader.get("Parameters").or_else(|| reader.get("Arguments"));
        // Where a field given by a path ended in what was built.
        let place = |name: &str| {
            let &(_, t) = tags.iter().find(|(f, _)| *f == name)?;
            sources.tagged.get(t)?.as_ref()
        };
        // A field's text: given literally, or the value at its place.
        let field = |name: &str| -> Option<String> {
            if let Some((task, steps)) = place(name) {
                let v = match task {
                    None => at(out.input.as_ref()?, steps)?,
                    Some(task) => at(&out.mocks.get(task.as_str())?["result"], steps)?,
                };
                return v.as_str().map(str::to_string);
            }
            let v = args?.get(name)?.as_str()?;
            (!v.starts_with("{%")).then(|| v.to_string())
        };
        let (Some(bucket), mut key, prefix) = (field("Bucket"), field("Key"), field("Prefix")) else { continue };
        // Two readers whose keys were made up alike (`$.a.key`, `$.b.key`) read two objects.
        if let (Some(k), Some((task, steps))) = (&key, place("Key")) {
            let taken = |k: &str| files.get(bucket.as_str()).and_then(|o| o.get(k)).is_some();
            if taken(k) {
                let free = (2..).map(|i| format!("{k}-{i}")).find(|k| !taken(k)).unwrap_or_default();
                let v = match task {
                    None => out.input.as_mut().and_then(|v| at_mut(v, steps)),
                    Some(task) => out.mocks.get_mut(task.as_str()).and_then(|m| at_mut(&mut m["result"], steps)),
                };
                if let Some(v) = v {
                    *v = Value::from(free.as_str());
                    key = Some(free);
                }
            }
        }
        if *what == "ResultWriter" {
            // The bucket it writes to exists (empty).
            files.get_or_insert_with(bucket.as_str(), || Value::Object(Map::new()));
            continue;
        }
        // One item of the shape the iterations read.
        let mut item = Value::Object(Map::new());
        let reads: Vec<&Read> = sources.reader_items.iter().filter(|(m, _)| m == map).map(|(_, r)| r).collect();
        build(&mut item, reads.into_iter());
        let config = reader.get("ReaderConfig");
        let input_type = config.and_then(|c| c.get("InputType")).and_then(Value::as_str).unwrap_or("JSON");
        let resource = reader.get("Resource").and_then(Value::as_str).unwrap_or_default();
        let text = |item: &Value, n: usize| -> Option<String> {
            let items: Vec<Value> = (0..n).map(|_| item.clone()).collect();
            Some(match input_type {
                "CSV" => {
                    let given = config.and_then(|c| c.get("CSVHeaders")).and_then(Value::as_array);
                    let columns: Vec<String> = match given {
                        Some(h) => h.iter().filter_map(Value::as_str).map(str::to_string).collect(),
                        None => columns_of(item),
                    };
                    let delimiter = match config.and_then(|c| c.get("CSVDelimiter")).and_then(Value::as_str) {
                        Some("SEMICOLON") => ";",
                        Some("PIPE") => "|",
                        Some("TAB") => "\t",
                        Some("SPACE") => " ",
                        _ => ",",
                    };
                    let header = given.is_none()
                        || config.and_then(|c| c.get("CSVHeaderLocation")).and_then(Value::as_str) != Some("GIVEN");
                    csv_text(item, &columns, delimiter, header, n)
                }
                "JSONL" => items.iter().map(crate::value::to_string).collect::<Vec<_>>().join("\n") + "\n",
                "JSON" => {
                    // Under ItemsPointer (`/a/b`) when there is one.
                    let mut doc = Value::Array(items.into());
                    let pointer = config.and_then(|c| c.get("ItemsPointer")).and_then(Value::as_str).unwrap_or("");
                    for part in pointer.split('/').filter(|p| !p.is_empty()).collect::<Vec<_>>().into_iter().rev() {
                        let mut m = Map::new();
                        m.insert(part.replace("~1", "/").replace("~0", "~").as_str().into(), doc);
                        doc = Value::Object(m);
                    }
                    crate::value::to_string(&doc)
                }
                _ => return None,
            })
        };
        let objects = files.get_or_insert_with(bucket.as_str(), || Value::Object(Map::new()));
        let Value::Object(objects) = objects else { continue };
        if resource.ends_with("s3:listObjectsV2") {
            // Three objects under the prefix; each holds items when they are loaded.
            let prefix = prefix.unwrap_or_default();
            let flatten =
                config.and_then(|c| c.get("Transformation")).and_then(Value::as_str) == Some("LOAD_AND_FLATTEN");
            for i in 1..=3 {
                let body = if flatten { text(&item, 1) } else { Some("{}".to_string()) };
                if let Some(body) = body {
                    objects
                        .insert(format!("{prefix}{map}-{i}.json").replace(' ', "-").as_str().into(), Value::from(body));
                }
            }
        } else if let Some(key) = key {
            // Where the reader's other objects go: beside the one it is given.
            let dir = key.rsplit_once('/').map(|(d, _)| format!("{d}/")).unwrap_or_default();
            let data = |ext: &str| format!("{dir}{map}-data-1.{ext}").replace(' ', "-");
            let manifest = config.and_then(|c| c.get("ManifestType")).and_then(Value::as_str);
            if input_type == "MANIFEST" || manifest == Some("S3_INVENTORY") {
                // An S3 inventory: its manifest names one CSV file (no header row) in its
                // destination bucket, the columns named by `fileSchema`.
                let mut columns = columns_of(&item);
                if item.as_object().is_none_or(|m| m.is_empty()) {
                    columns = vec!["Bucket".into(), "Key".into()];
                }
                let file = data("csv");
                let doc = crate::json!({
                    "sourceBucket": bucket.as_str(),
                    "destinationBucket": format!("arn:aws:s3:::{bucket}"),
                    "fileFormat": "CSV",
                    "fileSchema": columns.join(", "),
                    "files": [{ "key": file.as_str() }],
                });
                objects.insert(key.as_str().into(), Value::from(crate::value::to_string(&doc)));
                objects.insert(file.as_str().into(), Value::from(csv_text(&item, &columns, ",", false, 3)));
            } else if manifest == Some("ATHENA_DATA") {
                // Athena's manifest: a CSV list of the data files' URIs, each read as InputType.
                let ext = input_type.to_ascii_lowercase();
                if let Some(body) = text(&item, 3) {
                    objects.insert(key.as_str().into(), Value::from(format!("s3://{bucket}/{}\n", data(&ext))));
                    objects.insert(data(&ext).as_str().into(), Value::from(body));
                }
            } else if let Some(body) = text(&item, 3) {
                objects.insert(key.as_str().into(), Value::from(body));
            }
        }
    }
    files
}

/// The columns of a CSV file of items like `item` (its fields, or `id`).
fn columns_of(item: &Value) -> Vec<String> {
    let mut columns: Vec<String> =
        item.as_object().map(|m| m.keys().map(|k| k.to_string()).collect()).unwrap_or_default();
    if columns.is_empty() {
        columns.push("id".into());
    }
    columns
}

/// `n` rows of `item`'s `columns` (a field it lacks made up), after a header row if `header`.
fn csv_text(item: &Value, columns: &[String], delimiter: &str, header: bool, n: usize) -> String {
    let cell = |c: &str, row: usize| -> String {
        let v = item.get(c).cloned().unwrap_or_else(|| made_up(c));
        let s = match v {
            Value::String(s) => s.to_string(),
            other => crate::value::to_string(&other),
        };
        // A field of a row: plain words, so no quoting is needed.
        let s: String = s.chars().filter(|ch| !matches!(ch, ',' | ';' | '|' | '\t' | '"' | '\n' | '\r')).collect();
        // Rows differ in their ids (`id-1`, `id-2`, ...).
        match s.strip_suffix("-1") {
            Some(base) if c.to_ascii_lowercase().ends_with("id") => format!("{base}-{}", row + 1),
            _ => s,
        }
    };
    let mut lines = Vec::new();
    if header {
        lines.push(columns.join(delimiter));
    }
    for row in 0..n {
        lines.push(columns.iter().map(|c| cell(c, row)).collect::<Vec<_>>().join(delimiter));
    }
    lines.join("\n") + "\n"
}

/// Put every read into `v`: first what only needs a field (or a kind of value), then what a
/// comparison wants there (it wins), then what must be absent (last: nothing brings it back).
fn build<'r>(v: &mut Value, reads: impl Iterator<Item = &'r Read>) {
    let mut reads: Vec<&Read> = reads.collect();
    reads.sort_by_key(|r| (r.absent, r.want.is_some(), r.rank));
    for r in reads {
        if r.absent {
            remove(v, &r.steps);
        } else {
            put(v, &r.steps, r, "value", false);
        }
    }
}

/// What a read needs at the end of its steps, on a value that is there (`fresh`: just made).
fn leaf(v: &mut Value, r: &Read, name: &str, fresh: bool) {
    if let Some(w) = &r.want {
        *v = w.clone();
    } else if fresh || !fits(v, r.kind) {
        *v = make(r.kind, name);
    }
}

/// Whether `v` is of the kind a use needs.
fn fits(v: &Value, kind: Kind) -> bool {
    match kind {
        Kind::Any => true,
        Kind::Array | Kind::Items => v.is_array(),
        Kind::Number => v.is_number(),
        Kind::String | Kind::Timestamp | Kind::Base64 | Kind::Algorithm => v.is_string(),
        Kind::JsonText => v.as_str().is_some_and(|s| crate::value::read::parse(s).is_ok()),
        Kind::Template(n) => v.as_str().is_some_and(|s| s.matches("{}").count() == n),
        Kind::Object => v.is_object(),
        Kind::Parts(c, n) => v.as_str().is_some_and(|s| s.split(c).count() >= n),
        Kind::Bucket => v.as_str().is_some_and(|s| {
            (3..=63).contains(&s.len())
                && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        }),
    }
}

/// A value of `kind` for a field named `name`.
fn make(kind: Kind, name: &str) -> Value {
    match kind {
        Kind::Any => made_up(name),
        Kind::Array => Value::Array(Vec::new().into()),
        Kind::Items => Value::Array(vec![Value::Object(Map::new()); 3].into()),
        Kind::Number => Value::from(1),
        Kind::String => match made_up(name) {
            s @ Value::String(_) => s,
            _ => Value::from(format!("example-{name}")),
        },
        // In the past: a Wait until it ends at once, whenever the run starts.
        Kind::Timestamp => Value::from("2024-06-01T12:00:00Z"),
        Kind::JsonText => Value::from("{}"),
        Kind::Template(n) => Value::from(format!("example{}", " {}".repeat(n))),
        Kind::Base64 => Value::from("ZXhhbXBsZQ=="),
        Kind::Object => Value::Object(Map::new()),
        Kind::Algorithm => Value::from("SHA-256"),
        Kind::Bucket => {
            let word: String = name.to_ascii_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            Value::from(format!("example-{}", if word.is_empty() { "bucket".into() } else { word }))
        }
        Kind::Parts(c, n) => {
            let first = match made_up(name) {
                Value::String(s) if s.split(c).count() >= n => return Value::String(s),
                Value::String(s) => s.to_string(),
                _ => format!("example-{name}"),
            };
            let parts: Vec<String> = (1..n).map(|i| format!("part{i}")).collect();
            Value::from(format!("{first}{c}{}", parts.join(&c.to_string())))
        }
    }
}

/// An empty value that can hold the step `next`.
fn holder(next: &Step) -> Value {
    match next {
        Step::Key(_) => Value::Object(Map::new()),
        Step::Index(_) | Step::Each => Value::Array(Vec::new().into()),
        Step::Json => Value::from("{}"),
        Step::Split(_) => Value::from("example"),
        Step::Where(..) | Step::List => Value::Array(Vec::new().into()),
        Step::Deep(_) => Value::Object(Map::new()),
    }
}

fn holds(v: &Value, next: &Step) -> bool {
    match next {
        Step::Key(_) => v.is_object(),
        Step::Index(_) | Step::Each => v.is_array(),
        Step::Json => v.as_str().is_some_and(|s| crate::value::read::parse(s).is_ok()),
        Step::Split(_) => v.is_string(),
        Step::Where(..) => v.is_array(),
        Step::Deep(_) => v.is_object() || v.is_array(),
        Step::List => true,
    }
}

/// Make `steps` exist in `v`, ending in what `r` needs. A fresh array for every item
/// (`[*]`, a Map's items) gets three; an index makes the array long enough.
fn put(v: &mut Value, steps: &[Step], r: &Read, name: &str, fresh: bool) {
    let Some((first, rest)) = steps.split_first() else {
        leaf(v, r, name, fresh);
        return;
    };
    if !holds(v, first) {
        *v = holder(first);
    }
    match first {
        Step::Key(k) => {
            let Value::Object(m) = v else { return };
            let new = m.get(k.as_str()).is_none();
            if new {
                m.insert(k.as_str().into(), Value::Null);
            }
            let Some(child) = m.get_mut(k.as_str()) else { return };
            if let Some(next) = rest.first() {
                if new || !holds(child, next) {
                    *child = holder(next);
                }
            }
            put(child, rest, r, k, new);
        }
        Step::Index(i) => {
            let Value::Array(a) = v else { return };
            let item = singular(name);
            let mut new = false;
            while a.len() <= *i {
                a.push(rest.first().map_or_else(|| made_up(&item), holder));
                new = true;
            }
            put(&mut a[*i], rest, r, &item, new);
        }
        Step::Each => {
            let Value::Array(a) = v else { return };
            let item = singular(name);
            let new = a.is_empty();
            if new {
                for _ in 0..3 {
                    a.push(rest.first().map_or_else(|| made_up(&item), holder));
                }
            }
            for x in a.iter_mut() {
                put(x, rest, r, &item, new);
            }
        }
        Step::Split(c) => {
            // Enough parts for the index read after it; a part itself is a made-up word.
            let want = match rest.first() {
                Some(Step::Index(i)) => i + 1,
                _ => 1,
            };
            let have = v.as_str().map_or(0, |s| s.split(*c).count());
            if have < want {
                let base =
                    v.as_str().map_or_else(|| made_up(name).as_str().unwrap_or("example").to_string(), str::to_string);
                let more: Vec<String> = (have.max(1)..want).map(|i| format!("part{i}")).collect();
                *v = Value::from(format!("{base}{c}{}", more.join(&c.to_string())));
            }
        }
        Step::Where(key, value) => {
            // The item the filter selects: found, or added.
            let Value::Array(a) = v else { return };
            let field = |x: &Value| key.iter().try_fold(x, |x, k| x.get(k.as_str())).cloned();
            let at = match a.iter().position(|x| field(x).as_ref() == Some(value)) {
                Some(i) => i,
                None => {
                    // `{"Type": {"Text": value}}` for `@.Type.Text`.
                    let item = key.iter().rev().fold(value.clone(), |inner, k| {
                        let mut m = Map::new();
                        m.insert(k.as_str().into(), inner);
                        Value::Object(m)
                    });
                    a.push(item);
                    a.len() - 1
                }
            };
            let item = &mut a[at];
            if let Some(next) = rest.first() {
                if !holds(item, next) {
                    return;
                }
            }
            put(item, rest, r, name, false);
        }
        Step::Deep(k) => {
            // The field below an object, or below an array's first item.
            match v {
                Value::Array(a) => {
                    if !a.first().is_some_and(|x| x.is_object() || x.is_array()) {
                        if a.is_empty() {
                            a.push(Value::Null);
                        }
                        a[0] = Value::Object(Map::new());
                    }
                    put(&mut a[0], steps, r, name, fresh);
                }
                _ => {
                    let key = [Step::Key(k.clone())];
                    let steps: Vec<Step> = key.into_iter().chain(rest.iter().cloned()).collect();
                    put(v, &steps, r, name, fresh);
                }
            }
        }
        Step::List => {
            // An index into what the filter selected is the selected item itself; the
            // selection as a whole (a list, the items of a Map) is there already.
            match rest.first() {
                Some(Step::Index(_) | Step::Each) => put(v, &rest[1..], r, name, fresh),
                Some(_) => put(v, rest, r, name, fresh),
                None => {}
            }
        }
        Step::Json => {
            let mut inner = v.as_str().and_then(|s| crate::value::read::parse(s).ok()).unwrap_or(Value::Null);
            if let Some(next) = rest.first() {
                if !holds(&inner, next) {
                    inner = holder(next);
                }
            }
            if rest.is_empty() && inner.is_null() && r.want.is_none() {
                inner = Value::Object(Map::new());
            } else {
                let fresh = inner.is_null();
                put(&mut inner, rest, r, name, fresh);
            }
            *v = Value::from(crate::value::to_string(&inner));
        }
    }
}

/// The name of one item of a list named `name`.
fn singular(name: &str) -> String {
    let n = name.strip_suffix("List").or_else(|| name.strip_suffix("list")).unwrap_or(name);
    let n =
        n.strip_suffix("ies").map(|b| format!("{b}y")).unwrap_or_else(|| n.strip_suffix('s').unwrap_or(n).to_string());
    if n.is_empty() {
        "item".into()
    } else {
        n
    }
}

/// Take the field at `steps` out of `v`, if it is there.
fn remove(v: &mut Value, steps: &[Step]) {
    let Some((first, rest)) = steps.split_first() else { return };
    match (first, v) {
        (Step::Key(name), Value::Object(m)) if rest.is_empty() => {
            m.remove(name.as_str());
        }
        (Step::Key(name), Value::Object(m)) => {
            if let Some(child) = m.get_mut(name.as_str()) {
                remove(child, rest);
            }
        }
        (Step::Index(i), Value::Array(a)) => {
            if let Some(x) = a.get_mut(*i) {
                remove(x, rest);
            }
        }
        (Step::Each, Value::Array(a)) => {
            for x in a.iter_mut() {
                remove(x, rest);
            }
        }
        _ => {}
    }
}

/// A value for a field nothing says more about, from its name.
fn made_up(name: &str) -> Value {
    // DynamoDB's typed attribute values (`{"N": "12"}`, `{"S": "x"}`).
    match name {
        "N" => return Value::from("1"),
        "BOOL" => return Value::Bool(true),
        "L" => return Value::Array(Vec::new().into()),
        "M" => return Value::Object(Map::new()),
        "SS" => return Value::Array(vec![Value::from("example")].into()),
        "NS" => return Value::Array(vec![Value::from("1")].into()),
        _ => {}
    }
    let n = name.to_ascii_lowercase();
    const NUMERIC: [&str; 19] = [
        "count", "total", "amount", "number", "seconds", "size", "quantity", "price", "width", "height", "limit",
        "index", "age", "priority", "retries", "attempts", "port", "timeout", "duration",
    ];
    if n == "n" || NUMERIC.iter().any(|s| n.ends_with(s)) {
        return Value::from(1);
    }
    if n.starts_with("is") && name.chars().nth(2).is_some_and(|c| c.is_ascii_uppercase())
        || n.starts_with("has")
        || n == "enabled"
        || n == "ok"
    {
        return Value::Bool(true);
    }
    if n.ends_with("items")
        || n.ends_with("list")
        || n.ends_with('s') && n.len() > 3 && !n.ends_with("ss") && !n.ends_with("status") && !n.ends_with("address")
    {
        // A list of one: what is read or mapped over it has an item.
        let one = singular(name);
        return Value::Array(
            vec![if one == name { Value::from(format!("example-{name}")) } else { made_up(&one) }].into(),
        );
    }
    if n.ends_with("id") {
        return Value::from(format!("{name}-1"));
    }
    if n.ends_with("arn") {
        return Value::from(format!("arn:aws:example:us-east-1:123456789012:{name}"));
    }
    if n.ends_with("email") {
        return Value::from("someone@example.com");
    }
    if n.ends_with("url") {
        return Value::from(format!("https://example.com/{name}"));
    }
    Value::from(format!("example-{name}"))
}

/// The way a Choice takes (a rule's index, or `rules.len()` for the Default): the first
/// that leaves a loop through it and can still end in success; else the first that leaves
/// the loop (to a Fail state, say); else the first.
fn way_out(states: &Map, name: &str) -> usize {
    let Some(s) = states.get(name) else { return 0 };
    let Some(rules) = s.get("Choices").and_then(Value::as_array) else { return 0 };
    let mut ways: Vec<Option<&str>> = rules.iter().map(|r| r.get("Next").and_then(Value::as_str)).collect();
    ways.push(s.get("Default").and_then(Value::as_str));
    // The first way that leaves the loop and can end in success; else one that leaves.
    let rank = |to: &Option<&str>| match to {
        None => 4,
        Some(t) => {
            let loops = leads_to(states, t, name);
            let ends_well = succeeds(states, t, name);
            match (loops, ends_well) {
                (false, true) => 0,
                (false, false) => 1,
                (true, true) => 2,
                (true, false) => 3,
            }
        }
    };
    // A rule on a field a Catch writes (`ResultPath: $.error`, then `$.error` IsPresent)
    // is the way after an error: the way without one comes first among equals.
    let caught: Vec<&str> = states
        .values()
        .flat_map(|s| s.get("Catch").and_then(Value::as_array).map(|a| a.as_slice()).unwrap_or_default())
        .filter_map(|c| c.get("ResultPath").and_then(Value::as_str))
        .filter(|p| *p != "$")
        .collect();
    let after_error = |i: usize| {
        rules.get(i).is_some_and(|r| {
            let var = r.get("Variable").and_then(Value::as_str).unwrap_or_default();
            let present = r.get("IsPresent").and_then(Value::as_bool) == Some(true)
                || r.get("IsNull").and_then(Value::as_bool) == Some(false);
            present
                && caught
                    .iter()
                    .any(|p| var == *p || var.strip_prefix(p).is_some_and(|rest| rest.starts_with(['.', '['])))
        })
    };
    let ranks: Vec<u8> = ways.iter().enumerate().map(|(i, w)| rank(w) * 2 + u8::from(after_error(i))).collect();
    let best = ranks.iter().copied().min().unwrap_or(0);
    ranks.iter().position(|r| *r == best).unwrap_or(0)
}

/// Whether a success end (Succeed, or `End`) can be reached from `from` by Next, Default
/// and rules, without passing `avoid`.
fn succeeds(states: &Map, from: &str, avoid: &str) -> bool {
    let mut seen: Vec<&str> = Vec::new();
    let mut todo = vec![from];
    while let Some(n) = todo.pop() {
        if n == avoid || seen.contains(&n) || seen.len() > 10_000 {
            continue;
        }
        seen.push(n);
        let Some(s) = states.get(n) else { continue };
        let ty = s.get("Type").and_then(Value::as_str);
        if ty == Some("Succeed") || ty != Some("Fail") && s.get("End").and_then(Value::as_bool) == Some(true) {
            return true;
        }
        todo.extend(s.get("Next").and_then(Value::as_str));
        todo.extend(s.get("Default").and_then(Value::as_str));
        for r in s.get("Choices").and_then(Value::as_array).map(|a| a.as_slice()).unwrap_or_default() {
            todo.extend(r.get("Next").and_then(Value::as_str));
        }
    }
    false
}

/// Whether state `to` can be reached from state `from` (by Next, Default, a rule or a Catch).
fn leads_to(states: &Map, from: &str, to: &str) -> bool {
    let mut seen: Vec<&str> = Vec::new();
    let mut todo = vec![from];
    while let Some(n) = todo.pop() {
        if n == to {
            return true;
        }
        if seen.contains(&n) || seen.len() > 10_000 {
            continue;
        }
        seen.push(n);
        let Some(s) = states.get(n) else { continue };
        todo.extend(s.get("Next").and_then(Value::as_str));
        todo.extend(s.get("Default").and_then(Value::as_str));
        for key in ["Choices", "Catch"] {
            for r in s.get(key).and_then(Value::as_array).map(|a| a.as_slice()).unwrap_or_default() {
                todo.extend(r.get("Next").and_then(Value::as_str));
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn a_polling_loop_gets_a_status_that_leaves_it() {
        let def = json!({"StartAt": "Start", "States": {
            "Start": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"Payload.$": "$"}, "ResultPath": "$.job", "Next": "Poll"},
            "Poll": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"id.$": "$.job.Payload.jobId"}, "ResultPath": "$.job", "Next": "Done?"},
            "Done?": {"Type": "Choice", "Choices": [{"Variable": "$.job.Payload.status", "StringEquals": "SUCCEEDED", "Next": "End"}], "Default": "Wait"},
            "Wait": {"Type": "Wait", "Seconds": 5, "Next": "Poll"},
            "End": {"Type": "Succeed"}}});
        let d = derive(&def, true, &[]);
        let poll = &d.mocks.get("Poll").unwrap()["result"];
        assert_eq!(poll["Payload"]["status"], json!("SUCCEEDED"));
        assert_eq!(poll["StatusCode"], json!(200));
        assert!(poll["SdkHttpMetadata"]["HttpStatusCode"] == json!(200));
        assert!(d.mocks.get("Start").unwrap()["result"]["Payload"]["jobId"].is_string());
    }

    fn fixture(text: &str) -> Value {
        crate::value::read::parse(text).unwrap()
    }

    #[test]
    fn reads_follow_the_data_back_to_where_it_comes_from() {
        // A Choice on `$.customer.tier` reads what ResultSelector took from the Item: the
        // mock gets `Item.tier.S`, and the input no `customer` (ResultPath writes it).
        let d = derive(&fixture(include_str!("../../tests/auto/result-selector.asl.json")), true, &[]);
        let input = d.input.unwrap();
        assert!(input.get("customer").is_none(), "{input}");
        assert!(input["customerId"].is_string());
        let item = &d.mocks.get("GetCustomer").unwrap()["result"]["Item"];
        assert_eq!(item["tier"]["S"], json!("gold"), "the chosen rule's value");
        assert!(item["email"]["S"].is_string());
        // Reads under a Catch's ResultPath are the error's, not the input's; a rule leading
        // to a Fail state is not the way taken: its field stays absent.
        let d = derive(&fixture(include_str!("../../tests/auto/catch-and-fail.asl.json")), true, &[]);
        let input = d.input.unwrap();
        assert!(input.get("error").is_none() && input.get("previousError").is_none(), "{input}");
        assert!(!d.mocks.get("Ship").unwrap()["result"]["Payload"]["trackingNumber"].is_null());
    }

    #[test]
    fn the_chosen_rule_wins_over_the_rules_made_to_fail() {
        // Rule 1 (FAILED) is made to fail, rule 2 (Not READY) too, so the Default is taken:
        // the status must be READY, not "FAILED-other".
        let d = derive(&fixture(include_str!("../../tests/auto/outputpath-polling.asl.json")), true, &[]);
        let check = &d.mocks.get("CheckReport").unwrap()["result"]["Payload"];
        assert_eq!(check["state"], json!("READY"));
        assert!(check["location"]["url"].is_string());
        assert!(d.mocks.get("StartReport").unwrap()["result"]["Payload"]["jobId"].is_string());
    }

    #[test]
    fn intrinsics_get_the_values_they_need() {
        let d = derive(&fixture(include_str!("../../tests/auto/intrinsics.asl.json")), true, &[]);
        let input = d.input.unwrap();
        let body = crate::value::read::parse(input["body"].as_str().unwrap()).unwrap();
        assert!(body["order"]["customer"].is_string(), "JSON text holding what is read of it: {input}");
        assert!(input["eventSourceARN"].as_str().unwrap().split(':').count() >= 4);
        assert_eq!(input["keyTemplate"].as_str().unwrap().matches("{}").count(), 1);
        assert!(input["attributes"]["ApproximateReceiveCount"].is_number());
        assert!(input["labels"].is_array());
        assert_eq!(input["algorithm"], json!("SHA-256"));
    }

    #[test]
    fn batches_jsonata_outputs_and_variables_are_followed() {
        let d = derive(&fixture(include_str!("../../tests/auto/item-batcher.asl.json")), true, &[]);
        let items = &d.mocks.get("ListCustomers").unwrap()["result"]["Items"];
        assert!(items[0]["pk"]["S"].is_string() && items[0]["spend"]["N"].is_string(), "{items}");
        let d = derive(&fixture(include_str!("../../tests/auto/jsonata-output.asl.json")), true, &[]);
        let payload = &d.mocks.get("Charge").unwrap()["result"]["Payload"];
        assert_eq!(payload["paid"], json!(true), "Output carries `paid` to the Choice");
        assert!(payload["receipt"]["amount"].is_number(), "a variable's field, used in arithmetic: {payload}");
    }

    #[test]
    fn filters_splits_and_the_way_without_an_error() {
        let d = derive(&fixture(include_str!("../../tests/auto/filters-splits-error-first.asl.json")), true, &[]);
        // A filter asks for the item it selects; the index after it picks that item.
        let vars = &d.mocks.get("Build").unwrap()["result"]["Build"]["ExportedEnvironmentVariables"];
        assert_eq!(vars[0]["Name"], json!("IMAGE_URI"), "{vars}");
        assert!(vars[0]["Value"].is_string());
        // `States.StringSplit` then an index 2: a text of three parts. Only the input's
        // own field is in the input (no `parsed`, no `error`: a Pass and a Catch write them).
        let input = d.input.unwrap();
        assert!(input["host"].as_str().unwrap().split('.').count() >= 3, "{input}");
        assert_eq!(input.as_object().unwrap().len(), 1, "{input}");
    }

    #[test]
    fn an_item_reader_gets_files_of_the_shape_its_iterations_read() {
        let d = derive(&fixture(include_str!("../../tests/auto/item-reader.asl.json")), true, &[]);
        let input = d.input.unwrap();
        let files = d.mocks.get("Files").expect("a Files section");
        // The CSV object is where the made-up input's bucket and key say, in a valid bucket
        // name, with the columns the iteration reads.
        let bucket = input["detail"]["bucket"]["name"].as_str().unwrap();
        let key = input["detail"]["object"]["key"].as_str().unwrap();
        assert!(bucket.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{bucket}");
        let csv = files[bucket][key].as_str().unwrap();
        let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        assert!(header.contains(&"customer_id") && header.contains(&"email"), "{csv}");
        assert_eq!(csv.lines().count(), 4, "a header and three rows: {csv}");
        // Listed objects under the prefix hold JSON items (LOAD_AND_FLATTEN); the writer's
        // bucket exists.
        let exports = files["exports"].as_object().unwrap();
        assert_eq!(exports.len(), 3);
        assert!(exports.keys().all(|k| k.as_str().starts_with("daily/")));
        let items = crate::value::read::parse(exports.values().next().unwrap().as_str().unwrap()).unwrap();
        assert!(items[0]["orderId"].is_string() && items[0]["total"].is_number(), "{items}");
        assert!(files["archive-results"].as_object().is_some_and(|m| m.is_empty()));
        // Files the user gives are theirs.
        assert!(derive(&fixture(include_str!("../../tests/auto/item-reader.asl.json")), true, &["Files".into()])
            .mocks
            .get("Files")
            .is_none());
    }
}
