// The work's state machines (no DOM): which Tasks of a definition start a state machine by
// name (states:startExecution, its .sync and .sync:2 forms, aws-sdk:sfn:startExecution, with
// a literal StateMachineArn), and the names a new machine may take. Loaded by run.js and
// panels/machines.js when the work has other machines or its definition starts one.
import { allStates } from './asl.js';
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
