// The editor's help in YAML (www/app/editor/yaml.js): the outline finds the place of a key as
// the JSON syntax tree does (so completion offers the same fields), in a definition and in a
// template's Definition block, past comments, block scalars and flow values; and the hover
// tables: what a Resource ARN is and what a $states member holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outline, pathOf, infoOf, stateNamesIn } from '../../www/app/editor/yaml.js';
import { placeOf, fieldsOf } from '../../www/app/editor/place.js';
import { describeResource, describeStates, RESOURCES, STATES_MEMBERS, PATTERNS } from '../../www/app/editor/schema.js';

const MARK = '\u0001';
/** The place of the key MARK in `text` (kind, type, ql). */
function placeOfMark(text) {
  const entry = outline(text).entries.find((e) => e.key === MARK);
  assert.ok(entry, 'the marked key is in the outline');
  const { path, nodes } = pathOf(entry.node);
  return { path, ...placeOf(path, (i) => infoOf(nodes[i])) };
}

test('a key in a state: the state with its Type and query language, whatever comes around it', () => {
  const text = `# An order
Comment: |
  States:
    NotAState: {}
QueryLanguage: JSONata
StartAt: A
States:
  A:
    ${MARK}:
    Type: Task   # the Type after the key being typed
    Resource: "arn:aws:states:::lambda:invoke"
  B: {Type: Pass, End: true}
`;
  const p = placeOfMark(text);
  assert.deepEqual(p.path, ['States', 'A']);
  assert.equal(p.kind, 'state');
  assert.equal(p.type, 'Task');
  assert.equal(p.ql, 'JSONata');
  assert.ok(fieldsOf(p).includes('Arguments') && !fieldsOf(p).includes('Parameters'));
  // The block scalar's lines are text, not states.
  assert.deepEqual(stateNamesIn(outline(text)), ['A', 'B']);
});

test('retriers and catchers in block sequences, compact or indented; a Map’s processor; a Parallel’s branch', () => {
  const state = (body) => `StartAt: S\nStates:\n  S:\n${body}`;
  assert.equal(placeOfMark(state(`    Type: Task\n    Retry:\n    - ErrorEquals: [States.ALL]\n      ${MARK}:\n`)).kind, 'retrier');
  assert.equal(placeOfMark(state(`    Type: Task\n    Catch:\n      - ErrorEquals:\n          - States.ALL\n        ${MARK}:\n`)).kind, 'catcher');
  assert.equal(placeOfMark(state(`    Type: Task\n    Catch:\n      - ${MARK}:\n`)).kind, 'catcher');
  assert.equal(placeOfMark(state(`    Type: Map\n    ItemProcessor:\n      ${MARK}:\n`)).kind, 'processor');
  const inner = placeOfMark(state(`    Type: Parallel\n    Branches:\n      - StartAt: X\n        States:\n          X:\n            Type: Wait\n            ${MARK}:\n`));
  assert.deepEqual(inner.path, ['States', 'S', 'Branches', 0, 'States', 'X']);
  assert.equal(inner.type, 'Wait');
  // A payload is the user's: nothing offered.
  assert.equal(placeOfMark(state(`    Type: Task\n    Parameters:\n      ${MARK}:\n`)).kind, null);
});

test('a distributed Map: its ProcessorConfig says so, and its distributed-only fields are offered', () => {
  const text = `StartAt: M
States:
  M:
    Type: Map
    ItemProcessor:
      ProcessorConfig:
        Mode: DISTRIBUTED
      StartAt: W
      States: {W: {Type: Pass, End: true}}
    ${MARK}:
`;
  const p = placeOfMark(text);
  assert.equal(p.distributed, true);
  assert.ok(fieldsOf(p).includes('ItemReader'));
});

test("a template's Definition block is a definition: SAM, CloudFormation; the template's own mappings are not", () => {
  const sam = `Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: W
        States:
          W:
            Type: Wait
            ${MARK}:
`;
  const p = placeOfMark(sam);
  assert.deepEqual(p.path, ['States', 'W']);
  assert.equal(p.type, 'Wait');
  const top = placeOfMark(sam.replace(`            ${MARK}:\n`, '').replace('        StartAt: W\n', `        StartAt: W\n        ${MARK}:\n`));
  assert.equal(top.kind, 'top');
  // Under Properties (CloudFormation's own): no place of a definition.
  const props = placeOfMark(sam.replace('      Definition:', `      ${MARK}:\n      Definition:`));
  assert.equal(props.kind, null);
});

test('every Resource ARN offered has its words, and the ARN’s parts are read: service, action, pattern', () => {
  for (const [arn] of RESOURCES) assert.ok(describeResource(arn)?.text, arn);
  const sync = describeResource('arn:aws:states:::states:startExecution.sync:2');
  assert.match(sync.title, /^AWS Step Functions: startExecution · Run a Job \(\.sync:2\)$/);
  assert.match(sync.text, /Output as JSON/);
  const token = describeResource('arn:aws:states:::sns:publish.waitForTaskToken');
  assert.match(token.title, /Wait for a Callback/);
  assert.match(token.text, new RegExp(PATTERNS.waitForTaskToken[2]));
  const sdk = describeResource('arn:aws:states:::aws-sdk:dynamodb:query');
  assert.match(sdk.title, /^AWS SDK integration: dynamodb query · Request Response$/);
  assert.match(describeResource('arn:aws:lambda:us-east-1:123456789012:function:resize').text, /return value itself/);
  assert.match(describeResource('arn:aws:states:us-east-1:123456789012:activity:review').title, /activity/);
  assert.match(describeResource('arn:aws:states:::nosuch:thing').text, /No optimized integration/);
  assert.equal(describeResource('not an arn'), null);
  assert.equal(describeResource('arn:aws:s3:::bucket'), null);
});

test('$states members: what each holds and where it can be read; context members by path', () => {
  for (const [name] of STATES_MEMBERS) assert.ok(describeStates(`$states.${name}`), name);
  assert.match(describeStates('$states.result').text, /Readable in Output and Assign of a Task, Parallel or Map state/);
  assert.match(describeStates('$states.errorOutput').text, /Readable in Output and Assign of a Catch/);
  assert.equal(describeStates('$states.context.Execution.Input.order').title, '$states.context.Execution.Input');
  assert.equal(describeStates('$states.nosuch'), null);
});
