// The state inspector: a state's input, each data-flow step, its output or error, and its
// attempts; like the AWS console's advanced view. Built from the spans (and their steps,
// when the engine gives them) and from the history events of that state.
import { fmtMs, jsonValue, pretty } from '../lib/format.js';
import { textPre, h } from '../lib/dom.js';
import { copyButton } from '../lib/export.js';
import { toast } from '../state.js';
import { laneName } from '../model/lanes.js';
import { stateNamed } from '../model/asl.js';
import { elidedFields, NOT_KEPT } from '../model/events.js';
import { shallowEqual } from '../store.js';

/** A value of the data flow, with a button that copies it whole (report(message, bad) says so). */
function blockOf(title, value, cls = '', report = null) {
  const copy = copyButton(`the ${title.charAt(0).toLowerCase()}${title.slice(1)}`, () => (typeof value === 'string' ? value : pretty(value)), report, 'copy-block');
  return h('section', { class: `flow-step ${cls}`, 'data-step': title }, h('div', { class: 'copy-head' }, h('h4', { text: title }), copy), textPre(value, { class: 'json' }));
}

/** A value left out of the run's history (it passed its data budget). */
function notKept(title, cls = '') {
  return h('section', { class: `flow-step ${cls}`, 'data-testid': 'not-kept' }, h('h4', { text: title }), h('p', { class: 'not-kept', text: NOT_KEPT }));
}

/** The field `name` of an event's details was left out of the history. */
const elidedIn = (details, name) => elidedFields(details).includes(name);

/** Events of one visit of a state: those of the state in its lane, within its span. */
function visitEvents(events, span) {
  const end = span.endMs ?? Infinity;
  return events.filter((e) => e.state === span.state && e.lane === span.lane && e.ms >= span.startMs && e.ms <= end);
}

const STEP_TITLES = {
  InputPath: 'After InputPath',
  Parameters: 'After Parameters',
  Arguments: 'Arguments',
  ItemSelector: 'After ItemSelector',
  Result: 'Result',
  ResultSelector: 'After ResultSelector',
  ResultPath: 'After ResultPath',
  OutputPath: 'After OutputPath',
  Output: 'Output',
};
function stepTitle(name) {
  return STEP_TITLES[name] || String(name);
}

// Up to so many runs of a state are listed to choose from; more, and a number picks one.
const MAX_LISTED_VISITS = 200;
const visitText = (v, lanes, types) => `${laneName(lanes, v.lane, types)} · at ${fmtMs(v.startMs)} · ${v.status}`;

export function renderInspector(host, { name, stateDef, spans, events, lanes, types, pick = 0, onPick, report }) {
  const block = (title, value, cls) => blockOf(title, value, cls, report);
  if (!name) {
    host.replaceChildren(h('p', { class: 'empty', text: 'Click a state in the graph, a bar in the timeline or a step in the history to see its input, output and data flow.' }));
    return;
  }
  const visits = spans.filter((s) => s.state === name && s.kind === 'state');
  const head = h('header', { class: 'insp-head' }, h('h3', { text: name }), h('span', { class: 'pill', text: stateDef?.Type || 'State' }));
  if (!visits.length) {
    host.replaceChildren(head, h('p', { class: 'empty', text: 'This state has not run (yet).' }), stateDef ? block('Definition', stateDef) : '');
    return;
  }
  const idx = Math.min(pick, visits.length - 1);
  const span = visits[idx];
  const parts = [head];
  if (visits.length > 1 && visits.length <= MAX_LISTED_VISITS) {
    const sel = h('select', { 'aria-label': 'Which run of this state', onchange: (e) => onPick?.(Number(e.target.value)) });
    for (const [i, v] of visits.entries()) sel.append(h('option', { value: i, selected: i === idx, text: visitText(v, lanes, types) }));
    parts.push(h('label', { class: 'visit-pick' }, `${visits.length} runs: `, sel));
  } else if (visits.length > 1) {
    // A state of a Map of 1,000 iterations: a list of 1,000 runs is no use, and slow to make.
    const num = h('input', {
      type: 'number',
      min: 1,
      max: visits.length,
      step: 1,
      value: idx + 1,
      class: 'visit-number',
      'aria-label': `Which run of this state, 1 to ${visits.length}`,
      onchange: (e) => {
        const n = Math.round(Number(e.target.value));
        if (Number.isFinite(n)) onPick?.(Math.min(visits.length, Math.max(1, n)) - 1);
      },
    });
    parts.push(h('label', { class: 'visit-pick' }, 'Run ', num, ` of ${visits.length}: ${visitText(span, lanes, types)}`));
  }
  const end = span.endMs;
  parts.push(
    h(
      'dl',
      { class: 'facts' },
      h('dt', { text: 'Status' }),
      h('dd', {}, h('span', { class: `status-chip status-${span.status}`, text: span.status })),
      h('dt', { text: 'Lane' }),
      h('dd', { text: laneName(lanes, span.lane, types) }),
      h('dt', { text: 'Started' }),
      h('dd', { text: fmtMs(span.startMs) }),
      h('dt', { text: 'Duration' }),
      h('dd', { text: end === null || end === undefined ? 'running' : fmtMs(end - span.startMs) }),
      span.critical !== undefined ? h('dt', { text: 'Critical path' }) : null,
      span.critical !== undefined
        ? h('dd', { text: span.critical ? 'yes: taking longer would make the whole run longer' : `no: ${fmtMs(span.slackMs)} of slack before it would delay the end` })
        : null,
    ),
  );
  const evs = visitEvents(events, span);
  const entered = evs.find((e) => /StateEntered$/.test(e.type));
  // (A span whose value was left out of the history says so: no event stands in for it.)
  const input = span.input !== undefined || span.inputElided ? span.input : entered ? jsonValue(entered.stateEnteredEventDetails?.input) : undefined;
  const flow = h('div', { class: 'flow' });
  if (input !== undefined) flow.append(block('Input', input));
  else if (span.inputElided || elidedIn(entered?.stateEnteredEventDetails, 'input')) flow.append(notKept('Input'));
  // A task that waits (.sync, .waitForTaskToken): the service's response when its work started
  // (the last attempt's TaskSubmitted event), shown after the request.
  const submitted = evs.filter((e) => e.type === 'TaskSubmitted');
  const sub = submitted[submitted.length - 1]?.taskSubmittedEventDetails;
  const subTitle = 'Submitted (the service’s response when the work started)';
  const subBlock = () => (elidedIn(sub, 'output') ? notKept(subTitle) : block(subTitle, jsonValue(sub?.output)));
  if (Array.isArray(span.steps) && span.steps.length) {
    let shown = !submitted.length;
    for (const st of span.steps) {
      flow.append(st.elided ? notKept(stepTitle(st.step ?? st.name)) : block(stepTitle(st.step ?? st.name), st.value));
      const step = st.step ?? st.name;
      if (!shown && (step === 'Parameters' || step === 'Arguments')) {
        flow.append(subBlock());
        shown = true;
      }
    }
    if (!shown) flow.append(subBlock());
  } else {
    const scheduled = evs.filter((e) => e.type === 'TaskScheduled');
    const params = scheduled[scheduled.length - 1]?.taskScheduledEventDetails;
    const paramsTitle = 'Task parameters (after InputPath and Parameters/Arguments)';
    if (scheduled.length) flow.append(elidedIn(params, 'parameters') ? notKept(paramsTitle) : block(paramsTitle, jsonValue(params?.parameters)));
    if (submitted.length) flow.append(subBlock());
    const ok = evs.filter((e) => e.type === 'TaskSucceeded');
    const result = ok[ok.length - 1]?.taskSucceededEventDetails;
    const resultTitle = 'Task result (before ResultSelector, ResultPath and OutputPath)';
    if (ok.length) flow.append(elidedIn(result, 'output') ? notKept(resultTitle) : block(resultTitle, jsonValue(result?.output)));
  }
  const attempts = spans.filter((s) => s.kind !== 'state' && s.parent === span.id);
  if (attempts.length > 1 || attempts.some((a) => a.kind !== 'attempt')) {
    const list = h('ol', { class: 'attempts' });
    for (const a of attempts) {
      const ae = a.endMs ?? null;
      list.append(
        h(
          'li',
          { class: `status-${a.status}` },
          h('strong', { text: a.kind }),
          ` ${fmtMs(a.startMs)} → ${ae === null ? 'running' : fmtMs(ae)}${a.kind === 'attempt' ? ` · ${a.status}` : ''}`,
          a.error
            ? h('span', {
                class: a.kind === 'backoff' ? 'why' : 'err',
                text: ` ${a.kind === 'backoff' ? 'retrying after ' : ''}${a.error}${a.causeElided ? ' (cause not kept)' : a.cause ? `: ${a.cause}` : ''}`,
              })
            : '',
        ),
      );
    }
    flow.append(h('section', { class: 'flow-step' }, h('h4', { text: 'Attempts, back-offs and waits' }), list));
  }
  if (span.error) flow.append(block(span.status === 'caught' ? 'Error (caught)' : 'Error', { error: span.error, cause: span.causeElided ? NOT_KEPT : span.cause }, 'bad'));
  const exited = evs.find((e) => /StateExited$/.test(e.type));
  const output = span.output !== undefined || span.outputElided ? span.output : exited ? jsonValue(exited.stateExitedEventDetails?.output) : undefined;
  if (output !== undefined) flow.append(block('Output', output, 'good'));
  else if (span.outputElided || elidedIn(exited?.stateExitedEventDetails, 'output')) flow.append(notKept('Output', 'good'));
  parts.push(flow);
  host.replaceChildren(...parts);
}

/**
 * Mount the State tab. What it shows changes with the selection and the run's spans and
 * events, not with the playhead: it is drawn when shown and one of those changed since.
 */
export function mountInspector(store, host) {
  let drawn = null; // what it shows, as last drawn
  store.subscribe(
    (s) => {
      const run = s.run;
      const spans = run?.spans || NO_SPANS;
      const sel = s.selection;
      // (A span changes with an event, and at the end of a run with its result.)
      return [s.resultTab === 'inspector', run?.id, sel.name, sel.pick, s.definition.parsed, spans, spans.length, run?.events?.length, run?.result];
    },
    (now, _, s) => {
      if (!now[0]) return;
      const shows = now.slice(1);
      if (shallowEqual(shows, drawn)) return;
      drawn = shows;
      const run = s.run;
      const sel = s.selection;
      renderInspector(host, {
        name: sel.name,
        stateDef: stateNamed(s.definition.parsed, sel.name),
        spans: run?.spans || [],
        events: run?.events || [],
        lanes: run?.lanes,
        types: s.definition.stateTypes,
        pick: sel.pick,
        report: (text, bad) => toast(store, text, bad),
        onPick: (i) => {
          const v = (store.get().run?.spans || []).filter((x) => x.state === sel.name && x.kind === 'state')[i];
          store.update({ selection: { ...sel, pick: i, lane: v?.lane, startMs: v?.startMs, kind: 'state' } });
        },
      });
    },
  );
}

const NO_SPANS = [];
