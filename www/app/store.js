// The page's one store: the state (its shape is declared in state.js), one writer, and
// subscriptions. No framework: a panel subscribes to the part of the state it draws, and is
// called again when that part changed.
//
//   const store = createStore(initialState());
//   store.update({ resultTab: 'history' });                  // a patch of top-level keys
//   store.update((s) => ({ selection: { ...s.selection, pick: 2 } }));
//   const off = store.subscribe((s) => s.resultTab, (tab, before, state) => ...);
//
// update() changes the state at once (get() returns the new one) and notifies later, in a
// batch: after the current task (a microtask) by default, as a user's action asks; with
// {when: 'frame'}, as a run's updates ask, before the next frame, in tasks of their own, one
// per phase (the timeline in phase 0, the other panels in phase 1), apart from the frame's
// own work (style, layout, paint): the page stays responsive even on a busy machine, where
// every task takes longer. Whichever batch comes first notifies of every change so far.
//
// A subscriber is called when its selector's value changed: compared with shallowEqual (the
// same value, or arrays or plain objects whose items are the same values), so a selector may
// pick several things at once ([s.run?.id, s.run?.rev, s.playhead]). The first time it is
// called with `before` undefined. A subscriber is never called twice for one state.
import { nextFrame, nextTask } from './lib/tasks.js';

/** The same value, or arrays (plain objects) whose items (entries) are the same values. */
export function shallowEqual(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || !Object.is(a[k], b[k])) return false;
  return true;
}

export function createStore(initial) {
  let state = initial;
  const subs = []; // in phase order, then in the order they subscribed
  let soon = false; // a microtask batch is queued
  let frame = false; // a frame batch is queued

  function notify(sub) {
    if (sub.seen === state || sub.gone) return;
    sub.seen = state;
    const value = sub.selector(state);
    if (sub.called && sub.equal(value, sub.value)) return;
    const before = sub.value;
    sub.value = value;
    sub.called = true;
    try {
      sub.listener(value, before, state);
    } catch (e) {
      // One panel's failure does not keep the others from drawing.
      if (globalThis.reportError) reportError(e);
      else console.error(e);
    }
  }

  /** Notify the subscribers of `phase` (every phase when undefined) of what changed. */
  function flush(phase) {
    for (const sub of subs.slice()) if (phase === undefined || sub.phase === phase) notify(sub);
  }

  function queueSoon() {
    if (soon) return;
    soon = true;
    queueMicrotask(() => {
      soon = false;
      flush();
    });
  }

  function queueFrame() {
    if (frame) return;
    frame = true;
    nextFrame(() =>
      nextTask(() => {
        frame = false;
        const phases = [...new Set(subs.map((s) => s.phase))];
        const step = (i) => {
          if (i >= phases.length) return;
          flush(phases[i]);
          if (i + 1 < phases.length) nextTask(() => step(i + 1));
        };
        step(0);
      }),
    );
  }

  return {
    /** The current state (never change it: update() does). */
    get: () => state,

    /**
     * Change the state: `change` is a patch of top-level keys, or a function of the state that
     * returns one (or nothing, for no change). Keys whose value stays the same change nothing.
     */
    update(change, { when = 'soon' } = {}) {
      const patch = typeof change === 'function' ? change(state) : change;
      if (!patch) return;
      let changed = false;
      for (const k of Object.keys(patch)) {
        if (!Object.is(state[k], patch[k])) {
          changed = true;
          break;
        }
      }
      if (!changed) return;
      state = { ...state, ...patch };
      if (when === 'frame') queueFrame();
      else queueSoon();
    },

    /**
     * Call listener(value, before, state) whenever selector(state) changed (shallowEqual), the
     * first time at the next batch. phase: 0 for what is drawn first in a frame, 1 (default)
     * for the rest. Returns a function that ends the subscription.
     */
    subscribe(selector, listener, { phase = 1, equal = shallowEqual } = {}) {
      const sub = { selector, listener, phase, equal, seen: undefined, value: undefined, called: false, gone: false };
      let at = subs.length;
      while (at > 0 && subs[at - 1].phase > phase) at--;
      subs.splice(at, 0, sub);
      queueSoon();
      return () => {
        sub.gone = true;
        const i = subs.indexOf(sub);
        if (i >= 0) subs.splice(i, 1);
      };
    },

    /** Notify every subscriber of what changed, now (tests; a caller that must see the page drawn). */
    flush: () => flush(),
  };
}
