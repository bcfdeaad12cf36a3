// The work's state machines (no DOM): which Tasks of a definition start a state machine by
// name (states:startExecution, its .sync and .sync:2 forms, aws-sdk:sfn:startExecution, with
// a literal StateMachineArn), and the names a new machine may take. Loaded by run.js and
// panels/machines.js when the work has other machines or its definition starts one.
import { allStates } from './asl.js';
import { locateJson, escapeToken } from './jsontext.js';
import { untouchedMocks } from './generated.js';

const START_RESOURCES = new Set([
  'arn:aws:states:::states:startExecution',
  'arn:aws:states:::states:startExecution.sync',
  'arn:aws:states:::states:startExecution.sync:2',
  'arn:aws:states:::aws-sdk:sfn:startExecution',
]);

/** The machine a literal StateMachineArn names (the engine's rule: the ARN's `stateMachine:NAME`, or NAME itself), or null. */
export function machineNamed(arn) {
  if (typeof arn !== 'string' || arn === '' || arn.startsWith('{%')) return null;
  const at = arn.lastIndexOf(':stateMachine:');
  if (at >= 0) return arn.slice(at + ':stateMachine:'.length) || null;
  return arn.startsWith('arn:') ? null : arn;
}

/** The Tasks of a parsed definition that start a machine named by a literal ARN: [{state, machine}]. */
export function startsOf(definition) {
  const out = [];
  for (const { name, state } of allStates(definition)) {
    if (state.Type !== 'Task' || !START_RESOURCES.has(state.Resource)) continue;
    const args = state.Parameters || state.Arguments;
    const machine = args && typeof args === 'object' ? machineNamed(args.StateMachineArn) : null;
    if (machine !== null) out.push({ state: name, machine });
  }
  return out;
}

/** The JSON Pointers of the StateMachineArn values of a machine's Tasks that start one by a literal ARN, with the value: [{pointer, arn}]. */
function arnsOf(machine, at = '') {
  const out = [];
  for (const [name, state] of Object.entries(machine?.States && typeof machine.States === 'object' ? machine.States : {})) {
    if (!state || typeof state !== 'object') continue;
    const here = `${at}/States/${escapeToken(name)}`;
    for (const field of ['Parameters', 'Arguments']) {
      const arn = state[field]?.StateMachineArn;
      if (state.Type === 'Task' && START_RESOURCES.has(state.Resource) && typeof arn === 'string') out.push({ pointer: `${here}/${field}/StateMachineArn`, arn });
    }
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      for (const [i, branch] of state.Branches.entries()) out.push(...arnsOf(branch, `${here}/Branches/${i}`));
    } else if (state.Type === 'Map') {
      const key = state.ItemProcessor ? 'ItemProcessor' : 'Iterator';
      out.push(...arnsOf(state[key], `${here}/${key}`));
    }
  }
  return out;
}

/**
 * A definition's JSON text with each StateMachineArn that names machine `from` (as
 * machineNamed reads it) made to name `to`, the rest of the text as it was: {text, count}
 * (count: the values rewritten). A text that is not JSON is left as it is (count 0).
 */
export function renameStarts(text, from, to) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { text, count: 0 };
  }
  const spans = locateJson(text);
  const edits = [];
  for (const { pointer, arn } of arnsOf(parsed)) {
    if (machineNamed(arn) !== from || !spans.has(pointer)) continue;
    const at = arn.lastIndexOf(':stateMachine:');
    const renamed = at >= 0 ? `${arn.slice(0, at)}:stateMachine:${to}` : to;
    edits.push({ ...spans.get(pointer), value: JSON.stringify(renamed) });
  }
  edits.sort((a, b) => b.from - a.from);
  let out = text;
  for (const e of edits) out = out.slice(0, e.from) + e.value + out.slice(e.to);
  return { text: out, count: edits.length };
}

/** The machines a definition starts that the work does not have (each once). */
export function missingMachines(definition, machines) {
  const out = [];
  for (const { machine } of startsOf(definition)) if (!Object.hasOwn(machines, machine) && !out.includes(machine)) out.push(machine);
  return out;
}

/** The Tasks that start one of the work's `machines` (run.js derives no mock for them: the machine answers). */
export function startsIn(definition, machines) {
  return startsOf(definition)
    .filter((x) => Object.hasOwn(machines, x.machine))
    .map((x) => x.state);
}

/**
 * The parsed mocks without those of `states` that statelab derived (before the machine was in
 * the work) and the user has not edited, so that the machine answers; a mock of the user's stays.
 */
export function withoutGenerated(mocks, states, generated) {
  const drop = states.filter((n) => untouchedMocks(generated, mocks).includes(n));
  if (!drop.length) return mocks;
  const out = { ...mocks };
  for (const n of drop) delete out[n];
  return out;
}

/**
 * Name on each Task attempt span that started a child execution the child (span.child: {arn,
 * name}; `parent.span` indexes the starting execution's spans: the run's, or a child's for a
 * grandchild), which the timeline marks and opens (panels/children.js).
 */
export function markChildren(result) {
  const spansOf = new Map();
  for (const c of result.children || []) {
    spansOf.set(c.executionArn, c.result.spans);
    const span = (spansOf.get(c.parent.executionArn) || result.spans)[c.parent.span ?? -1];
    if (span) span.child = { arn: c.executionArn, name: c.stateMachine };
  }
}

/**
 * The machines as a run takes them (statelab.js options.machines): a STANDARD one by its text,
 * another as {definition, type}.
 */
export function forRun(machines, types = {}) {
  return Object.fromEntries(Object.entries(machines).map(([name, text]) => [name, types[name] === 'EXPRESS' ? { definition: text, type: 'EXPRESS' } : text]));
}

/** A name for a new machine: `base`, or `base2`, `base3`, ... not yet taken. */
export function freshName(machines, base = 'Child') {
  if (!Object.hasOwn(machines, base)) return base;
  let i = 2;
  while (Object.hasOwn(machines, `${base}${i}`)) i++;
  return `${base}${i}`;
}

/** Why `name` cannot name a machine of the work (1-80 letters, digits, - and _: a name an ARN holds as it is), or null. */
export function badName(name, machines, was = null) {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) return 'a state machine name is 1 to 80 letters, digits, - or _';
  if (name !== was && Object.hasOwn(machines, name)) return `the work has a state machine ${name} already`;
  return null;
}
