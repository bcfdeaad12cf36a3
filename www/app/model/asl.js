// Small helpers over a parsed ASL definition (a plain object): walking its states.

/** Every state of a machine, nested ones included: [{name, state, path: [container names]}]. */
export function allStates(machine, path = []) {
  const out = [];
  if (!machine || typeof machine !== 'object' || !machine.States || typeof machine.States !== 'object') return out;
  for (const [name, state] of Object.entries(machine.States)) {
    if (!state || typeof state !== 'object') continue;
    out.push({ name, state, path });
    for (const sub of childMachines(state)) out.push(...allStates(sub, [...path, name]));
  }
  return out;
}

/** The machines inside a Parallel (its branches) or a Map (its item processor). */
export function childMachines(state) {
  if (!state || typeof state !== 'object') return [];
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) return state.Branches.filter((b) => b && typeof b === 'object');
  if (state.Type === 'Map') {
    const p = state.ItemProcessor || state.Iterator;
    return p && typeof p === 'object' ? [p] : [];
  }
  return [];
}

/** The states a state can go to next: [{to, label, kind: 'next'|'choice'|'default'|'catch'}]. */
export function transitions(state) {
  const out = [];
  if (!state || typeof state !== 'object') return out;
  if (state.Type === 'Choice') {
    (Array.isArray(state.Choices) ? state.Choices : []).forEach((c, i) => {
      if (c && typeof c.Next === 'string') out.push({ to: c.Next, label: choiceLabel(c, i), kind: 'choice' });
    });
    if (typeof state.Default === 'string') out.push({ to: state.Default, label: 'Default', kind: 'default' });
  } else if (typeof state.Next === 'string') {
    out.push({ to: state.Next, label: '', kind: 'next' });
  }
  for (const c of Array.isArray(state.Catch) ? state.Catch : []) {
    if (c && typeof c.Next === 'string') out.push({ to: c.Next, label: `Catch ${(c.ErrorEquals || []).join(', ')}`, kind: 'catch' });
  }
  return out;
}

function choiceLabel(c, i) {
  if (typeof c.Condition === 'string') return c.Condition.replace(/^\{%\s*|\s*%\}$/g, '');
  const ops = Object.keys(c).filter((k) => !['Next', 'Variable', 'Comment', 'Assign', 'Output'].includes(k));
  if (c.Variable && ops.length) {
    const v = c[ops[0]];
    return `${c.Variable} ${ops[0].replace(/Path$/, '')} ${typeof v === 'string' ? v : JSON.stringify(v)}`;
  }
  return ops.length ? ops[0] : `Rule ${i + 1}`;
}

/** Does a state end its machine? */
export function isTerminal(state) {
  return !!state && (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail');
}

/** Each state's type by name, nested states included: Map(name → Type). */
export function stateTypesOf(machine) {
  return new Map(allStates(machine).map((s) => [s.name, s.state.Type]));
}

/** The definition of the state named `name`, wherever it is nested (null when there is none). */
export function stateNamed(machine, name) {
  return (machine && name !== null && name !== undefined && allStates(machine).find((s) => s.name === name)?.state) || null;
}
