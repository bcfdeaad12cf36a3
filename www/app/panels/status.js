// The run's status line over the timeline, and the toast that tells what an action did.
import { $, setText, setData } from '../lib/dom.js';
import { runStatus } from '../model/status.js';

export function mountStatus(store) {
  const el = $('#status');
  store.subscribe(
    (s) => [s.run, s.engineError],
    ([run, engineError]) => {
      const { status, text } = runStatus(run, engineError);
      setData(el, 'status', status);
      setText(el, text);
    },
  );

  const toast = $('#toast');
  let timer = null;
  store.subscribe(
    (s) => s.toast,
    (t) => {
      if (!t) return;
      toast.textContent = t.text;
      toast.classList.toggle('bad', t.bad);
      toast.hidden = false;
      clearTimeout(timer);
      timer = setTimeout(() => (toast.hidden = true), 4500);
    },
  );
}
