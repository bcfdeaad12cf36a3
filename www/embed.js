// <asl-playground>: a live, runnable Step Functions example inside any page. One script:
//
//   <script type="module" src="https://…/embed.js"></script>
//   <asl-playground view="both" autorun speed="10" theme="light">
//     <pre data-part="definition">{ "StartAt": … }</pre>
//     <pre data-part="input">{}</pre>
//     <pre data-part="mocks">{ "Resize": { "result": {}, "latency": 3 } }</pre>
//   </asl-playground>
//
// The parts may also be given as attributes (definition, input, mocks: JSON text). view is
// timeline, graph or both; theme light or dark; autorun runs the example when it scrolls into
// view; speed scales the workflow's time (1 = real time); title names the example when its
// definition has no Comment; playground is the URL of a statelab playground page (its
// index.html), which the "Open in playground" link opens with the example (no link without
// it). Without scripts, the browser shows the <pre> children: the plain JSON. Each element
// runs on its own; a page may hold many.
//
// The definition may also be YAML (ASL in YAML, or a CloudFormation or SAM template, whose
// first state machine runs): the engine's loadSource reads it, on the full engine, loaded
// then. Imported where there is no DOM (a site's server-side rendering), this module defines
// nothing.
//
// It runs a workflow as the playground does, with the playground's model (app/model/): a Task
// without a mock gets the response statelab derives from the definition (the engine's derive,
// which loads the full engine the first time), lanes come from the engine's structure,
// statuses are said in the same words. The engine runs in one Web Worker shared by every
// embed of the page (app/embed-engine.js, over the playground's worker.js), so no run holds
// up the host page.
//
// Mocks that are JS functions run as in the playground: in a sandbox made for the run
// (app/sandbox.js, sandbox.html: an opaque origin, no network, 5 s per call), never in the
// host page or the engine's worker, and only with the reader's consent. The parts may come
// from someone the reader does not know (a Markdown page's contributor, frame.html's query
// string from a link), so the element always asks: it shows the code and an "Allow and run"
// button, and the approval is bound to the SHA-256 of that code (app/consent.js, kept in the
// host site's localStorage, as the playground keeps its own). Framed by another site, the
// element runs no JS mocks (as the playground does not).

import { embedEngine } from './app/embed-engine.js';
import { drawGraph, paintGraph, paintEdges } from './app/panels/graph.js';
import { renderTimeline } from './app/panels/timeline.js';
import { joinsOf } from './app/model/timing.js';
import { stateTypesOf } from './app/model/asl.js';
import { missingMocks, splitMocks, withMocks } from './app/model/mocks.js';
import { resultStatus } from './app/model/status.js';
import { encodeWork } from './app/lib/share.js';
import { count } from './app/lib/format.js';

const STYLE_URL = new URL('./style.css', import.meta.url).href;

const LOCAL_CSS = `
:host { --sans: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; --mono: ui-monospace, Menlo, Consolas, monospace; --radius: 8px; --tl-label: 110px; display: block; margin: 1rem 0; border: 1px solid var(--border, #d0d7de); border-radius: 8px; overflow: hidden; font: 14px/1.4 system-ui, sans-serif; }
.embed { color: var(--fg); background: var(--bg-pane); }
.head { display: flex; align-items: center; gap: .5rem; padding: .4rem .6rem; border-bottom: 1px solid var(--border, #d0d7de); background: var(--bg, #f6f8fa); }
.head strong { flex: 1; font-size: .9rem; }
.head a[hidden] { display: none; }
.head button, .head a { font: inherit; font-size: .85rem; padding: .2rem .6rem; border-radius: 6px; border: 1px solid var(--border, #d0d7de); background: var(--bg-pane, #fff); color: var(--fg); text-decoration: none; cursor: pointer; }
.status { font-size: .85rem; padding: .3rem .6rem; }
.embed-note { margin: 0; padding: .3rem .6rem; font-size: .85rem; color: var(--fg); background: var(--caught-bg, #fff0cf); border-bottom: 1px solid var(--border, #d0d7de); }
.status[data-status=SUCCEEDED] { color: var(--good, #1a7f37); }
.status[data-status=FAILED], .status[data-status=ERROR] { color: var(--bad, #cf222e); }
.views { display: grid; gap: .5rem; padding: .5rem; }
.views.both { grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); }
@media (max-width: 640px) { .views.both { grid-template-columns: 1fr; } }
.graph { min-height: 120px; }
.timeline { max-height: none; padding: 0; }
.embed-cut { margin: 0; padding: .2rem .6rem .4rem; font-size: .8rem; color: var(--fg-muted); }
.embed-cut[hidden] { display: none; }
.embed-consent { padding: .5rem .6rem; border-bottom: 1px solid var(--border, #d0d7de); background: var(--caught-bg, #fff0cf); font-size: .85rem; }
.embed-consent[hidden] { display: none; }
.embed-consent p { margin: 0 0 .4rem; }
.embed-consent .fn { margin: 0 0 .4rem; }
.embed-consent .fn strong { display: block; font-family: var(--mono); font-size: .8rem; }
.embed-consent pre { margin: .2rem 0 0; max-height: 12rem; overflow: auto; padding: .4rem; font: .8rem/1.35 var(--mono); white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bg, #fff); color: var(--fg, #1f2328); border: 1px solid var(--border, #d0d7de); border-radius: 6px; }
.embed-consent button { font: inherit; padding: .2rem .6rem; border-radius: 6px; border: 1px solid var(--border, #d0d7de); background: var(--bg-pane, #fff); color: var(--fg); cursor: pointer; }
.status[data-status=CONSENT] { color: var(--fg); }
`;

// What JS mocks need (the sandbox, the consent registry), loaded the first time an example
// has some: {Sandbox, foreignAncestor, functionSettings, CALL_LIMIT_S, consent}. The consent
// registry is one for every embed of the page (the approved hashes, in localStorage):
// app/consent.js, over a store of one field, `consent` ({hashes} the reader is allowing).
let userCode = null;
function userCodeParts() {
  userCode ||= Promise.all([import('./app/sandbox.js'), import('./app/sandbox-frame.js'), import('./app/consent.js')]).then(([rules, { Sandbox }, { createConsent }]) => {
    const sandbox = { ...rules, Sandbox };
    const state = { consent: null };
    const store = { get: () => state, update: (patch) => Object.assign(state, patch) };
    const registry = createConsent({ store });
    const consent = {
      waiting: registry.waiting,
      /** The reader allowed exactly these hashes (not recorded in a frame of another site). */
      allow(hashes) {
        store.update({ consent: { hashes } });
        registry.allow();
      },
    };
    return { ...sandbox, consent };
  });
  userCode.catch(() => {
    userCode = null; // not loaded: tried again next time
  });
  return userCode;
}

let sheet = null;
function localSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(LOCAL_CSS);
  }
  return sheet;
}

function parse(text, what) {
  if (text === null || text === undefined || text.trim() === '') return what === 'definition' ? null : {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what}: ${e.message}`);
  }
}

/**
 * The definition from its text: JSON, or else YAML (or a template) read by the full engine.
 * Text that starts as JSON does is JSON, and its mistake is said without loading that engine.
 */
async function readDefinition(text) {
  if (text === null || text.trim() === '') throw new Error('definition: missing');
  try {
    return JSON.parse(text);
  } catch (e) {
    if (/^\s*[[{"]/.test(text)) throw new Error(`definition: ${e.message}`);
  }
  const source = await embedEngine().request('loadSource', { text, options: {} });
  const machine = source.ok ? source.machines.find((m) => m.definition !== null) : null;
  if (!machine) {
    const d = (source.ok ? source.machines[0]?.diagnostics : source.diagnostics)?.[0];
    throw new Error(`definition: ${d ? `${d.line}:${d.column}: ${d.message}` : 'no state machine in this text'}`);
  }
  return JSON.parse(machine.definition);
}

/** The most spans one drawing adds to the timeline (the others in the next frames). */
const PAINT_STEP = 250;

/**
 * The most bars a lane of the embed's timeline draws: its last ones (a loop to the history
 * limit has 12,500 in one lane, which no reader tells apart and which would take the host
 * page a second to lay out). The element says when it leaves some out.
 */
const LANE_BARS = 500;

/** The spans the timeline draws: at most LANE_BARS of each lane, its last; {spans, cut: [lanes cut]}. */
function drawnSpans(spans) {
  const count = new Map();
  for (const s of spans) count.set(s.lane, (count.get(s.lane) || 0) + 1);
  const cut = [...count].filter(([, n]) => n > LANE_BARS);
  if (!cut.length) return { spans, cut };
  const left = new Map(count);
  const out = spans.filter((s) => {
    const n = left.get(s.lane);
    left.set(s.lane, n - 1);
    return n <= LANE_BARS;
  });
  return { spans: out, cut };
}

/** The speed an embed runs at when its speed attribute is not one it can use. */
const DEFAULT_SPEED = 1;
/** The slowest speed an embed takes (1 s of workflow time in 100 s). */
const MIN_SPEED = 0.01;

/**
 * The speed attribute read: {speed, problem}. A value that is not a number of at least 0.01
 * (0, -1, 'abc', '1e309', which is Infinity) gives the default speed and says why.
 */
function speedOf(attr) {
  if (attr === null || attr.trim() === '') return { speed: DEFAULT_SPEED, problem: null };
  const n = Number(attr);
  if (Number.isFinite(n) && n >= MIN_SPEED) return { speed: n, problem: null };
  const why = Number.isFinite(n) ? (n > 0 ? `is slower than ${MIN_SPEED}` : 'is not above 0') : 'is not a finite number';
  return { speed: DEFAULT_SPEED, problem: `speed="${attr}" ${why}: this example runs at ${DEFAULT_SPEED}× (real time).` };
}

/** The playground page to open an example in: an http(s) URL (relative to the page), or null. */
function playgroundUrl(attr) {
  if (attr === null || attr.trim() === '') return null;
  try {
    const url = new URL(attr, document.baseURI);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

// Without a DOM (a site's server-side rendering imports this module too), nothing to define.
const Base = globalThis.HTMLElement ?? class {};

class AslPlayground extends Base {
  static get observedAttributes() {
    return ['definition', 'input', 'mocks', 'view', 'theme', 'title', 'playground', 'speed'];
  }

  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    const theme = this.getAttribute('theme') === 'dark' ? 'dark' : 'light';
    root.innerHTML = `<link rel="stylesheet" href="${STYLE_URL}">
      <div class="embed" data-theme="${theme}">
        <div class="head"><strong part="title"></strong>
          <button type="button" data-testid="embed-run">Run</button>
          <a target="_blank" rel="noopener" data-testid="embed-open">Open in playground</a></div>
        <p class="embed-note" data-testid="embed-note" role="note" hidden></p>
        <div class="status" data-testid="embed-status" data-status="IDLE" role="status">Not run yet</div>
        <div class="embed-consent" data-testid="embed-consent" hidden>
          <p></p><div class="fns"></div>
          <button type="button" data-testid="embed-consent-allow">Allow and run</button>
        </div>
        <div class="views"><div class="graph"></div><div class="timeline"></div></div>
        <p class="embed-cut" data-testid="embed-cut" hidden></p>
        <div class="sandboxes"></div>
      </div>`;
    // A constructed sheet: a page whose policy allows no inline style still styles the element.
    root.adoptedStyleSheets = [localSheet()];
    root.querySelector('.embed').dataset.theme = theme;
    root.host.dataset.theme = theme;
    root.querySelector('[data-testid=embed-run]').addEventListener('click', () => this.run());
    root.querySelector('[data-testid=embed-consent-allow]').addEventListener('click', () => this.allow());
    this.setup();
    if (this.hasAttribute('autorun')) {
      const io = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          io.disconnect();
          this.run();
        }
      });
      io.observe(this);
    }
  }

  attributeChangedCallback() {
    if (this.shadowRoot) this.setup();
  }

  disconnectedCallback() {
    // Gone from the page: its run (and the run's sandbox) with it.
    if (this.current) {
      this.stopRun();
      this.show('IDLE', 'Stopped');
    }
  }

  part(name) {
    const attr = this.getAttribute(name);
    if (attr !== null) return attr;
    const el = this.querySelector(`[data-part="${name}"]`);
    return el ? el.textContent : null;
  }

  /**
   * Read the parts and draw the example; this.ready settles when it is drawn (or said to be
   * unreadable). A YAML definition is read by the full engine, so this may take a moment.
   */
  setup() {
    // The example changed: a run of the old one stops, and a question about its code goes.
    const status = this.shadowRoot.querySelector('[data-testid=embed-status]').dataset.status;
    if (this.current || status === 'CONSENT') this.show('IDLE', 'Not run yet');
    this.stopRun();
    this.hideConsent();
    const note = this.shadowRoot.querySelector('[data-testid=embed-note]');
    const { problem } = speedOf(this.getAttribute('speed'));
    note.textContent = problem || '';
    note.hidden = !problem;
    const asked = {};
    this.asked = asked;
    this.work = null;
    this.ready = this.read().then(
      (work) => {
        if (this.asked !== asked) return;
        this.work = work;
        this.draw();
      },
      (e) => {
        if (this.asked === asked) this.show('ERROR', `Cannot read this example: ${e.message}`);
      },
    );
  }

  async read() {
    const input = parse(this.part('input'), 'input');
    const mocks = parse(this.part('mocks'), 'mocks');
    return { definition: await readDefinition(this.part('definition')), input, mocks };
  }

  draw() {
    const root = this.shadowRoot;
    const view = this.getAttribute('view') || 'both';
    const views = root.querySelector('.views');
    views.className = `views ${view === 'both' ? 'both' : ''}`;
    root.querySelector('.graph').hidden = view === 'timeline';
    root.querySelector('.timeline').hidden = view === 'graph';
    if (this.shadowRoot.querySelector('[data-testid=embed-status]').dataset.status === 'ERROR') this.show('IDLE', 'Not run yet');
    root.querySelector('[part=title]').textContent = this.work.definition.Comment || this.getAttribute('title') || 'Step Functions workflow';
    const open = root.querySelector('[data-testid=embed-open]');
    const playground = playgroundUrl(this.getAttribute('playground'));
    open.hidden = !playground;
    open.removeAttribute('href');
    if (playground) {
      const asked = this.asked;
      encodeWork({
        definition: JSON.stringify(this.work.definition, null, 2),
        input: JSON.stringify(this.work.input, null, 2),
        mocks: JSON.stringify(this.work.mocks, null, 2),
        settings: { speed: String(speedOf(this.getAttribute('speed')).speed), seed: 1, sequential: false },
      })
        .then((code) => {
          if (this.asked === asked) open.href = `${playground}#w=${code}`;
        })
        .catch(() => {
          open.hidden = true;
        });
    }
    this.graph = null;
    if (view !== 'timeline') {
      try {
        this.graph = drawGraph(root.querySelector('.graph'), this.work.definition, { autoHeight: true });
      } catch {
        this.graph = null;
      }
    }
    this.stateTypes = stateTypesOf(this.work.definition);
    cancelAnimationFrame(this.paintMore);
    this.shownSpans = 0;
    root.querySelector('[data-testid=embed-cut]').hidden = true;
    renderTimeline(root.querySelector('.timeline'), []);
  }

  show(status, text) {
    const el = this.shadowRoot.querySelector('[data-testid=embed-status]');
    el.dataset.status = status;
    el.textContent = text;
  }

  /**
   * Draw the run so far. The timeline gets at most PAINT_STEP spans more than it has, the rest
   * in the next frames: a loop to the history limit ends with 12,500 bars in one lane, which
   * drawn at once would hold up the host page.
   */
  paint(spans, lanes, nowMs, durationMs) {
    const root = this.shadowRoot;
    cancelAnimationFrame(this.paintMore);
    this.paintMore = 0;
    if (this.graph) {
      paintGraph(this.graph.nodes, spans);
      paintEdges(this.graph.edges, this.graph.nodes);
    }
    const drawn = drawnSpans(spans);
    const cut = root.querySelector('[data-testid=embed-cut]');
    const most = drawn.cut.reduce((a, [, n]) => Math.max(a, n), 0);
    cut.textContent = most
      ? `The timeline shows the last ${count(LANE_BARS)} bars of each lane; ${drawn.cut.length === 1 ? 'one lane has' : `${drawn.cut.length} lanes have up to`} ${count(most)}.`
      : '';
    cut.hidden = !most;
    const all = drawn.spans;
    const shown = Math.min(all.length, (this.shownSpans || 0) + PAINT_STEP);
    const part = shown < all.length ? all.slice(0, shown) : all;
    renderTimeline(root.querySelector('.timeline'), part, { lanes, nowMs, durationMs, joins: joinsOf(part, this.stateTypes), stateTypes: this.stateTypes });
    this.shownSpans = shown;
    if (shown < all.length) this.paintMore = requestAnimationFrame(() => this.paint(spans, lanes, nowMs, durationMs));
  }

  /**
   * The mocks as the playground runs them: each Task without one gets the response statelab
   * derives from the definition (the engine's derive, on the full engine, loaded then).
   */
  async filledMocks() {
    const { definition, mocks } = this.work;
    if (!missingMocks(definition, mocks).length) return mocks;
    const given = mocks && typeof mocks === 'object' && !Array.isArray(mocks) ? Object.keys(mocks) : [];
    const derived = await embedEngine().request('derive', { definition, options: { mocked: given } });
    return withMocks(mocks, derived.mocks);
  }

  /** Stop the run under way, if any (its promise resolves to null), and end its sandbox. */
  stopRun() {
    const c = this.current;
    this.current = null;
    if (!c) return;
    c.ctl?.stop();
    c.box?.destroy();
    cancelAnimationFrame(c.frame);
    cancelAnimationFrame(this.paintMore);
    c.settle(null);
  }

  hideConsent() {
    const box = this.shadowRoot.querySelector('[data-testid=embed-consent]');
    box.hidden = true;
    box.querySelector('.fns').replaceChildren();
    this.asking = null;
  }

  /** Show the code waiting for consent ([{state, hash}] of `functions`) and the button that allows it. */
  askConsent(waiting, functions, limitS) {
    const box = this.shadowRoot.querySelector('[data-testid=embed-consent]');
    const states = waiting.map((w) => w.state);
    box.querySelector('p').textContent =
      `This example's mocks hold JavaScript (for ${states.join(', ')}). It runs only if you allow it: in a sandbox with no network and no access to this page, at most ${limitS} s per call. Read it first:`;
    const fns = box.querySelector('.fns');
    fns.replaceChildren();
    for (const { state } of waiting) {
      const fn = document.createElement('div');
      fn.className = 'fn';
      const name = document.createElement('strong');
      name.textContent = state;
      const code = document.createElement('pre');
      code.dataset.testid = 'embed-consent-code';
      code.textContent = functions[state];
      fn.append(name, code);
      fns.append(fn);
    }
    box.hidden = false;
    this.asking = waiting.map((w) => w.hash);
    this.show('CONSENT', `Not run: the mocks hold JavaScript (for ${states.join(', ')}); read it below, then allow it to run`);
  }

  /** "Allow and run": exactly the code shown is approved, and the example runs. */
  async allow() {
    if (!this.asking) return;
    const hashes = this.asking;
    this.hideConsent();
    (await userCodeParts()).consent.allow(hashes);
    this.run();
  }

  /**
   * The run's sandbox for the mocks' functions ({State: source}) and their settings, or
   * {waiting} when some code waits for the reader's consent; throws an Error saying why the
   * functions cannot run.
   */
  async sandboxFor(functions) {
    const { Sandbox, foreignAncestor, functionSettings, CALL_LIMIT_S, consent } = await userCodeParts();
    const names = Object.keys(functions);
    const framer = foreignAncestor();
    if (framer) {
      throw new Error(`Not run: the mocks hold JavaScript (for ${names.join(', ')}), which does not run in a page framed by ${framer}: open the example in the playground`);
    }
    let settings;
    try {
      settings = functionSettings(this.work.mocks, functions);
    } catch (e) {
      throw new Error(`Cannot run: ${e.message}`);
    }
    let waiting;
    try {
      waiting = await consent.waiting(functions);
    } catch (e) {
      throw new Error(`Not run: ${e.message}`);
    }
    if (waiting.length) return { waiting, limitS: CALL_LIMIT_S };
    const box = new Sandbox(functions, { host: this.shadowRoot.querySelector('.sandboxes') });
    let errors;
    try {
      errors = await box.start();
    } catch (e) {
      box.destroy();
      throw new Error(`Cannot run: the sandbox of the mock functions could not start: ${e.message}`);
    }
    const bad = Object.keys(errors)[0];
    if (bad !== undefined) {
      box.destroy();
      throw new Error(`Cannot run: mocks: the function of state '${bad}' does not compile: ${errors[bad]}`);
    }
    return { box, settings };
  }

  /**
   * Run the example with real timers (scaled by the speed attribute), in the page's engine
   * worker; resolves to the result, or null when it did not run (or was run again, or stopped).
   */
  async run() {
    await this.ready;
    if (!this.work?.definition) return null;
    this.stopRun();
    this.hideConsent();
    const work = this.work;
    let settle;
    const done = new Promise((resolve) => {
      settle = resolve;
    });
    const current = { ctl: null, box: null, frame: 0, settle };
    this.current = current;
    const mine = () => this.current === current;
    const end = (value) => {
      if (mine()) this.current = null;
      current.box?.destroy();
      settle(value);
    };
    const { speed } = speedOf(this.getAttribute('speed'));
    this.shownSpans = 0; // a new run's spans: the timeline starts again
    this.show('RUNNING', 'Running…');
    (async () => {
      const { functions } = splitMocks(work.mocks);
      let settings = {};
      if (Object.keys(functions).length) {
        // Consent first: the reader sees at once what waits for them.
        const box = await this.sandboxFor(functions);
        if (box.waiting) {
          if (mine()) this.askConsent(box.waiting, functions, box.limitS);
          return end(null);
        }
        current.box = box.box;
        settings = box.settings;
        if (!mine()) return end(null);
      }
      let engineMocks;
      try {
        engineMocks = splitMocks(await this.filledMocks()).engineMocks;
      } catch (e) {
        throw new Error(`Not run: statelab could not derive the missing mocks: ${e.message}`);
      }
      if (!mine()) return end(null);
      let latest = null;
      const paintLatest = () => {
        current.frame = 0;
        if (mine() && latest) this.paint(latest.spans, latest.lanes, latest.nowMs);
      };
      current.ctl = embedEngine().start(work.definition, work.input, engineMocks, { speed, seed: 1, criticalPath: true }, settings, {
        // Drawn once a frame at most, whatever the worker's pace.
        onTick: (m) => {
          latest = m;
          if (!current.frame) current.frame = requestAnimationFrame(paintLatest);
        },
        onDone: (result) => {
          cancelAnimationFrame(current.frame);
          // Drawn in a task of its own, after the last message's (a timer, not a frame: a
          // hidden page ends its runs too).
          setTimeout(() => {
            if (!mine()) return end(null);
            this.paint(result.spans, result.lanes, result.durationMs, result.durationMs);
            const { status, text } = resultStatus(result);
            this.show(status, text);
            end(result);
            this.dispatchEvent(new CustomEvent('done', { detail: result }));
          }, 0);
        },
        onError: (m) => {
          cancelAnimationFrame(current.frame);
          if (mine()) this.show('ERROR', m.message);
          end(null);
        },
        onCall: (c) => current.box.call(c.state, c.input, c.context),
      });
    })().catch((e) => {
      // (A run that cannot start says why, not 'Running…' for ever.)
      if (mine()) this.show('ERROR', e.message);
      end(null);
    });
    return done;
  }
}

if (globalThis.customElements && !customElements.get('asl-playground')) customElements.define('asl-playground', AslPlayground);
