// Callback tasks in the JS driver (run() of www/statelab.js, options.callbacks): a
// `.waitForTaskToken` Task or an Activity waits for the host while workflow time runs on;
// SendTaskHeartbeat restarts its heartbeat clock and writes no event, a missed heartbeat times
// the task out (TaskTimedOut / ActivityTimedOut), and the answer is taken at the time it came.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../www/statelab.js';
import { callbackStates, isCallbackResource, callbackStatus, callbackTimes, laneOf } from '../../www/app/model/callbacks.js';

const definition = (resource, extra = {}) => ({
  StartAt: 'Approve',
  States: {
    Approve: { Type: 'Task', Resource: resource, Parameters: { 'order.$': '$.order', 'token.$': '$$.Task.Token' }, HeartbeatSeconds: 2, TimeoutSeconds: 30, ...extra, End: true },
  },
});
const CALLBACK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
const ACTIVITY = 'arn:aws:states:us-east-1:123456789012:activity:approve';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Start a run at `speed` whose callbacks go into a list. */
function start(def, speed = 20) {
  const waiting = [];
  const ctl = run(def, { order: 7 }, '{}', { speed, callbacks: ['Approve'], onCallback: (c) => waiting.push(c) });
  return { ctl, waiting };
}

async function until(f, ms = 5000) {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(5);
  }
}

test('heartbeats keep a callback alive past HeartbeatSeconds; its success is taken when sent', async () => {
  const { ctl, waiting } = start(definition(CALLBACK));
  await until(() => waiting.length === 1);
  const [c] = waiting;
  assert.equal(c.state, 'Approve');
  assert.match(c.token, /./);
  assert.deepEqual(c.input, { order: 7, token: c.token });
  // Three heartbeats, 1.5 s of workflow time apart (at 20x: 75 ms): 4.5 s in all, past the 2 s.
  for (let i = 0; i < 3; i++) {
    await sleep(75);
    assert.equal(ctl.sendTaskHeartbeat(c.id), true);
  }
  await sleep(40);
  assert.equal(ctl.sendTaskSuccess(c.id, { approved: true }), true);
  const r = await ctl.done;
  assert.equal(r.status, 'SUCCEEDED', r.cause);
  assert.deepEqual(r.output, { approved: true });
  const types = r.events.map((e) => e.type);
  assert.ok(types.includes('TaskSucceeded'), types.join());
  // A heartbeat writes no event.
  assert.equal(types.filter((t) => /Heartbeat/.test(t)).length, 0);
  assert.ok(r.durationMs > 4000, `${r.durationMs} ms`);
  // Answered: no second answer.
  assert.equal(ctl.sendTaskSuccess(c.id, {}), false);
});

test('a missed heartbeat times the callback out; a late answer is refused', async () => {
  const { ctl, waiting } = start(definition(CALLBACK));
  await until(() => waiting.length === 1);
  const r = await ctl.done;
  assert.equal(r.status, 'FAILED');
  const timedOut = r.events.find((e) => e.type === 'TaskTimedOut');
  assert.ok(timedOut, r.events.map((e) => e.type).join());
  assert.equal(timedOut.ms, 2000);
  assert.equal(ctl.sendTaskSuccess(waiting[0].id, {}), false);
});

test('an Activity: a failure sent from the host, ActivityFailed', async () => {
  const { ctl, waiting } = start(definition(ACTIVITY, { Parameters: { 'order.$': '$.order' } }));
  await until(() => waiting.length === 1);
  assert.equal(ctl.sendTaskHeartbeat(waiting[0].id), true);
  assert.equal(ctl.sendTaskFailure(waiting[0].id, 'Rejected', 'not this one'), true);
  const r = await ctl.done;
  assert.equal(r.status, 'FAILED');
  assert.equal(r.error, 'Rejected');
  assert.equal(r.cause, 'not this one');
  assert.ok(r.events.some((e) => e.type === 'ActivityFailed'));
});

test('a callback state cannot also be a function', () => {
  assert.throws(() => run(definition(CALLBACK), {}, '{}', { callbacks: ['Approve'], functions: { Approve: async () => 1 } }), /both/);
});

test('the page model: which Tasks wait for the user, and where a callback is', async () => {
  assert.equal(isCallbackResource(CALLBACK), true);
  assert.equal(isCallbackResource(ACTIVITY), true);
  assert.equal(isCallbackResource('arn:aws:states:::sqs:sendMessage'), false);
  assert.equal(isCallbackResource('arn:aws:states:::lambda:invoke.waitForTaskToken'), true);
  const def = {
    StartAt: 'P',
    States: {
      P: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Approve', States: { Approve: { Type: 'Task', Resource: CALLBACK, End: true } } },
          { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: ACTIVITY, End: true } } },
        ],
        Next: 'Plain',
      },
      Plain: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true },
    },
  };
  assert.deepEqual(callbackStates(def, {}), ['Approve', 'Work']);
  assert.deepEqual(callbackStates(def, { Work: { result: 1 } }), ['Approve']);
  assert.deepEqual(callbackStates(def, { '*': { result: 1 } }), []);
  assert.deepEqual(callbackStates(def, { StateMachines: {} }), []);
  assert.deepEqual(callbackTimes(definition(CALLBACK), 'Approve'), { heartbeatSeconds: 2, timeoutSeconds: 30 });

  // A callback's status follows its Task attempt's span: waiting, then timed out.
  const waiting = [];
  const ctl = run(definition(CALLBACK), { order: 7 }, '{}', { speed: 20, callbacks: ['Approve'], onCallback: (c) => waiting.push(c) });
  let mid = null;
  await until(() => waiting.length === 1);
  const r = await ctl.done;
  const c = waiting[0];
  assert.equal(laneOf(c, r.lanes), 0);
  mid = r.spans.map((x) => (x.kind === 'attempt' ? { ...x, status: 'running', endMs: null } : x));
  assert.deepEqual(callbackStatus(c, mid, r.lanes), { status: 'waiting' });
  assert.deepEqual(callbackStatus(c, r.spans, r.lanes), { status: 'timed-out', error: 'States.Timeout', cause: null });
});
