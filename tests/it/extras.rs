//! Which definitions need the extras (`Machine::uses_extras`): the wasm core refuses those
//! and the page runs them on the full engine, so a definition that uses picture formatting
//! or parsing, a hash or `$eval` must be flagged, and an ordinary one must not be (it would
//! load the full engine for nothing).

use statelab::{validate_text, MachineType};

fn jsonata(expr: &str) -> String {
    let expr = json_string_body(expr);
    format!(
        r#"{{"QueryLanguage":"JSONata","StartAt":"A","States":{{"A":{{"Type":"Pass","Output":"{{% {expr} %}}","End":true}}}}}}"#
    )
}

/// `s` as the inside of a JSON string.
fn json_string_body(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn uses_extras(def: &str) -> bool {
    validate_text(def, MachineType::Standard).unwrap_or_else(|d| panic!("{def}: {d:?}")).uses_extras
}

#[test]
fn jsonata_expressions_that_need_the_extras_are_flagged() {
    let cases = [
        ("$states.input.a + 1", false),
        ("$now()", false),
        ("$millis()", false),
        ("$fromMillis(0)", false),
        ("$fromMillis($states.input.t)", false),
        ("$toMillis('2025-01-01T00:00:00Z')", false),
        ("$uppercase($string($count([1,2])))", false),
        ("$formatBase(255, 16)", false),
        ("$base64encode('x')", false),
        // Formatting dates with a picture is in the core; parsing with one is not.
        ("$now('[Y0001]')", false),
        ("$now('[Y]', '+0100')", false),
        ("$fromMillis(0, '[D01]/[M01]/[Y0001]')", false),
        ("$fromMillis(0, undefined, '+0100')", false),
        ("$map([0, 1], $fromMillis)", false),
        ("$toMillis('01/02/2025', '[D]/[M]/[Y]')", true),
        ("$formatNumber(1234.5, '#,##0.00')", true),
        ("$formatInteger(12, 'w')", true),
        ("$parseInteger('twelve', 'w')", true),
        ("$hash('abc', 'MD5')", true),
        ("$eval('1 + 1')", true),
        ("$encodeUrlComponent('a b')", true),
        ("$decodeUrl('a%20b')", true),
        ("$states.input.url ~> $encodeUrl()", true),
        // Used other than by a call: what it is given is not known here.
        ("$map(['2025-01-01'], $toMillis)", true),
        ("['x'] ~> $map($toMillis)", true),
        ("($f := $formatNumber; $f(1, '#'))", true),
        // Nested anywhere: in a lambda, a predicate, an object, a condition, a sort, a transform.
        ("$map([1], function($v) { $formatInteger($v, 'I') })", true),
        ("[1, 2][$formatNumber($, '0') = '1']", true),
        ("{'a': {'b': [$toMillis('x', '[Y]')]}}", true),
        ("true ? 1 : $toMillis('1', '[H]')", true),
        ("[{'t': 1}]^($formatInteger(t, 'w'))", true),
        ("{'a': 1} ~> |$|{'b': $hash('x', 'MD5')}|", true),
        ("$states.input{'k': $formatNumber(1, '0')}", true),
    ];
    for (expr, want) in cases {
        assert_eq!(uses_extras(&jsonata(expr)), want, "{expr}");
    }
}

#[test]
fn a_long_expression_is_checked_without_recursion() {
    let chain = vec!["1"; 20_000].join("+");
    assert!(!uses_extras(&jsonata(&chain)));
    assert!(uses_extras(&jsonata(&format!("{chain} + $count([$formatNumber(1, '0')])"))));
}

#[test]
fn intrinsic_hashes_are_flagged_wherever_the_template_has_them() {
    let pass = |params: &str| {
        format!(r#"{{"StartAt":"A","States":{{"A":{{"Type":"Pass","Parameters":{params},"End":true}}}}}}"#)
    };
    assert!(!uses_extras(&pass(r#"{"b.$":"States.Base64Encode('x')","n":{"u.$":"States.UUID()"}}"#)));
    assert!(uses_extras(&pass(r#"{"h.$":"States.Hash('x', 'MD5')"}"#)));
    assert!(uses_extras(&pass(r#"{"n":[{"h.$":"States.Format('{}', States.Hash($.x, 'SHA-1'))"}]}"#)));
    // In a branch of a Parallel, and in a Map's ItemSelector.
    let nested = r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
        "ItemSelector":{"h.$":"States.Hash($$.Map.Item.Value, 'SHA-256')"},
        "ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}}}}}]}}}"#;
    assert!(uses_extras(nested));
    // A JSONata state in a JSONPath machine.
    let mixed = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $formatInteger(3, 'i') %}","End":true}}}"#;
    assert!(uses_extras(mixed));
}

#[test]
fn jsonpath_patterns_and_filter_functions_are_flagged_wherever_the_path_is() {
    let pass = |field: &str| format!(r#"{{"StartAt":"A","States":{{"A":{{"Type":"Pass",{field},"End":true}}}}}}"#);
    assert!(!uses_extras(&pass(r#""Parameters":{"a.$":"$.x[?(@.n == 'a')]"}"#)));
    assert!(uses_extras(&pass(r#""Parameters":{"a.$":"$.x[?(@.n =~ /a.*/i)]"}"#)));
    assert!(uses_extras(&pass(r#""InputPath":"$.x[?(@.n =~ /a/)]""#)));
    assert!(uses_extras(&pass(r#""Parameters":{"a.$":"States.Array($.x[?(@.n =~ /a/)])"}"#)));
    // A function in a filter; one ending a path selects nothing in either build.
    assert!(uses_extras(&pass(r#""Parameters":{"a.$":"$.x[?(@.tags.length() > 1)]"}"#)));
    assert!(!uses_extras(&pass(r#""Parameters":{"a.$":"$.x.length()"}"#)));
    // Forgotten between definitions.
    assert!(!uses_extras(&pass(r#""OutputPath":"$.x""#)));
}

/// Reading an ItemReader's items, a ResultWriter's work and S3 tasks answered from the
/// workspace of files are in the full build only; so is any distributed Map (the full
/// engine keeps its child executions' histories).
#[test]
fn files_need_the_extras() {
    let map = |extra: &str| {
        format!(
            r#"{{"StartAt":"M","States":{{"M":{{"Type":"Map",{extra}"ItemProcessor":{{"ProcessorConfig":{{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"}},"StartAt":"P","States":{{"P":{{"Type":"Pass","End":true}}}}}},"End":true}}}}}}"#
        )
    };
    let task = |resource: &str| {
        format!(r#"{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"{resource}","End":true}}}}}}"#)
    };
    let cases = [
        (map(""), true),
        (
            map(
                r#""ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"b","Key":"k"}},"#,
            ),
            true,
        ),
        (map(r#""ResultWriter":{"WriterConfig":{"Transformation":"FLATTEN"}},"#), true),
        (task("arn:aws:states:::aws-sdk:s3:getObject"), true),
        (task("arn:aws:states:::aws-sdk:s3:putObject"), true),
        (task("arn:aws:states:::aws-sdk:s3:listObjectsV2"), true),
        (task("arn:aws:states:::aws-sdk:s3:deleteObject"), false),
        (task("arn:aws:states:::lambda:invoke"), false),
    ];
    for (def, want) in cases {
        assert_eq!(uses_extras(&def), want, "{def}");
    }
}

#[test]
fn tasks_that_wait_need_the_extras() {
    // Their TaskSubmitted event holds a response the full build makes (exec/submitted.rs).
    let task = |resource: &str| {
        format!(r#"{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"{resource}","End":true}}}}}}"#)
    };
    let cases = [
        ("arn:aws:states:::sqs:sendMessage.waitForTaskToken", true),
        ("arn:aws:states:::states:startExecution.sync", true),
        ("arn:aws:states:::states:startExecution.sync:2", true),
        ("arn:aws:states:::ecs:runTask.sync", true),
        ("arn:aws:states:::sqs:sendMessage", false),
        ("arn:aws:states:::states:startExecution", false),
        ("arn:aws:lambda:us-east-1:123456789012:function:f", false),
        ("arn:aws:states:us-east-1:123456789012:activity:a", false),
    ];
    for (resource, want) in cases {
        assert_eq!(uses_extras(&task(resource)), want, "{resource}");
    }
}

#[test]
fn a_host_gives_the_submitted_response() {
    // Execution::on_submit: the host's answer is the TaskSubmitted event's output; where it
    // gives none, the made-up response is.
    use statelab::driver::{drive, Host};
    use statelab::exec::Options;
    use statelab::mock::Mocks;
    let def = r#"{"StartAt":"A","States":{
        "A":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:1:stateMachine:C"},"ResultPath":null,"Next":"B"},
        "B":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:1:stateMachine:C","Name":"n"},"End":true}}}"#;
    let machine = validate_text(def, MachineType::Standard).unwrap();
    let mocks = Mocks::from_value(&statelab::json!({"A": {"Return": {}}, "B": {"Return": {}}}), None).unwrap();
    let mut host = Host::new(machine, statelab::json!({}), mocks, Options::default());
    host.exec.on_submit(|req| {
        (&*req.state == "A").then(|| statelab::json!({"ExecutionArn": format!("child-of-{}", req.id), "StartDate": 7}))
    });
    host.start().unwrap();
    drive(&mut host, None).unwrap();
    let outputs: Vec<statelab::Value> = host
        .exec
        .events()
        .iter()
        .filter(|e| e.kind.name() == "TaskSubmitted")
        .map(|e| e.details().unwrap()["output"].clone())
        .collect();
    assert_eq!(outputs.len(), 2);
    assert_eq!(outputs[0], statelab::json!({"ExecutionArn": "child-of-1", "StartDate": 7}));
    assert_eq!(outputs[1]["ExecutionArn"], "arn:aws:states:us-east-1:1:execution:C:n");
}
