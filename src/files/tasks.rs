//! `s3:getObject`, `s3:putObject` and `s3:listObjectsV2` tasks that no mock answers, on the
//! workspace of files (optimized `arn:aws:states:::s3:ACTION` or `aws-sdk:s3:ACTION`). The
//! answers have the AWS SDK's field names (`Body`, `ETag`, `Contents`, ...); a refusal is
//! the SDK integration's error, `S3.NoSuchKeyException` or `S3.NoSuchBucketException`.

use super::{Files, Object, S3Error};
use crate::error::Failure;
use crate::json;
use crate::value::{Map, Value};

/// An object's ETag: the MD5 of its bytes in hex, in double quotes (as S3 gives a single-part
/// upload's).
pub fn etag(body: &[u8]) -> String {
    let hex = crate::support::digest::hash_hex("MD5", body).unwrap_or_default();
    format!("\"{hex}\"")
}

/// The most keys one listing gives (S3's `MaxKeys` default and limit).
const MAX_KEYS: usize = 1000;

/// Answer an S3 task `action` with request `input` at virtual time `now` (`start`: the
/// execution's start, when objects handed in before the run were last modified).
pub fn answer(action: &str, input: &Value, files: &mut Files, now: i64, start: i64) -> Result<Value, Failure> {
    let bucket = string(input, "Bucket", action)?;
    match action {
        "getObject" => {
            let key = string(input, "Key", action)?;
            let o = files.get(bucket, key).map_err(|e| refusal(&e))?;
            Ok(json!({
                "Body": String::from_utf8_lossy(&o.body).into_owned(),
                "ContentLength": o.body.len(),
                "ETag": etag(&o.body),
                "LastModified": modified(o, start),
            }))
        }
        "putObject" => {
            let key = string(input, "Key", action)?.to_string();
            let body = match input.get("Body") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::String(s)) => s.as_bytes().to_vec(),
                Some(other) => crate::value::read::to_compact(other).into_bytes(),
            };
            if key.is_empty() || key.len() > super::MAX_KEY_BYTES {
                return Err(invalid(action, "'Key' must be 1 to 1024 bytes long"));
            }
            let tag = etag(&body);
            files.put(bucket, &key, body, now).map_err(|e| refusal(&e))?;
            Ok(json!({"ETag": tag}))
        }
        _ => {
            let prefix = optional(input, "Prefix", action)?.unwrap_or("");
            let after = optional(input, "ContinuationToken", action)?.or(optional(input, "StartAfter", action)?);
            let max = match input.get("MaxKeys") {
                None => MAX_KEYS,
                Some(v) => match v.as_f64() {
                    Some(n) if n >= 0.0 && n.fract() == 0.0 => (n as usize).min(MAX_KEYS),
                    _ => return Err(invalid(action, "'MaxKeys' must be a whole number")),
                },
            };
            let listed = files.list(bucket, prefix).map_err(|e| refusal(&e))?;
            let from = after
                .map_or(0, |a| listed.iter().position(|(k, _)| k.as_bytes() > a.as_bytes()).unwrap_or(listed.len()));
            let page: Vec<&(&str, &Object)> = listed[from..].iter().take(max).collect();
            let truncated = from + page.len() < listed.len();
            let contents: Vec<Value> = page
                .iter()
                .map(|(k, o)| {
                    json!({
                        "ETag": etag(&o.body),
                        "Key": *k,
                        "LastModified": modified(o, start),
                        "Size": o.body.len(),
                        "StorageClass": "STANDARD",
                    })
                })
                .collect();
            let mut out = Map::new();
            out.insert("Contents".into(), Value::from(contents));
            out.insert("IsTruncated".into(), json!(truncated));
            out.insert("KeyCount".into(), json!(page.len()));
            out.insert("MaxKeys".into(), json!(max));
            out.insert("Name".into(), json!(bucket));
            if truncated {
                if let Some((last, _)) = page.last() {
                    out.insert("NextContinuationToken".into(), json!(*last));
                }
            }
            out.insert("Prefix".into(), json!(prefix));
            Ok(Value::Object(out))
        }
    }
}

fn modified(o: &Object, start: i64) -> String {
    crate::support::time::format_millis(o.modified.unwrap_or(start))
}

fn string<'a>(input: &'a Value, name: &str, action: &str) -> Result<&'a str, Failure> {
    match input.get(name) {
        Some(Value::String(s)) => Ok(s),
        _ => Err(invalid(action, &format!("'{name}' must be a string"))),
    }
}

fn optional<'a>(input: &'a Value, name: &str, action: &str) -> Result<Option<&'a str>, Failure> {
    match input.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        _ => Err(invalid(action, &format!("'{name}' must be a string"))),
    }
}

fn invalid(action: &str, what: &str) -> Failure {
    Failure::new("States.Runtime", format!("The s3:{action} request is not valid: {what}"))
}

/// The AWS SDK integration's error for a refused request.
fn refusal(e: &S3Error) -> Failure {
    Failure::new(
        format!("S3.{}Exception", e.code()),
        format!("{} (Service: S3, Status Code: 404, Error Code: {})", e.message(), e.code()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_put_list() {
        let mut f = Files::from_value(&json!({"data": {"a.txt": "hello"}})).unwrap();
        let got = answer("getObject", &json!({"Bucket": "data", "Key": "a.txt"}), &mut f, 5, 0).unwrap();
        assert_eq!(got["Body"], "hello");
        assert_eq!(got["ETag"], "\"5d41402abc4b2a76b9719d911017c592\"");
        let e = answer("getObject", &json!({"Bucket": "data", "Key": "b"}), &mut f, 5, 0).unwrap_err();
        assert_eq!(e.error, "S3.NoSuchKeyException");
        answer("putObject", &json!({"Bucket": "data", "Key": "b", "Body": {"x": 1}}), &mut f, 5, 0).unwrap();
        assert_eq!(&*f.get("data", "b").unwrap().body, b"{\"x\":1}");
        let l = answer("listObjectsV2", &json!({"Bucket": "data", "MaxKeys": 1}), &mut f, 5, 0).unwrap();
        assert_eq!((l["KeyCount"].as_u64(), l["IsTruncated"].as_bool()), (Some(1), Some(true)));
        let l =
            answer("listObjectsV2", &json!({"Bucket": "data", "ContinuationToken": "a.txt"}), &mut f, 5, 0).unwrap();
        assert_eq!(l["Contents"][0]["Key"], "b");
        assert_eq!(
            answer("putObject", &json!({"Bucket": "nope", "Key": "k"}), &mut f, 5, 0).unwrap_err().error,
            "S3.NoSuchBucketException"
        );
    }
}
