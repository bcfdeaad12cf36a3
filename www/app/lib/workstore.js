// Where workspaces are kept: IndexedDB (database `statelab`), else localStorage (a browser
// without IndexedDB for the page), else this tab's memory (storage disabled). The same small
// API over each:
//
//   const db = await openWorkStore();
//   db.kind                          'indexeddb' | 'localstorage' | 'memory'
//   await db.list()                  every workspace's metadata (unordered)
//   await db.get(id)                 {meta, body} or null
//   await db.put(meta, body)         both, at once; rejects with a StoreError
//   await db.putMeta(meta)           the metadata alone (a rename)
//   await db.remove(id)              both
//
//   meta: {id, name, autoName, pristine, exampleId, created, changed, bytes}
//   body: {id, work: {definition, input, mocks, settings, source?, generated?}}
//
// The metadata is apart from the work so that the list reads no workspace's texts.

const DB_NAME = 'statelab';
const DB_VERSION = 1;
const LS_INDEX = 'statelab.ws.index';
const LS_BODY = 'statelab.ws.body.';
/** The one save of the page before workspaces (a single slot for every tab). */
export const LEGACY_KEY = 'statelab.work.v1';

/** A save that failed: quota is true when the browser's storage for the page is full. */
export class StoreError extends Error {
  constructor(message, { quota = false } = {}) {
    super(message);
    this.name = 'StoreError';
    this.quota = quota;
  }
}

const isQuota = (e) => e && (e.name === 'QuotaExceededError' || e.name === 'NS_ERROR_DOM_QUOTA_REACHED' || e.code === 22);

function storeError(e) {
  if (e instanceof StoreError) return e;
  return new StoreError(isQuota(e) ? 'the browser’s storage for this page is full' : `the browser did not save it (${e?.name || 'Error'}: ${e?.message || e})`, {
    quota: isQuota(e),
  });
}

// ---------------------------------------------------------------- IndexedDB

const done = (req) =>
  new Promise((ok, fail) => {
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });

function txDone(tx) {
  return new Promise((ok, fail) => {
    tx.oncomplete = () => ok();
    tx.onabort = () => fail(tx.error || new DOMException('aborted', 'AbortError'));
    tx.onerror = () => {}; // the abort that follows reports it
  });
}

function openIndexedDB() {
  return new Promise((ok, fail) => {
    let req;
    try {
      req = indexedDB.open(DB_NAME, DB_VERSION);
    } catch (e) {
      fail(e);
      return;
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('work')) db.createObjectStore('work', { keyPath: 'id' });
    };
    req.onsuccess = () => {
      const db = req.result;
      // A newer page wants to upgrade the database: this one lets go (and saves no more).
      db.onversionchange = () => db.close();
      ok(db);
    };
    req.onerror = () => fail(req.error);
    req.onblocked = () => fail(new Error('the workspace database is held by an older tab of this page'));
  });
}

function indexedDBStore(first) {
  let db = first;
  let closed = false;
  const watch = (d) => {
    // The browser closed it (the site's data cleared, a newer page upgrading): opened again when next needed.
    d.onclose = () => {
      closed = true;
    };
    const before = d.onversionchange;
    d.onversionchange = (e) => {
      closed = true;
      before?.call(d, e);
    };
  };
  watch(db);
  const tx = async (stores, mode) => {
    if (closed) {
      db = await openIndexedDB();
      closed = false;
      watch(db);
    }
    return db.transaction(stores, mode);
  };
  return {
    kind: 'indexeddb',
    async list() {
      return done((await tx(['meta'], 'readonly')).objectStore('meta').getAll());
    },
    async get(id) {
      const t = await tx(['meta', 'work'], 'readonly');
      const [meta, body] = await Promise.all([done(t.objectStore('meta').get(id)), done(t.objectStore('work').get(id))]);
      return meta && body ? { meta, body } : null;
    },
    async put(meta, body) {
      try {
        const t = await tx(['meta', 'work'], 'readwrite');
        t.objectStore('work').put(body);
        t.objectStore('meta').put(meta);
        await txDone(t);
      } catch (e) {
        throw storeError(e);
      }
    },
    async putMeta(meta) {
      try {
        const t = await tx(['meta'], 'readwrite');
        t.objectStore('meta').put(meta);
        await txDone(t);
      } catch (e) {
        throw storeError(e);
      }
    },
    async remove(id) {
      const t = await tx(['meta', 'work'], 'readwrite');
      t.objectStore('meta').delete(id);
      t.objectStore('work').delete(id);
      await txDone(t);
    },
  };
}

// ---------------------------------------------------------------- localStorage, memory

/** Over a Storage (localStorage), or over a Map when storage is null (memory). */
export function storageStore(storage) {
  const mem = new Map();
  const getItem = (k) => (storage ? storage.getItem(k) : (mem.get(k) ?? null));
  const setItem = (k, v) => (storage ? storage.setItem(k, v) : mem.set(k, v));
  const removeItem = (k) => (storage ? storage.removeItem(k) : mem.delete(k));
  const index = () => {
    try {
      const v = JSON.parse(getItem(LS_INDEX) || '[]');
      return Array.isArray(v) ? v.filter((m) => m && typeof m.id === 'string') : [];
    } catch {
      return [];
    }
  };
  const writeIndex = (metas) => setItem(LS_INDEX, JSON.stringify(metas));
  return {
    kind: storage ? 'localstorage' : 'memory',
    async list() {
      return index();
    },
    async get(id) {
      const meta = index().find((m) => m.id === id);
      let body = null;
      try {
        body = JSON.parse(getItem(LS_BODY + id) || 'null');
      } catch {
        body = null;
      }
      return meta && body ? { meta, body } : null;
    },
    async put(meta, body) {
      const before = getItem(LS_BODY + meta.id);
      try {
        setItem(LS_BODY + meta.id, JSON.stringify(body));
        writeIndex([...index().filter((m) => m.id !== meta.id), meta]);
      } catch (e) {
        // The body written but not the index: the old body back, so the two agree.
        try {
          if (before === null) removeItem(LS_BODY + meta.id);
          else setItem(LS_BODY + meta.id, before);
        } catch {
          /* nothing more to undo */
        }
        throw storeError(e);
      }
    },
    async putMeta(meta) {
      try {
        writeIndex([...index().filter((m) => m.id !== meta.id), meta]);
      } catch (e) {
        throw storeError(e);
      }
    },
    async remove(id) {
      removeItem(LS_BODY + id);
      writeIndex(index().filter((m) => m.id !== id));
    },
  };
}

/** localStorage, if the page may use it. */
function localStorageOrNull() {
  try {
    const s = globalThis.localStorage;
    const k = 'statelab.ws.probe';
    s.setItem(k, '1');
    s.removeItem(k);
    return s;
  } catch {
    return null;
  }
}

/**
 * The best store this browser gives the page (IndexedDB, localStorage, memory). refused: why
 * the browser has IndexedDB but would not open the page's database (the workspaces kept there
 * are then out of reach), else null.
 */
export async function openWorkStore() {
  let refused = null;
  if (globalThis.indexedDB) {
    try {
      const db = await openIndexedDB();
      return Object.assign(indexedDBStore(db), { refused });
    } catch (e) {
      // Private modes and embedded views may refuse IndexedDB: the next best.
      refused = `${e?.name || 'Error'}: ${e?.message || e}`;
    }
  }
  return Object.assign(storageStore(localStorageOrNull()), { refused });
}

// ---------------------------------------------------------------- the journal

// A tab that goes away (closed, reloaded) with changes not yet in IndexedDB writes them here
// too, at once: localStorage writes are synchronous, and an IndexedDB write a page starts as
// it is unloaded may never be committed. The next page puts a journal's workspace into
// IndexedDB if it is newer than the one there, then deletes it.
const JOURNAL = 'statelab.journal.';

/** Write a workspace's journal; false when localStorage refused it (too big, full, disabled). */
export function writeJournal(meta, body) {
  try {
    globalThis.localStorage.setItem(JOURNAL + meta.id, JSON.stringify({ meta, body }));
    return true;
  } catch {
    return false;
  }
}

/** The journals left by tabs that went away (of workspace `id`, or of all): [{meta, body}]. */
export function readJournals(id = null) {
  const out = [];
  try {
    const ls = globalThis.localStorage;
    const keys = id !== null ? [JOURNAL + id] : Array.from({ length: ls.length }, (_, i) => ls.key(i)).filter((k) => k?.startsWith(JOURNAL));
    for (const k of keys) {
      const v = JSON.parse(ls.getItem(k) || 'null');
      if (v?.meta?.id && v.body?.work && typeof v.body.work.definition === 'string') out.push(v);
      else if (v !== null) ls.removeItem(k);
    }
  } catch {
    /* no localStorage: no journals */
  }
  return out;
}

export function dropJournal(id) {
  try {
    globalThis.localStorage.removeItem(JOURNAL + id);
  } catch {
    /* no localStorage */
  }
}

/**
 * The work the page saved before workspaces (localStorage), if any: {work, trusted (it says
 * so: saved before consent was bound to the code, by a page that trusted it), exampleId}.
 */
export function legacyWork() {
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(LEGACY_KEY) || 'null');
    if (!saved || typeof saved.definition !== 'string') return null;
    const { trusted, exampleId, ...work } = saved;
    return { work, trusted: trusted === true, exampleId: typeof exampleId === 'string' ? exampleId : null };
  } catch {
    return null;
  }
}

/** The legacy save is in a workspace now: let go of it. */
export function forgetLegacyWork() {
  try {
    globalThis.localStorage?.removeItem(LEGACY_KEY);
  } catch {
    /* storage disabled: nothing to forget */
  }
}
