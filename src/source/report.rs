//! A source text as a host shows it (the playground's `loadSource`): the form, and each state
//! machine resolved and checked, as one JSON value. The host gives the substitutions it
//! overrides and the text of each `DefinitionUri` file it has.

use super::{load, Found};
use crate::asl::{self, Diagnostic, MachineType};
use crate::json;
use crate::value::read::{JsonError, Pos};
use crate::value::to_string_pretty;
use crate::value::Value;

fn type_name(t: MachineType) -> &'static str {
    match t {
        MachineType::Standard => "STANDARD",
        MachineType::Express => "EXPRESS",
    }
}

/// A text that does not read (JSON or YAML syntax, no state machine in it) as a diagnostic.
fn read_error(e: JsonError) -> Diagnostic {
    Diagnostic { code: "INVALID_JSON_DESCRIPTION", pointer: e.pointer, pos: e.pos, message: e.message }
}

/// Read `text` (any form [`load`] knows), resolve each state machine with `overrides` and
/// check it as a machine of its type (or `explicit`). `file(uri)` is the text of a SAM
/// `DefinitionUri` file, when the host has it. The answer:
///
/// ```text
/// {"ok": true, "form": "ASL"|"CloudFormation"|"Serverless", "label": "SAM template (YAML)",
///  "yaml": bool, "machines": [{"name", "definition": JSON text | null, "substitutions":
///  [{"name", "value", "generated"}], "type": "STANDARD"|"EXPRESS"|null, "definitionUri":
///  string | null, "needsFile": bool, "diagnostics": [diagnostic], "file": uri | null}]}
/// {"ok": false, "diagnostics": [diagnostic]}       (the text does not read)
/// ```
///
/// A machine's diagnostics point into `text`, or into the `DefinitionUri` file when `file`
/// names it; `needsFile` (with `definition` null) when that file was not given.
pub fn report(
    text: &str,
    overrides: &[(String, String)],
    file: &dyn Fn(&str) -> Option<String>,
    explicit: Option<MachineType>,
) -> Value {
    let source = match load(text, overrides) {
        Ok(s) => s,
        Err(e) => return json!({"ok": false, "diagnostics": [read_error(e).to_json()]}),
    };
    let machines: Vec<Value> = source.machines.iter().map(|m| machine(m, overrides, file, explicit)).collect();
    let form = match source.form {
        super::Form::Asl => "ASL",
        super::Form::CloudFormation => "CloudFormation",
        super::Form::Serverless => "Serverless",
    };
    json!({"ok": true, "form": form, "label": source.label(), "yaml": source.yaml, "machines": machines})
}

fn machine(
    found: &Found,
    overrides: &[(String, String)],
    file: &dyn Fn(&str) -> Option<String>,
    explicit: Option<MachineType>,
) -> Value {
    let ty = explicit.or(found.machine_type).unwrap_or(MachineType::Standard);
    let uri = found.definition_uri.clone();
    let (resolved, diagnostics, needs_file) = match &uri {
        None => (Some(found.clone()), Vec::new(), false),
        Some(u) => match file(u) {
            None => {
                let message = format!("the definition is in the file {u} (DefinitionUri): give its text");
                let d = Diagnostic {
                    code: "DEFINITION_FILE_NEEDED",
                    pointer: String::new(),
                    pos: Pos { line: 1, column: 1 },
                    message,
                };
                (None, vec![d], true)
            }
            Some(t) => match found.with_definition(&t, overrides) {
                Ok(f) => (Some(f), Vec::new(), false),
                Err(e) => (None, vec![read_error(e)], false),
            },
        },
    };
    let (definition, substitutions, diagnostics) = match resolved {
        Some(f) => {
            let diags = match asl::parse_definition(&f.definition, &f.locations, ty) {
                Ok(_) => Vec::new(),
                Err(d) => asl::truncated(d).0,
            };
            (Value::from(to_string_pretty(&f.definition)), f.substitutions, diags)
        }
        None => (Value::Null, found.substitutions.clone(), diagnostics),
    };
    let subs: Vec<Value> =
        substitutions.iter().map(|s| json!({"name": s.name, "value": s.value, "generated": s.generated})).collect();
    let diags: Vec<Value> = diagnostics.iter().map(Diagnostic::to_json).collect();
    json!({
        "name": found.name,
        "definition": definition,
        "substitutions": subs,
        "type": found.machine_type.map(type_name),
        "definitionUri": uri,
        "needsFile": needs_file,
        "file": if needs_file { None } else { uri.clone() },
        "diagnostics": diags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n  One:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: EXPRESS\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Pass, Result: '${Greeting}', End: true}\n  Two:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: B\n        States:\n          B:\n            Type: Pass\n            Nextt: C\n          C: {Type: Succeed}\n";

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn a_sam_template_with_two_machines() {
        let r = report(TWO, &[], &none, None);
        assert_eq!(r["ok"], json!(true));
        assert_eq!(r["label"], json!("SAM template (YAML)"));
        assert_eq!(r["form"], json!("CloudFormation"));
        let one = &r["machines"][0];
        assert_eq!(one["name"], json!("One"));
        assert_eq!(one["type"], json!("EXPRESS"));
        assert_eq!(one["diagnostics"], json!([]));
        let sub = &one["substitutions"][0];
        assert_eq!((sub["name"].as_str(), sub["generated"].as_bool()), (Some("Greeting"), Some(true)));
        let def = crate::value::read::parse(one["definition"].as_str().unwrap()).unwrap();
        assert_eq!(def["States"]["A"]["Result"], sub["value"]);
        // The second machine's mistake is placed at its line in the YAML.
        let two = &r["machines"][1];
        let d = &two["diagnostics"][0];
        assert_eq!(d["line"], json!(21), "{two}");
        assert!(d["message"].as_str().unwrap().contains("Nextt"), "{d}");
    }

    #[test]
    fn an_override_is_used_and_not_generated() {
        let r = report(TWO, &[("Greeting".into(), "bonjour".into())], &none, None);
        let one = &r["machines"][0];
        assert_eq!(one["substitutions"][0], json!({"name": "Greeting", "value": "bonjour", "generated": false}));
        assert!(one["definition"].as_str().unwrap().contains("\"bonjour\""));
    }

    #[test]
    fn an_override_replaces_a_definition_substitution() {
        let t = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        Table: from-template\n      Definition:\n        StartAt: A\n        States:\n          A: {Type: Pass, Result: '${Table}', End: true}\n";
        let m = &report(t, &[], &none, None)["machines"][0];
        assert_eq!(m["substitutions"][0], json!({"name": "Table", "value": "from-template", "generated": false}));
        let m = &report(t, &[("Table".into(), "mine".into())], &none, None)["machines"][0];
        assert_eq!(m["substitutions"][0], json!({"name": "Table", "value": "mine", "generated": false}));
        assert!(m["definition"].as_str().unwrap().contains("\"mine\""));
    }

    #[test]
    fn a_yaml_error_is_located() {
        let r =
            report("StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result: [1, 2\n    End: true\n", &[], &none, None);
        assert_eq!(r["ok"], json!(false));
        let d = &r["diagnostics"][0];
        assert_eq!(d["code"], json!("INVALID_JSON_DESCRIPTION"));
        assert!(d["line"].as_u64().unwrap() >= 5, "{d}");
    }

    #[test]
    fn a_definition_uri_asks_for_its_file() {
        let t = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: flow.asl.yaml\n      DefinitionSubstitutions:\n        Greeting: hi\n";
        let r = report(t, &[], &none, None);
        let m = &r["machines"][0];
        assert_eq!((m["needsFile"].as_bool(), m["definitionUri"].as_str()), (Some(true), Some("flow.asl.yaml")));
        assert_eq!(m["definition"], Value::Null);
        assert_eq!(m["diagnostics"][0]["code"], json!("DEFINITION_FILE_NEEDED"));
        let file = |u: &str| {
            (u == "flow.asl.yaml")
                .then(|| "StartAt: A\nStates:\n  A: {Type: Pass, Result: '${Greeting}', End: true}\n".to_string())
        };
        let r = report(t, &[], &file, None);
        let m = &r["machines"][0];
        assert_eq!(m["needsFile"], json!(false));
        assert_eq!(m["file"], json!("flow.asl.yaml"));
        assert!(m["definition"].as_str().unwrap().contains("\"hi\""), "{m}");
    }

    #[test]
    fn plain_asl_json() {
        let r = report(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#, &[], &none, None);
        assert_eq!(r["label"], json!("ASL (JSON)"));
        assert_eq!(r["machines"][0]["name"], json!(""));
        assert_eq!(r["machines"][0]["type"], Value::Null);
    }
}
