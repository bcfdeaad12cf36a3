// What the tour's checks measure in a run: the result (status, output, virtual duration), its
// history (events by type, variables assigned) and its timeline (Task attempts, the states
// visited, how many attempts overlap). No DOM, and never the text of the definition: a check
// judges what the engine did, so any workflow that does the job passes.
import { costOf } from '../app/model/timing.js';

/** Seconds for a verdict: "5.5 s", "4 s", "0.25 s". */
export function secs(ms) {
  return `${+(ms / 1000).toFixed(3)} s`;
}

/** A value as short JSON text for a verdict (cut at `max` characters). */
export function short(value, max = 160) {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Are two JSON values equal (objects in any key order)? */
export function same(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
}

/** A run as the checks read it. */
export class Run {
  constructor(result) {
    this.result = result;
    this.spans = result.spans || [];
    this.events = result.events || [];
  }

  get status() {
    return this.result.status;
  }

  get ms() {
    return this.result.durationMs;
  }

  get output() {
    return this.result.output;
  }

  /** The Task attempts of a state (every call, retries included), in start order. */
  attempts(state) {
    return this.spans.filter((s) => s.kind === 'attempt' && s.state === state).sort((a, b) => a.startMs - b.startMs);
  }

  /** The attempts of a state that succeeded. */
  succeeded(state) {
    return this.attempts(state).filter((s) => s.status === 'succeeded');
  }

  /** The visits of a state (state spans), in start order. */
  visits(state) {
    return this.spans.filter((s) => s.kind === 'state' && s.state === state).sort((a, b) => a.startMs - b.startMs);
  }

  visited(state) {
    return this.visits(state).length > 0;
  }

  /** Retry back-offs of a state. */
  backoffs(state) {
    return this.spans.filter((s) => s.kind === 'backoff' && s.state === state);
  }

  /** The most spans of these that were running at one instant (one ending as another starts do not overlap). */
  static peak(spans) {
    const points = [];
    for (const s of spans) {
      const end = s.endMs ?? Number.POSITIVE_INFINITY;
      if (end <= s.startMs) continue;
      points.push([s.startMs, 1], [end, -1]);
    }
    // At one instant, ends before starts.
    points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let most = 0;
    for (const [, d] of points) {
      now += d;
      most = Math.max(most, now);
    }
    return most;
  }

  /** How many Task attempts (of one state, or of all) ran at once at the peak. */
  peakTasks(state) {
    return Run.peak(this.spans.filter((s) => s.kind === 'attempt' && (state === undefined || s.state === state)));
  }

  /** Events of a type (or whose type matches a pattern). */
  eventsOf(type) {
    return this.events.filter((e) => (type instanceof RegExp ? type.test(e.type) : e.type === type));
  }

  /** The workflow variables the run assigned (names, from the history's assignedVariables). */
  assignedVariables() {
    const names = new Set();
    for (const e of this.events) {
      for (const v of Object.values(e)) {
        if (v && typeof v === 'object' && v.assignedVariables && typeof v.assignedVariables === 'object') {
          for (const k of Object.keys(v.assignedVariables)) names.add(k);
        }
      }
    }
    return [...names];
  }

  /** State transitions, counted as the playground counts them: one per state entered. */
  get transitions() {
    return costOf(this.result).transitions;
  }

  /** The run's end in words: "succeeded in 4 s" or "failed with Email.Bounced after 1 s". */
  get ending() {
    if (this.status === 'SUCCEEDED') return `succeeded in ${secs(this.ms)}`;
    const err = this.result.error ? ` with ${this.result.error}` : '';
    return `${this.status.toLowerCase().replace('_', ' ')}${err} after ${secs(this.ms)}`;
  }
}

/** One line of a verdict. */
export const line = (ok, text) => ({ ok: !!ok, text });

/** The line every check starts with: did the run succeed? */
export function succeeds(run, what = 'The run') {
  return line(
    run.status === 'SUCCEEDED',
    run.status === 'SUCCEEDED' ? `${what} succeeded in ${secs(run.ms)}.` : `${what} ${run.ending}${run.result.cause ? ` (${short(run.result.cause, 120)})` : ''}; it must succeed.`,
  );
}

/** Did each of these Task states have a call that succeeded? */
export function allRan(run, states) {
  const missing = states.filter((s) => run.succeeded(s).length === 0);
  return line(
    missing.length === 0,
    missing.length === 0
      ? `Every task ran and succeeded: ${states.join(', ')}.`
      : `${missing.join(', ')} ${missing.length === 1 ? 'did' : 'did not all'} not run to success; every one of ${states.join(', ')} must.`,
  );
}

/** Does some value inside v (to a few levels down) satisfy test? */
export function holds(v, test, depth = 4) {
  if (test(v)) return true;
  if (depth === 0 || v === null || typeof v !== 'object') return false;
  return Object.values(v).some((x) => holds(x, test, depth - 1));
}
