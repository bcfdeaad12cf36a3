// The client's side of ../../worker.js's protocol, for the playground (../engine.js) and the
// embeds (../embed-engine.js).

/** Apply a span delta from the worker ({added, patches}, see ../../worker.js) to `spans`. */
export function applySpans(spans, delta) {
  if (!delta) return;
  const p = delta.patches;
  for (let at = 0; at < p.length; ) {
    const i = p[at++];
    const s = { ...spans[i] };
    for (let n = p[at++]; n > 0; n--, at += 2) s[p[at]] = p[at + 1];
    for (let n = p[at++]; n > 0; n--) delete s[p[at++]];
    spans[i] = s;
  }
  for (const s of delta.added) spans.push(s);
}

export function pushAll(to, items) {
  for (const x of items) to.push(x);
}

/** Send request `op` as `id`, pending until its reply; none within `timeoutMs`: onTimeout(reject). */
export function send(worker, pending, id, op, payload, timeoutMs, onTimeout) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => onTimeout(reject), timeoutMs);
    pending.set(id, { resolve, reject, timer });
    worker.postMessage({ id, op, ...payload });
  });
}

/** Settle a pending request with `m` if it is a reply (a big one comes in parts first): whether it was. */
export function settleReply(pending, m) {
  if (m.id === undefined) return false;
  const p = pending.get(m.id);
  if (!p) return true;
  if (m.part) {
    p.parts ||= {};
    for (const [k, list] of Object.entries(m.part)) {
      p.parts[k] ||= [];
      pushAll(p.parts[k], list);
    }
    return true;
  }
  pending.delete(m.id);
  clearTimeout(p.timer);
  if (!m.ok) {
    const err = new Error(m.error.message);
    if (m.error.diagnostics) err.diagnostics = m.error.diagnostics;
    p.reject(err);
    return true;
  }
  if (p.parts) {
    for (const [k, list] of Object.entries(p.parts)) {
      pushAll(list, m.value[k] || []);
      m.value[k] = list;
    }
  }
  p.resolve(m.value);
  return true;
}

/** Add a run's message to the run's {events, spans, lanes} so far. */
export function gather(run, m) {
  if (m.kind !== 'tick' && m.kind !== 'part' && m.kind !== 'done') return;
  pushAll(run.events, m.events);
  applySpans(run.spans, m.spans);
  if (m.lanes) pushAll(run.lanes, m.lanes);
}

/** Answer a mock function's call `m` with what onCall gives ({output} or {failure}), through post(answer). */
export function answerCall(m, onCall, post) {
  const reply = (a) => post(a && typeof a.output === 'string' ? { output: a.output } : { failure: a?.failure || { error: 'Error', cause: 'no answer' } });
  if (!onCall) {
    reply({ failure: { error: 'States.Runtime', cause: `no sandbox runs the function of state '${m.state}'` } });
    return;
  }
  Promise.resolve()
    .then(() => onCall({ state: m.state, input: m.input, context: m.context }))
    .then(reply, (e) => reply({ failure: { error: 'States.Runtime', cause: `the function of state '${m.state}' could not run: ${e?.message ?? e}` } }));
}
