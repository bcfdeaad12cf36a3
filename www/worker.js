// statelab's engine in a Web Worker, so that a big simulate() does not hold up the page.
// Use it through createWorker() in statelab.js:
//   const engine = createWorker();  const result = await engine.simulate(def, input, mocks);
// Messages: {id, op: 'validate'|'simulate'|'version', args} -> {id, result} or
// {id, error: {message, diagnostics?}}.
import { validate, simulate, version } from './statelab.js';

const ops = { validate, simulate, version };

self.onmessage = async ({ data }) => {
  const { id, op, args } = data;
  try {
    if (!Object.hasOwn(ops, op)) throw new Error(`statelab worker: unknown operation '${op}'`);
    self.postMessage({ id, result: await ops[op](...args) });
  } catch (e) {
    self.postMessage({ id, error: { message: e?.message ?? String(e), diagnostics: e?.diagnostics } });
  }
};
