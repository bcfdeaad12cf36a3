//! A distributed Map's `ItemReader`: its items read from the workspace of files, by AWS's
//! documented rules (developer guide, "ItemReader (Map)" and "How Step Functions parses
//! input CSV files"):
//!
//! - `s3:getObject` with `InputType` `CSV` (the header from the first row or `CSVHeaders`;
//!   `CSVDelimiter` COMMA, PIPE, SEMICOLON, SPACE or TAB; fields are strings; double quotes
//!   enclose delimiters and newlines and `""` is a quote; a backslash escapes a backslash, a
//!   quote or the delimiter and is dropped before any other character; a short row gets empty
//!   strings, a long one loses its extra fields), `JSON` (an array, or the array at
//!   `ItemsPointer`), `JSONL` (one value a line) or `MANIFEST` (an S3 inventory's
//!   `manifest.json`: its CSV files, columns named by its `fileSchema`); `ManifestType`
//!   `ATHENA_DATA` (a CSV list of the S3 URIs of the data files, each read as `InputType`);
//! - `s3:listObjectsV2`: one item per object under the prefix (`Etag`, `Key`,
//!   `LastModified` in epoch seconds, `Size`, `StorageClass`), or with
//!   `Transformation: LOAD_AND_FLATTEN` the items of every listed object read as `InputType`.
//!
//! A CSV row is an object in the key order of AWS's Java maps (the guide's example child
//! input shows `rating, movieId, userId, timestamp` for the header `userId, movieId, rating,
//! timestamp`). Each item carries its `$$.Map.Item.Source`: `S3://bucket/key`, or
//! `S3://bucket` for a listing's metadata items.
//!
//! What fails is `States.ItemReaderFailed` (a missing bucket or object, a file that does not
//! parse, a JSON document that is not an array, an item over 8 MB). AWS's own cause texts are
//! not recorded in the conformance corpus: the causes here name the object and what is
//! wrong with it. statelab reads neither Parquet nor compressed (GZIP, ZSTD) objects, and says
//! so.

use crate::asl::{InputType, ItemReader, ManifestType, ReaderConfig};
use crate::dataflow::java::java_hashmap_order;
use crate::files::{Files, Object};
use crate::value::{Key, Map, Value};

/// The largest item AWS reads from a file (before an ItemSelector makes it smaller).
pub const MAX_ITEM_BYTES: usize = 8 * 1024 * 1024;

/// The most items statelab reads for one Map (its own limit: AWS reads up to 100,000,000,
/// but a million child executions already reach statelab's limit on their events,
/// `exec::MAX_CHILD_EVENTS`).
pub const MAX_ITEMS: usize = 1_000_000;

/// The items read, each with its `$$.Map.Item.Source`.
pub type Items = (Vec<Value>, Vec<Value>);

/// Read the items of `reader` with its evaluated `Parameters`/`Arguments` (`args`), at most
/// `max_items` (0: all). `start` is the execution's start (the time objects handed in before
/// the run were last modified). `Err` is the cause of `States.ItemReaderFailed`.
pub fn read_items(
    reader: &ItemReader,
    args: &Value,
    max_items: usize,
    files: &Files,
    start: i64,
) -> Result<Items, String> {
    let bucket = string_arg(args, "Bucket")?;
    let mut out =
        Out { items: Vec::new(), sources: Vec::new(), max: if max_items == 0 { usize::MAX } else { max_items } };
    let cfg = &reader.reader;
    if reader.list {
        let prefix = match args.get("Prefix") {
            None | Some(Value::Null) => "",
            Some(Value::String(s)) => s,
            Some(_) => return Err("The ItemReader's 'Prefix' must be a string".into()),
        };
        let listed = files.list(bucket, prefix).map_err(|e| s3_failure(&e, bucket, None))?;
        match cfg.input_type.filter(|_| cfg.load_and_flatten) {
            None => {
                let source = Value::from(format!("S3://{bucket}"));
                for (key, o) in listed {
                    if out.full() {
                        break;
                    }
                    out.push(object_metadata(key, o, start), &source)?;
                }
            }
            Some(ty) => {
                for (key, o) in listed {
                    if out.full() {
                        break;
                    }
                    // A "folder" the console made is an empty object whose key ends in '/'.
                    if key.ends_with('/') && o.body.is_empty() {
                        continue;
                    }
                    read_object(ty, cfg, bucket, key, o, &mut out)?;
                }
            }
        }
        return Ok((out.items, out.sources));
    }
    let key = string_arg(args, "Key")?;
    let o = files.get(bucket, key).map_err(|e| s3_failure(&e, bucket, Some(key)))?;
    match (cfg.manifest_type, cfg.input_type) {
        (Some(ManifestType::AthenaData), Some(ty)) => {
            let text = text_of(o, bucket, key)?;
            let mut uris = Vec::new();
            csv_records(text, b',', |row| {
                uris.extend(row.into_iter().filter(|f| !f.is_empty()));
                Ok(true)
            })
            .map_err(|e| format!("The Athena manifest s3://{bucket}/{key} is not valid CSV: {e}"))?;
            for uri in uris {
                if out.full() {
                    break;
                }
                let (b, k) = split_s3_uri(&uri).ok_or_else(|| {
                    format!("The Athena manifest s3://{bucket}/{key} lists '{uri}', which is not an S3 URI")
                })?;
                let data = files.get(b, k).map_err(|e| s3_failure(&e, b, Some(k)))?;
                read_object(ty, cfg, b, k, data, &mut out)?;
            }
        }
        (Some(ManifestType::S3Inventory), _) | (_, Some(InputType::Manifest)) => {
            inventory(files, bucket, key, o, cfg, &mut out)?
        }
        (_, Some(ty)) => read_object(ty, cfg, bucket, key, o, &mut out)?,
        // The definition was checked: a getObject reader has an InputType or a ManifestType.
        (_, None) => return Err("The ItemReader has no InputType".into()),
    }
    Ok((out.items, out.sources))
}

struct Out {
    items: Vec<Value>,
    sources: Vec<Value>,
    max: usize,
}

impl Out {
    fn full(&self) -> bool {
        self.items.len() >= self.max
    }
    fn push(&mut self, item: Value, source: &Value) -> Result<(), String> {
        if self.items.len() >= MAX_ITEMS {
            return Err(format!(
                "The ItemReader gives more than {MAX_ITEMS} items, statelab's limit (AWS's is 100,000,000): set MaxItems"
            ));
        }
        self.items.push(item);
        self.sources.push(source.clone());
        Ok(())
    }
}

fn string_arg<'a>(args: &'a Value, name: &str) -> Result<&'a str, String> {
    match args.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(other) => Err(format!(
            "The ItemReader's '{name}' must be a non-empty string, not {}",
            crate::value::read::to_compact(other)
        )),
        None => Err(format!("The ItemReader's Parameters (or Arguments) must give '{name}'")),
    }
}

/// The cause of a read S3 refused.
fn s3_failure(e: &crate::files::S3Error, bucket: &str, key: Option<&str>) -> String {
    let what = match key {
        Some(k) => format!("s3://{bucket}/{k}"),
        None => format!("s3://{bucket}"),
    };
    format!("Cannot read {what}: {} (Service: S3, Status Code: 404, Error Code: {})", e.message(), e.code())
}

/// `s3://bucket/key` (any case of the scheme) as (bucket, key).
fn split_s3_uri(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.get(..5).filter(|s| s.eq_ignore_ascii_case("s3://")).map(|_| &uri[5..])?;
    let (b, k) = rest.split_once('/')?;
    (!b.is_empty() && !k.is_empty()).then_some((b, k))
}

/// A listed object's metadata item, as the guide shows it.
fn object_metadata(key: &str, o: &Object, start: i64) -> Value {
    let modified = o.modified.unwrap_or(start).div_euclid(1000);
    crate::json!({
        "Etag": crate::files::tasks::etag(&o.body),
        "Key": key,
        "LastModified": modified,
        "Size": o.body.len(),
        "StorageClass": "STANDARD",
    })
}

/// The object's text: UTF-8 (a byte-order mark dropped), not compressed.
fn text_of<'a>(o: &'a Object, bucket: &str, key: &str) -> Result<&'a str, String> {
    let b = &o.body[..];
    if b.starts_with(&[0x1f, 0x8b]) || b.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        let kind = if b[0] == 0x1f { "GZIP" } else { "ZSTD" };
        return Err(format!(
            "s3://{bucket}/{key} is compressed ({kind}), which statelab does not decompress: give it uncompressed"
        ));
    }
    let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b);
    std::str::from_utf8(b)
        .map_err(|e| format!("s3://{bucket}/{key} is not UTF-8 text (byte {} of it is not)", e.valid_up_to() + 1))
}

/// The items of one object read as `ty`.
fn read_object(
    ty: InputType,
    cfg: &ReaderConfig,
    bucket: &str,
    key: &str,
    o: &Object,
    out: &mut Out,
) -> Result<(), String> {
    let source = Value::from(format!("S3://{bucket}/{key}"));
    let uri = format!("s3://{bucket}/{key}");
    match ty {
        InputType::Parquet => Err(format!("{uri} is to be read as Parquet, which statelab does not read")),
        InputType::Manifest => Err(format!("{uri}: an S3 inventory manifest cannot be read here")),
        InputType::Csv => {
            let text = text_of(o, bucket, key)?;
            csv_items(text, cfg.delimiter, cfg.headers.as_deref(), &uri, &source, out)
        }
        InputType::Jsonl => {
            let text = text_of(o, bucket, key)?;
            for (n, line) in text.split('\n').enumerate() {
                if out.full() {
                    break;
                }
                let line = line.strip_suffix('\r').unwrap_or(line);
                if line.trim().is_empty() {
                    continue;
                }
                if line.len() > MAX_ITEM_BYTES {
                    return Err(format!("Line {} of {uri} is over the 8 MB an item may have", n + 1));
                }
                let v = crate::value::read::parse(line).map_err(|e| {
                    format!("Line {} of {uri} is not JSON: {} (column {})", n + 1, e.message, e.pos.column)
                })?;
                out.push(v, &source)?;
            }
            Ok(())
        }
        InputType::Json => {
            let text = text_of(o, bucket, key)?;
            let doc = crate::value::read::parse(text).map_err(|e| {
                format!("{uri} is not a JSON document: {} (line {}, column {})", e.message, e.pos.line, e.pos.column)
            })?;
            let at = cfg.items_pointer.as_deref().unwrap_or("");
            let found = doc.pointer(at).ok_or_else(|| format!("{uri} has nothing at the ItemsPointer '{at}'"))?;
            let Value::Array(items) = found else {
                let what = if at.is_empty() { String::new() } else { format!(" at the ItemsPointer '{at}'") };
                return Err(format!("The JSON document {uri} holds {}{what}, not an array", kind(found)));
            };
            let big = text.len() > MAX_ITEM_BYTES;
            for v in items.iter() {
                if out.full() {
                    break;
                }
                if big && crate::value::text_longer_than(v, MAX_ITEM_BYTES) {
                    return Err(format!("An item of {uri} is over the 8 MB an item may have"));
                }
                out.push(v.clone(), &source)?;
            }
            Ok(())
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The rows of a CSV text as objects keyed by the header (`headers`, else its first row).
fn csv_items(
    text: &str,
    delimiter: u8,
    headers: Option<&[String]>,
    uri: &str,
    source: &Value,
    out: &mut Out,
) -> Result<(), String> {
    let mut columns: Option<Columns> = headers.map(Columns::new);
    csv_records(text, delimiter, |row| {
        if out.full() {
            return Ok(false);
        }
        match &columns {
            None => {
                columns = Some(Columns::new(&row));
            }
            Some(c) => out.push(c.item(row), source)?,
        }
        Ok(true)
    })
    .map_err(|e| format!("{uri} is not valid CSV: {e}"))
}

/// A CSV header: its distinct names, and the order AWS's Java map gives them.
struct Columns {
    /// Per column, the place of its name in `keys` (a repeated name: the last column wins).
    slot: Vec<usize>,
    keys: Vec<Key>,
    order: Vec<usize>,
}

impl Columns {
    fn new(names: &[String]) -> Columns {
        let mut keys: Vec<Key> = Vec::new();
        let mut slot = Vec::with_capacity(names.len());
        for n in names {
            match keys.iter().position(|k| k.as_str() == n) {
                Some(i) => slot.push(i),
                None => {
                    slot.push(keys.len());
                    keys.push(n.as_str().into());
                }
            }
        }
        let texts: Vec<&str> = keys.iter().map(Key::as_str).collect();
        let order = java_hashmap_order(&texts);
        Columns { slot, keys, order }
    }

    /// A row as an object: a missing field is "", a field past the header is skipped.
    fn item(&self, row: Vec<String>) -> Value {
        let mut values: Vec<Option<String>> = vec![None; self.keys.len()];
        for (field, &s) in row.into_iter().zip(&self.slot) {
            values[s] = Some(field);
        }
        let mut m = Vec::with_capacity(self.keys.len());
        for &i in &self.order {
            m.push((self.keys[i].clone(), Value::from(values[i].take().unwrap_or_default())));
        }
        Value::Object(Map::from_distinct(m))
    }
}

/// Split CSV text into records by AWS's rules, handing each to `each` (which says whether
/// to go on). Blank lines are skipped. Fails on a quoted field that never ends and on a
/// record over [`MAX_ITEM_BYTES`].
pub fn csv_records(
    text: &str,
    delim: u8,
    mut each: impl FnMut(Vec<String>) -> Result<bool, String>,
) -> Result<(), String> {
    let b = text.as_bytes();
    let line_of = |at: usize| text[..at].matches('\n').count() + 1;
    let mut i = 0;
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let (mut quoted, mut at_start, mut quoted_ever) = (false, true, false);
    let mut record_start = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' {
            // An escaped backslash, quote or delimiter is kept; before anything else the
            // backslash is dropped.
            match b.get(i + 1) {
                Some(&n) if n == b'\\' || n == b'"' || n == delim => {
                    field.push(n as char);
                    i += 2;
                }
                _ => i += 1,
            }
            at_start = false;
            continue;
        }
        if c == b'"' {
            if quoted {
                if b.get(i + 1) == Some(&b'"') {
                    field.push('"');
                    i += 2;
                } else {
                    quoted = false;
                    i += 1;
                }
            } else if at_start {
                quoted = true;
                quoted_ever = true;
                i += 1;
            } else if b.get(i + 1) == Some(&b'"') {
                field.push('"');
                i += 2;
            } else {
                field.push('"');
                i += 1;
            }
            at_start = false;
            continue;
        }
        if !quoted && c == delim {
            record.push(std::mem::take(&mut field));
            at_start = true;
            i += 1;
            continue;
        }
        if !quoted && (c == b'\n' || c == b'\r') {
            let blank = record.is_empty() && field.is_empty() && !quoted_ever;
            record.push(std::mem::take(&mut field));
            if !blank {
                if i - record_start > MAX_ITEM_BYTES {
                    return Err(format!(
                        "the record on line {} is over the 8 MB an item may have",
                        line_of(record_start)
                    ));
                }
                if !each(std::mem::take(&mut record))? {
                    return Ok(());
                }
            }
            record.clear();
            i += if c == b'\r' && b.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
            record_start = i;
            (at_start, quoted_ever) = (true, false);
            continue;
        }
        // A run of ordinary text, copied at once (it ends before an ASCII special byte, so on
        // a character boundary).
        let mut j = i + 1;
        while j < b.len() && !matches!(b[j], b'\\' | b'"' | b'\n' | b'\r') && b[j] != delim {
            j += 1;
        }
        field.push_str(&text[i..j]);
        at_start = false;
        i = j;
        // Inside quotes, a newline or a delimiter is text.
        if quoted && j < b.len() && (b[j] == b'\n' || b[j] == b'\r' || b[j] == delim) {
            field.push(b[j] as char);
            i = j + 1;
        }
    }
    if quoted {
        return Err(format!("the quoted field of the record on line {} never ends", line_of(record_start)));
    }
    if !record.is_empty() || !field.is_empty() || quoted_ever {
        record.push(field);
        if b.len() - record_start > MAX_ITEM_BYTES {
            return Err(format!("the record on line {} is over the 8 MB an item may have", line_of(record_start)));
        }
        each(record)?;
    }
    Ok(())
}

/// An S3 inventory: its `manifest.json` names the CSV files (in `destinationBucket`) and
/// their columns (`fileSchema`).
fn inventory(
    files: &Files,
    bucket: &str,
    key: &str,
    o: &Object,
    cfg: &ReaderConfig,
    out: &mut Out,
) -> Result<(), String> {
    let uri = format!("s3://{bucket}/{key}");
    let text = text_of(o, bucket, key)?;
    let manifest = crate::value::read::parse(text).map_err(|e| {
        format!(
            "The S3 inventory manifest {uri} is not JSON: {} (line {}, column {})",
            e.message, e.pos.line, e.pos.column
        )
    })?;
    let field =
        |name: &str| manifest.get(name).ok_or_else(|| format!("The S3 inventory manifest {uri} has no '{name}'"));
    let schema = field("fileSchema")?.as_str().ok_or_else(|| format!("The 'fileSchema' of {uri} is not a string"))?;
    if let Some(f) = manifest.get("fileFormat").and_then(Value::as_str) {
        if !f.eq_ignore_ascii_case("CSV") {
            return Err(format!("The S3 inventory {uri} is in {f}: Step Functions reads CSV inventories only"));
        }
    }
    let headers: Vec<String> = schema.split(',').map(|s| s.trim().to_string()).collect();
    let dest = field("destinationBucket")?
        .as_str()
        .ok_or_else(|| format!("The 'destinationBucket' of {uri} is not a string"))?;
    let dest = dest.strip_prefix("arn:aws:s3:::").unwrap_or(dest);
    let Some(list) = field("files")?.as_array() else {
        return Err(format!("The 'files' of {uri} is not an array"));
    };
    for f in list.iter() {
        if out.full() {
            break;
        }
        let Some(k) = f.get("key").and_then(Value::as_str) else {
            return Err(format!("A file of the S3 inventory {uri} has no 'key'"));
        };
        let data = files.get(dest, k).map_err(|e| s3_failure(&e, dest, Some(k)))?;
        let text = text_of(data, dest, k)?;
        let source = Value::from(format!("S3://{dest}/{k}"));
        csv_items(text, cfg.delimiter, Some(&headers), &format!("s3://{dest}/{k}"), &source, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str, delim: u8) -> Result<Vec<Vec<String>>, String> {
        let mut out = Vec::new();
        csv_records(text, delim, |r| {
            out.push(r);
            Ok(true)
        })?;
        Ok(out)
    }

    #[test]
    fn csv_rules_of_the_guide() {
        // The guide's example: quotes around commas and a newline, "" for a quote, "" in an
        // unquoted field too.
        let text = "abc,123,\"This string contains commas, a double quotation marks (\"\"), and a newline (\n)\",{\"\"MyKey\"\":\"\"MyValue\"\"},\"[1,2,3]\"";
        assert_eq!(
            records(text, b',').unwrap(),
            [[
                "abc",
                "123",
                "This string contains commas, a double quotation marks (\"), and a newline (\n)",
                "{\"MyKey\":\"MyValue\"}",
                "[1,2,3]"
            ]]
        );
        // Backslashes: escaped backslashes, quotes and delimiters; dropped before anything else.
        assert_eq!(
            records("C:\\\\Program Files\\\\MyApp.exe,6534512", b',').unwrap(),
            [["C:\\Program Files\\MyApp.exe", "6534512"]]
        );
        assert_eq!(records("a\\,b,c\\d,\\\"q", b',').unwrap(), [["a,b", "cd", "\"q"]]);
        // Records end at \n, \r\n or \r; blank lines are skipped; other delimiters.
        assert_eq!(records("a|b\r\n\r\nc|d\re|f\n", b'|').unwrap(), [["a", "b"], ["c", "d"], ["e", "f"]]);
        assert_eq!(records("x\ty\n", b'\t').unwrap(), [["x", "y"]]);
        assert_eq!(records("\"\"\n", b',').unwrap(), [[""]]);
        assert!(records("a,\"b\nc", b',').unwrap_err().contains("line 1"));
    }
}
