//! Where a definition comes from: the text a user pasted or a file named, read as ASL (JSON
//! or YAML) or as a CloudFormation, SAM or Serverless Framework template holding state
//! machines, told apart by content. What the text leaves open is filled with plausible
//! values and reported as generated: the intrinsic functions of a template (`Ref`,
//! `Fn::GetAtt`, `Fn::Sub`, ... resolved by the referenced resource's type) and `${Name}`
//! placeholders (from `DefinitionSubstitutions`, else made up from the name and where the
//! placeholder sits). A host may override any substitution by name.

mod report;
mod template;
pub mod yaml;

pub use report::report;

use crate::asl::MachineType;
use crate::value::read::{self, JsonError, Locations, Pos};
use crate::value::{Map, Value};

/// The form a source text was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A bare state machine definition.
    Asl,
    /// A CloudFormation template (SAM's included).
    CloudFormation,
    /// A Serverless Framework configuration (`stepFunctions.stateMachines`).
    Serverless,
}

impl Form {
    pub fn as_str(self) -> &'static str {
        match self {
            Form::Asl => "ASL",
            Form::CloudFormation => "CloudFormation template",
            Form::Serverless => "Serverless Framework configuration",
        }
    }
}

/// A value that stands for something the text leaves open.
#[derive(Debug, Clone, PartialEq)]
pub struct Substitution {
    /// `Name` of `${Name}`, or the intrinsic as written (`Ref Fn`, `Fn::GetAtt Fn.Arn`).
    pub name: String,
    pub value: String,
    /// Made up by statelab (else from the template's `DefinitionSubstitutions`, a
    /// parameter's default, or the host's override).
    pub generated: bool,
}

/// One state machine of a source.
#[derive(Debug, Clone)]
pub struct Found {
    /// The logical id (templates), the key (Serverless), or "" for a bare definition.
    pub name: String,
    /// The definition with intrinsics resolved and substitutions made.
    pub definition: Value,
    /// What was filled in, in the order first met.
    pub substitutions: Vec<Substitution>,
    /// The type the template gives it (`StateMachineType`, SAM's `Type`, Serverless `type`).
    pub machine_type: Option<MachineType>,
    /// The name its ARN has, when the template gives it as text and it is not `name`
    /// (`StateMachineName`, SAM's `Name`, Serverless `name`): what a `Ref` of it names.
    pub arn_name: Option<String>,
    /// Positions of the definition's values, by pointer within the definition.
    pub locations: Locations,
    /// A SAM `DefinitionUri` naming a file the definition is in (to be read by the host,
    /// then given to [`Found::with_definition`]).
    pub definition_uri: Option<String>,
    /// The template's `DefinitionSubstitutions`, resolved.
    known: Map,
}

impl Found {
    /// The machine with its definition read from `text` (a SAM `DefinitionUri`'s file, JSON
    /// or YAML), the template's substitutions applied.
    pub fn with_definition(&self, text: &str, overrides: &[(String, String)]) -> Result<Found, JsonError> {
        let (doc, locations) = read_text(text)?;
        let mut substitutions = self.substitutions.clone();
        let definition = template::substitute(&doc, &self.known, overrides, &mut substitutions, "");
        Ok(Found { definition, substitutions, locations, definition_uri: None, ..self.clone() })
    }
}

/// JSON or YAML text, told apart by its first character.
fn read_text(text: &str) -> Result<(Value, Locations), JsonError> {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.starts_with(['{', '[']) {
        read::parse_located(text)
    } else {
        yaml::parse_located(text)
    }
}

/// A source text, read.
#[derive(Debug, Clone)]
pub struct Source {
    pub form: Form,
    pub yaml: bool,
    /// A CloudFormation template that is a SAM template (its `Transform` or a resource of
    /// type `AWS::Serverless::...`).
    pub sam: bool,
    pub machines: Vec<Found>,
}

/// Read a source text. `overrides` replace substitutions by name.
pub fn load(text: &str, overrides: &[(String, String)]) -> Result<Source, JsonError> {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let yaml = !trimmed.starts_with(['{', '[']);
    let (doc, locs) = read_text(text)?;
    let top = |msg: &str| JsonError { message: msg.into(), pos: Pos { line: 1, column: 1 }, pointer: String::new() };
    let Some(obj) = doc.as_object() else {
        return Err(top("the text is neither a state machine definition nor a template (expected an object)"));
    };
    let mut machines = Vec::new();
    let form = if obj.get("Resources").is_some_and(Value::is_object) && obj.get("States").is_none() {
        for (name, pointer) in template::state_machines(&doc) {
            machines.push(template::found(&doc, &locs, &name, &pointer, overrides)?);
        }
        if machines.is_empty() {
            return Err(top(
                "the template has no AWS::StepFunctions::StateMachine or AWS::Serverless::StateMachine resource",
            ));
        }
        Form::CloudFormation
    } else if let Some(sms) = obj.get("stepFunctions").and_then(|s| s.get("stateMachines")).and_then(Value::as_object) {
        for (name, sm) in sms.iter() {
            let pointer = format!("/stepFunctions/stateMachines/{}", read::escape_token(name));
            machines.push(template::serverless(&doc, &locs, name, sm, &pointer, overrides));
        }
        if machines.is_empty() {
            return Err(top("the configuration's stepFunctions.stateMachines is empty"));
        }
        Form::Serverless
    } else {
        let mut subs = Vec::new();
        let definition = template::substitute(&doc, &Map::new(), overrides, &mut subs, "");
        machines.push(Found {
            name: String::new(),
            definition,
            substitutions: subs,
            machine_type: None,
            arn_name: None,
            locations: locs,
            definition_uri: None,
            known: Map::new(),
        });
        Form::Asl
    };
    let sam = form == Form::CloudFormation && is_sam(&doc);
    Ok(Source { form, yaml, sam, machines })
}

/// A template that uses SAM's transform or its resource types.
fn is_sam(doc: &Value) -> bool {
    let serverless = |v: &Value| v.as_str().is_some_and(|s| s.starts_with("AWS::Serverless"));
    let transform = match doc.get("Transform") {
        Some(Value::Array(a)) => a.iter().any(serverless),
        Some(v) => serverless(v),
        None => false,
    };
    let resources = doc.get("Resources").and_then(Value::as_object);
    transform || resources.is_some_and(|r| r.iter().any(|(_, r)| r.get("Type").is_some_and(serverless)))
}

impl Source {
    /// What the text is, for a person: "SAM template (YAML)", "ASL (JSON)".
    pub fn label(&self) -> String {
        let what = if self.sam { "SAM template" } else { self.form.as_str() };
        format!("{what} ({})", if self.yaml { "YAML" } else { "JSON" })
    }

    /// The machine named `name`, or the only one; an error lists the names to choose from.
    pub fn pick(&self, name: Option<&str>) -> Result<&Found, String> {
        let names = || self.machines.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ");
        match name {
            Some(n) => {
                self.machines.iter().find(|m| m.name == n).ok_or_else(|| {
                    format!("the {} has no state machine '{n}' (it has: {})", self.form.as_str(), names())
                })
            }
            None if self.machines.len() == 1 => Ok(&self.machines[0]),
            None => Err(format!(
                "the {} holds {} state machines: pick one (--state-machine NAME) of: {}",
                self.form.as_str(),
                self.machines.len(),
                names()
            )),
        }
    }
}
