// The contrast of every status colour of the playground, and of the panes' and views' controls
// (zoom, collapse and maximise buttons, rails, the splitters' focus mark, the minimap, the keys'
// hints, a Map's row in the timeline), computed in the page from its computed styles
// (tests/e2e/a11y.test.mjs). statusContrasts(page) needs a page with a run's
// timeline drawn; it gives [{what, kind: 'text' | 'shape', fg, bg, ratio}], where text needs
// 4.5:1 and a shape 3:1 (WCAG 2.2, 1.4.3 and 1.4.11).

/** Runs in the page: every pair measured. */
function measure() {
  const parse = (c) => {
    // color-mix() computes to color(srgb r g b / a), its channels from 0 to 1.
    const srgb = /^color\(srgb ([^)]+)\)$/.exec(c);
    if (srgb) {
      const [r, g, b, a = 1] = srgb[1]
        .split(/[\s/]+/)
        .filter(Boolean)
        .map(Number);
      return { r: r * 255, g: g * 255, b: b * 255, a };
    }
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) throw new Error(`not an rgb() colour: ${c}`);
    const [r, g, b, a = 1] = m[1]
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => {
      const c = v / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  // A colour with alpha, over the one under it.
  const over = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1 });
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  /** The background an element is drawn on: its own, else its ancestors' (opaque, composited). */
  const backdrop = (el) => {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement || e.getRootNode().host) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.a > 0) layers.push(c);
      if (c.a === 1) break;
    }
    let out = { r: 255, g: 255, b: 255, a: 1 };
    for (const c of layers.reverse()) out = over(c, out);
    return out;
  };
  const hex = ({ r, g, b }) => `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
  const out = [];
  const add = (what, kind, fgCss, bg) => {
    const fg = over(parse(fgCss), bg);
    out.push({ what, kind, fg: hex(fg), bg: hex(bg), ratio: Math.round(ratio(fg, bg) * 100) / 100 });
  };
  const cs = (el, pseudo) => getComputedStyle(el, pseudo);

  // The run's status line, for each status it shows.
  const status = document.querySelector('#status');
  const was = status.dataset.status;
  for (const s of ['IDLE', 'RUNNING', 'PAUSED', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'ERROR']) {
    status.dataset.status = s;
    add(`status line ${s}`, 'text', cs(status).color, backdrop(status));
  }
  status.dataset.status = was;

  // The State tab's status chip, the Test state tab's status.
  const probes = document.createElement('div');
  document.querySelector('#output').append(probes);
  for (const s of ['running', 'succeeded', 'failed', 'caught', 'cancelled']) {
    const chip = document.createElement('span');
    chip.className = `status-chip status-${s}`;
    chip.textContent = s;
    probes.append(chip);
    add(`status chip ${s}`, 'text', cs(chip).color, backdrop(chip));
  }
  for (const s of ['SUCCEEDED', 'FAILED', 'CAUGHT_ERROR', 'RETRIABLE']) {
    const t = document.createElement('span');
    t.className = 'ts-status';
    t.dataset.status = s;
    t.textContent = s;
    probes.append(t);
    add(`test state status ${s}`, 'text', cs(t).color, backdrop(t));
  }
  probes.remove();

  // The graph's legend: its words, each swatch against the pane, each glyph against its swatch.
  for (const li of document.querySelectorAll('.legend li')) {
    const bg = backdrop(li);
    add(`legend text ${li.className}`, 'text', cs(li).color, bg);
    const swatch = over(parse(cs(li, '::before').backgroundColor), bg);
    add(`legend swatch ${li.className}`, 'shape', cs(li, '::before').backgroundColor, bg);
    add(`legend glyph ${li.className}`, 'shape', cs(li, '::before').color, swatch);
  }

  // The graph's nodes: the outline against the pane and against the node's fill, for every
  // status (a copy of a node, inserted with its status: no transition); the status icon.
  const node = document.querySelector('[data-testid=graph] .node:not(.container)');
  for (const s of ['idle', 'running', 'succeeded', 'failed', 'caught', 'cancelled']) {
    const copy = node.cloneNode(true);
    copy.setAttribute('data-status', s);
    node.parentNode.append(copy);
    const box = copy.querySelector(':scope > .box');
    const pane = backdrop(node.closest('.graph'));
    const fill = over(parse(cs(box).fill), pane);
    add(`graph node ${s}: outline on the pane`, 'shape', cs(box).stroke, pane);
    add(`graph node ${s}: outline on its fill`, 'shape', cs(box).stroke, fill);
    add(`graph node ${s}: name on its fill`, 'text', cs(copy.querySelector('.label')).fill, fill);
    const disc = copy.querySelector('.status-icon circle');
    const glyph = copy.querySelector('.status-icon .glyph');
    // (Its presence is a11y.test.mjs's matter: here, its colours.)
    if (s !== 'idle' && disc) {
      const discFill = over(parse(cs(disc).fill), pane);
      add(`graph node ${s}: icon on the pane`, 'shape', cs(disc).fill, pane);
      add(`graph node ${s}: icon glyph`, 'shape', s === 'running' ? cs(glyph).fill : cs(glyph).stroke, discFill);
    }
    copy.remove();
  }

  // The timeline's bars, in a lane of the run's timeline.
  const track = document.querySelector('[data-testid=timeline] .tl-lane .tl-track');
  for (const s of ['running', 'succeeded', 'failed', 'caught', 'cancelled']) {
    const state = document.createElement('button');
    state.className = `bar kind-state status-${s}`;
    const label = document.createElement('span');
    label.className = 'bar-label';
    label.textContent = 'State';
    state.append(label);
    const attempt = document.createElement('button');
    attempt.className = `bar kind-attempt status-${s}`;
    track.append(state, attempt);
    const lane = backdrop(track);
    const own = parse(cs(state).backgroundColor);
    // A running state's bar is striped with its colour and the lane's: the stripes count.
    const fill = s === 'running' ? over(parse(toRgb('--running-bg')), lane) : over(own, lane);
    add(`timeline ${s} state: outline on the lane`, 'shape', cs(state).borderTopColor, lane);
    add(`timeline ${s} state: name on its fill`, 'text', cs(label).color, fill);
    if (s !== 'running') add(`timeline ${s} state: glyph on its fill`, 'text', cs(label, '::before').color, fill);
    add(`timeline ${s} attempt on the lane`, 'shape', cs(attempt).backgroundColor, lane);
    state.remove();
    attempt.remove();
  }

  // The room to work: the zoom buttons (graph and timeline), the panes' buttons and rails, the
  // splitters' focus mark, the minimap, the keys' hints, a Map's row in the timeline.
  for (const b of document.querySelectorAll('.zoom-tools .zoom-btn:not(:disabled)')) add(`zoom button ${b.dataset.testid}`, 'text', cs(b).color, backdrop(b));
  const paneBtn = document.querySelector('.pane-btn');
  add('pane button: its icon', 'shape', cs(paneBtn.querySelector('svg')).stroke, backdrop(paneBtn));
  // (A pane collapsed for the moment of a reading: its rail's colour is the collapsed pane's.)
  const rail = document.querySelector('.pane-rail');
  rail.parentElement.classList.add('collapsed');
  add('collapsed pane: its rail', 'text', cs(rail).color, backdrop(rail.parentElement));
  rail.parentElement.classList.remove('collapsed');
  const splitter = document.querySelector('.layout > .splitter');
  add('splitter: its focus mark', 'shape', toRgb('--accent'), backdrop(splitter));
  // A minimap (probes: the example's graph fits its pane, so it has none), its boxes and the view.
  const graph = document.querySelector('[data-testid=graph]');
  const mini = document.createElement('div');
  mini.className = 'minimap';
  const msvg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  mini.append(msvg);
  graph.append(mini);
  const miniBg = backdrop(mini);
  const box = (cls, status) => {
    const r = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    r.setAttribute('class', cls);
    if (status) r.setAttribute('data-status', status);
    msvg.append(r);
    return r;
  };
  const idle = box('mm-box leaf');
  add('minimap: an idle state outline', 'shape', cs(idle).stroke, miniBg);
  for (const st of ['running', 'succeeded', 'failed', 'caught', 'cancelled']) add(`minimap: a ${st} state`, 'shape', cs(box('mm-box leaf', st)).fill, miniBg);
  add('minimap: the view', 'shape', cs(box('mm-view')).stroke, miniBg);
  mini.remove();
  for (const id of ['graph-keys-hint', 'timeline-keys-hint']) {
    const hint = document.querySelector(`[data-testid=${id}]`);
    if (hint) add(`keys hint ${id}`, 'text', cs(hint).color, backdrop(hint));
  }
  // A Map's row (a probe in the run's timeline): its toggle's words and its iterations' extent.
  const body = document.querySelector('[data-testid=timeline] .tl-body');
  const row = document.createElement('div');
  row.className = 'tl-row tl-group';
  row.innerHTML = '<div class="tl-label"><button class="tl-toggle">▾ Each · 3 iterations</button></div><div class="tl-track"><span class="group-extent"></span></div>';
  body.append(row);
  const laneBg = backdrop(row.querySelector('.tl-track'));
  add('timeline Map row: its toggle', 'text', cs(row.querySelector('.tl-toggle')).color, laneBg);
  const extent = row.querySelector('.group-extent');
  add('timeline Map row: the extent of its iterations', 'shape', cs(extent).borderTopColor, laneBg);
  row.classList.add('collapsed');
  add('timeline Map row, collapsed: the extent of its iterations', 'shape', cs(extent).borderTopColor, laneBg);
  row.remove();
  const parent = document.createElement('span');
  parent.className = 'lane-parent';
  document.querySelector('[data-testid=timeline] .tl-lane .tl-label').append(parent);
  add("timeline: a lane's parent in its name", 'text', cs(parent).color, backdrop(parent));
  parent.remove();
  return out;

  function toRgb(variable) {
    const probe = document.createElement('span');
    probe.style.color = `var(${variable})`;
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  }
}

/** Every status colour's contrast in the page as it is shown now. */
export function statusContrasts(page) {
  return page.evaluate(measure);
}

/** The least contrast WCAG 2.2 AA asks of text and of a shape. */
export function minimum(kind) {
  return kind === 'text' ? 4.5 : 3;
}
