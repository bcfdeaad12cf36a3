// A Web Worker (`new Worker(url, {type: 'module'})`, `self.onmessage`, `self.postMessage`)
// on Node's worker_threads, so that www/worker.js and createWorker() can be tested in Node.
// Only the host is imitated; the worker's module and the messages are the real ones.
import { Worker as ThreadWorker } from 'node:worker_threads';

const bootstrap = `
  import { parentPort, workerData } from 'node:worker_threads';
  globalThis.self = globalThis;
  globalThis.postMessage = (data) => parentPort.postMessage(data);
  // As in browsers, messages wait until the worker's module has run.
  const early = [];
  let loaded = false;
  parentPort.on('message', (data) => (loaded ? globalThis.onmessage?.({ data }) : early.push(data)));
  await import(workerData.url);
  loaded = true;
  for (const data of early) globalThis.onmessage?.({ data });
`;

export class Worker {
  constructor(url, options = {}) {
    if (options.type !== 'module') throw new Error('the shim only runs module workers');
    this.onmessage = null;
    this.onerror = null;
    this.thread = new ThreadWorker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData: { url: String(url) } });
    this.thread.on('message', (data) => this.onmessage?.({ data }));
    this.thread.on('error', (e) => this.onerror?.({ message: e.message, preventDefault() {} }));
  }
  postMessage(data) {
    this.thread.postMessage(data);
  }
  terminate() {
    this.thread.terminate();
  }
}
