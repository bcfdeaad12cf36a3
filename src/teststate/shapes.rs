//! The response shapes of the service actions whose mocked results TestState checks
//! (`mock.fieldValidationMode`): a small table written from the services' API references,
//! for the integrations workflows call most. A resource not in the table is not checked.
//!
//! The rules (what the recorded answers show): only the fields the shape names are checked,
//! and a field it does not name is accepted; STRICT also wants the shape's required fields;
//! a timestamp is text; each refusal names the field alone (not its path).

use crate::value::Value;

/// What a field of a response holds.
pub enum Shape {
    /// Any JSON (a Lambda payload, a map of attributes).
    Any,
    /// Text of `min..=max` characters; `enums`, when not empty, lists the values it may take.
    Str {
        min: u32,
        max: u32,
        enums: &'static [&'static str],
    },
    /// A whole number in `min..=max`.
    Int {
        min: i64,
        max: i64,
    },
    /// A number.
    Num,
    Bool,
    /// A date and time, as text.
    Time,
    List(&'static Shape),
    /// Fields: name, required, shape.
    Obj(&'static [(&'static str, bool, &'static Shape)]),
}

use Shape::*;

const TEXT: Shape = Str { min: 0, max: u32::MAX, enums: &[] };
const INT: Shape = Int { min: i64::MIN, max: i64::MAX };

const START_EXECUTION: Shape = Obj(&[("ExecutionArn", true, &TEXT), ("StartDate", true, &Time)]);

const PUT_EVENTS: Shape = Obj(&[
    ("FailedEntryCount", false, &INT),
    (
        "Entries",
        false,
        &List(&Obj(&[("EventId", false, &TEXT), ("ErrorCode", false, &TEXT), ("ErrorMessage", false, &TEXT)])),
    ),
]);

const CAPACITY: Shape =
    Obj(&[("ReadCapacityUnits", false, &Num), ("WriteCapacityUnits", false, &Num), ("CapacityUnits", false, &Num)]);
const CONSUMED: Shape = Obj(&[
    ("TableName", false, &Str { min: 1, max: 1024, enums: &[] }),
    ("CapacityUnits", false, &Num),
    ("ReadCapacityUnits", false, &Num),
    ("WriteCapacityUnits", false, &Num),
    ("Table", false, &CAPACITY),
]);
const DYNAMODB_ITEM: Shape = Obj(&[
    ("Attributes", false, &Any),
    ("Item", false, &Any),
    ("ConsumedCapacity", false, &CONSUMED),
    (
        "ItemCollectionMetrics",
        false,
        &Obj(&[("ItemCollectionKey", false, &Any), ("SizeEstimateRangeGB", false, &List(&Num))]),
    ),
]);

const KMS_ALGORITHMS: &[&str] = &["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"];
const KMS_ENCRYPT: Shape = Obj(&[
    ("CiphertextBlob", false, &Str { min: 1, max: 6144, enums: &[] }),
    ("KeyId", false, &Str { min: 1, max: 2048, enums: &[] }),
    ("EncryptionAlgorithm", false, &Str { min: 0, max: u32::MAX, enums: KMS_ALGORITHMS }),
]);

const LAMBDA_CONFIGURATION: Shape = Obj(&[
    ("FunctionName", false, &Str { min: 1, max: 170, enums: &[] }),
    ("FunctionArn", false, &TEXT),
    ("Runtime", false, &TEXT),
    ("Role", false, &TEXT),
    ("Handler", false, &Str { min: 0, max: 128, enums: &[] }),
    ("CodeSize", false, &INT),
    ("Description", false, &Str { min: 0, max: 256, enums: &[] }),
    ("Timeout", false, &Int { min: 1, max: i64::MAX }),
    ("MemorySize", false, &Int { min: 128, max: 10240 }),
    ("LastModified", false, &TEXT),
    ("CodeSha256", false, &TEXT),
    ("Version", false, &Str { min: 1, max: 1024, enums: &[] }),
    ("State", false, &Str { min: 0, max: u32::MAX, enums: &["Pending", "Active", "Inactive", "Failed"] }),
    ("PackageType", false, &Str { min: 0, max: u32::MAX, enums: &["Zip", "Image"] }),
    ("Architectures", false, &List(&Str { min: 0, max: u32::MAX, enums: &["x86_64", "arm64"] })),
]);
const LAMBDA_GET_FUNCTION: Shape = Obj(&[
    ("Configuration", false, &LAMBDA_CONFIGURATION),
    ("Code", false, &Obj(&[("RepositoryType", false, &TEXT), ("Location", false, &TEXT)])),
    ("Tags", false, &Any),
    ("Concurrency", false, &Obj(&[("ReservedConcurrentExecutions", false, &Int { min: 0, max: i64::MAX })])),
]);
const LAMBDA_INVOKE: Shape = Obj(&[
    ("StatusCode", false, &INT),
    ("FunctionError", false, &TEXT),
    ("LogResult", false, &TEXT),
    ("Payload", false, &Any),
    ("ExecutedVersion", false, &Str { min: 1, max: 1024, enums: &[] }),
]);

const S3_STORAGE: &[&str] = &[
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "OUTPOSTS",
    "GLACIER_IR",
    "SNOW",
    "EXPRESS_ONEZONE",
    "FSX_OPENZFS",
];
const S3_GET_OBJECT: Shape = Obj(&[
    ("Body", false, &Any),
    ("DeleteMarker", false, &Bool),
    ("AcceptRanges", false, &TEXT),
    ("LastModified", false, &Time),
    ("ContentLength", false, &INT),
    ("ETag", false, &TEXT),
    ("MissingMeta", false, &INT),
    ("VersionId", false, &TEXT),
    ("ContentType", false, &TEXT),
    ("Expires", false, &Time),
    (
        "ServerSideEncryption",
        false,
        &Str { min: 0, max: u32::MAX, enums: &["AES256", "aws:fsx", "aws:kms", "aws:kms:dsse"] },
    ),
    ("Metadata", false, &Any),
    ("StorageClass", false, &Str { min: 0, max: u32::MAX, enums: S3_STORAGE }),
    ("PartsCount", false, &INT),
    ("TagCount", false, &INT),
]);

const SQS_SEND: Shape = Obj(&[
    ("MD5OfMessageBody", false, &TEXT),
    ("MD5OfMessageAttributes", false, &TEXT),
    ("MD5OfMessageSystemAttributes", false, &TEXT),
    ("MessageId", false, &TEXT),
    ("SequenceNumber", false, &TEXT),
]);
const SNS_PUBLISH: Shape = Obj(&[("MessageId", false, &TEXT), ("SequenceNumber", false, &TEXT)]);

/// The response shape of a Task resource (request-response calls only: `.sync` and
/// `.waitForTaskToken` give other results).
pub fn for_resource(resource: &str) -> Option<&'static Shape> {
    let mut parts = resource.splitn(6, ':');
    if parts.nth(2) != Some("states") {
        return None;
    }
    let action = parts.nth(2)?;
    let action = action.strip_prefix("aws-sdk:").unwrap_or(action);
    Some(match action {
        "states:startExecution" => &START_EXECUTION,
        "events:putEvents" | "eventbridge:putEvents" => &PUT_EVENTS,
        "dynamodb:putItem" | "dynamodb:getItem" | "dynamodb:updateItem" | "dynamodb:deleteItem" => &DYNAMODB_ITEM,
        "kms:encrypt" => &KMS_ENCRYPT,
        "lambda:getFunction" => &LAMBDA_GET_FUNCTION,
        "lambda:invoke" => &LAMBDA_INVOKE,
        "s3:getObject" => &S3_GET_OBJECT,
        "sqs:sendMessage" => &SQS_SEND,
        "sns:publish" => &SNS_PUBLISH,
        _ => return None,
    })
}

/// The first way `v` breaks `shape` (the refusal's text after AWS's prefix); `strict` also
/// wants the required fields.
pub fn check(shape: &Shape, v: &Value, name: &str, strict: bool) -> Result<(), String> {
    let bad = |what: &str| Err(format!("Field '{name}' {what}"));
    match shape {
        Any => Ok(()),
        Str { min, max, enums } => {
            let Some(s) = v.as_str() else { return bad("must be a string") };
            let n = s.chars().count() as u64;
            if n < *min as u64 {
                bad("is smaller than the minimum length")
            } else if n > *max as u64 {
                bad("is larger than the maximum length")
            } else if !enums.is_empty() && !enums.contains(&s) {
                bad("is not an expected value")
            } else {
                Ok(())
            }
        }
        Int { min, max } => match v.as_f64() {
            None => bad("must be a number"),
            Some(n) if n.fract() != 0.0 => bad("must be an integer"),
            Some(n) if n < *min as f64 => bad("is less than the minimum value"),
            Some(n) if n > *max as f64 => bad("exceeds the maximum value"),
            Some(_) => Ok(()),
        },
        Num if v.is_number() => Ok(()),
        Num => bad("must be a number"),
        Bool if v.is_boolean() => Ok(()),
        Bool => bad("must be a boolean"),
        Time if v.is_string() => Ok(()),
        Time => bad("must be a string"),
        List(item) => {
            let Some(items) = v.as_array() else { return bad("must be an array") };
            items.iter().try_for_each(|x| check(item, x, name, strict))
        }
        Obj(fields) => {
            let Some(obj) = v.as_object() else { return bad("must be an object") };
            for (field, required, shape) in *fields {
                match obj.get(field) {
                    Some(x) => check(shape, x, field, strict)?,
                    None if *required && strict => return Err(format!("Required field '{field}' is missing")),
                    None => {}
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn fields_the_shape_names_are_checked_others_pass() {
        let s = for_resource("arn:aws:states:::aws-sdk:lambda:getFunction").unwrap();
        assert!(check(s, &json!({"Whatever": 1, "Configuration": {"Timeout": 3}}), "", true).is_ok());
        assert_eq!(
            check(s, &json!({"Configuration": {"Timeout": 0}}), "", true),
            Err("Field 'Timeout' is less than the minimum value".into())
        );
        assert_eq!(
            check(s, &json!({"Configuration": []}), "", false),
            Err("Field 'Configuration' must be an object".into())
        );
        let kms = for_resource("arn:aws:states:::aws-sdk:kms:encrypt").unwrap();
        assert_eq!(
            check(kms, &json!({"EncryptionAlgorithm": "ROT13"}), "", true),
            Err("Field 'EncryptionAlgorithm' is not an expected value".into())
        );
        assert_eq!(
            check(kms, &json!({"KeyId": "k".repeat(2049)}), "", true),
            Err("Field 'KeyId' is larger than the maximum length".into())
        );
    }

    #[test]
    fn required_fields_only_in_strict_mode() {
        let s = for_resource("arn:aws:states:::states:startExecution").unwrap();
        let v = json!({"ExecutionArn": "arn"});
        assert_eq!(check(s, &v, "", true), Err("Required field 'StartDate' is missing".into()));
        assert!(check(s, &v, "", false).is_ok());
        assert!(for_resource("arn:aws:states:::states:startExecution.sync").is_none());
        assert!(for_resource("arn:aws:lambda:us-east-1:123456789012:function:f").is_none());
    }
}
