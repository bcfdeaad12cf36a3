// Workspaces: every tab works on a workspace of its own, so that two tabs never write over each
// other's work, and nothing the page opens (an example, a link, a file) replaces the user's.
//
// - Kept in IndexedDB (lib/workstore.js), up to MAX_WORKSPACE_BYTES each; sessionStorage holds
//   which one the tab has open (`statelab.tab`), so a reload reopens it; a tab holds its
//   workspace's Web Lock while it has it open (lib/presence.js), so no other tab opens it.
// - A new tab opens the workspace changed last that no other tab has open, or a new one with
//   the first example. A duplicated tab (which inherits sessionStorage) opens a copy.
// - A link (#w=, #example=), a file or a gallery example opens as a new workspace; the one
//   before stays in the list, and the message that says so has a way back. An example not
//   changed since it was opened is not work: picking another example replaces it.
// - Saved 300 ms after the last change, and when the tab is hidden or closed. A save that
//   cannot be made (too big, storage full, storage refused) sets state.saveProblem, which a
//   notice shows until a save succeeds, and the page asks before it is closed.
import { openWorkStore, legacyWork, forgetLegacyWork, writeJournal, readJournals, dropJournal } from './lib/workstore.js';
import { createPresence } from './lib/presence.js';
import { readLink, decodeWork, compactWork, exampleHash, LinkError, fmtBytes } from './lib/share.js';
import { MAX_WORKSPACE_BYTES, nameFromDefinition, copyName, shortName, utf8Length, byLastChange, newId, workFileText, workFileName, readWorkFile } from './model/workspace.js';
import { functionsIn } from './model/mocks.js';
import { parsedOrNull } from './lib/format.js';
import { download as downloadFile } from './lib/export.js';
import { workOf, toast, DEFAULT_SETTINGS } from './state.js';
import { asText, EMPTY_DEFINITION } from './work.js';

const TAB_KEY = 'statelab.tab';
const SAVE_DELAY_MS = 300;
/** How long a reloaded tab waits for its own workspace's lock, which the page before it still holds while it unloads. */
const RELOAD_WAIT_MS = 1500;

/** The work as a workspace keeps it: the work without the replay position (which is not work). */
function keptWork(s) {
  const w = workOf(s);
  const { playhead: _, ...settings } = w.settings;
  return { ...w, settings };
}

/** The name a definition's text gives a workspace (a text that is not JSON: 'Untitled', until it is read). */
function nameOfText(text) {
  try {
    return nameFromDefinition(JSON.parse(text));
  } catch {
    return 'Untitled';
  }
}

/**
 * The name a workspace that was not named gets: the title of the gallery example it holds, else
 * its definition's (parsed: the definition parsed, or null for its text's).
 */
function autoName(examples, exampleId, parsed, text) {
  const example = exampleId && examples.find((e) => e.id === exampleId);
  if (example) return example.title;
  return parsed ? nameFromDefinition(parsed) : nameOfText(text);
}

/** A work's texts and settings as a link would hold them (no replay position): for telling a link holds the work a workspace has. */
function sameWorkKey(w) {
  const settings = { ...DEFAULT_SETTINGS };
  if (w.settings) {
    if (w.settings.speed !== undefined) settings.speed = String(w.settings.speed);
    if (Number.isFinite(Number(w.settings.seed))) settings.seed = Number(w.settings.seed);
    settings.sequential = w.settings.sequential === true;
    settings.type = w.settings.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
  }
  const source = w.source && (w.source.machine || Object.keys(w.source.overrides || {}).length || Object.keys(w.source.files || {}).length) ? w.source : undefined;
  return JSON.stringify(
    compactWork({
      definition: asText(w.definition, EMPTY_DEFINITION),
      input: asText(w.input, '{}'),
      mocks: asText(w.mocks, '{}'),
      settings,
      ...(source ? { source } : {}),
      ...(w.machines && Object.keys(w.machines).length ? { machines: w.machines } : {}),
      ...(w.machineTypes && Object.keys(w.machineTypes).length ? { machineTypes: w.machineTypes } : {}),
    }),
  );
}

const tabBinding = {
  read() {
    try {
      const v = JSON.parse(sessionStorage.getItem(TAB_KEY) || 'null');
      return v && typeof v.id === 'string' ? v : {};
    } catch {
      return {};
    }
  },
  write(v) {
    try {
      sessionStorage.setItem(TAB_KEY, JSON.stringify(v));
    } catch {
      /* sessionStorage refused: a reload opens the last workspace instead */
    }
  },
};

/**
 * The tab's workspaces. work: work.js (loadWork, exampleFiles); consent: consent.js (the code
 * of a session saved before it was bound to the code is approved as it moves into a
 * workspace); defaultExample: what a new workspace holds when nothing else is asked for.
 */
export function createWorkspaces({ store, work, consent, defaultExample }) {
  let db = null;
  const presence = createPresence();
  const changes = globalThis.BroadcastChannel ? new BroadcastChannel('statelab.workspaces') : null;
  let saveTimer = null;
  let opening = 0; // opens in flight (an example's files being fetched)
  let loadedWork = null; // s.work as the workspace was opened: unchanged since, an example stays pristine
  let saved = null; // {id, work, exampleId}: what was last saved (or read) of the tab's workspace

  const current = () => store.get().workspace;
  const dirty = (s = store.get()) => !!s.workspace && (saved?.id !== s.workspace.id || saved.work !== s.work || saved.exampleId !== s.exampleId);
  const announce = () => changes?.postMessage({ type: 'changed' });

  /** The tab's workspace's metadata changed (a name, a save). */
  function setMeta(meta) {
    store.update((s) => (s.workspace?.id === meta.id ? { workspace: meta } : null));
  }

  // ---------------------------------------------------------------- saving

  function problem(kind, text) {
    store.update({ saveProblem: { kind, text } });
  }

  /**
   * Save the tab's workspace now: true when it is saved. touch: it changed (its time is now);
   * false for what is no change of the work (its name followed the definition). journal: the
   * tab is going away; the work is written to the journal too (lib/workstore.js).
   */
  async function save({ touch = true, journal = false } = {}) {
    clearTimeout(saveTimer);
    saveTimer = null;
    const s = store.get();
    const ws = s.workspace;
    if (!ws || !db) return false;
    const body = { id: ws.id, work: keptWork(s) };
    const bytes = utf8Length(JSON.stringify(body));
    const meta = { ...ws, exampleId: s.exampleId, pristine: ws.pristine && s.work === loadedWork, changed: touch ? Date.now() : ws.changed, bytes };
    setMeta(meta);
    const snapshot = { id: ws.id, work: s.work, exampleId: s.exampleId };
    if (db.kind === 'memory') return false;
    if (bytes > MAX_WORKSPACE_BYTES) {
      problem(
        'size',
        `This workspace is ${fmtBytes(bytes)}, more than the ${fmtBytes(MAX_WORKSPACE_BYTES)} a workspace may hold: your latest changes are not saved. Download it as a file, or make the input, the mocks or the DefinitionUri files smaller.`,
      );
      return false;
    }
    if (journal && db.kind === 'indexeddb') writeJournal(meta, body);
    try {
      await db.put(meta, body);
    } catch (e) {
      if (e.quota)
        problem(
          'quota',
          `Your latest changes are not saved: the browser’s storage for this page is full${db.kind === 'localstorage' ? ' (about 5 MB here, where the page has no IndexedDB)' : ''}. Delete workspaces you no longer need (Workspaces menu), or download this one as a file.`,
        );
      else problem('error', `Your latest changes are not saved: ${e.message}. Download this workspace as a file to keep it.`);
      return false;
    }
    if (current()?.id === ws.id) saved = snapshot;
    if (['size', 'quota', 'error'].includes(store.get().saveProblem?.kind)) store.update({ saveProblem: null });
    announce();
    return true;
  }

  /** Save at once if the tab's workspace has changes not saved (before it switches to another). */
  async function flush() {
    if (!dirty() && !saveTimer) return;
    // The name made from the definition just typed, and whether it is still an example's.
    await work.settle();
    store.flush();
    await save();
  }

  // A change of the work (typed, a tool's edit, a setting, consent) is saved 300 ms after the last.
  store.subscribe(
    (s) => [s.work, s.exampleId, s.workspace?.id ?? null],
    (v, before) => {
      if (!before || v[2] === null || before[2] !== v[2] || !dirty()) return;
      clearTimeout(saveTimer);
      saveTimer = setTimeout(() => save(), SAVE_DELAY_MS);
    },
  );

  // The name follows the example, or the definition (its Comment or first state), until the user names it.
  store.subscribe(
    (s) => [s.definition.parsed, s.exampleId, s.examples],
    ([parsed, exampleId, examples]) => {
      const ws = current();
      if (!ws?.autoName) return;
      if (!examples.some((e) => e.id === exampleId) && (!parsed || store.get().definition.invalid)) return;
      const name = autoName(examples, exampleId, parsed, '');
      if (name === ws.name) return;
      setMeta({ ...ws, name });
      if (!saveTimer) save({ touch: dirty() });
    },
  );

  // Hidden or closed: saved at once. Closed with changes that could not be saved: asked first.
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && flush());
  // (Going away, the write starts at once: a page being unloaded may not run what it awaits.)
  window.addEventListener('pagehide', () => (dirty() || saveTimer) && save({ journal: true }));
  window.addEventListener('beforeunload', (e) => {
    if (['size', 'quota', 'error', 'memory'].includes(store.get().saveProblem?.kind) && dirty()) {
      e.preventDefault();
      e.returnValue = '';
    }
  });

  // ---------------------------------------------------------------- opening

  /** This tab now holds workspace `meta` (its lock claimed): remember it for a reload. */
  function opened(meta) {
    loadedWork = store.get().work;
    tabBinding.write({ id: meta.id });
  }

  /**
   * The changes a tab that went away left in the journal (of workspace `id`, or of all), into
   * the store where they are newer than what it has.
   */
  async function recoverJournals(id = null) {
    if (db.kind !== 'indexeddb') return;
    for (const j of readJournals(id)) {
      const stored = await db.get(j.meta.id);
      try {
        if (!stored || stored.meta.changed < j.meta.changed) await db.put(j.meta, j.body);
        dropJournal(j.meta.id);
      } catch {
        /* kept for the next page to try */
      }
    }
  }

  /** Open a stored workspace whose lock this tab holds: false when it is gone. */
  async function openClaimed(id) {
    await recoverJournals(id);
    const rec = await db.get(id);
    if (!rec) return false;
    // (Its JS functions run if their code was approved: consent.js keeps that, not the workspace.)
    work.loadWork(rec.body.work, { trusted: false, exampleId: rec.meta.exampleId ?? null, workspace: rec.meta });
    opened(rec.meta);
    const s = store.get();
    saved = { id, work: s.work, exampleId: s.exampleId };
    return true;
  }

  /**
   * A new workspace holding `w`, opened in this tab (and saved). name: given (a file's, a
   * copy's), or null: the example's title or the definition's (autoName: it follows them).
   * fromExample: `w` is a gallery example's files (work.js: loadWork).
   */
  async function create({ work: w, trusted = false, exampleId = null, name = null, pristine = false, fromExample = false }) {
    const follows = name === null;
    await flush();
    const id = newId();
    await presence.claim(id);
    const now = Date.now();
    const meta = {
      id,
      name: name || autoName(store.get().examples, exampleId, null, asText(w.definition, EMPTY_DEFINITION)),
      autoName: follows,
      pristine,
      exampleId,
      created: now,
      changed: now,
      bytes: 0,
    };
    work.loadWork(w, { trusted, exampleId, fromExample, workspace: meta });
    opened(meta);
    saved = null;
    await save();
    return meta;
  }

  /** Open the workspace changed last that no other tab has open (not `except`): false when there is none. */
  async function openLatest(except = null) {
    for (const m of byLastChange(await db.list())) {
      if (m.id === except) continue;
      if ((await presence.claim(m.id)) && (await openClaimed(m.id))) return true;
    }
    return false;
  }

  /** A new workspace with the default example (or the first one, or an empty definition). */
  async function createDefault() {
    const { examples } = store.get();
    const id = examples.some((e) => e.id === defaultExample) ? defaultExample : examples[0]?.id;
    if (id) {
      try {
        await openExample(id, { quiet: true });
        return;
      } catch {
        /* the example's files did not load: an empty definition instead */
      }
    }
    await create({ work: {} });
  }

  /** The page saved before workspaces (one localStorage slot): that work becomes a workspace. */
  async function migrateLegacy() {
    const move = async () => {
      const old = legacyWork();
      if (!old) return;
      const { playhead: _, ...settings } = old.work.settings || {};
      const body = { work: { ...old.work, settings } };
      const now = Date.now();
      const id = newId();
      const name = autoName(store.get().examples, old.exampleId, null, old.work.definition);
      const meta = { id, name, autoName: true, pristine: false, exampleId: old.exampleId, created: now, changed: now, bytes: 0 };
      meta.bytes = utf8Length(JSON.stringify({ id, ...body }));
      try {
        await db.put(meta, { id, ...body });
        // A session saved before consent was bound to the code says trusted: its code was allowed then.
        if (old.trusted && !consent?.hadRegistry) await consent?.approve(Object.values(functionsIn(parsedOrNull(asText(old.work.mocks, '{}')))));
        forgetLegacyWork();
      } catch {
        /* kept where it was: the next visit tries again */
      }
    };
    if (db.kind === 'memory') return;
    // Two tabs opening at once move it once.
    if (navigator.locks) await navigator.locks.request('statelab.migrate', move);
    else await move();
  }

  /**
   * Open the link in the page's address (#w=..., #example=...), if any, as a new workspace;
   * the tab's own workspace when it holds that very work (a reload, or the tab's own link).
   * A link that cannot be read says why and replaces nothing. Returns whether it opened.
   */
  async function openFromAddress({ atStart = false } = {}) {
    const link = readLink(location.hash, location.search);
    if (!link) return false;
    // The link stays in the address (a reload reopens its workspace), as a hash: one that came
    // in the query string (or with other parameters) is written the page's way.
    const canonical = `${location.pathname}${link.kind === 'w' ? `#w=${link.code}` : exampleHash(link.id, link.settings)}`;
    const { examples } = store.get();
    let w;
    let example = null;
    try {
      if (link.kind === 'w') w = await decodeWork(link.code);
      else {
        example = examples.find((e) => e.id === link.id);
        if (!example)
          throw new LinkError('no-example', `it names the example '${link.id}', which this playground does not have${examples.length ? '' : ' (the gallery did not load)'}`);
        const [definition, input, mocks] = await work.exampleFiles(example.id);
        w = { definition, input, mocks, settings: link.settings };
      }
    } catch (e) {
      toast(store, `Could not open the shared link: ${e.message}.${store.get().workspace ? ' Your work was not replaced.' : ''}`, true, { sticky: true });
      return false;
    }
    opening += 1;
    try {
      const t = tabBinding.read();
      if (atStart && t.id) {
        const rec = await db.get(t.id);
        if (rec && sameWorkKey(rec.body.work) === sameWorkKey(w) && (await presence.claim(t.id, { waitMs: RELOAD_WAIT_MS })) && (await openClaimed(t.id))) {
          applyPlayhead(w);
          history.replaceState(null, '', canonical);
          return true;
        }
      }
      const before = current();
      await create({
        work: w,
        trusted: !!example,
        exampleId: example?.id ?? null,
        pristine: !!example && Object.keys(link.settings || {}).length === 0,
        fromExample: !!example,
      });
      history.replaceState(null, '', canonical);
      if (before) toast(store, `The link opened as a new workspace; '${before.name}' is kept.`, false, { actions: [backTo(before)] });
      else if ((await db.list()).length > 1) toast(store, 'The link opened as a new workspace. Your other work is in the Workspaces menu.');
      return true;
    } finally {
      opening -= 1;
    }
  }

  /** A replay position of a link whose work the tab had open already. */
  function applyPlayhead(w) {
    if (Number.isFinite(w.settings?.playhead)) store.update({ pendingPlayhead: w.settings.playhead });
  }

  /** The page opens: the link in the address, else the tab's workspace, else the last one free, else a new one. */
  async function start() {
    db = await openWorkStore();
    store.update({ storageKind: db.kind });
    if (db.kind === 'memory')
      problem('memory', 'This browser does not let the page keep data (its storage is disabled): your work lives in this tab only. Download it as a file to keep it.');
    else if (db.refused)
      problem(
        'refused',
        `The browser did not open the page's workspace database (${db.refused}): your work is kept in localStorage for now (about 5 MB in all), and the workspaces kept before are not shown. Reload the page to try again.`,
      );
    await migrateLegacy();
    await recoverJournals();
    if (await openFromAddress({ atStart: true })) return;
    const t = tabBinding.read();
    if (t.id && (await db.get(t.id))) {
      if ((await presence.claim(t.id, { waitMs: RELOAD_WAIT_MS })) && (await openClaimed(t.id))) return;
      // Another tab has it open: this one is its duplicate (which inherits sessionStorage).
      if (await duplicate(t.id, { quiet: true })) return;
    }
    if (await openLatest(t.id)) return;
    await createDefault();
  }

  // ---------------------------------------------------------------- the list's actions

  const backTo = (meta) => ({ label: `Back to '${meta.name}'`, run: () => switchTo(meta.id) });

  /** Open workspace `id` in this tab: unless another tab has it open. */
  async function switchTo(id) {
    const before = current();
    if (before?.id === id) return true;
    await flush();
    const list = await db.list();
    const meta = list.find((m) => m.id === id);
    if (!meta) {
      toast(store, 'That workspace is no longer there (it was deleted).', true);
      return false;
    }
    if (!(await presence.claim(id))) {
      toast(store, `'${meta.name}' is open in another tab: switch to that tab, or open a copy here.`, true, {
        actions: [{ label: 'Open a copy', run: () => duplicate(id) }],
      });
      return false;
    }
    if (!(await openClaimed(id))) {
      if (before) await presence.claim(before.id);
      toast(store, 'That workspace is no longer there (it was deleted).', true);
      return false;
    }
    refreshList();
    return true;
  }

  /** The stored (or, for the tab's own, the current) metadata and body of workspace `id`. */
  async function record(id) {
    const s = store.get();
    if (s.workspace?.id === id) return { meta: s.workspace, body: { id, work: keptWork(s) } };
    return db.get(id);
  }

  /** A copy of workspace `id`, opened in this tab. */
  async function duplicate(id, { quiet = false } = {}) {
    await flush();
    const rec = await record(id);
    if (!rec) return false;
    const names = (await db.list()).map((m) => m.name);
    await create({
      work: rec.body.work,
      exampleId: rec.meta.exampleId ?? null,
      name: copyName(rec.meta.name, names),
    });
    if (!quiet) toast(store, `Opened a copy of '${rec.meta.name}'.`);
    else toast(store, `'${rec.meta.name}' is open in another tab: this tab has a copy of it.`);
    refreshList();
    return true;
  }

  /** Name workspace `id`; an empty name: it follows the definition again. */
  async function rename(id, name) {
    const given = shortName(name || '', 100);
    const rec = await record(id);
    if (!rec) return;
    let derived = 'Untitled';
    if (!given)
      derived =
        id === current()?.id && store.get().definition.parsed && !store.get().definition.invalid
          ? nameFromDefinition(store.get().definition.parsed)
          : nameOfText(rec.body.work.definition);
    const meta = { ...rec.meta, name: given || derived, autoName: !given };
    if (id === current()?.id) {
      setMeta(meta);
      await save({ touch: false });
    } else {
      try {
        await db.putMeta(meta);
      } catch (e) {
        toast(store, `Could not rename it: ${e.message}`, true);
      }
      announce();
    }
    refreshList();
  }

  /** Delete workspace `id` (not one open in another tab); the message that says so can undo it. */
  async function remove(id) {
    if ((await presence.openElsewhere()).has(id)) {
      toast(store, 'That workspace is open in another tab: close it there first.', true);
      return;
    }
    const rec = await record(id);
    if (!rec) return;
    const wasCurrent = id === current()?.id;
    if (wasCurrent) {
      // Nothing of it is saved again on the way to the next one.
      clearTimeout(saveTimer);
      saveTimer = null;
      const s = store.get();
      saved = { id, work: s.work, exampleId: s.exampleId };
    }
    await db.remove(id);
    dropJournal(id); // (a journal of it left by a tab that went away would bring it back)
    if (wasCurrent) {
      if (!(await openLatest(id))) await createDefault();
      // (The problem was the deleted one's; the one opened was saved or read.)
      if (['size', 'quota', 'error'].includes(store.get().saveProblem?.kind) && !dirty()) store.update({ saveProblem: null });
    } else if (['quota', 'error'].includes(store.get().saveProblem?.kind)) save(); // room made: saved now?
    announce();
    refreshList();
    toast(store, `Deleted '${rec.meta.name}'.`, false, {
      actions: [
        {
          label: 'Undo',
          run: async () => {
            try {
              await db.put(rec.meta, rec.body);
            } catch (e) {
              toast(store, `Could not bring '${rec.meta.name}' back: ${e.message}. Download it instead?`, true, {
                actions: [{ label: 'Download', run: () => downloadRecord(rec) }],
              });
              return;
            }
            announce();
            if (wasCurrent) await switchTo(id);
            else refreshList();
            toast(store, `'${rec.meta.name}' is back.`);
          },
        },
      ],
    });
  }

  function downloadRecord(rec) {
    downloadFile(workFileName(rec.meta.name), workFileText(rec.meta.name, rec.body.work));
  }

  /** Download workspace `id` (default: the tab's) as a file (`NAME.statelab.json`), which Open file (or a drop) opens again. */
  async function download(id = current()?.id) {
    const rec = await record(id);
    if (rec) downloadRecord(rec);
  }

  /**
   * Open a file as a new workspace: a workspace's file (or a link's JSON), or a definition or
   * template (JSON or YAML) with an empty input and mocks. Mocks from a file run no JavaScript
   * without consent, as a link's.
   */
  async function openFile(file) {
    let text;
    try {
      text = await file.text();
    } catch (e) {
      toast(store, `${file.name} could not be read: ${e.message}`, true);
      return false;
    }
    const before = current();
    const got = readWorkFile(text);
    const base = file.name.replace(/\.statelab\.json$|\.(json|ya?ml|txt|asl)$/i, '');
    if (got.kind === 'work') await create({ work: got.work, name: got.name || shortName(base) || null });
    else await create({ work: { definition: got.text } });
    toast(store, `Opened ${file.name} as a new workspace${before ? `; '${before.name}' is kept` : ''}.`, false, before ? { actions: [backTo(before)] } : {});
    refreshList();
    return true;
  }

  /** A new workspace with the empty definition. */
  async function createEmpty() {
    const before = current();
    await create({ work: {} });
    toast(store, `A new workspace${before ? `; '${before.name}' is kept` : ''}.`, false, before ? { actions: [backTo(before)] } : {});
    refreshList();
  }

  /**
   * Open a gallery example as a new workspace ([definition, input, mocks] texts, when fetched
   * already). The workspace before stays, unless it was an example not changed since it was
   * opened: that one it replaces.
   */
  async function openExample(id, { files = null, quiet = false } = {}) {
    const example = store.get().examples.find((e) => e.id === id);
    if (!example) throw new Error(`no example '${id}'`);
    opening += 1;
    try {
      const [definition, input, mocks] = await (files || work.exampleFiles(id));
      await flush();
      const before = current();
      const replaces = before?.pristine && store.get().work === loadedWork;
      await create({ work: { definition, input, mocks }, trusted: true, exampleId: id, pristine: true, fromExample: true });
      if (replaces) {
        await db.remove(before.id);
        announce();
      } else if (before && !quiet)
        toast(store, `Opened the example '${example.title}' as a new workspace; '${before.name}' is kept in Workspaces.`, false, { actions: [backTo(before)] });
      refreshList();
    } finally {
      opening -= 1;
    }
  }

  // ---------------------------------------------------------------- share

  /**
   * Share the work as a link (address bar, clipboard), and say so; resolves with the URL. A
   * work too big for a link is not offered as one: the message says why and offers the file.
   */
  async function share() {
    const file = { label: 'Download file', run: () => download() };
    let r;
    try {
      r = await work.shareLink();
    } catch (e) {
      if (e.code === 'too-big')
        toast(
          store,
          `This work is too big for a link: ${e.message}. Download it as a file instead: Open file in the Workspaces menu (or a drop on the definition) opens it again.`,
          true,
          { actions: [file] },
        );
      else toast(store, `Could not make a link: ${e.message}`, true);
      throw e;
    }
    const where = r.copied ? 'Link copied' : 'The link is in the address bar';
    const s = store.get();
    if (r.long)
      toast(store, `${where} (${fmtBytes(r.url.length)} long). It opens in Chromium, but chat apps, mail and some browsers cut links this long: a file is safer.`, false, {
        actions: [file],
      });
    else if (r.kind === 'example')
      toast(
        store,
        `${where}: a short link to the example '${s.examples.find((e) => e.id === s.exampleId)?.title || s.exampleId}'${r.url.includes('&') ? ' with your settings' : ''}.`,
      );
    else toast(store, `${where}: it holds the definition, input, mocks and settings.`);
    return r.url;
  }

  // ---------------------------------------------------------------- the menu's list

  let listOpen = false;

  /** The list as the menu shows it: every workspace, the last changed first, with the ones other tabs have open. */
  async function list() {
    const [metas, elsewhere] = await Promise.all([db.list(), presence.openElsewhere()]);
    const cur = current();
    const all = metas.map((m) => (m.id === cur?.id ? cur : m));
    if (cur && !all.some((m) => m.id === cur.id)) all.push(cur); // not saved (yet)
    return byLastChange(all).map((m) => ({ ...m, elsewhere: elsewhere.has(m.id) }));
  }

  /** Read the list again for the menu, if it is open. */
  async function refreshList() {
    if (!listOpen || !db) return;
    const l = await list();
    if (listOpen) store.update({ workspaceList: l });
  }

  /** The menu opened (true) or closed. */
  function showList(open) {
    listOpen = open;
    if (open) refreshList();
    else store.update({ workspaceList: null });
  }

  // Another tab changed the list (saved, made, renamed, deleted): the open menu follows.
  if (changes) changes.onmessage = () => refreshList();
  // The tab's name and time in the open menu follow its saves.
  store.subscribe(
    (s) => s.workspace,
    () => refreshList(),
  );

  return {
    start,
    openFromAddress,
    switchTo,
    createEmpty,
    duplicate,
    rename,
    remove,
    download,
    openFile,
    openExample,
    save,
    share,
    list,
    showList,
    opening: () => opening,
  };
}
