// The iframe form of <asl-playground>: frame.html?definition=…&input=…&mocks=…&view=…&theme=…
// &autorun&speed=…&origin=… builds one example from its query string (JSON text, URL-encoded),
// with an "Open in playground" link.
//
// A host page can also drive it with postMessage, protocol version 1. Only messages from the
// parent window whose origin is listed in `origin` (comma-separated http(s) origins, each
// normalised: a trailing slash and the case do not matter; the frame's own origin is always
// allowed) are taken; others are ignored. '*' and entries that are not one origin are refused,
// and the frame says so above the example.
//   host -> frame  {statelab: 1, type: 'load', definition, input?, mocks?}
//                  {statelab: 1, type: 'run'}
//   frame -> host  {statelab: 1, type: 'ready'}                  once, when the frame can listen
//                  {statelab: 1, type: 'loaded'}                 after a load
//                  {statelab: 1, type: 'done', result}           result: {status, output?, error?, cause?, durationMs}
//                  {statelab: 1, type: 'error', message}
// Replies go to the parent at the origin that sent the message (or, for 'ready' and 'done'
// after autorun, to each allowed origin).
import './embed.js';
import { parseOrigins } from './app/lib/origins.js';

const VERSION = 1;
const q = new URLSearchParams(location.search);
const listed = parseOrigins(q.get('origin'));
const allowed = new Set([location.origin, ...listed.origins]);

if (listed.problems.length) {
  const note = document.createElement('div');
  note.className = 'problem';
  note.setAttribute('role', 'alert');
  note.dataset.testid = 'frame-origin-problem';
  for (const p of listed.problems) {
    const line = document.createElement('p');
    line.textContent = `frame.html: ${p}.`;
    note.append(line);
  }
  document.body.append(note);
}

const el = document.createElement('asl-playground');
for (const a of ['definition', 'input', 'mocks', 'view', 'theme', 'speed']) {
  if (q.has(a)) el.setAttribute(a, q.get(a));
}
if (q.has('autorun')) el.setAttribute('autorun', '');
// "Open in playground" opens the playground beside this frame.
el.setAttribute('playground', new URL('./index.html', import.meta.url).href);
document.body.append(el);

function post(message, origin) {
  if (window.parent === window) return;
  const targets = origin ? [origin] : [...allowed];
  for (const o of targets) window.parent.postMessage({ statelab: VERSION, ...message }, o);
}

function summary(result) {
  const { status, output, error, cause, durationMs } = result;
  return { status, output, error, cause, durationMs };
}

el.addEventListener('done', (e) => post({ type: 'done', result: summary(e.detail) }));

window.addEventListener('message', (e) => {
  if (e.source !== window.parent || !allowed.has(e.origin)) return;
  const m = e.data;
  if (!m || typeof m !== 'object' || m.statelab !== VERSION) return;
  const json = (v) => (typeof v === 'string' ? v : JSON.stringify(v ?? {}));
  if (m.type === 'load') {
    if (m.definition === undefined) {
      post({ type: 'error', message: 'load needs a definition' }, e.origin);
      return;
    }
    el.setAttribute('definition', json(m.definition));
    el.setAttribute('input', json(m.input));
    el.setAttribute('mocks', json(m.mocks));
    post({ type: 'loaded' }, e.origin);
  } else if (m.type === 'run') {
    el.run().then((result) => {
      if (!result) post({ type: 'error', message: 'the example could not run' }, e.origin);
    });
  } else {
    post({ type: 'error', message: `unknown message type '${m.type}'` }, e.origin);
  }
});

post({ type: 'ready' });
