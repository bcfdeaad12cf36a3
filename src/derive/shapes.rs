//! The response each kind of Task resource gives, in AWS's shape, with a typical latency:
//! optimized integrations (`arn:aws:states:::service:action`) carry the SDK's
//! `SdkHttpMetadata` and `SdkResponseMetadata` where AWS adds them (Lambda's `invoke`,
//! DynamoDB, SQS, SNS, `states:startExecution`), SDK integrations (`aws-sdk:*`) are bare,
//! `.sync` and `.sync:2` give the finished job's description, `.waitForTaskToken` and
//! Activities give what the worker sends (an object), a Lambda ARN its function's result.

use crate::json;
use crate::value::Value;

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";

/// Deterministic hexadecimal digits from a text (FNV-1a, reseeded per 8 digits).
fn hex(s: &str, n: usize) -> String {
    let mut out = String::new();
    let mut seed = 0u32;
    while out.len() < n {
        let mut h = 0x811c_9dc5u32 ^ seed;
        for b in s.bytes() {
            h ^= b as u32;
            h = h.wrapping_mul(0x0100_0193);
        }
        out.push_str(&format!("{h:08x}"));
        seed += 1;
    }
    out.truncate(n);
    out
}

fn uuid(s: &str) -> String {
    let h = hex(s, 32);
    format!("{}-{}-4{}-a{}-{}", &h[..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

/// What the SDK adds to an optimized integration's response.
fn with_metadata(mut v: Value, request: &str) -> Value {
    if let Value::Object(m) = &mut v {
        m.insert(
            "SdkHttpMetadata".into(),
            json!({"AllHttpHeaders": {"Content-Type": ["application/x-amz-json-1.0"], "x-amzn-RequestId": [request]},
                   "HttpHeaders": {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": request},
                   "HttpStatusCode": 200}),
        );
        m.insert("SdkResponseMetadata".into(), json!({"RequestId": request}));
    }
    v
}

/// The response of the Task `name` on `resource`, and its latency in seconds.
pub fn response(name: &str, resource: &str) -> (Value, f64) {
    let id = uuid(&format!("{name}:{resource}"));
    let request = uuid(&format!("{name}:{resource}:request"));
    let started = "2026-01-01T00:00:00.000Z";
    if resource.ends_with(".waitForTaskToken")
        || resource.starts_with("arn:aws:states:") && resource.contains(":activity:")
    {
        return (json!({}), 1.0);
    }
    if resource.starts_with("arn:aws:lambda:") {
        return (json!({}), 1.0);
    }
    let (base, sync) = match resource.split_once(".sync") {
        Some((b, s)) => (b, Some(s == ":2")),
        None => (resource, None),
    };
    let Some(action) = base.strip_prefix("arn:aws:states:::") else { return (json!({}), 0.5) };
    if let Some(sdk) = action.strip_prefix("aws-sdk:") {
        // SDK integrations: the action's response, bare.
        let v = match sdk {
            "dynamodb:getItem" => json!({"Item": {}}),
            "dynamodb:query" | "dynamodb:scan" => json!({"Count": 0, "Items": [], "ScannedCount": 0}),
            "s3:getObject" => {
                json!({"Body": "", "ContentLength": 0, "ContentType": "application/octet-stream", "ETag": format!("\"{}\"", hex(name, 32))})
            }
            "s3:putObject" => json!({"ETag": format!("\"{}\"", hex(name, 32))}),
            "s3:listObjectsV2" => json!({"Contents": [], "IsTruncated": false, "KeyCount": 0}),
            "sqs:sendMessage" => json!({"MessageId": id, "Md5OfMessageBody": hex(&format!("{name}:md5"), 32)}),
            "sns:publish" => json!({"MessageId": id}),
            _ => json!({}),
        };
        return (v, 0.3);
    }
    let v = match action {
        "lambda:invoke" => with_metadata(
            json!({"ExecutedVersion": "$LATEST", "Payload": {"ok": true, "state": name}, "StatusCode": 200}),
            &request,
        ),
        "dynamodb:getItem" => with_metadata(json!({"Item": {"id": {"S": name.to_ascii_lowercase()}}}), &request),
        "dynamodb:putItem" | "dynamodb:deleteItem" => with_metadata(json!({}), &request),
        "dynamodb:updateItem" => with_metadata(json!({"Attributes": {}}), &request),
        "dynamodb:query" | "dynamodb:scan" => {
            with_metadata(json!({"Count": 0, "Items": [], "ScannedCount": 0}), &request)
        }
        "sqs:sendMessage" => {
            with_metadata(json!({"MD5OfMessageBody": hex(&format!("{name}:md5"), 32), "MessageId": id}), &request)
        }
        "sns:publish" => with_metadata(json!({"MessageId": id}), &request),
        "events:putEvents" => json!({"Entries": [{"EventId": id}], "FailedEntryCount": 0}),
        "http:invoke" => {
            json!({"Headers": {"content-type": ["application/json"]}, "ResponseBody": {}, "StatusCode": 200, "StatusText": "OK"})
        }
        "states:startExecution" => {
            let arn = format!("arn:aws:states:{REGION}:{ACCOUNT}:execution:Child:{id}");
            match sync {
                None => with_metadata(json!({"ExecutionArn": arn, "StartDate": started}), &request),
                // `.sync` gives Input and Output as text, `.sync:2` as JSON.
                Some(two) => {
                    let (input, output) = if two { (json!({}), json!({})) } else { (json!("{}"), json!("{}")) };
                    json!({"ExecutionArn": arn, "Input": input, "InputDetails": {"Included": true}, "Name": id,
                           "Output": output, "OutputDetails": {"Included": true}, "StartDate": started,
                           "StateMachineArn": format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:Child"),
                           "Status": "SUCCEEDED", "StopDate": "2026-01-01T00:00:01.000Z"})
                }
            }
        }
        "ecs:runTask" => {
            json!({"Tasks": [{"TaskArn": format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task/default/{}", hex(name, 32)), "LastStatus": "STOPPED"}], "Failures": []})
        }
        "glue:startJobRun" => json!({"JobRunId": format!("jr_{}", hex(name, 64))}),
        "batch:submitJob" => {
            json!({"JobArn": format!("arn:aws:batch:{REGION}:{ACCOUNT}:job/{id}"), "JobId": id, "JobName": name})
        }
        "bedrock:invokeModel" => {
            json!({"Body": {"id": format!("msg_{}", hex(name, 24)), "type": "message", "role": "assistant",
            "content": [{"type": "text", "text": format!("A mocked answer for {name}.")}], "stop_reason": "end_turn",
            "usage": {"input_tokens": 120, "output_tokens": 24}}, "ContentType": "application/json"})
        }
        _ => json!({}),
    };
    let latency: f64 = match action.split(':').next().unwrap_or_default() {
        "lambda" => 1.0,
        "dynamodb" => 0.05,
        "sqs" | "sns" | "events" => 0.1,
        "ecs" | "glue" | "batch" => 5.0,
        "bedrock" => 2.0,
        "states" => 0.2,
        _ => 0.5,
    };
    (v, if sync.is_some() { latency.max(5.0) } else { latency })
}
