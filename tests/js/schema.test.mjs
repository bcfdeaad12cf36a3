// The definition editor's knowledge of ASL (www/app/editor/schema.js) against the engine's
// validator (www/statelab.js validate, src/asl/parse.rs): at every place the editor offers
// fields for, each field it offers is accepted there, and each field it does not offer there
// (every other field name it knows, and misspellings) is refused as unsupported; each value it
// offers for Type, QueryLanguage, Mode, ExecutionType, JitterStrategy and ErrorEquals, and each
// Resource, validates. So what completion and quick fixes suggest cannot drift from what the
// engine (and AWS) accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validate } from '../../www/statelab.js';
import { STATE_FIELDS, STATE_TYPES, PLACE_FIELDS, FIELD_VALUES, ERROR_NAMES, RESOURCES, FIELD_DOCS, stateFields, valueTemplate, TO_FILL } from '../../www/app/editor/schema.js';

const ALL = [...new Set([...Object.values(STATE_FIELDS).flatMap((q) => [...q.JSONPath, ...q.JSONata]), ...Object.values(PLACE_FIELDS).flat(), 'Type', 'Comment', 'QueryLanguage'])];
const TYPOS = ['MaxAttempt', 'Nxt', 'Resorce', 'Foo'];
// Fields the engine takes that the editor does not offer: a Parallel branch's ProcessorConfig
// (the engine reads branches and item processors alike; it means nothing in a branch).
const NOT_OFFERED = new Set(['branch ProcessorConfig']);

/** A definition whose object at `pointer` holds `field` (a value that reads as something), and that pointer. */
function place(kind, ql, type, distributed = false) {
  const jsonata = ql === 'JSONata';
  const top = { QueryLanguage: ql, StartAt: 'S', States: {} };
  const state = (t) => ({
    Type: t,
    ...(t === 'Choice' ? { Choices: [jsonata ? { Condition: '{% true %}', Next: 'End' } : { Variable: '$.a', IsPresent: true, Next: 'End' }] } : {}),
    ...(['Succeed', 'Fail', 'Choice'].includes(t) ? {} : { End: true }),
  });
  if (type === 'Choice' || kind === 'catcher') top.States.End = { Type: 'Succeed' };
  if (kind === 'state') {
    top.States.S = state(type);
    if (type === 'Task') top.States.S.Resource = 'arn:aws:states:::lambda:invoke';
    if (type === 'Parallel') top.States.S.Branches = [{ StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }];
    if (type === 'Map') top.States.S.ItemProcessor = { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } };
    if (distributed) top.States.S.ItemProcessor.ProcessorConfig = { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' };
    if (type === 'Wait') top.States.S.Seconds = 1;
    return { def: top, at: '/States/S', obj: top.States.S };
  }
  if (kind === 'top') return { def: { ...top, States: { S: { Type: 'Pass', End: true } } }, at: '', obj: null };
  const map = { Type: 'Map', End: true, ItemProcessor: { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } } };
  top.States.S = map;
  if (kind === 'branch') {
    top.States.S = { Type: 'Parallel', End: true, Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }] };
    return { def: top, at: '/States/S/Branches/0', obj: top.States.S.Branches[0] };
  }
  if (kind === 'processor') return { def: top, at: '/States/S/ItemProcessor', obj: map.ItemProcessor };
  if (kind === 'retrier' || kind === 'catcher') {
    top.States.S = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true };
    const key = kind === 'retrier' ? 'Retry' : 'Catch';
    top.States.S[key] = [{ ErrorEquals: ['States.ALL'], ...(kind === 'catcher' ? { Next: 'End' } : {}) }];
    return { def: top, at: `/States/S/${key}/0`, obj: top.States.S[key][0] };
  }
  map.ItemProcessor.ProcessorConfig = { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' };
  const arg = jsonata ? 'Arguments' : 'Parameters';
  if (kind === 'reader') {
    map.ItemReader = { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, [arg]: { Bucket: 'b', Key: 'k' } };
    return { def: top, at: '/States/S/ItemReader', obj: map.ItemReader };
  }
  map.ResultWriter = { Resource: 'arn:aws:states:::s3:putObject', [arg]: { Bucket: 'b', Prefix: 'p' } };
  return { def: top, at: '/States/S/ResultWriter', obj: map.ResultWriter };
}

/** Does the engine refuse `field` at the object `at` as a field it does not take there? */
async function refused(def, at, field) {
  const diags = await validate(def);
  const here = `${at}/${field}`;
  return diags.some((d) => d.location === here && /not supported|only supported in|Unknown field|not allowed|unknown/i.test(d.message));
}

const PLACES = [
  ...STATE_TYPES.flatMap((t) => ['JSONPath', 'JSONata'].map((ql) => ({ kind: 'state', type: t, ql, fields: stateFields(t, ql) }))),
  ...['JSONPath', 'JSONata'].map((ql) => ({ kind: 'state', type: 'Map', distributed: true, ql, fields: stateFields('Map', ql, true) })),
  ...['JSONPath', 'JSONata'].flatMap((ql) => [
    { kind: 'top', ql, fields: PLACE_FIELDS.top },
    { kind: 'branch', ql, fields: PLACE_FIELDS.branch },
    { kind: 'processor', ql, fields: PLACE_FIELDS.processor },
    { kind: 'retrier', ql, fields: PLACE_FIELDS.retrier },
    { kind: 'catcher', ql, fields: PLACE_FIELDS[`catcher${ql}`] },
    { kind: 'reader', ql, fields: PLACE_FIELDS[`reader${ql}`] },
    { kind: 'writer', ql, fields: PLACE_FIELDS[`writer${ql}`] },
  ]),
];

test('each field offered at a place is accepted there, every other one refused', async () => {
  const wrong = [];
  for (const p of PLACES) {
    for (const field of [...ALL, ...TYPOS]) {
      const { def, at } = place(p.kind, p.ql, p.type, p.distributed);
      const target =
        at === ''
          ? def
          : at
              .split('/')
              .slice(1)
              .reduce((o, k) => o[k], def);
      if (Object.hasOwn(target, field)) continue; // there already (accepted: the base validates)
      target[field] = 'x';
      const offered = p.fields.includes(field);
      if (!offered && NOT_OFFERED.has(`${p.kind} ${field}`)) continue;
      if ((await refused(def, at, field)) === offered) wrong.push(`${p.kind} ${p.type || ''} ${p.ql}: ${field} ${offered ? 'offered but refused' : 'refused by neither'}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('the definitions the test builds validate as they are', async () => {
  for (const p of PLACES) {
    const { def } = place(p.kind, p.ql, p.type, p.distributed);
    assert.deepEqual(await validate(def), [], `${p.kind} ${p.type || ''} ${p.ql}`);
  }
});

test('each value offered validates', async () => {
  const base = () => place('state', 'JSONPath', 'Task');
  for (const t of FIELD_VALUES.Type) assert.deepEqual(await validate(place('state', 'JSONPath', t).def), [], t);
  for (const ql of FIELD_VALUES.QueryLanguage) assert.deepEqual(await validate(place('state', ql, 'Pass').def), [], ql);
  for (const e of ERROR_NAMES) {
    const { def } = place('retrier', 'JSONPath');
    def.States.S.Retry[0].ErrorEquals = [e];
    assert.deepEqual(await validate(def), [], e);
  }
  for (const [arn] of RESOURCES) {
    const { def } = base();
    def.States.S.Resource = arn;
    assert.deepEqual(await validate(def), [], arn);
  }
  for (const j of FIELD_VALUES.JitterStrategy) {
    const { def } = place('retrier', 'JSONPath');
    def.States.S.Retry[0].JitterStrategy = j;
    assert.deepEqual(await validate(def), [], j);
  }
  for (const mode of FIELD_VALUES.Mode)
    for (const et of FIELD_VALUES.ExecutionType) {
      const { def } = place('processor', 'JSONPath');
      def.States.S.ItemProcessor.ProcessorConfig = { Mode: mode, ...(mode === 'DISTRIBUTED' ? { ExecutionType: et } : {}) };
      assert.deepEqual(await validate(def), [], `${mode} ${et}`);
    }
});

test('every field offered has its words', () => {
  const missing = ALL.filter((f) => !FIELD_DOCS[f]);
  assert.deepEqual(missing, []);
});

// A field whose value excludes one the test's base object has: that one goes first.
const EXCLUDES = { Next: ['End'], Timestamp: ['Seconds'], SecondsPath: ['Seconds'], TimestampPath: ['Seconds'], Parameters: [], ItemSelector: [] };

test('what completing a field writes validates there (a value to pick from a list aside)', async () => {
  const wrong = [];
  for (const p of PLACES) {
    for (const field of p.fields) {
      if (TO_FILL.has(field)) continue;
      const { def, at } = place(p.kind, p.ql, p.type, p.distributed);
      const target =
        at === ''
          ? def
          : at
              .split('/')
              .slice(1)
              .reduce((o, k) => o[k], def);
      for (const x of EXCLUDES[field] || []) delete target[x];
      if (field === 'Next') def.States.Then = { Type: 'Succeed' };
      target[field] = JSON.parse(valueTemplate(field, p.ql).text);
      if (field === 'Next') target.Next = 'Then';
      const diags = await validate(def);
      if (diags.length) wrong.push(`${p.kind} ${p.type || ''} ${p.ql}: ${field}: ${diags[0].message}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('quick fixes: a field a place does not take becomes the nearest it takes, a missing target the nearest state; the fixed definition validates', async () => {
  const { fixFor } = await import('../../www/app/editor/fixes.js');
  const def = {
    StartAt: 'Chrge',
    States: {
      Charge: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempt: 2 }], Nxt: 'Ship' },
      Ship: { Type: 'Pass', QueryLanguage: 'JSONata', Outptu: '{% 1 %}', Next: 'Dne' },
      Done: { Type: 'Succeed' },
    },
  };
  const diags = await validate(def);
  const fixes = diags.map((d) => fixFor(def, d)).filter(Boolean);
  assert.deepEqual(fixes.map((f) => [f.pointer, f.part, f.insert]).sort(), [
    ['/StartAt', 'value', '"Charge"'],
    ['/States/Charge/Nxt', 'key', '"Next"'],
    ['/States/Charge/Retry/0/MaxAttempt', 'key', '"MaxAttempts"'],
    ['/States/Ship/Next', 'value', '"Done"'],
    ['/States/Ship/Outptu', 'key', '"Output"'],
  ]);
  // Applied (as the editor does, on the text), the definition is valid.
  const { locateJson } = await import('../../www/app/model/jsontext.js');
  let text = JSON.stringify(def, null, 2);
  for (const f of fixes) {
    const s = locateJson(text).get(f.pointer);
    const [a, b] = f.part === 'key' ? [s.keyFrom, s.keyTo] : [s.from, s.to];
    text = text.slice(0, a) + f.insert + text.slice(b);
  }
  assert.deepEqual(await validate(text), []);
});
