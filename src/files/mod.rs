//! The workspace of files a run reads and writes where AWS would reach Amazon S3: objects by
//! bucket and key. A distributed Map's `ItemReader` reads its items from here, its
//! `ResultWriter` writes its results here, and `s3:getObject`, `s3:putObject` and
//! `s3:listObjectsV2` tasks that no mock answers read and write the same objects.
//!
//! The files are data handed in with the run, as mocks are (the CLI's `--files DIR` and the
//! mock configuration's `Files` section, the page's Files panel): the engine never does IO.
//! What the run writes goes into the same store, and [`Files::written`] tells the host which
//! objects those are.

#[cfg(feature = "extras")]
pub mod tasks;

use crate::support::ordmap::OrdMap;
use crate::value::{Map, Value};
use std::rc::Rc;

/// One object: its bytes, and when it was last written (ms since the epoch, virtual time;
/// `None` for an object handed in before the run, which shows the execution's start time).
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub body: Rc<[u8]>,
    pub modified: Option<i64>,
}

/// Why S3 would refuse a request, as its error codes say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum S3Error {
    NoSuchBucket(String),
    NoSuchKey(String, String),
}

impl S3Error {
    /// S3's error code (`NoSuchBucket`, `NoSuchKey`).
    pub fn code(&self) -> &'static str {
        match self {
            S3Error::NoSuchBucket(_) => "NoSuchBucket",
            S3Error::NoSuchKey(..) => "NoSuchKey",
        }
    }
    /// S3's message for it.
    pub fn message(&self) -> &'static str {
        match self {
            S3Error::NoSuchBucket(_) => "The specified bucket does not exist",
            S3Error::NoSuchKey(..) => "The specified key does not exist.",
        }
    }
}

/// The buckets of a run and their objects. Buckets keep the order they were given in; a
/// listing sorts the keys as S3 does (by their UTF-8 bytes).
#[derive(Debug, Clone, Default)]
pub struct Files {
    buckets: OrdMap<OrdMap<Object>>,
    /// The objects the run wrote, in the order of their first write.
    written: Vec<(String, String)>,
}

/// The longest object key S3 accepts, in bytes.
pub const MAX_KEY_BYTES: usize = 1024;

impl Files {
    pub fn new() -> Files {
        Files::default()
    }

    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    /// Add an empty bucket (an existing one is kept as it is).
    pub fn add_bucket(&mut self, bucket: &str) {
        self.buckets.get_or_insert_with(bucket, OrdMap::new);
    }

    /// Add (or replace) an object handed in before the run, its bucket made if needed.
    pub fn insert(&mut self, bucket: &str, key: &str, body: impl Into<Rc<[u8]>>) {
        self.buckets
            .get_or_insert_with(bucket, OrdMap::new)
            .insert(key.to_string(), Object { body: body.into(), modified: None });
    }

    pub fn buckets(&self) -> impl Iterator<Item = &str> {
        self.buckets.keys().map(String::as_str)
    }

    /// The objects of a bucket, in the order they were added.
    pub fn objects(&self, bucket: &str) -> impl Iterator<Item = (&str, &Object)> {
        self.buckets.get(bucket).into_iter().flat_map(|b| b.iter().map(|(k, o)| (k.as_str(), o)))
    }

    pub fn get(&self, bucket: &str, key: &str) -> Result<&Object, S3Error> {
        let b = self.buckets.get(bucket).ok_or_else(|| S3Error::NoSuchBucket(bucket.to_string()))?;
        b.get(key).ok_or_else(|| S3Error::NoSuchKey(bucket.to_string(), key.to_string()))
    }

    /// Write an object at virtual time `now`: the bucket must exist, as in S3.
    pub fn put(&mut self, bucket: &str, key: &str, body: Vec<u8>, now: i64) -> Result<(), S3Error> {
        let b = self.buckets.get_mut(bucket).ok_or_else(|| S3Error::NoSuchBucket(bucket.to_string()))?;
        b.insert(key.to_string(), Object { body: body.into(), modified: Some(now) });
        if !self.written.iter().any(|(wb, wk)| wb == bucket && wk == key) {
            self.written.push((bucket.to_string(), key.to_string()));
        }
        Ok(())
    }

    /// The keys of a bucket that start with `prefix`, sorted as S3 lists them.
    pub fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<(&str, &Object)>, S3Error> {
        let b = self.buckets.get(bucket).ok_or_else(|| S3Error::NoSuchBucket(bucket.to_string()))?;
        let found: Vec<(&str, &Object)> =
            b.iter().filter(|(k, _)| k.starts_with(prefix)).map(|(k, o)| (k.as_str(), o)).collect();
        Ok(crate::support::sort::sorted_by_key(found, |(k, _)| k.as_bytes()))
    }

    /// The objects the run wrote (bucket, key), in the order of their first write.
    pub fn written(&self) -> &[(String, String)] {
        &self.written
    }

    /// Read a workspace from JSON: `{"bucket": {"key": content}}`, where a string is the
    /// object's text and any other value is written as compact JSON; `{}` is an empty
    /// bucket. An error names the JSON Pointer of the value at fault.
    pub fn from_value(v: &Value) -> Result<Files, (String, String)> {
        let esc = crate::value::read::escape_token;
        let Some(buckets) = v.as_object() else {
            return Err((String::new(), "the files must be an object of buckets, each an object of keys".into()));
        };
        let mut files = Files::new();
        for (bucket, objects) in buckets {
            let bp = format!("/{}", esc(bucket));
            if let Some(why) = bad_bucket_name(bucket) {
                return Err((bp, format!("'{bucket}' is not a bucket name: {why}")));
            }
            let Some(objects) = objects.as_object() else {
                return Err((bp, format!("bucket '{bucket}' must be an object of keys and contents")));
            };
            files.add_bucket(bucket);
            for (key, content) in objects {
                if key.is_empty() || key.len() > MAX_KEY_BYTES {
                    return Err((
                        format!("{bp}/{}", esc(key)),
                        format!("an object key is 1 to {MAX_KEY_BYTES} bytes long"),
                    ));
                }
                let text = match content {
                    Value::String(s) => s.to_string(),
                    other => crate::value::read::to_compact(other),
                };
                files.insert(bucket, key, text.into_bytes());
            }
        }
        Ok(files)
    }

    /// The objects the run wrote, as `{"bucket": {"key": text}}` (bytes that are not UTF-8
    /// are replaced by U+FFFD).
    pub fn written_json(&self) -> Value {
        let mut out = Map::new();
        for (bucket, key) in &self.written {
            if let Ok(o) = self.get(bucket, key) {
                let text = String::from_utf8_lossy(&o.body).into_owned();
                let b = out.get_or_insert_with(bucket, || Value::Object(Map::new()));
                if let Value::Object(m) = b {
                    m.insert(key.as_str().into(), Value::from(text));
                }
            }
        }
        Value::Object(out)
    }
}

/// Why `name` is not an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens,
/// starting and ending with a letter or digit), if it is not.
pub fn bad_bucket_name(name: &str) -> Option<&'static str> {
    let b = name.as_bytes();
    if !(3..=63).contains(&b.len()) {
        return Some("it must be 3 to 63 characters long");
    }
    if !b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-') {
        return Some("it may hold only lowercase letters, digits, dots and hyphens");
    }
    let edge = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !edge(b[0]) || !edge(b[b.len() - 1]) {
        return Some("it must start and end with a letter or a digit");
    }
    None
}

/// The S3 action a Task resource of this type calls on the workspace when no mock answers
/// it: `s3:getObject`, `s3:putObject` and `s3:listObjectsV2`, as the optimized form or the
/// AWS SDK one (`aws-sdk:s3:...`).
pub fn s3_task_action<'a>(resource_type: &str, resource: &'a str) -> Option<&'a str> {
    (matches!(resource_type, "s3" | "aws-sdk:s3") && matches!(resource, "getObject" | "putObject" | "listObjectsV2"))
        .then_some(resource)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn from_value_lists_sorted_and_writes() {
        let v = json!({"data": {"b.csv": "x", "a.json": [1, 2], "dir/c": "y"}, "empty-bucket": {}});
        let mut f = Files::from_value(&v).unwrap();
        assert_eq!(&*f.get("data", "a.json").unwrap().body, b"[1,2]");
        let keys: Vec<&str> = f.list("data", "").unwrap().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["a.json", "b.csv", "dir/c"]);
        assert_eq!(f.list("data", "dir/").unwrap().len(), 1);
        assert_eq!(f.get("data", "nope"), Err(S3Error::NoSuchKey("data".into(), "nope".into())));
        assert_eq!(f.put("nobucket", "k", vec![], 5), Err(S3Error::NoSuchBucket("nobucket".into())));
        f.put("empty-bucket", "out/r.json", b"{}".to_vec(), 7).unwrap();
        f.put("empty-bucket", "out/r.json", b"[]".to_vec(), 8).unwrap();
        assert_eq!(f.written().len(), 1);
        assert_eq!(f.written_json(), json!({"empty-bucket": {"out/r.json": "[]"}}));
        assert!(Files::from_value(&json!({"Bad_Bucket": {}})).unwrap_err().0 == "/Bad_Bucket");
        assert!(Files::from_value(&json!({"data": {"": "x"}})).is_err());
        assert!(Files::from_value(&json!([1])).is_err());
    }
}
