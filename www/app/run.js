// Running the work: start (instantly on the virtual clock, or in real time in the engine's
// worker), pause, resume, step and stop; the sequential twin after a run; what-if re-runs
// after an edit; and the replay of a finished run. A run whose mocks hold JS functions gets a
// sandbox of its own (sandbox.js), once the user approved the code (consent.js), and only when
// the page is not framed by another site. It writes the run into the store (state.js: run,
// runsEnded, playhead, replaying, consent) and draws nothing: the panels follow.
import { splitMocks } from './model/mocks.js';
import { eventTimes } from './model/timing.js';
import { isRunning, statusWord } from './model/status.js';
import { fmtMs, parsedOrNull } from './lib/format.js';
import { HISTORY_BYTES } from './model/events.js';
import { workOf, toast } from './state.js';
import { whenIdle } from './lib/tasks.js';
import { foreignAncestor, functionSettings } from './sandbox.js';

/**
 * The page's runner. work: {setText(which, text), complete(), runnable(), mockErrors(text)} (work.js); editors:
 * {relint(which), showConsent(), claimTyped()} (panels/editors.js), for a run that cannot
 * start; consent: consent.js.
 */
export function createRunner({ store, engine, work: workApi, editors, consent }) {
  let nextId = 1;
  let starts = 0; // start() calls: a later one supersedes one still getting ready
  let sandbox = null; // the current run's, while it runs
  let whatIfTimer = null;
  let replayFrame = 0; // requestAnimationFrame id while a replay plays
  let filling = 0; // runs writing what they derived into the editors (that is no what-if edit)

  const current = () => store.get().run;
  /** Change the run `id` (if it is still the current one); progress: it moved on (rev + 1). */
  const patchRun = (id, patch, { progress = true, when } = {}) =>
    store.update(
      (s) => {
        if (s.run?.id !== id) return null;
        return { run: { ...s.run, ...patch, rev: progress ? s.run.rev + 1 : s.run.rev } };
      },
      { when },
    );

  function fail(where, message) {
    store.update((s) => ({
      runsEnded: s.runsEnded + 1,
      run: { id: nextId++, rev: 0, spans: [], events: [], lanes: [], nowMs: 0, error: { message: `${where}: ${message}` } },
    }));
  }

  function endSandbox(box = sandbox) {
    box?.destroy();
    if (sandbox === box) sandbox = null;
  }

  /**
   * The sandbox for the mocks' functions ({State: source}), started: or a thrown Error, the run
   * failed with why (framed by another site, code not approved, a latency or a function that
   * is wrong, a sandbox that does not start).
   */
  async function sandboxFor(functions, mocks, claimed, ticket) {
    const names = Object.keys(functions);
    const refuse = (where, message, tab) => {
      if (tab) store.update({ editorTab: tab });
      fail(where, message);
      return new Error(message);
    };
    const framer = foreignAncestor();
    if (framer) {
      throw refuse(
        'Not run',
        `the mocks hold JavaScript (for ${names.join(', ')}), which does not run while the playground is framed by ${framer}: open the playground in a tab of its own`,
      );
    }
    let settings;
    try {
      settings = functionSettings(mocks, functions);
    } catch (e) {
      throw refuse('Cannot run', e.message, 'mocks');
    }
    await claimed;
    let waiting;
    try {
      waiting = await consent.waiting(functions);
    } catch (e) {
      throw refuse('Not run', e.message);
    }
    if (waiting.length) {
      const states = waiting.map((w) => w.state);
      store.update({ consent: { states, hashes: waiting.map((w) => w.hash) } });
      editors.showConsent();
      throw refuse('Not run', `the mocks hold JavaScript you did not write here (for ${states.join(', ')}; from a shared link, a paste or an undo): read it, then allow it to run`);
    }
    let Sandbox;
    try {
      ({ Sandbox } = await import('./sandbox-frame.js'));
    } catch (e) {
      throw refuse('Cannot run', `the sandbox of the mock functions could not be loaded: ${e.message}`);
    }
    if (ticket !== starts) throw new Error('another run started');
    const box = new Sandbox(functions);
    let errors;
    try {
      errors = await box.start();
    } catch (e) {
      box.destroy();
      throw refuse('Cannot run', `the sandbox of the mock functions could not start: ${e.message}`);
    }
    if (ticket !== starts) {
      box.destroy();
      throw new Error('another run started');
    }
    const bad = Object.keys(errors)[0];
    if (bad !== undefined) {
      box.destroy();
      throw refuse('Cannot run', `mocks: the function of state '${bad}' does not compile: ${errors[bad]}`, 'mocks');
    }
    return { box, settings };
  }

  /** Run the current work; resolves with the result (or rejects with a clear Error). */
  async function start({ speed, paused = false } = {}) {
    stop();
    endSandbox();
    const ticket = ++starts;
    // The code typed in the mocks is the user's: recorded before a tool rewrites the text.
    const claimed = editors.claimTyped?.();
    // Mocks being made again for a workflow pasted over another's (work.js): what runs is them.
    await workApi.replacing?.();
    const work = workOf(store.get());
    // A definition that is not plain JSON (YAML, a template) runs as the source bar resolved it.
    let resolved;
    try {
      resolved = await workApi.runnable();
    } catch (e) {
      store.update({ editorTab: 'definition' });
      editors.relint('definition');
      fail('Cannot run', e.message);
      throw e;
    }
    work.definition = resolved.text;
    const parsed = {};
    for (const which of ['definition', 'input', 'mocks']) {
      try {
        parsed[which] = JSON.parse(work[which] || (which === 'definition' ? '' : '{}'));
      } catch (e) {
        store.update({ editorTab: which });
        const d = store.get().diagnostics[which][0];
        const msg = `${which} is not valid JSON${d ? ` (line ${d.line}, column ${d.column}): ${d.message}` : `: ${e.message}`}`;
        fail('Cannot run', msg);
        throw new Error(msg);
      }
    }
    const diags = await engine.validate(work.definition, { type: resolved.type });
    if (diags.length) {
      store.update({ editorTab: 'definition' });
      editors.relint('definition');
      const d = diags[0];
      const msg = `the definition has ${diags.length} error${diags.length > 1 ? 's' : ''}; line ${d.line}, column ${d.column}: ${d.message}`;
      fail('Cannot run', msg);
      throw new Error(msg);
    }
    // Callback Tasks without a mock wait for the user in a real-time run (model/callbacks.js).
    let callbacks = [];
    let cb = null;
    if ((speed ?? work.settings.speed) !== 'instant' && /waitForTaskToken|:activity:/.test(work.definition)) {
      cb = await import('./model/callbacks.js');
      callbacks = cb.callbackStates(parsed.definition, parsed.mocks);
    }
    // The work's other machines (model/machines.js).
    const mx = work.machines && (await import('./model/machines.js'));
    const machines = mx ? mx.forRun(work.machines, work.machineTypes) : undefined;
    const starting = mx ? mx.startsIn(parsed.definition, work.machines) : [];
    // What the user did not give (the input, Task mocks) is derived from the definition by the
    // engine and written into the editors, marked as generated: the user sees what ran.
    filling += 1;
    try {
      const filled = await workApi.complete({ parsed: parsed.definition, text: work.definition, skip: [...callbacks, ...starting] });
      const now = store.get().work;
      // written by it or, meanwhile, another start's: what runs is what the editors show
      const mocks = (filled.input || filled.mocks.length || now.input !== work.input || now.mocks !== work.mocks) && parsedOrNull(now.mocks);
      if (mocks) {
        work.input = now.input;
        work.mocks = now.mocks;
        parsed.mocks = mocks;
      }
    } catch (e) {
      toast(store, `statelab could not derive what the run was not given: ${e.message}`, true);
    } finally {
      filling -= 1;
    }
    if (mx) parsed.mocks = mx.withoutGenerated(parsed.mocks, starting, store.get().work.generated);
    const { engineMocks, functions } = splitMocks(parsed.mocks);
    const names = Object.keys(functions);
    let box = null;
    let settings = {};
    if (names.length) {
      ({ box, settings } = await sandboxFor(functions, parsed.mocks, claimed, ticket));
      sandbox = box;
    }
    const chosen = speed ?? work.settings.speed;
    const instant = chosen === 'instant';
    // (Instant without functions uses simulate below; with functions the worker runs it without
    // timers, waiting only for the calls.)
    const options = {
      seed: work.settings.seed,
      speed: instant ? 1 : Number(chosen),
      paused,
      recordSteps: true,
      criticalPath: true,
      sequential: work.settings.sequential,
      historyBytes: HISTORY_BYTES,
      instant: instant && !paused,
      type: resolved.type,
      ...(callbacks.length ? { callbacks } : {}),
      ...(machines ? { machines } : {}),
    };
    stopReplay();
    if (ticket !== starts) {
      endSandbox(box);
      throw new Error('another run started');
    }
    const id = nextId++;
    // What ran, for a redrive (the same definition, input and options; the mocks then are the new ones).
    const ran = { definition: work.definition, input: work.input, mocks: engineMocks, functions: names.length > 0, type: resolved.type, machines };
    const run = {
      id,
      rev: 0,
      spans: [],
      events: [],
      lanes: [],
      nowMs: 0,
      result: null,
      error: null,
      paused,
      startedAt: performance.now(),
      sequential: work.settings.sequential,
      seed: options.seed,
      ran,
    };
    store.update((s) => ({ run, playhead: null, selection: { ...s.selection, pick: 0 } }));
    return new Promise((resolve, reject) => {
      const handlers = handlersOf({ id, box, work, engineMocks, functions, type: resolved.type, callbacks, cb, mx }, resolve, reject);
      if (instant && !paused && names.length === 0) {
        // All at once on the virtual clock: one call, no live updates needed.
        engine
          .simulate(work.definition, work.input, engineMocks, {
            seed: options.seed,
            recordSteps: true,
            criticalPath: true,
            sequential: options.sequential,
            historyBytes: HISTORY_BYTES,
            type: resolved.type,
            machines,
          })
          .then(handlers.onDone, (e) => handlers.onError({ message: e.message, diagnostics: e.diagnostics }));
      } else {
        engine.start(work.definition, work.input, engineMocks, options, settings, handlers);
      }
    });
  }

  /**
   * A run's handlers (engine.js's): its progress and end into the store. join: a redrive's
   * joining of its attempt to the earlier ones (model/redrive.js), applied to what it reports.
   */
  function handlersOf({ id, box, work, engineMocks, functions, type, callbacks, cb, mx, join = null, refused = null }, resolve, reject) {
    const mine = () => current()?.id === id;
    return {
      onTick: (m) => {
        const lists = { events: m.allEvents, spans: m.spans, lanes: m.lanes };
        patchRun(id, { ...(join ? join(lists) : lists), nowMs: m.nowMs, paused: m.paused }, { when: 'frame' });
      },
      onControl: (m) => mine() && patchRun(id, { paused: m.paused, nowMs: Math.max(current().nowMs, m.nowMs) }, { when: 'frame' }),
      onDone: (attempt) => {
        endSandbox(box);
        if (!mine()) return;
        mx?.markChildren(attempt);
        const result = join
          ? { ...attempt, ...join({ events: attempt.events, spans: attempt.spans, lanes: attempt.lanes || [], mapRunChildren: attempt.mapRunChildren ?? [] }) }
          : attempt;
        // The worker keeps the Map Run children's histories of the result shown, no others.
        engine.keepOnly([...new Set((result.mapRunChildren ?? []).map((c) => c.kept))]);
        const realMs = performance.now() - current().startedAt;
        // Drawn in tasks of their own (a big run's last update is a big one); the sequential
        // twin is asked for once that is done (the engine's work for it would slow the drawing).
        store.update(
          (s) => {
            let playhead = s.playhead;
            if (s.pendingPlayhead !== null) {
              playhead = Math.min(s.pendingPlayhead, result.durationMs);
              if (playhead >= result.durationMs) playhead = null;
            }
            const done = { result, events: result.events, spans: result.spans, lanes: result.lanes || [], nowMs: result.durationMs, realMs, rev: s.run.rev + 1 };
            return { run: { ...s.run, ...done }, runsEnded: s.runsEnded + 1, playhead, pendingPlayhead: null };
          },
          { when: 'frame' },
        );
        if (!join) whenIdle(() => mine() && compareWithTwin(id, work, engineMocks, functions, type));
        resolve(result);
      },
      onError: (m) => {
        endSandbox(box);
        if (!mine()) return;
        const finish = (message, thrown = message) => {
          if (!mine()) return;
          store.update((s) => ({ run: { ...s.run, error: { message, diagnostics: m.diagnostics }, rev: s.run.rev + 1 }, runsEnded: s.runsEnded + 1 }));
          reject(new Error(thrown));
        };
        if (refused && m.message.startsWith('ExecutionNotRedrivable')) return refused(m.message);
        // Mocks the engine refused: said at their place (line:column) in the mocks editor, as
        // the editor's check finds them (model/mockcheck.js, loaded only now: the engine judges).
        if (!m.message.startsWith('mocks: ')) return finish(m.message);
        Promise.resolve(workApi.mockErrors?.(work.mocks))
          .catch(() => [])
          .then((errs) => {
            if (!errs?.length) return finish(m.message);
            store.update({ editorTab: 'mocks' });
            editors.relint('mocks');
            const d = errs[0];
            const msg = `the mocks have ${errs.length} error${errs.length > 1 ? 's' : ''}; line ${d.line}, column ${d.column}: ${d.message}`;
            finish(`Cannot run: ${msg}`, msg);
          });
      },
      // A call of a mock function, answered by this run's sandbox.
      onCall: (c) => box.call(c.state, c.input, c.context),
      ...(callbacks.length
        ? cb.runHandlers(
            store,
            () => mine() && current(),
            (patch) => patchRun(id, patch, { progress: false }),
          )
        : {}),
    };
  }

  /** Redrive the run shown (app/redrive.js, loaded with the first redrive). */
  async function redrive() {
    const { redriveRun } = await import('./redrive.js');
    return redriveRun({
      store,
      engine,
      editors,
      current,
      ticket: () => ++starts,
      isTicket: (t) => t === starts,
      newId: () => nextId++,
      setSandbox: (box) => {
        sandbox = box;
      },
      endSandbox,
      sandboxFor,
      stopReplay,
      handlersOf,
    });
  }

  /** After a run with Parallel or Map states: the same run as the sequential twin (or the concurrent one). */
  function compareWithTwin(id, work, engineMocks, functions, type) {
    const s = store.get();
    const run = s.run;
    const hasConcurrency = [...s.definition.stateTypes.values()].some((t) => t === 'Parallel' || t === 'Map');
    if (!hasConcurrency || Object.keys(functions).length || run.result.status !== 'SUCCEEDED') return;
    engine
      .simulate(work.definition, work.input, engineMocks, { seed: work.settings.seed, sequential: !run.sequential, type, machines: run.ran.machines }, { timelineOnly: true })
      .then((twin) => {
        const value = { durationMs: twin.durationMs, status: twin.status, sequential: !run.sequential, spans: twin.spans, lanes: twin.lanes };
        patchRun(id, { twin: value }, { progress: false });
      })
      .catch(() => {});
  }

  function stop() {
    if (isRunning(current())) engine.stop();
  }

  function togglePause() {
    const run = current();
    if (!isRunning(run)) return;
    engine.control(run.paused ? 'resume' : 'pause');
    patchRun(run.id, { paused: !run.paused });
  }

  let stepEnded = null; // the id of the ended run whose end Step has told: the next Step starts anew

  /** Start a new run paused at its start, to go through it one moment at a time. */
  function startStepping() {
    stepEnded = null;
    start({ paused: true }).catch(() => {});
  }

  /**
   * Step: the next moment something happens (pausing a run that goes). Not running: a new run
   * starts paused. After a run ended, the first Step says it ended (its result stays shown),
   * and only the next one starts a new run.
   */
  function step() {
    const run = current();
    if (isRunning(run)) {
      engine.control('step');
      patchRun(run.id, { paused: true });
      return;
    }
    if (run?.result && stepEnded !== run.id) {
      stepEnded = run.id;
      toast(
        store,
        `The run has ended: ${statusWord(run.result.status).toLowerCase()} at ${fmtMs(run.result.durationMs)}. Step again to start a new run, paused at its start.`,
        false,
        {
          actions: [{ label: 'Start a new run', run: startStepping }],
        },
      );
      return;
    }
    if (run?.result) toast(store, 'A new run started, paused at its start: Step moves it on.');
    startStepping();
  }

  // ---------------------------------------------------------------- what-if

  /** In what-if mode, an edit after a finished run runs the workflow again, instantly. */
  function whatIfSoon() {
    if (!store.get().whatIf || !current()?.result || filling) return;
    clearTimeout(whatIfTimer);
    whatIfTimer = setTimeout(() => {
      const previous = current()?.result;
      if (!previous) return;
      start({ speed: 'instant' })
        .then((result) => {
          const run = current();
          if (run?.result === result) patchRun(run.id, { previous: { spans: previous.spans, lanes: previous.lanes, durationMs: previous.durationMs } }, { progress: false });
        })
        .catch(() => {});
    }, 400);
  }

  /**
   * A Task's attempt bar was dragged to a new length: write that latency into its mock (a single
   * response, or every response of a list) and, in what-if mode, run again.
   */
  function dragLatency(state, seconds) {
    let mocks;
    try {
      mocks = JSON.parse(store.get().work.mocks || '{}');
    } catch {
      toast(store, 'Fix the mocks JSON first: the latency could not be written', true);
      return;
    }
    const entry = mocks?.[state];
    if (!entry || typeof entry !== 'object' || mocks.MockedResponses) {
      toast(store, `Dragging sets the latency of a short-form mock; give ${state} one in the mocks editor`, true);
      return;
    }
    for (const r of Array.isArray(entry) ? entry : [entry]) {
      if (r && typeof r === 'object') {
        delete r.LatencySeconds;
        r.latency = seconds;
      }
    }
    store.update({ whatIf: true });
    workApi.setText('mocks', JSON.stringify(mocks, null, 2));
    toast(store, `${state}: latency ${seconds} s`);
  }

  // An edit of the work's texts (typed, dragged, filled in) after a finished run: what-if.
  store.subscribe((s) => [s.work.definition, s.work.input, s.work.mocks, s.work.source], whatIfSoon);

  // ---------------------------------------------------------------- replay

  function setPlayhead(t) {
    const total = current()?.result?.durationMs;
    if (total === undefined) return;
    const ms = Math.max(0, Math.min(total, Math.round(t)));
    store.update({ playhead: ms >= total ? null : ms });
  }

  function stopReplay() {
    if (!replayFrame) return;
    cancelAnimationFrame(replayFrame);
    replayFrame = 0;
    store.update({ replaying: false });
  }

  /** Replay the finished run from the playhead (or the start) at the speed chosen for runs. */
  function toggleReplay() {
    if (replayFrame) {
      stopReplay();
      return;
    }
    const s = store.get();
    const total = s.run?.result?.durationMs;
    if (total === undefined) return;
    const chosen = s.work.settings.speed;
    const speed = chosen === 'instant' ? 10 : Number(chosen) || 1;
    let t = s.playhead ?? 0;
    if (t >= total) t = 0;
    let last = performance.now();
    store.update({ replaying: true });
    const tick = (now) => {
      t += (now - last) * speed;
      last = now;
      if (t >= total || !current()?.result) {
        replayFrame = 0;
        store.update({ replaying: false });
        setPlayhead(total);
        return;
      }
      setPlayhead(t);
      replayFrame = requestAnimationFrame(tick);
    };
    setPlayhead(t);
    replayFrame = requestAnimationFrame(tick);
  }

  /** The playhead to the next (+1) or the previous (-1) instant something happened. */
  function stepPlayhead(direction) {
    const run = current();
    const total = run?.result?.durationMs ?? 0;
    const t = store.get().playhead ?? total;
    const times = eventTimes(run?.events);
    if (direction > 0) setPlayhead(times.find((x) => x > t) ?? total);
    else setPlayhead(times.filter((x) => x < t).pop() ?? 0);
  }

  return { start, redrive, stop, togglePause, step, dragLatency, setPlayhead, toggleReplay, stepPlayhead };
}
