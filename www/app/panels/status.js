// The run's status line over the timeline, and the toast that tells what an action did: a plain
// one goes after a few seconds; one with actions (Undo, Back to ..., Download file) or a sticky
// one (why a link did not open) stays until it is closed or another replaces it.
import { h, $, setText, setData } from '../lib/dom.js';
import { runStatus } from '../model/status.js';

export function mountStatus(store) {
  const el = $('#status');
  // The status line changes on every frame of a run (its clock): it is no live region. A quiet
  // one beside it says when a run starts, pauses, goes on and ends, once each.
  const announcer = $('#run-announcer');
  let said = null;
  store.subscribe(
    (s) => [s.run, s.engineError],
    ([run, engineError]) => {
      const { status, text } = runStatus(run, engineError);
      setData(el, 'status', status);
      setText(el, text);
      const moment = `${run?.id ?? ''}|${status}`;
      if (moment === said) return;
      said = moment;
      if (status !== 'IDLE') setText(announcer, status === 'RUNNING' ? 'Running' : text);
    },
  );

  const toast = $('#toast');
  let timer = null;
  const hide = () => {
    clearTimeout(timer);
    toast.hidden = true;
  };
  toast.querySelector('.toast-close').addEventListener('click', hide);
  store.subscribe(
    (s) => s.toast,
    (t) => {
      if (!t) return;
      toast.querySelector('.toast-text').textContent = t.text;
      toast.querySelector('.toast-actions').replaceChildren(
        ...(t.actions || []).map((a) =>
          h('button', {
            class: 'btn',
            type: 'button',
            text: a.label,
            onclick: () => {
              hide();
              a.run();
            },
          }),
        ),
      );
      toast.classList.toggle('bad', t.bad);
      toast.classList.toggle('sticky', !!t.sticky);
      // An error or a message with actions is read out at once.
      toast.setAttribute('role', t.bad || t.sticky ? 'alert' : 'status');
      toast.hidden = false;
      clearTimeout(timer);
      if (!t.sticky) timer = setTimeout(hide, 4500);
    },
  );
}
