//! `TaskSubmitted` (full engine only): a service task that waits (`.sync`, `.sync:2`,
//! `.waitForTaskToken`) writes, after `TaskStarted`, the response the service gave to the
//! request that started the work (SQS `SendMessage`'s message id, `StartExecution`'s
//! execution ARN, ...), before the job ends or the callback comes.
//!
//! A host that really starts the work (a child execution) hands its response in through
//! [`super::Execution::on_submit`]; otherwise it is made here, in the service's response
//! shape, as the AWS SDK for Java returns it (with `SdkHttpMetadata` and
//! `SdkResponseMetadata`), its ids drawn from the execution's seed, name and task id, so the
//! same run gives the same response.

use crate::asl::Pattern;
use crate::exec::events::{EventType, Field};
use crate::exec::{Execution, FrameId, TaskRequest};
use crate::support::{digest, hashes, time};
use crate::value::{Map, Value};
use crate::{fields, json};

/// `Mon, 01 Jan 2024 00:00:00 GMT`: an HTTP date (RFC 7231) of a millisecond timestamp.
fn http_date(ms: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let (y, m, d) = time::civil_from_days(days);
    let rem = secs.rem_euclid(86_400);
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// 16 bytes made from the execution's seed and name, the task id and a salt.
fn bytes(seed: u64, name: &str, task: u64, salt: &str) -> [u8; 16] {
    let mut text = format!("{seed}:{name}:{task}:{salt}").into_bytes();
    text.extend_from_slice(&seed.to_le_bytes());
    hashes::md5(&text)
}

/// The name of the child execution task `task` of an execution (`seed`, `name`) starts when
/// its `StartExecution` request gives none: the one its `TaskSubmitted` names, and the one
/// a workspace machine's child execution (`crate::child`) takes.
pub(crate) fn child_execution_name(seed: u64, name: &str, task: u64) -> String {
    uuid(bytes(seed, name, task, "name"))
}

/// A version 4 UUID of [`bytes`].
fn uuid(b: [u8; 16]) -> String {
    let mut b = b;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = digest::hex(&b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// The part of an ARN after `:{kind}:`'s `region:account:` (`arn:aws:states:R:A:stateMachine:N`
/// gives `(R, A, "N")`), if the text is such an ARN.
fn arn_parts<'a>(arn: &'a str, kind: &str) -> Option<(&'a str, &'a str, &'a str)> {
    let mut it = arn.splitn(7, ':');
    let (_, _, _, region, account, k, rest) =
        (it.next()?, it.next()?, it.next()?, it.next()?, it.next()?, it.next()?, it.next()?);
    (k == kind).then_some((region, account, rest))
}

impl Execution {
    /// After `TaskStarted` of a task that waits: its `TaskSubmitted` event.
    pub(super) fn task_submitted(&mut self, fid: FrameId, req: &TaskRequest, kind: &crate::asl::ResourceKind) {
        let crate::asl::ResourceKind::Service { resource_type, resource, pattern } = kind else { return };
        if *pattern == Pattern::RequestResponse {
            return;
        }
        crate::used_extras();
        let given = self.submitter.as_mut().and_then(|f| f(req));
        let output = given.unwrap_or_else(|| self.submitted_response(req, resource_type, resource));
        self.emit(fid, EventType::TaskSubmitted, |_| {
            fields! {"resourceType": resource_type, "resource": resource, "output": output, "outputDetails": Field::NotTruncated}
        });
    }

    /// The service's response to the request that starts the waiting work, made up.
    fn submitted_response(&self, req: &TaskRequest, service: &str, resource: &str) -> Value {
        let o = &self.opts;
        let id = |salt: &str| bytes(o.seed, &o.execution_name, req.id, salt);
        let param = |k: &str| req.input.as_object().and_then(|m| m.get(k)).and_then(Value::as_str);
        let action = resource.split('.').next().unwrap_or(resource);
        let (region, account) = (&*o.region, &*o.account);
        let (body, json_body, content_type): (Value, String, &str) = match (service, action) {
            ("sqs", "sendMessage") => {
                // The MD5 of the body as sent: a JSON body goes as its text.
                let text = match req.input.as_object().and_then(|m| m.get("MessageBody")) {
                    Some(Value::String(s)) => s.to_string(),
                    Some(v) => crate::value::to_string(v),
                    None => String::new(),
                };
                let (md5, mid) = (digest::hex(&hashes::md5(text.as_bytes())), uuid(id("message")));
                let j = format!("{{\"MD5OfMessageBody\":\"{md5}\",\"MessageId\":\"{mid}\"}}");
                (json!({"MD5OfMessageBody": md5, "MessageId": mid}), j, "application/x-amz-json-1.0")
            }
            ("sns", "publish") => {
                let mid = uuid(id("message"));
                let j = format!(
                    "<PublishResponse><PublishResult><MessageId>{mid}</MessageId></PublishResult></PublishResponse>"
                );
                (json!({"MessageId": mid}), j, "text/xml")
            }
            ("states", "startExecution") => {
                // The child's ARN: the state machine's region, account and name, and the
                // execution's name (given, or a UUID).
                let sm = param("StateMachineArn").unwrap_or_default();
                let (r, a, machine) = arn_parts(sm, "stateMachine").unwrap_or((region, account, "StateMachine"));
                let machine = machine.split(':').next().unwrap_or(machine);
                let name =
                    param("Name").map_or_else(|| child_execution_name(o.seed, &o.execution_name, req.id), String::from);
                let arn = format!("arn:aws:states:{r}:{a}:execution:{machine}:{name}");
                let j =
                    format!("{{\"executionArn\":\"{arn}\",\"startDate\":{}.{:03}}}", self.now / 1000, self.now % 1000);
                // StartDate as the child's own output writes it (`crate::child`).
                let start = time::format_millis(self.now);
                (json!({"ExecutionArn": arn, "StartDate": start}), j, "application/x-amz-json-1.0")
            }
            ("events", "putEvents") => {
                let eid = uuid(id("event"));
                let j = format!("{{\"Entries\":[{{\"EventId\":\"{eid}\"}}],\"FailedEntryCount\":0}}");
                (json!({"Entries": [{"EventId": eid}], "FailedEntryCount": 0}), j, "application/x-amz-json-1.1")
            }
            ("glue", "startJobRun") => {
                let run = format!("jr_{}{}", digest::hex(&id("run")), digest::hex(&id("run2")));
                let j = format!("{{\"JobRunId\":\"{run}\"}}");
                (json!({"JobRunId": run}), j, "application/x-amz-json-1.1")
            }
            ("athena", "startQueryExecution") => {
                let q = uuid(id("query"));
                let j = format!("{{\"QueryExecutionId\":\"{q}\"}}");
                (json!({"QueryExecutionId": q}), j, "application/x-amz-json-1.1")
            }
            ("batch", "submitJob") => {
                let job = uuid(id("job"));
                let name = param("JobName").unwrap_or_default();
                let arn = format!("arn:aws:batch:{region}:{account}:job/{job}");
                let j = format!("{{\"jobArn\":\"{arn}\",\"jobName\":\"{name}\",\"jobId\":\"{job}\"}}");
                (json!({"JobArn": arn, "JobId": job, "JobName": name}), j, "application/json")
            }
            ("ecs", "runTask") => {
                let cluster = param("Cluster").unwrap_or("default");
                let cluster = cluster.rsplit('/').next().unwrap_or(cluster);
                let task = digest::hex(&id("task"));
                let task_arn = format!("arn:aws:ecs:{region}:{account}:task/{cluster}/{task}");
                let cluster_arn = format!("arn:aws:ecs:{region}:{account}:cluster/{cluster}");
                let def = match param("TaskDefinition").unwrap_or_default() {
                    arn if arn.starts_with("arn:") => arn.to_string(),
                    family => format!("arn:aws:ecs:{region}:{account}:task-definition/{family}"),
                };
                let j = format!(
                    "{{\"failures\":[],\"tasks\":[{{\"clusterArn\":\"{cluster_arn}\",\"desiredStatus\":\"RUNNING\",\"lastStatus\":\"PROVISIONING\",\"taskArn\":\"{task_arn}\",\"taskDefinitionArn\":\"{def}\"}}]}}"
                );
                let t = json!({"ClusterArn": cluster_arn, "DesiredStatus": "RUNNING", "LastStatus": "PROVISIONING",
                               "TaskArn": task_arn, "TaskDefinitionArn": def});
                (json!({"Failures": [], "Tasks": [t]}), j, "application/x-amz-json-1.1")
            }
            // Another service: its response is not known here; the SDK's metadata alone.
            _ => (json!({}), "{}".into(), "application/x-amz-json-1.1"),
        };
        let request = uuid(id("request"));
        let (len, date) = (json_body.len().to_string(), http_date(self.now));
        // The SDK writes the response's fields in alphabetical order (as recorded).
        let body = match body {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let mut out = Map::new();
        let mut after = Vec::new();
        for (k, v) in body.iter() {
            if k.as_str() < "SdkHttpMetadata" {
                out.insert(k.clone(), v.clone());
            } else {
                after.push((k.clone(), v.clone()));
            }
        }
        out.insert(
            "SdkHttpMetadata".into(),
            json!({
                "AllHttpHeaders": {"x-amzn-RequestId": [&*request], "connection": ["keep-alive"], "Content-Length": [&*len],
                                   "Date": [&*date], "Content-Type": [content_type]},
                "HttpHeaders": {"connection": "keep-alive", "Content-Length": &*len, "Content-Type": content_type,
                                "Date": &*date, "x-amzn-RequestId": &*request},
                "HttpStatusCode": 200
            }),
        );
        out.insert("SdkResponseMetadata".into(), json!({"RequestId": request}));
        for (k, v) in after {
            out.insert(k, v);
        }
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        // The date an AWS recording shows.
        assert_eq!(http_date(1_713_421_621_000), "Thu, 18 Apr 2024 06:27:01 GMT");
    }

    #[test]
    fn arns() {
        assert_eq!(
            arn_parts("arn:aws:states:eu-west-1:222:stateMachine:M:v1", "stateMachine"),
            Some(("eu-west-1", "222", "M:v1"))
        );
        assert_eq!(arn_parts("arn:aws:states:eu-west-1:222:activity:A", "stateMachine"), None);
        assert_eq!(arn_parts("nonsense", "stateMachine"), None);
    }
}
