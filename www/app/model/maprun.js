// The Map Runs of a run, as the AWS console's Map Run page shows them: for each distributed
// Map's run (its MapRunStarted event), its status, its child executions (one per iteration,
// or per batch with an ItemBatcher) with their counters (pending, running, succeeded, failed,
// timed out, aborted, total) and the tolerated-failure state. No DOM.
//
// A child execution's events are not in the parent's history (as on AWS): its states are the
// spans whose parent is the Map state's visit, in the child's lane, one index per child.

/** The states of a definition (nested ones too), by name: Map(name → state). */
function statesByName(definition) {
  const out = new Map();
  const visit = (states) => {
    for (const [name, st] of Object.entries(states || {})) {
      if (!st || typeof st !== 'object') continue;
      if (!out.has(name)) out.set(name, st);
      if (st.Type === 'Parallel') for (const b of st.Branches || []) visit(b?.States);
      if (st.Type === 'Map') visit((st.ItemProcessor || st.Iterator)?.States);
    }
  };
  visit(definition?.States);
  return out;
}

/** Does the definition have a distributed Map? */
export function hasDistributedMap(definition) {
  for (const st of statesByName(definition).values()) if (st.Type === 'Map' && (st.ItemProcessor || st.Iterator)?.ProcessorConfig?.Mode === 'DISTRIBUTED') return true;
  return false;
}

/** A child execution's status from its states' spans (in order): AWS's execution statuses. */
function childStatus(spans) {
  const states = spans.filter((s) => s.kind === 'state');
  if (states.some((s) => s.status === 'running')) return 'RUNNING';
  const last = states[states.length - 1];
  if (!last) return 'RUNNING';
  if (last.status === 'cancelled') return 'ABORTED';
  if (last.status === 'failed') return last.error === 'States.Timeout' ? 'TIMED_OUT' : 'FAILED';
  return 'SUCCEEDED';
}

/**
 * The tolerated failures of a Map state: {count, percentage} (null each when not set; a
 * `...Path` field's value is not known here: `fromPath` true).
 */
export function toleratedOf(state) {
  const num = (v) => (typeof v === 'number' && v >= 0 ? v : null);
  return {
    count: num(state?.ToleratedFailureCount),
    percentage: num(state?.ToleratedFailurePercentage),
    fromPath: typeof state?.ToleratedFailureCountPath === 'string' || typeof state?.ToleratedFailurePercentagePath === 'string',
  };
}

/**
 * The Map Runs of a run ({events, spans} so far; `definition` parsed): [{arn, span (the id of
 * the Map state's visit that started it), state, lane,
 * startMs, endMs, status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED', counts: {pending,
 * running, succeeded, failed, timedOut, aborted, total}, tolerated: {count, percentage,
 * fromPath, failures, exceeded}, children: [{index, lane, status, startMs, endMs, error,
 * cause, states: [spans]}]}], in the order they started.
 */
export function mapRuns({ events = [], spans = [] } = {}, definition = null) {
  const states = statesByName(definition);
  const runs = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.type !== 'MapRunStarted') continue;
    // The Map state's visit that started it: the latest in that lane begun by then.
    let visit = null;
    for (const s of spans) if (s.kind === 'state' && s.state === e.state && s.lane === e.lane && s.startMs <= e.ms && (!visit || s.startMs >= visit.startMs)) visit = s;
    let length = null;
    let status = 'RUNNING';
    let endMs = null;
    for (let j = i - 1; j >= 0 && length === null; j--) {
      const b = events[j];
      if (b.type === 'MapStateStarted' && b.state === e.state && b.lane === e.lane) length = b.mapStateStartedEventDetails?.length ?? null;
    }
    for (let j = i + 1; j < events.length; j++) {
      const a = events[j];
      if (a.lane !== e.lane || a.state !== e.state) continue;
      if (a.type === 'MapRunStarted') break;
      if (a.type === 'MapRunSucceeded') status = 'SUCCEEDED';
      else if (a.type === 'MapStateFailed' && status === 'RUNNING') status = 'FAILED';
      else if (a.type === 'MapStateAborted' && status === 'RUNNING') status = 'ABORTED';
      else continue;
      endMs = a.ms;
    }
    if (status === 'RUNNING' && visit && visit.status === 'cancelled') status = 'ABORTED';
    if (status === 'RUNNING' && visit && visit.endMs !== null && visit.endMs !== undefined && visit.status !== 'running') {
      status = visit.status === 'succeeded' ? 'SUCCEEDED' : 'FAILED';
      endMs = visit.endMs;
    }
    const byIndex = new Map();
    if (visit) {
      for (const s of spans) {
        if (s.parent !== visit.id || typeof s.index !== 'number') continue;
        let c = byIndex.get(s.index);
        if (!c) {
          c = { index: s.index, lane: s.lane, states: [] };
          byIndex.set(s.index, c);
        }
        c.states.push(s);
      }
    }
    const children = [...byIndex.values()].sort((a, b) => a.index - b.index);
    const counts = { pending: 0, running: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, total: 0 };
    for (const c of children) {
      c.status = childStatus(c.states);
      c.startMs = Math.min(...c.states.map((s) => s.startMs));
      const last = c.states[c.states.length - 1];
      c.endMs = c.status === 'RUNNING' ? null : Math.max(...c.states.map((s) => s.endMs ?? s.startMs));
      if (c.status === 'FAILED' || c.status === 'TIMED_OUT') {
        c.error = last.error || null;
        c.cause = last.cause || null;
      }
      counts[{ RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed', TIMED_OUT: 'timedOut', ABORTED: 'aborted' }[c.status]]++;
    }
    const st = states.get(e.state);
    // A batcher makes one child per batch: how many is known as they start.
    const batched = !!st?.ItemBatcher;
    const started = children.length;
    counts.total = batched || length === null ? started : Math.max(length, started);
    // Children not started (yet, or ever: a run that failed first) are pending.
    counts.pending = counts.total - started;
    const tol = toleratedOf(st);
    const failures = counts.failed + counts.timedOut;
    const overCount = tol.count !== null && failures > tol.count;
    const overPct = tol.percentage !== null && counts.total > 0 && (failures / counts.total) * 100 > tol.percentage;
    const noneTolerated = tol.count === null && tol.percentage === null && !tol.fromPath && failures > 0;
    runs.push({
      arn: e.mapRunStartedEventDetails?.mapRunArn || '',
      span: visit ? visit.id : null,
      state: e.state,
      lane: e.lane,
      startMs: e.ms,
      endMs,
      status,
      counts,
      tolerated: { ...tol, failures, exceeded: overCount || overPct || noneTolerated },
      children,
    });
  }
  return runs;
}

/**
 * The entry of child `child` of Map Run `run` (mapRuns') in the result's `mapRunChildren`
 * (the full engine's: each child's own history, by the span of the Map visit that started it
 * and its index), or null when it has none (the run goes on, or the engine kept none). An
 * entry holds its `events`, or (the page's worker keeps them, worker.js) only their count
 * and where the worker keeps them, which `childEvents` asks for.
 */
export function childEntry(result, run, child) {
  return result?.mapRunChildren?.find((c) => c.mapSpan === run.span && c.index === child.index) ?? null;
}

/**
 * The events of child entry `own`: its own, or those `fetch(own)` gets (a promise), with a
 * redrive's lane renumbering (`laneOf`, model/redrive.js) applied.
 */
export async function childEvents(own, fetch) {
  const events = own.events ?? (await fetch(own));
  const laneOf = own.laneOf;
  return laneOf ? events.map((e) => (laneOf[e.lane] === undefined ? e : { ...e, lane: laneOf[e.lane] })) : events;
}

/** Map Run child `index` of the Map visit of span `mapSpan` with its own history ({mapSpan, index, complete, events}), or null. */
export async function mapRunChildOf(result, mapSpan, index, fetch) {
  const own = result?.mapRunChildren?.find((c) => c.mapSpan === mapSpan && c.index === index);
  return own ? { mapSpan, index, complete: own.complete, events: await childEvents(own, fetch) } : null;
}

/**
 * A child execution of a Map Run on its own, from its entry `own` and its `events`:
 * {events, spans, complete} with times from the child's start. Its spans: its states' visits
 * and everything below them (attempts, a Parallel's branches).
 */
export function childExecution(own, events, spans, child) {
  const from = child.startMs;
  const ids = new Set(child.states.map((s) => s.id));
  const mine = [];
  for (const s of spans) {
    if (!ids.has(s.id) && !ids.has(s.parent)) continue;
    ids.add(s.id);
    mine.push({ ...s, startMs: s.startMs - from, endMs: s.endMs === null || s.endMs === undefined ? s.endMs : s.endMs - from });
  }
  return { events: events.map((e) => ({ ...e, ms: e.ms - from })), spans: mine, complete: own.complete };
}
