// Consent to run the mocks' JavaScript, bound to the code: the SHA-256 of each function's
// exact source the user approved, kept in localStorage (the most recent MAX_KEPT). A function
// runs only when its hash is there. Its code gets there when:
//   - the user typed it in the mocks editor (every character of it, or edits of approved
//     code: panels/editors.js tells typed text from text that arrived), or
//   - the user allowed it in the consent box (exactly the code the box was shown for), or
//   - it came with work the page trusts: a gallery example, the page API's load() (trusted by
//     default), or a session saved before consent was bound to the code.
// Anything else asks: a shared link, a paste or a dropped file, undo and redo.
import { sha256 } from './model/consent.js';
import { foreignAncestor } from './sandbox.js';

const KEY = 'statelab.approved.v1';
const MAX_KEPT = 500;

/** store: the page's store (its `consent` field drives the consent box). */
export function createConsent({ store, storage = globalThis.localStorage }) {
  let kept = null;
  try {
    kept = JSON.parse(storage?.getItem(KEY) || 'null');
  } catch {
    kept = null;
  }
  // Whether this browser kept approvals before (a session saved without them is older).
  const hadRegistry = Array.isArray(kept);
  const approved = new Set(hadRegistry ? kept.filter((h) => typeof h === 'string') : []);
  let pending = Promise.resolve();

  function save() {
    try {
      storage?.setItem(KEY, JSON.stringify([...approved].slice(-MAX_KEPT)));
    } catch {
      /* storage full or disabled: approvals last as long as the page */
    }
  }

  function add(hashes) {
    for (const h of hashes) {
      approved.delete(h); // the most recent last
      approved.add(h);
    }
    while (approved.size > MAX_KEPT) approved.delete(approved.values().next().value);
    save();
  }

  /** Approve these sources (typed by the user, or of trusted work); resolves when recorded. */
  function approve(sources) {
    if (!sources.length) return pending;
    const job = pending.then(() => Promise.all(sources.map(sha256))).then(add, () => {});
    pending = job;
    return job;
  }

  /** The functions ({State: source}) whose code was not approved: [{state, hash}] (rejects without crypto.subtle). */
  async function waiting(functions) {
    await pending;
    const out = [];
    for (const [state, source] of Object.entries(functions)) {
      const hash = await sha256(source);
      if (!approved.has(hash)) out.push({ state, hash });
    }
    return out;
  }

  /** Of these sources, those approved (resolves to a Set of sources). */
  async function approvedAmong(sources) {
    await pending;
    const out = new Set();
    for (const s of sources) if (approved.has(await sha256(s))) out.add(s);
    return out;
  }

  /** The user allowed the code the consent box shows: exactly those hashes (not in a frame of another site). */
  function allow() {
    const c = store.get().consent;
    if (c && !foreignAncestor()) add(c.hashes);
    store.update({ consent: null });
  }

  return { approve, waiting, approvedAmong, allow, hadRegistry, settled: () => pending };
}
