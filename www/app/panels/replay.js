// The replay bar under the timeline, once a run has ended: a scrubber over its virtual time,
// the previous and next event, and Replay at the speed chosen for runs. (run.js moves the
// playhead; the panels draw the run as it stood then.)
import { $, setText } from '../lib/dom.js';
import { fmtMs } from '../lib/format.js';

export function mountReplay(store, runner) {
  const box = $('#replay');
  const scrub = $('#scrubber');
  $('#scrubber').addEventListener('input', (e) => runner.setPlayhead(Number(e.target.value)));
  $('#replay-play').addEventListener('click', runner.toggleReplay);
  $('#replay-next').addEventListener('click', () => runner.stepPlayhead(1));
  $('#replay-prev').addEventListener('click', () => runner.stepPlayhead(-1));
  store.subscribe(
    (s) => [s.run?.result?.durationMs, s.playhead, s.replaying],
    ([total, playhead, playing]) => {
      setText($('#replay-play'), playing ? 'Pause replay' : 'Replay');
      box.hidden = total === undefined || total === null;
      if (box.hidden) return;
      const t = playhead ?? total;
      scrub.max = String(total);
      scrub.value = String(t);
      $('#replay-time').textContent = `${fmtMs(t)} of ${fmtMs(total)}`;
    },
  );
}
