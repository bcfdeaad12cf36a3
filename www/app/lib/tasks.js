// Scheduling: a task of its own (after whatever the page is doing), the next frame, idle time.

const queue = [];
let channel = null;
/** Run `f` in a task of its own, as soon as the page has nothing else to do. */
export function nextTask(f) {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const g = queue.shift();
      // (Node, in the tests: a channel with nothing to do keeps no process alive.)
      if (!queue.length) channel.port1.unref?.();
      g?.();
    };
  }
  queue.push(f);
  channel.port1.ref?.();
  channel.port2.postMessage(null);
}

/** Run `f` before the next frame is drawn (a timer where there are no frames). */
export function nextFrame(f) {
  if (globalThis.requestAnimationFrame) requestAnimationFrame(() => f());
  else setTimeout(f, 16);
}

/** Run `f` when the page is idle (within a second). */
export function whenIdle(f) {
  if (globalThis.requestIdleCallback) requestIdleCallback(() => f(), { timeout: 1000 });
  else setTimeout(f, 100);
}
