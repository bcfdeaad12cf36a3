// Which workspace each tab of the page has open, so that two tabs never work on one workspace.
// With Web Locks (navigator.locks, in every current browser on https and localhost) a tab holds
// the lock `statelab.workspace.ID` while it has that workspace open; the browser lets go of it
// when the tab closes or crashes. Without them (a page served over plain http to another
// machine), the tabs answer a census on a BroadcastChannel instead. Without either, no tab
// knows of the others.

const PREFIX = 'statelab.workspace.';
const CENSUS_MS = 150;

export function createPresence() {
  let current = null; // {id, release()}: the workspace this tab holds
  const locks = globalThis.navigator?.locks;
  let channel = null;
  if (!locks && globalThis.BroadcastChannel) {
    channel = new BroadcastChannel('statelab.presence');
    channel.onmessage = (e) => {
      if (e.data?.type === 'who' && current) channel.postMessage({ type: 'here', id: current.id });
    };
  }

  /** The ids other tabs hold, by a census on the channel. */
  function census() {
    if (!channel) return Promise.resolve(new Set());
    return new Promise((ok) => {
      const ids = new Set();
      const listen = new BroadcastChannel('statelab.presence');
      listen.onmessage = (e) => {
        if (e.data?.type === 'here' && typeof e.data.id === 'string') ids.add(e.data.id);
      };
      listen.postMessage({ type: 'who' });
      setTimeout(() => {
        listen.close();
        ok(ids);
      }, CENSUS_MS);
    });
  }

  /**
   * Hold workspace `id` for this tab (letting go of the one held before): false when another
   * tab holds it. waitMs: wait that long for it to be let go (a reloaded tab's page before it
   * may still hold it while it unloads).
   */
  async function claim(id, { waitMs = 0 } = {}) {
    if (current?.id === id) return true;
    let release = () => {};
    if (locks) {
      const options = waitMs > 0 && globalThis.AbortSignal?.timeout ? { signal: AbortSignal.timeout(waitMs) } : { ifAvailable: true };
      const got = await new Promise((ok) => {
        locks
          .request(PREFIX + id, options, (lock) => {
            if (!lock) {
              ok(null);
              return undefined;
            }
            // Held until released (or the tab goes).
            return new Promise((let_go) => ok(let_go));
          })
          .catch(() => ok(null));
      });
      if (!got) return false;
      release = got;
    } else if ((await census()).has(id)) return false;
    const before = current;
    current = { id, release };
    before?.release();
    return true;
  }

  /** The workspaces other tabs have open. */
  async function openElsewhere() {
    if (!locks) return census();
    const { held = [] } = await locks.query();
    const ids = new Set();
    for (const l of held) if (l.name?.startsWith(PREFIX) && l.name.slice(PREFIX.length) !== current?.id) ids.add(l.name.slice(PREFIX.length));
    return ids;
  }

  /** Let go of the workspace held (it was deleted). */
  function release() {
    current?.release();
    current = null;
  }

  return { claim, openElsewhere, release, held: () => current?.id ?? null };
}
