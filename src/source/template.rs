//! State machines in CloudFormation, SAM and Serverless templates: where they are, their
//! intrinsic functions resolved to plausible values by the referenced resource's type, and
//! `${Name}` placeholders filled in.

use super::{Found, Substitution};
use crate::asl::MachineType;
use crate::value::read::{self, escape_token, JsonError, Locations};
use crate::value::{Map, Value};

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";

/// The state machine resources of a CloudFormation or SAM template: (logical id, pointer of
/// the resource).
pub fn state_machines(doc: &Value) -> Vec<(String, String)> {
    let Some(res) = doc.get("Resources").and_then(Value::as_object) else { return Vec::new() };
    res.iter()
        .filter(|(_, r)| {
            matches!(
                r.get("Type").and_then(Value::as_str),
                Some("AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine")
            )
        })
        .map(|(k, _)| (k.to_string(), format!("/Resources/{}", escape_token(k))))
        .collect()
}

/// One state machine resource of a template.
pub fn found(
    doc: &Value,
    locs: &Locations,
    name: &str,
    pointer: &str,
    overrides: &[(String, String)],
) -> Result<Found, JsonError> {
    let res = &doc["Resources"][name];
    let props = res.get("Properties").cloned().unwrap_or(Value::Null);
    let mut cx = Cx { doc, subs: Vec::new(), overrides };
    let machine_type = ["StateMachineType", "Type"]
        .iter()
        .find_map(|k| props.get(k).and_then(Value::as_str))
        .map(|t| if t.eq_ignore_ascii_case("EXPRESS") { MachineType::Express } else { MachineType::Standard });
    let mut known = Map::new();
    if let Some(Value::Object(m)) = props.get("DefinitionSubstitutions") {
        for (k, v) in m.iter() {
            let v = cx.resolve(v);
            known.insert(k.clone(), v);
        }
    }
    let at = |field: &str| format!("{pointer}/Properties/{field}");
    let (definition, locations, uri) = if let Some(d) = props.get("Definition") {
        (cx.resolve(d), locs.under(&at("Definition")), None)
    } else if let Some(ds) = props.get("DefinitionString") {
        let text = match cx.resolve(ds) {
            Value::String(s) => s.to_string(),
            other => read::to_compact(&other),
        };
        let pos = locs.find(&at("DefinitionString"));
        match read::parse_located(&text) {
            // Positions inside the text are of the string: diagnostics point at the field.
            Ok((v, _)) => (v, Locations::at(pos), None),
            Err(e) => {
                return Err(JsonError {
                    message: format!(
                        "DefinitionString is not valid JSON: {} (line {}, column {} of its text)",
                        e.message, e.pos.line, e.pos.column
                    ),
                    pos,
                    pointer: at("DefinitionString"),
                })
            }
        }
    } else if let Some(uri) = props.get("DefinitionUri") {
        let uri = match uri {
            Value::Object(m) => m.get("Key").and_then(Value::as_str).unwrap_or_default().to_string(),
            other => other.as_str().unwrap_or_default().to_string(),
        };
        (Value::Null, Locations::at(locs.find(&at("DefinitionUri"))), Some(uri))
    } else {
        return Err(JsonError {
            message: format!("the state machine '{name}' has no Definition, DefinitionString or DefinitionUri"),
            pos: locs.find(pointer),
            pointer: pointer.into(),
        });
    };
    let mut subs = std::mem::take(&mut cx.subs);
    let definition = substitute(&definition, &known, overrides, &mut subs, "");
    let arn_name = props.get("StateMachineName").or(props.get("Name")).and_then(Value::as_str);
    Ok(Found {
        name: name.into(),
        definition,
        substitutions: subs,
        machine_type,
        arn_name: arn_name.filter(|n| *n != name).map(str::to_string),
        locations,
        definition_uri: uri,
        known,
    })
}

/// One state machine of a Serverless Framework configuration.
pub fn serverless(
    doc: &Value,
    locs: &Locations,
    name: &str,
    sm: &Value,
    pointer: &str,
    overrides: &[(String, String)],
) -> Found {
    let mut cx = Cx { doc, subs: Vec::new(), overrides };
    let definition = sm.get("definition").map(|d| cx.resolve(d)).unwrap_or(Value::Null);
    let machine_type = sm.get("type").and_then(Value::as_str).map(|t| {
        if t.eq_ignore_ascii_case("express") {
            MachineType::Express
        } else {
            MachineType::Standard
        }
    });
    let mut subs = std::mem::take(&mut cx.subs);
    let definition = substitute_with(&definition, &Map::new(), overrides, &mut subs, "", Some(doc), 0);
    let arn_name = sm.get("name").and_then(Value::as_str);
    Found {
        name: name.into(),
        definition,
        substitutions: subs,
        machine_type,
        arn_name: arn_name.filter(|n| *n != name).map(str::to_string),
        locations: locs.under(&format!("{pointer}/definition")),
        definition_uri: None,
        known: Map::new(),
    }
}

/// Replace `${Name}` in every string of `v` (an override first, then `known`, else a value
/// made up from the name and the field it sits in), recording each substitution once.
pub fn substitute(
    v: &Value,
    known: &Map,
    overrides: &[(String, String)],
    subs: &mut Vec<Substitution>,
    field: &str,
) -> Value {
    substitute_with(v, known, overrides, subs, field, None, 0)
}

/// How deep a Serverless variable's value may hold further variables.
const MAX_VARIABLE_DEPTH: usize = 8;

fn substitute_with(
    v: &Value,
    known: &Map,
    overrides: &[(String, String)],
    subs: &mut Vec<Substitution>,
    field: &str,
    serverless: Option<&Value>,
    depth: usize,
) -> Value {
    match v {
        Value::String(s) if s.contains("${") => {
            let whole = s.starts_with("${") && s.ends_with('}') && s.matches("${").count() == 1;
            let mut out = String::new();
            let mut rest: &str = s;
            while let Some(i) = rest.find("${") {
                out.push_str(&rest[..i]);
                let Some(j) = rest[i..].find('}') else { break };
                let name = &rest[i + 2..i + j];
                // The host's override first: it replaces the template's value too.
                let value = if let Some((_, v)) = overrides.iter().find(|(k, _)| k == name) {
                    note(subs, name, v, false);
                    v.clone()
                } else if let Some(v) = known.get(name) {
                    let text = v.as_str().map(str::to_string).unwrap_or_else(|| read::to_compact(v));
                    note(subs, name, &text, false);
                    text
                } else if let Some((mut text, found)) =
                    serverless.filter(|_| depth < MAX_VARIABLE_DEPTH).and_then(|doc| serverless_variable(doc, name))
                {
                    // A variable's value may use variables itself (a few levels deep).
                    if text.contains("${") {
                        let v = substitute_with(
                            &Value::from(text.as_str()),
                            known,
                            overrides,
                            subs,
                            field,
                            serverless,
                            depth + 1,
                        );
                        text = v.as_str().unwrap_or_default().to_string();
                    }
                    note(subs, name, &text, !found);
                    text
                } else {
                    let made = made_up(name, field, whole);
                    note(subs, name, &made, true);
                    made
                };
                out.push_str(&value);
                rest = &rest[i + j + 1..];
            }
            out.push_str(rest);
            Value::from(out)
        }
        Value::Array(a) => Value::Array(
            a.iter().map(|x| substitute_with(x, known, overrides, subs, field, serverless, depth)).collect(),
        ),
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m.iter() {
                out.insert(k.clone(), substitute_with(x, known, overrides, subs, k.as_str(), serverless, depth));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn note(subs: &mut Vec<Substitution>, name: &str, value: &str, generated: bool) {
    if !subs.iter().any(|s| s.name == name) {
        subs.push(Substitution { name: name.into(), value: value.into(), generated });
    }
}

/// A Serverless variable (`self:path`, `opt:stage, 'dev'`, ...): its value and whether it was
/// found in the configuration (else a default or a made-up value).
fn serverless_variable(doc: &Value, name: &str) -> Option<(String, bool)> {
    let (source, rest) = name.split_once(':')?;
    let (path, default) = match rest.split_once(',') {
        Some((p, d)) => (p.trim(), Some(d.trim().trim_matches(['\'', '"']).to_string())),
        None => (rest.trim(), None),
    };
    if source == "self" {
        let mut v = doc;
        let mut ok = true;
        for part in path.split('.') {
            match v.get(part) {
                Some(x) => v = x,
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            if let Some(s) = v.as_str() {
                return Some((s.into(), true));
            }
            if v.as_f64().is_some() || v.as_bool().is_some() {
                return Some((read::to_compact(v), true));
            }
        }
    }
    if let Some(d) = default {
        return Some((d, true));
    }
    let last = path.rsplit('.').next().unwrap_or(path);
    Some((
        match last {
            "region" => REGION.into(),
            "stage" => "dev".into(),
            "accountId" => ACCOUNT.into(),
            "service" => "service".into(),
            _ => made_up(last, "", false),
        },
        false,
    ))
}

/// A plausible value for a placeholder, from its name (and the field it is in: a whole
/// `Resource` is a Lambda function's ARN unless the name says otherwise).
pub fn made_up(name: &str, field: &str, whole: bool) -> String {
    let base = ["arn", "name", "url", "id"].iter().find_map(|s| strip_ci(name, s)).unwrap_or(name);
    // The name's words (`OrderQueueURL`: order, queue, url; `jobs_table`: jobs, table), and
    // their joined neighbours (`statemachine`, `eventbus`).
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let boundary = !c.is_alphanumeric()
            || (c.is_uppercase()
                && i > 0
                && (chars[i - 1].is_lowercase()
                    || chars.get(i + 1).is_some_and(|x| x.is_lowercase()) && chars[i - 1].is_uppercase()));
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word).to_ascii_lowercase());
        }
        if c.is_alphanumeric() {
            word.push(c);
        }
    }
    if !word.is_empty() {
        words.push(word.to_ascii_lowercase());
    }
    let pairs: Vec<String> = words.windows(2).map(|w| format!("{}{}", w[0], w[1])).collect();
    let has = |w: &str| words.iter().chain(&pairs).any(|x| x == w);
    let arn = has("arn");
    if has("statemachine") {
        return format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{base}");
    }
    if has("activity") {
        return format!("arn:aws:states:{REGION}:{ACCOUNT}:activity:{base}");
    }
    if has("queue") {
        return if arn {
            format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{base}")
        } else if has("name") {
            base.into()
        } else {
            format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{base}")
        };
    }
    if has("topic") {
        return if has("name") { base.into() } else { format!("arn:aws:sns:{REGION}:{ACCOUNT}:{base}") };
    }
    if has("table") {
        return if arn { format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{base}") } else { base.into() };
    }
    if has("bucket") {
        return if arn { format!("arn:aws:s3:::{}", base.to_ascii_lowercase()) } else { base.to_ascii_lowercase() };
    }
    if has("role") {
        return format!("arn:aws:iam::{ACCOUNT}:role/{base}");
    }
    if has("eventbus") {
        return if arn { format!("arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{base}") } else { base.into() };
    }
    if has("function") || has("lambda") || (whole && field == "Resource") || (arn && field == "FunctionName") {
        return if arn || (whole && field == "Resource") || field == "FunctionName" {
            format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{base}")
        } else {
            base.into()
        };
    }
    if has("region") {
        return REGION.into();
    }
    if has("account") {
        return ACCOUNT.into();
    }
    if arn {
        return format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{base}");
    }
    if has("url") || has("endpoint") {
        return format!("https://example.com/{base}");
    }
    base.into()
}

/// `name` without the suffix `s` (any case), if it ends so and something is left.
fn strip_ci<'a>(name: &'a str, s: &str) -> Option<&'a str> {
    let cut = name.len().checked_sub(s.len())?;
    (cut > 0 && name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(s)).then(|| &name[..cut])
}

/// Resolves a template's intrinsic functions to plausible values.
struct Cx<'a> {
    doc: &'a Value,
    subs: Vec<Substitution>,
    overrides: &'a [(String, String)],
}

impl Cx<'_> {
    fn resolve(&mut self, v: &Value) -> Value {
        match v {
            Value::Array(a) => Value::Array(a.iter().map(|x| self.resolve(x)).collect()),
            Value::Object(m) if m.len() == 1 => {
                let (k, arg) = m.iter().next().map(|(k, v)| (k.as_str(), v)).unwrap_or(("", v));
                match self.intrinsic(k, arg) {
                    Some(r) => r,
                    None => self.object(m),
                }
            }
            Value::Object(m) => self.object(m),
            other => other.clone(),
        }
    }

    fn object(&mut self, m: &Map) -> Value {
        let mut out = Map::new();
        for (k, x) in m.iter() {
            out.insert(k.clone(), self.resolve(x));
        }
        Value::Object(out)
    }

    fn text(&mut self, v: &Value) -> String {
        match self.resolve(v) {
            Value::String(s) => s.to_string(),
            other => read::to_compact(&other),
        }
    }

    fn intrinsic(&mut self, k: &str, arg: &Value) -> Option<Value> {
        let list = |v: &Value| v.as_array().map(|a| a.to_vec()).unwrap_or_default();
        Some(match k {
            "Ref" => {
                let name = arg.as_str()?;
                Value::from(self.reference(name, None, &format!("Ref {name}")))
            }
            "Fn::GetAtt" => {
                let (res, attr) = match arg {
                    Value::String(s) => {
                        let (a, b) = s.split_once('.').unwrap_or((s, ""));
                        (a.to_string(), b.to_string())
                    }
                    _ => {
                        let a = list(arg);
                        (
                            a.first().map(|x| self.text(x)).unwrap_or_default(),
                            a.get(1).map(|x| self.text(x)).unwrap_or_default(),
                        )
                    }
                };
                Value::from(self.reference(&res, Some(&attr), &format!("Fn::GetAtt {res}.{attr}")))
            }
            "Fn::Sub" => {
                let (text, vars) = match arg {
                    Value::String(s) => (s.to_string(), Map::new()),
                    _ => {
                        let a = list(arg);
                        let text = a.first().and_then(Value::as_str).unwrap_or_default().to_string();
                        let mut vars = Map::new();
                        if let Some(Value::Object(m)) = a.get(1) {
                            for (k, v) in m.iter() {
                                let v = self.text(v);
                                vars.insert(k.clone(), Value::from(v));
                            }
                        }
                        (text, vars)
                    }
                };
                Value::from(self.sub(&text, &vars))
            }
            "Fn::Join" => {
                let a = list(arg);
                let sep = a.first().map(|x| self.text(x)).unwrap_or_default();
                let parts = match a.get(1).map(|x| self.resolve(x)) {
                    Some(Value::Array(items)) => items
                        .iter()
                        .map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| read::to_compact(x)))
                        .collect::<Vec<_>>(),
                    _ => Vec::new(),
                };
                Value::from(parts.join(&sep))
            }
            // Conditions are not evaluated: the first branch is taken.
            "Fn::If" => list(arg).get(1).map(|x| self.resolve(x)).unwrap_or(Value::Null),
            "Fn::Select" => {
                let a = list(arg);
                let i = a
                    .first()
                    .map(|x| self.resolve(x))
                    .and_then(|x| x.as_f64().or_else(|| x.as_str().and_then(|s| s.parse().ok())))
                    .unwrap_or(0.0) as usize;
                match a.get(1).map(|x| self.resolve(x)) {
                    Some(Value::Array(items)) => items.get(i).cloned().unwrap_or(Value::Null),
                    _ => Value::Null,
                }
            }
            "Fn::Split" => {
                let a = list(arg);
                let sep = a.first().map(|x| self.text(x)).unwrap_or_default();
                let s = a.get(1).map(|x| self.text(x)).unwrap_or_default();
                if sep.is_empty() {
                    Value::Array(vec![Value::from(s)].into())
                } else {
                    Value::Array(s.split(sep.as_str()).map(Value::from).collect())
                }
            }
            "Fn::FindInMap" => {
                let a: Vec<String> = list(arg).iter().map(|x| self.text(x)).collect();
                let found = (a.len() == 3)
                    .then(|| self.doc.get("Mappings")?.get(&a[0])?.get(&a[1])?.get(&a[2]).cloned())
                    .flatten();
                found.unwrap_or_else(|| {
                    let made = a.last().cloned().unwrap_or_default();
                    note(&mut self.subs, &format!("Fn::FindInMap {}", a.join(".")), &made, true);
                    Value::from(made)
                })
            }
            "Fn::ImportValue" => {
                let name = self.text(arg);
                let made = made_up(&name, "", false);
                note(&mut self.subs, &format!("Fn::ImportValue {name}"), &made, true);
                Value::from(made)
            }
            "Fn::GetAZs" => {
                Value::Array(vec![Value::from(format!("{REGION}a")), Value::from(format!("{REGION}b"))].into())
            }
            "Fn::Base64" => Value::from(crate::support::digest::base64_encode(self.text(arg).as_bytes())),
            "Fn::ToJsonString" => {
                let v = self.resolve(arg);
                Value::from(read::to_compact(&v))
            }
            "Fn::Length" => Value::from(self.resolve(arg).as_array().map_or(0, |a| a.len()) as i64),
            _ => return None,
        })
    }

    /// `Fn::Sub` text: `${Name}`, `${Resource.Attribute}` and `${!Literal}`.
    fn sub(&mut self, text: &str, vars: &Map) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let Some(j) = rest[i..].find('}') else { break };
            let name = &rest[i + 2..i + j];
            if let Some(lit) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(lit);
                out.push('}');
            } else if let Some(v) = vars.get(name) {
                out.push_str(v.as_str().unwrap_or_default());
            } else if let Some((res, attr)) =
                name.split_once('.').filter(|(r, _)| !r.starts_with("AWS::") || r.contains('.'))
            {
                let v = self.reference(res, Some(attr), &format!("Fn::GetAtt {name}"));
                out.push_str(&v);
            } else {
                let v = self.reference(name, None, &format!("Ref {name}"));
                out.push_str(&v);
            }
            rest = &rest[i + j + 1..];
        }
        out.push_str(rest);
        out
    }

    /// What `Ref name` (or `Fn::GetAtt name.attr`) gives: a pseudo parameter, a parameter's
    /// default, or a value shaped by the resource's type.
    fn reference(&mut self, name: &str, attr: Option<&str>, label: &str) -> String {
        if let Some((_, v)) = self.overrides.iter().find(|(k, _)| k == label || k == name) {
            let v = v.clone();
            note(&mut self.subs, label, &v, false);
            return v;
        }
        let pseudo = match name {
            "AWS::Region" => Some(REGION.to_string()),
            "AWS::AccountId" => Some(ACCOUNT.to_string()),
            "AWS::Partition" => Some("aws".into()),
            "AWS::URLSuffix" => Some("amazonaws.com".into()),
            "AWS::StackName" => Some("stack".into()),
            "AWS::StackId" => Some(format!(
                "arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/stack/00000000-0000-0000-0000-000000000000"
            )),
            "AWS::NoValue" => Some(String::new()),
            _ => None,
        };
        if let Some(p) = pseudo {
            return p;
        }
        if let Some(param) = self.doc.get("Parameters").and_then(|p| p.get(name)) {
            if let Some(d) = param.get("Default") {
                let d = d.as_str().map(str::to_string).unwrap_or_else(|| read::to_compact(d));
                note(&mut self.subs, label, &d, false);
                return d;
            }
            let made = made_up(name, "", false);
            note(&mut self.subs, label, &made, true);
            return made;
        }
        let res = self.doc.get("Resources").and_then(|r| r.get(name));
        let rtype = res.and_then(|r| r.get("Type")).and_then(Value::as_str).unwrap_or_default();
        let props = res.and_then(|r| r.get("Properties"));
        let value = resource_value(name, rtype, props, attr);
        note(&mut self.subs, label, &value, true);
        value
    }
}

/// A plausible `Ref` (attribute `None`) or `Fn::GetAtt` value of a resource of type `rtype`.
fn resource_value(id: &str, rtype: &str, props: Option<&Value>, attr: Option<&str>) -> String {
    let named = |keys: &[&str]| {
        keys.iter().find_map(|k| props.and_then(|p| p.get(k)).and_then(Value::as_str)).map(str::to_string)
    };
    let attr = attr.unwrap_or("");
    let r = REGION;
    let a = ACCOUNT;
    match rtype {
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => {
            let n = named(&["FunctionName"]).unwrap_or_else(|| id.into());
            if attr.is_empty() {
                n
            } else {
                format!("arn:aws:lambda:{r}:{a}:function:{n}")
            }
        }
        "AWS::SQS::Queue" => {
            let n = named(&["QueueName"]).unwrap_or_else(|| id.into());
            match attr {
                "Arn" => format!("arn:aws:sqs:{r}:{a}:{n}"),
                "QueueName" => n,
                _ => format!("https://sqs.{r}.amazonaws.com/{a}/{n}"),
            }
        }
        "AWS::SNS::Topic" => {
            let n = named(&["TopicName"]).unwrap_or_else(|| id.into());
            if attr == "TopicName" {
                n
            } else {
                format!("arn:aws:sns:{r}:{a}:{n}")
            }
        }
        "AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable" | "AWS::DynamoDB::GlobalTable" => {
            let n = named(&["TableName"]).unwrap_or_else(|| id.into());
            match attr {
                "" => n,
                "StreamArn" => format!("arn:aws:dynamodb:{r}:{a}:table/{n}/stream/2025-01-01T00:00:00.000"),
                _ => format!("arn:aws:dynamodb:{r}:{a}:table/{n}"),
            }
        }
        "AWS::S3::Bucket" => {
            let n = named(&["BucketName"]).unwrap_or_else(|| id.to_ascii_lowercase());
            match attr {
                "" | "BucketName" => n,
                "Arn" => format!("arn:aws:s3:::{n}"),
                "DomainName" => format!("{n}.s3.amazonaws.com"),
                _ => n,
            }
        }
        "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine" => {
            let n = named(&["StateMachineName", "Name"]).unwrap_or_else(|| id.into());
            if attr == "Name" {
                n
            } else {
                format!("arn:aws:states:{r}:{a}:stateMachine:{n}")
            }
        }
        "AWS::StepFunctions::Activity" => {
            let n = named(&["Name"]).unwrap_or_else(|| id.into());
            if attr == "Name" {
                n
            } else {
                format!("arn:aws:states:{r}:{a}:activity:{n}")
            }
        }
        "AWS::Events::EventBus" => {
            let n = named(&["Name"]).unwrap_or_else(|| id.into());
            if attr == "Arn" {
                format!("arn:aws:events:{r}:{a}:event-bus/{n}")
            } else {
                n
            }
        }
        "AWS::IAM::Role" => {
            let n = named(&["RoleName"]).unwrap_or_else(|| id.into());
            if attr == "Arn" {
                format!("arn:aws:iam::{a}:role/{n}")
            } else {
                n
            }
        }
        "AWS::ECS::Cluster" => {
            let n = named(&["ClusterName"]).unwrap_or_else(|| id.into());
            if attr == "Arn" {
                format!("arn:aws:ecs:{r}:{a}:cluster/{n}")
            } else {
                n
            }
        }
        "AWS::ECS::TaskDefinition" => {
            format!("arn:aws:ecs:{r}:{a}:task-definition/{}:1", named(&["Family"]).unwrap_or_else(|| id.into()))
        }
        "AWS::Batch::JobQueue" => {
            format!("arn:aws:batch:{r}:{a}:job-queue/{}", named(&["JobQueueName"]).unwrap_or_else(|| id.into()))
        }
        "AWS::Batch::JobDefinition" => format!(
            "arn:aws:batch:{r}:{a}:job-definition/{}:1",
            named(&["JobDefinitionName"]).unwrap_or_else(|| id.into())
        ),
        "AWS::SecretsManager::Secret" => {
            format!("arn:aws:secretsmanager:{r}:{a}:secret:{}-AbCdEf", named(&["Name"]).unwrap_or_else(|| id.into()))
        }
        "AWS::Kinesis::Stream" => {
            let n = named(&["Name"]).unwrap_or_else(|| id.into());
            if attr == "Arn" {
                format!("arn:aws:kinesis:{r}:{a}:stream/{n}")
            } else {
                n
            }
        }
        "AWS::Logs::LogGroup" => {
            let n = named(&["LogGroupName"]).unwrap_or_else(|| id.into());
            if attr == "Arn" {
                format!("arn:aws:logs:{r}:{a}:log-group:{n}:*")
            } else {
                n
            }
        }
        "AWS::EC2::Subnet" => "subnet-0123456789abcdef0".into(),
        "AWS::EC2::SecurityGroup" => "sg-0123456789abcdef0".into(),
        "AWS::EC2::VPC" => "vpc-0123456789abcdef0".into(),
        "AWS::ApiGateway::RestApi" | "AWS::Serverless::Api" => "a1b2c3d4e5".into(),
        _ => {
            // Not a template resource: a Serverless function's logical id, or unknown.
            if let Some(f) = id.strip_suffix("LambdaFunction") {
                let mut name = f.to_string();
                if let Some(c) = name.get(..1) {
                    name.replace_range(..1, &c.to_ascii_lowercase());
                }
                return if attr.is_empty() { name } else { format!("arn:aws:lambda:{r}:{a}:function:{name}") };
            }
            if attr.is_empty() {
                id.into()
            } else {
                let service = rtype.split("::").nth(1).unwrap_or("service").to_ascii_lowercase();
                format!("arn:aws:{service}:{r}:{a}:{id}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::made_up;

    #[test]
    fn made_up_values_follow_the_words_of_the_name() {
        assert_eq!(
            made_up("ProcessFunctionArn", "", false),
            "arn:aws:lambda:us-east-1:123456789012:function:ProcessFunction"
        );
        assert_eq!(made_up("OrderQueueURL", "", false), "https://sqs.us-east-1.amazonaws.com/123456789012/OrderQueue");
        assert_eq!(made_up("jobs_table", "", false), "jobs_table");
        assert_eq!(
            made_up("WorkflowStateMachineArn", "", false),
            "arn:aws:states:us-east-1:123456789012:stateMachine:WorkflowStateMachine"
        );
        assert_eq!(made_up("EventBusName", "", false), "EventBus");
        // Words, not letters: a controller is no IAM role, an executable no table.
        assert_eq!(made_up("ControllerName", "", false), "Controller");
        assert_eq!(made_up("ExecutableName", "", false), "Executable");
        // A whole Resource is a function unless the name says otherwise.
        assert_eq!(made_up("Worker", "Resource", true), "arn:aws:lambda:us-east-1:123456789012:function:Worker");
    }
}
