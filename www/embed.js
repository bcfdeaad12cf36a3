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
// statuses are said in the same words. Mocks that are JS functions are not run here (the
// parts may come from a link, as in frame.html): the playground runs them, with consent.

import { run, derive, loadSource } from './statelab.js';
import { drawGraph, paintGraph, paintEdges } from './app/panels/graph.js';
import { renderTimeline } from './app/panels/timeline.js';
import { joinsOf } from './app/model/timing.js';
import { stateTypesOf } from './app/model/asl.js';
import { missingMocks, splitMocks, withMocks } from './app/model/mocks.js';
import { resultStatus } from './app/model/status.js';
import { encodeWork } from './app/lib/share.js';

const STYLE_URL = new URL('./style.css', import.meta.url).href;

const LOCAL_CSS = `
:host { --sans: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; --mono: ui-monospace, Menlo, Consolas, monospace; --radius: 8px; --tl-label: 110px; display: block; margin: 1rem 0; border: 1px solid var(--border, #d0d7de); border-radius: 8px; overflow: hidden; font: 14px/1.4 system-ui, sans-serif; }
.head { display: flex; align-items: center; gap: .5rem; padding: .4rem .6rem; border-bottom: 1px solid var(--border, #d0d7de); background: var(--pane, #f6f8fa); }
.head strong { flex: 1; font-size: .9rem; }
.head a[hidden] { display: none; }
.head button, .head a { font: inherit; font-size: .85rem; padding: .2rem .6rem; border-radius: 6px; border: 1px solid var(--border, #d0d7de); background: var(--bg, #fff); color: inherit; text-decoration: none; cursor: pointer; }
.status { font-size: .85rem; padding: .3rem .6rem; }
.embed-note { margin: 0; padding: .3rem .6rem; font-size: .85rem; color: var(--fg); background: var(--caught-bg, #fff0cf); border-bottom: 1px solid var(--border, #d0d7de); }
.status[data-status=SUCCEEDED] { color: var(--good, #1a7f37); }
.status[data-status=FAILED], .status[data-status=ERROR] { color: var(--bad, #cf222e); }
.views { display: grid; gap: .5rem; padding: .5rem; }
.views.both { grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); }
@media (max-width: 640px) { .views.both { grid-template-columns: 1fr; } }
.graph { min-height: 120px; }
.timeline { max-height: none; padding: 0; }
`;

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
  const source = await loadSource(text);
  const machine = source.ok ? source.machines.find((m) => m.definition !== null) : null;
  if (!machine) {
    const d = (source.ok ? source.machines[0]?.diagnostics : source.diagnostics)?.[0];
    throw new Error(`definition: ${d ? `${d.line}:${d.column}: ${d.message}` : 'no state machine in this text'}`);
  }
  return JSON.parse(machine.definition);
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
        <div class="views"><div class="graph"></div><div class="timeline"></div></div>
      </div>`;
    // A constructed sheet: a page whose policy allows no inline style still styles the element.
    root.adoptedStyleSheets = [localSheet()];
    root.querySelector('.embed').dataset.theme = theme;
    root.host.dataset.theme = theme;
    root.querySelector('[data-testid=embed-run]').addEventListener('click', () => this.run());
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
    renderTimeline(root.querySelector('.timeline'), []);
  }

  show(status, text) {
    const el = this.shadowRoot.querySelector('[data-testid=embed-status]');
    el.dataset.status = status;
    el.textContent = text;
  }

  paint(spans, lanes, nowMs, durationMs) {
    const root = this.shadowRoot;
    if (this.graph) {
      paintGraph(this.graph.nodes, spans);
      paintEdges(this.graph.edges, this.graph.nodes);
    }
    renderTimeline(root.querySelector('.timeline'), spans, { lanes, nowMs, durationMs, joins: joinsOf(spans, this.stateTypes), stateTypes: this.stateTypes });
  }

  /**
   * The mocks as the playground runs them: each Task without one gets the response statelab
   * derives from the definition (the engine's derive, on the full engine, loaded then).
   */
  async filledMocks() {
    const { definition, mocks } = this.work;
    if (!missingMocks(definition, mocks).length) return mocks;
    const given = mocks && typeof mocks === 'object' && !Array.isArray(mocks) ? Object.keys(mocks) : [];
    const derived = await derive(definition, { mocked: given });
    return withMocks(mocks, derived.mocks);
  }

  /** Run the example with real timers (scaled by the speed attribute); resolves to the result. */
  async run() {
    await this.ready;
    if (!this.work?.definition) return null;
    if (this.ctl) this.ctl.stop();
    const { speed } = speedOf(this.getAttribute('speed'));
    const names = Object.keys(splitMocks(this.work.mocks).functions);
    if (names.length) {
      this.ctl = null;
      this.show('ERROR', `Not run: the mocks hold JavaScript for ${names.join(', ')}; open the example in the playground to run it`);
      return null;
    }
    this.show('RUNNING', 'Running…');
    const asked = { stop() {} }; // the run to come, while the mocks are derived
    this.ctl = asked;
    let engineMocks;
    try {
      engineMocks = splitMocks(await this.filledMocks()).engineMocks;
    } catch (e) {
      if (this.ctl === asked) this.show('ERROR', `Not run: statelab could not derive the missing mocks: ${e.message}`);
      return null;
    }
    if (this.ctl !== asked) return null; // run again (or stopped) meanwhile
    let ctl;
    try {
      ctl = run(this.work.definition, this.work.input, engineMocks, {
        speed,
        seed: 1,
        criticalPath: true,
        onUpdate: ({ nowMs, spans, lanes }) => {
          if (this.ctl === ctl) this.paint(spans, lanes, nowMs);
        },
      });
    } catch (e) {
      // (A run that cannot start says why, not 'Running…' for ever.)
      this.ctl = null;
      this.show('ERROR', `Not run: ${e.message}`);
      return null;
    }
    this.ctl = ctl;
    return ctl.done.then(
      (result) => {
        if (this.ctl !== ctl) return result;
        this.paint(result.spans, result.lanes, result.durationMs, result.durationMs);
        const { status, text } = resultStatus(result);
        this.show(status, text);
        this.dispatchEvent(new CustomEvent('done', { detail: result }));
        return result;
      },
      (e) => {
        if (this.ctl === ctl) this.show('ERROR', e.message);
        return null;
      },
    );
  }
}

if (globalThis.customElements && !customElements.get('asl-playground')) customElements.define('asl-playground', AslPlayground);
