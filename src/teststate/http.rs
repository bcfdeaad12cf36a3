//! The HTTP request and response a TestState answer shows at TRACE for an HTTP Task
//! (`arn:aws:states:::http:invoke`), as the API reference's `InspectionDataRequest` and
//! `InspectionDataResponse` shape them: every field a string (`protocol`, `method`, `url`,
//! `headers`, `body`; `protocol`, `statusCode`, `statusMessage`, `headers`, `body`).
//!
//! The request is the one the state's arguments (`ApiEndpoint`, `Method`, `Headers`,
//! `QueryParameters`, `RequestBody`, `Transform`) describe; the response is the mocked
//! result (`StatusCode`, `StatusText`, `Headers`, `ResponseBody`). Headers are written
//! `[name: value, name: value]`, as the developer guide's TRACE example shows them, the
//! state's own headers first and then the `User-Agent` Step Functions sends
//! (`Amazon|StepFunctions|HttpInvoke|<region>`).
//!
//! `revealSecrets`: what AWS withholds unless it is true is what the EventBridge connection
//! (`Authentication.ConnectionArn`) adds to the request: its authorization header and its
//! invocation headers, query parameters and body fields. A connection lives in EventBridge,
//! not in the definition, and statelab holds none, so its request holds only what the
//! definition gives, which AWS shows either way ("Step Functions doesn't omit any information
//! included in the state definition or the HTTP response").

use crate::value::read::to_compact;
use crate::value::{Map, Value};

/// Is `resource` the HTTP Task's?
pub fn is_http(resource_type: &str, resource: &str) -> bool {
    resource_type == "http" && resource == "invoke"
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => to_compact(other),
    }
}

/// `application/x-www-form-urlencoded` escaping (RFC 3986's unreserved characters stay).
fn form_escape(s: &str, out: &mut String) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
        }
    }
}

fn pair(out: &mut String, k: &str, v: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    form_escape(k, out);
    out.push('=');
    form_escape(v, out);
}

/// A JSON object as form fields; arrays by `ArrayFormat` (the developer guide's
/// "Transforming the request body": BRACKETS `a[]=1&a[]=2`, COMMAS `a=1,2`, INDICES
/// `a[0]=1&a[1]=2`, REPEAT `a=1&a=2`; INDICES when none is given), objects as `a[b]=1`.
fn form(prefix: Option<&str>, v: &Value, format: &str, out: &mut String) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter() {
                let name = match prefix {
                    Some(p) => format!("{p}[{k}]"),
                    None => k.to_string(),
                };
                form(Some(&name), x, format, out);
            }
        }
        Value::Array(a) => {
            let name = prefix.unwrap_or_default();
            match format {
                "COMMAS" => {
                    let joined: Vec<String> = a.iter().map(text).collect();
                    pair(out, name, &joined.join(","));
                }
                _ => {
                    for (i, x) in a.iter().enumerate() {
                        let item = match format {
                            "BRACKETS" => format!("{name}[]"),
                            "REPEAT" => name.to_string(),
                            _ => format!("{name}[{i}]"),
                        };
                        match x {
                            Value::Object(_) | Value::Array(_) => form(Some(&item), x, format, out),
                            _ => pair(out, &item, &text(x)),
                        }
                    }
                }
            }
        }
        other => pair(out, prefix.unwrap_or_default(), &text(other)),
    }
}

fn header_list(headers: Option<&Value>, extra: &[(&str, String)]) -> String {
    let mut parts = Vec::new();
    if let Some(Value::Object(h)) = headers {
        for (k, v) in h.iter() {
            let value = match v {
                Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(", "),
                other => text(other),
            };
            parts.push(format!("{k}: {value}"));
        }
    }
    for (k, v) in extra {
        parts.push(format!("{k}: {v}"));
    }
    format!("[{}]", parts.join(", "))
}

fn protocol(endpoint: &str) -> String {
    match endpoint.split_once("://") {
        Some((scheme, _)) => scheme.to_ascii_lowercase(),
        None => "https".into(),
    }
}

/// The request the state's arguments make; `region` is the one in its `User-Agent`.
pub fn request(args: &Value, region: &str) -> Value {
    let endpoint = args.get("ApiEndpoint").map(text).unwrap_or_default();
    let method = args.get("Method").map(text).unwrap_or_default();
    let mut url = endpoint.clone();
    if let Some(q @ Value::Object(m)) = args.get("QueryParameters") {
        if !m.is_empty() {
            let mut query = String::new();
            form(None, q, "INDICES", &mut query);
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&query);
        }
    }
    let agent = format!("Amazon|StepFunctions|HttpInvoke|{region}");
    let mut out = Map::new();
    out.insert("protocol".into(), protocol(&endpoint).into());
    out.insert("method".into(), method.into());
    out.insert("url".into(), url.into());
    out.insert("headers".into(), header_list(args.get("Headers"), &[("User-Agent", agent)]).into());
    if let Some(body) = args.get("RequestBody") {
        let transform = args.get("Transform");
        let encoding = transform.and_then(|t| t.get("RequestBodyEncoding")).and_then(Value::as_str);
        let text = match (encoding, body) {
            (Some("URL_ENCODED"), Value::Object(_)) => {
                let format = transform
                    .and_then(|t| t.get("RequestEncodingOptions"))
                    .and_then(|o| o.get("ArrayFormat"))
                    .and_then(Value::as_str)
                    .unwrap_or("INDICES");
                let mut s = String::new();
                form(None, body, format, &mut s);
                s
            }
            _ => text(body),
        };
        out.insert("body".into(), text.into());
    }
    Value::Object(out)
}

/// The response a mocked result stands for; `endpoint` gives its protocol.
pub fn response(result: &Value, endpoint: &str) -> Value {
    let mut out = Map::new();
    out.insert("protocol".into(), protocol(endpoint).into());
    if let Some(code) = result.get("StatusCode") {
        out.insert("statusCode".into(), text(code).into());
    }
    if let Some(msg) = result.get("StatusText") {
        out.insert("statusMessage".into(), text(msg).into());
    }
    out.insert("headers".into(), header_list(result.get("Headers"), &[]).into());
    if let Some(body) = result.get("ResponseBody") {
        out.insert("body".into(), text(body).into());
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn query_and_form_bodies_follow_the_array_format() {
        let args = json!({"ApiEndpoint": "https://example.com/p?x=1", "Method": "POST",
            "QueryParameters": {"q": "a b", "list": [1, 2]},
            "Headers": {"h": "v"},
            "RequestBody": {"a": [1, 2], "o": {"k": "v&w"}},
            "Transform": {"RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": "BRACKETS"}}});
        let r = request(&args, "eu-west-1");
        assert_eq!(r["url"], "https://example.com/p?x=1&q=a%20b&list%5B0%5D=1&list%5B1%5D=2");
        assert_eq!(r["headers"], "[h: v, User-Agent: Amazon|StepFunctions|HttpInvoke|eu-west-1]");
        assert_eq!(r["body"], "a%5B%5D=1&a%5B%5D=2&o%5Bk%5D=v%26w");
        let mut commas = args.clone();
        commas["Transform"]["RequestEncodingOptions"]["ArrayFormat"] = json!("COMMAS");
        assert_eq!(request(&commas, "r")["body"], "a=1%2C2&o%5Bk%5D=v%26w");
        let mut repeat = args;
        repeat["Transform"]["RequestEncodingOptions"]["ArrayFormat"] = json!("REPEAT");
        assert_eq!(request(&repeat, "r")["body"], "a=1&a=2&o%5Bk%5D=v%26w");
    }
}
