// What the tour keeps in the browser (localStorage, one key): which lessons are done, the
// user's edits of each lesson's workflow, how many hints each lesson shows, the lesson open
// last and the speed. No DOM; `storage` is localStorage or anything with its getItem and
// setItem. A storage that refuses (turned off, full) makes save() return the error, and the
// page says so; what is in memory goes on working.

export const KEY = 'statelab.learn.v1';

function fresh() {
  return { done: {}, work: {}, hints: {}, current: null, speed: null };
}

/** The kept progress, read tolerantly: anything unreadable counts as none. */
export function readProgress(storage) {
  let raw = null;
  try {
    raw = storage?.getItem(KEY) ?? null;
  } catch {
    return { progress: fresh(), problem: 'this browser does not let the page keep anything (storage is turned off)' };
  }
  if (raw === null) return { progress: fresh(), problem: null };
  try {
    const v = JSON.parse(raw);
    const p = fresh();
    if (v && typeof v === 'object') {
      if (v.done && typeof v.done === 'object') for (const [k, t] of Object.entries(v.done)) if (t) p.done[k] = t;
      if (v.work && typeof v.work === 'object') {
        for (const [k, w] of Object.entries(v.work)) {
          if (w && typeof w === 'object' && ['definition', 'input', 'mocks'].every((f) => typeof w[f] === 'string'))
            p.work[k] = { definition: w.definition, input: w.input, mocks: w.mocks };
        }
      }
      if (v.hints && typeof v.hints === 'object') for (const [k, n] of Object.entries(v.hints)) if (Number.isInteger(n) && n > 0) p.hints[k] = n;
      if (typeof v.current === 'string') p.current = v.current;
      if (typeof v.speed === 'string') p.speed = v.speed;
    }
    return { progress: p, problem: null };
  } catch {
    return { progress: fresh(), problem: 'the progress kept in this browser could not be read, so the tour starts afresh' };
  }
}

/** Write the progress; null when it was kept, else why not. */
export function saveProgress(storage, progress) {
  try {
    storage.setItem(KEY, JSON.stringify(progress));
    return null;
  } catch (e) {
    return e?.name === 'QuotaExceededError' ? 'the browser storage is full' : `the browser refused to keep it (${e?.message || e})`;
  }
}

/** What a tab changed since its last save: lessons' edits, done marks and hints, and a reset. */
export function noChanges() {
  return { work: new Set(), done: new Set(), hints: new Set(), reset: false };
}

/**
 * The stored progress with a tab's changes put in (`local`: the tab's progress, `changes`:
 * what it changed since it last saved). What another tab saved meanwhile stays: its edits
 * of other lessons, its done marks. The tab's lesson and speed are its own.
 */
export function mergeChanges(stored, local, changes) {
  const out = { done: { ...stored.done }, work: { ...stored.work }, hints: { ...stored.hints }, current: local.current ?? stored.current, speed: local.speed ?? stored.speed };
  if (changes.reset) {
    out.done = {};
    out.hints = {};
  }
  for (const id of changes.done) if (local.done[id]) out.done[id] = local.done[id];
  for (const id of changes.hints) {
    if (local.hints[id]) out.hints[id] = local.hints[id];
    else delete out.hints[id];
  }
  for (const id of changes.work) {
    if (local.work[id]) out.work[id] = local.work[id];
    else delete out.work[id];
  }
  return out;
}
