// The tour's lessons: each has a few paragraphs, a workflow to start from (definition, input
// and mocks with latencies), an exercise, hints, a solution to reveal, and a check. A check
// reads the runs the engine made of the user's workflow (see measure.js), never the text of
// the definition: check(runs) gives [{ok, text}] lines, each saying what was measured. runs[0]
// is the user's definition run with the lesson's own input and mocks (the user's edited input
// and mocks are for trying things out: they cannot make a check pass); runs[1...] are the
// lesson's scenarios, the same run with some of those mocks replaced (scenario.mocks).
//
// Text: `code` in backticks; nothing else is markup.
import { Run, allRan, holds, line, same, secs, short, succeeds } from './measure.js';

const fn = (name) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const task = (name, extra = {}) => ({ Type: 'Task', Resource: fn(name), ...extra });
const branch = (name, state) => ({ StartAt: name, States: { [name]: state } });

export const LESSONS = [
  {
    id: 'one-after-another',
    title: 'One state after another',
    text: [
      'A workflow is a set of named states. The run begins at the state named in `StartAt`; each state names the one after it in `Next`, and a state with `"End": true` finishes the run.',
      'Each Task below calls a Lambda function. Here the functions are mocked: the Mocks tab says what each call returns and how many seconds it takes (`latency`). The run goes on a virtual clock, so a 2-second call costs you no real time when you pick Instant.',
      "Nothing here overlaps, so the run lasts as long as all the calls added up: 0.5 + 2 + 1.5 = 4 s. A Task's result normally replaces its input; `ResultPath` puts it in a field of the input instead (`$.payment`), so the order's data travels with it.",
    ],
    exercise:
      'Add a fourth Task, `Notify`, that runs after `Ship` (its mock is already in the Mocks tab). The run must end with the tracking number still in its output, at `shipment.tracking`.',
    hints: [
      'Change `Ship` from `"End": true` to `"Next": "Notify"`, and add a state `Notify` of type Task with `"End": true` (copy `Ship` and change its function name).',
      'Without a `ResultPath`, Notify\'s result `{"sent": true}` becomes the whole output. Give it `"ResultPath": "$.notification"`.',
    ],
    start: {
      definition: {
        Comment: 'An order, one step after another',
        StartAt: 'Validate',
        States: {
          Validate: task('validate', { ResultPath: '$.validation', Next: 'Charge' }),
          Charge: task('charge', { ResultPath: '$.payment', Next: 'Ship' }),
          Ship: task('ship', { ResultPath: '$.shipment', End: true }),
        },
      },
      input: { orderId: 'A-1', total: 42 },
      mocks: {
        Validate: { result: { valid: true }, latency: 0.5 },
        Charge: { result: { chargeId: 'ch_81' }, latency: 2 },
        Ship: { result: { tracking: '1Z999' }, latency: 1.5 },
        Notify: { result: { sent: true }, latency: 0.5 },
      },
    },
    solution: {
      definition: {
        Comment: 'An order, one step after another',
        StartAt: 'Validate',
        States: {
          Validate: task('validate', { ResultPath: '$.validation', Next: 'Charge' }),
          Charge: task('charge', { ResultPath: '$.payment', Next: 'Ship' }),
          Ship: task('ship', { ResultPath: '$.shipment', Next: 'Notify' }),
          Notify: task('notify', { ResultPath: '$.notification', End: true }),
        },
      },
    },
    check([run]) {
      const notify = run.succeeded('Notify')[0];
      const ship = run.succeeded('Ship')[0];
      const tracking = run.output?.shipment?.tracking;
      const called = [...new Set(run.spans.filter((s) => s.kind === 'attempt').map((s) => s.state))];
      let order;
      if (!notify) order = line(false, `Notify never ran: the run called ${called.join(', ') || 'no task'} and ended at ${secs(run.ms)}.`);
      else if (!ship) order = line(false, `Notify ran at ${secs(notify.startMs)}, but Ship never completed; Notify must come after it.`);
      else if (notify.startMs < ship.endMs) order = line(false, `Notify started at ${secs(notify.startMs)}, before Ship ended at ${secs(ship.endMs)}; it must come after it.`);
      else order = line(true, `Notify ran from ${secs(notify.startMs)} to ${secs(notify.endMs)}, after Ship ended at ${secs(ship.endMs)}.`);
      return [
        succeeds(run),
        order,
        line(
          tracking === '1Z999',
          tracking === '1Z999'
            ? 'The output still has shipment.tracking "1Z999".'
            : `The output's shipment.tracking is ${short(tracking)}; it must be "1Z999". The output was ${short(run.output)}.`,
        ),
      ];
    },
  },

  {
    id: 'parallel-longest',
    title: 'Parallel: as long as the longest branch',
    text: [
      "Steps that do not need each other's results need not wait for each other. A `Parallel` state runs all of its `Branches` at the same time. Each branch is a small workflow of its own, with a `StartAt` and `States`.",
      'The Parallel state ends when its last branch ends, so it takes as long as its slowest branch, not the sum of them all. The timeline draws each branch in a lane of its own.',
      'This order runs four independent steps one after another: 2 + 1.5 + 1 + 1 = 5.5 s.',
    ],
    exercise: 'Make this order finish in under 4 s without removing a task: Charge, Reserve, Email and Invoice must all still run and succeed.',
    hints: [
      'Put the tasks in one Parallel state. Each one becomes the only state of its own branch, and ends its branch with `"End": true`.',
      'A branch looks like `{"StartAt": "Charge", "States": {"Charge": {…, "End": true}}}`. The Parallel state itself gets `"End": true` (or a `Next`).',
    ],
    start: {
      definition: {
        Comment: 'Four independent steps of an order, run one after another',
        StartAt: 'Charge',
        States: {
          Charge: task('charge', { ResultPath: '$.payment', Next: 'Reserve' }),
          Reserve: task('reserve', { ResultPath: '$.stock', Next: 'Email' }),
          Email: task('email', { ResultPath: '$.email', Next: 'Invoice' }),
          Invoice: task('invoice', { ResultPath: '$.invoice', End: true }),
        },
      },
      input: { orderId: 'A-2', items: 3 },
      mocks: {
        Charge: { result: { chargeId: 'ch_82' }, latency: 2 },
        Reserve: { result: { reserved: true }, latency: 1.5 },
        Email: { result: { sent: true }, latency: 1 },
        Invoice: { result: { invoice: 'INV-2' }, latency: 1 },
      },
    },
    solution: {
      definition: {
        Comment: 'Four independent steps of an order, run at the same time',
        StartAt: 'Fulfil',
        States: {
          Fulfil: {
            Type: 'Parallel',
            Branches: [
              branch('Charge', task('charge', { End: true })),
              branch('Reserve', task('reserve', { End: true })),
              branch('Email', task('email', { End: true })),
              branch('Invoice', task('invoice', { End: true })),
            ],
            End: true,
          },
        },
      },
    },
    check([run]) {
      const tasks = ['Charge', 'Reserve', 'Email', 'Invoice'];
      const peak = run.peakTasks();
      return [
        succeeds(run),
        allRan(run, tasks),
        line(run.ms < 4000, `It took ${secs(run.ms)}; the goal is under 4 s. At the busiest moment ${peak} task${peak === 1 ? '' : 's'} ran at once.`),
      ];
    },
  },

  {
    id: 'parallel-data',
    title: 'What a Parallel returns',
    text: [
      "Every branch gets a copy of the Parallel's input. When all are done, the Parallel's result is an array: the output of the first branch, then of the second, in the order the branches are written, whichever finished first.",
      'By default that array replaces the state\'s input, and the order\'s own data is gone. Two fields shape it. `ResultSelector` builds a new object from the result, picking values by path (`"price.$": "$[0].Payload.price"`). `ResultPath` then says where in the input to put it (`"$.quote"`), keeping the rest.',
      "These Tasks use the `lambda:invoke` integration, whose result wraps the function's answer in `Payload`, beside the status code. Run it and look at the output.",
    ],
    exercise: 'Make the output of this workflow exactly `{"orderId": "A-3", "quote": {"price": 42, "stock": 7}}`: the price from the first branch, the stock from the second.',
    hints: [
      'Run it once as it is: the output is an array of two Lambda responses. `$[0].Payload.price` is the price, `$[1].Payload.stock` the stock.',
      'On the Parallel state: `"ResultSelector": {"price.$": "$[0].Payload.price", "stock.$": "$[1].Payload.stock"}` and `"ResultPath": "$.quote"`.',
    ],
    start: {
      definition: {
        Comment: 'Price and stock, looked up at the same time',
        StartAt: 'Lookups',
        States: {
          Lookups: {
            Type: 'Parallel',
            Branches: [
              branch('GetPrice', { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'get-price', 'Payload.$': '$' }, End: true }),
              branch('GetStock', { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'get-stock', 'Payload.$': '$' }, End: true }),
            ],
            End: true,
          },
        },
      },
      input: { orderId: 'A-3' },
      mocks: {
        GetPrice: { result: { StatusCode: 200, Payload: { price: 42, currency: 'EUR' } }, latency: 1 },
        GetStock: { result: { StatusCode: 200, Payload: { sku: 'B-2', stock: 7 } }, latency: 0.5 },
      },
    },
    solution: {
      definition: {
        Comment: 'Price and stock, looked up at the same time',
        StartAt: 'Lookups',
        States: {
          Lookups: {
            Type: 'Parallel',
            Branches: [
              branch('GetPrice', { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'get-price', 'Payload.$': '$' }, End: true }),
              branch('GetStock', { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'get-stock', 'Payload.$': '$' }, End: true }),
            ],
            ResultSelector: { 'price.$': '$[0].Payload.price', 'stock.$': '$[1].Payload.stock' },
            ResultPath: '$.quote',
            End: true,
          },
        },
      },
    },
    check([run]) {
      const want = { orderId: 'A-3', quote: { price: 42, stock: 7 } };
      const ok = run.status === 'SUCCEEDED' && same(run.output, want);
      return [succeeds(run), line(ok, ok ? `The output is ${short(run.output)}.` : `The output was ${short(run.output)}; it must be ${short(want)}.`)];
    },
  },

  {
    id: 'choice-after-parallel',
    title: 'A Choice after a Parallel',
    text: [
      "A `Choice` state picks the next state from its input. After a Parallel, that input is whatever the Parallel made of its branches' results, so shape it first (as in the lesson before) to give the rule one clear field to read.",
      'A rule compares a field with a value: `{"Variable": "$.checks.score", "NumericGreaterThan": 80, "Next": "ManualReview"}`. The first rule that matches wins, and `Default` is taken when none does. A Choice state has no `End` and no `Next` of its own: every way out is named in a rule or in `Default`.',
      'Here the fraud check and the stock check run side by side, and the order then ships, whatever the score.',
    ],
    exercise:
      'Send risky orders to a person: after `Checks`, an order whose fraud score is above 80 must go to `ManualReview` (its mock is ready), any other to `Ship`. The check runs your workflow twice: with the mocks as they are (score 20), and with `FraudScore` answering a score of 95.',
    hints: [
      'Point `Checks` at a new Choice state (`"Next": "Route"`), and give `Route` a rule and a `Default`.',
      '`"Route": {"Type": "Choice", "Choices": [{"Variable": "$.checks.score", "NumericGreaterThan": 80, "Next": "ManualReview"}], "Default": "Ship"}`, and a Task `ManualReview` with `"End": true`.',
    ],
    start: {
      definition: {
        Comment: 'Fraud and stock checks, then shipping',
        StartAt: 'Checks',
        States: {
          Checks: {
            Type: 'Parallel',
            Branches: [branch('FraudScore', task('fraud-score', { End: true })), branch('StockCheck', task('stock-check', { End: true }))],
            ResultSelector: { 'score.$': '$[0].score', 'inStock.$': '$[1].inStock' },
            ResultPath: '$.checks',
            Next: 'Ship',
          },
          Ship: task('ship', { ResultPath: '$.shipment', End: true }),
        },
      },
      input: { orderId: 'A-4', total: 180 },
      mocks: {
        FraudScore: { result: { score: 20 }, latency: 1 },
        StockCheck: { result: { inStock: true }, latency: 0.5 },
        Ship: { result: { tracking: '1Z444' }, latency: 1 },
        ManualReview: { result: { queued: true }, latency: 0.5 },
      },
    },
    scenarios: [{ label: 'FraudScore answering a score of 95', mocks: { FraudScore: { result: { score: 95 }, latency: 1 } } }],
    solution: {
      definition: {
        Comment: 'Fraud and stock checks, then shipping or a person',
        StartAt: 'Checks',
        States: {
          Checks: {
            Type: 'Parallel',
            Branches: [branch('FraudScore', task('fraud-score', { End: true })), branch('StockCheck', task('stock-check', { End: true }))],
            ResultSelector: { 'score.$': '$[0].score', 'inStock.$': '$[1].inStock' },
            ResultPath: '$.checks',
            Next: 'Route',
          },
          Route: { Type: 'Choice', Choices: [{ Variable: '$.checks.score', NumericGreaterThan: 80, Next: 'ManualReview' }], Default: 'Ship' },
          ManualReview: task('manual-review', { ResultPath: '$.review', End: true }),
          Ship: task('ship', { ResultPath: '$.shipment', End: true }),
        },
      },
    },
    check([safe, risky]) {
      const where = (run) =>
        [run.visited('Ship') ? 'Ship' : null, run.visited('ManualReview') ? 'ManualReview' : null].filter(Boolean).join(' and ') || 'neither Ship nor ManualReview';
      return [
        succeeds(safe, 'With a score of 20, the run'),
        line(safe.visited('Ship') && !safe.visited('ManualReview'), `With a score of 20 the order went to ${where(safe)}; it must go to Ship only.`),
        succeeds(risky, 'With a score of 95, the run'),
        line(risky.visited('ManualReview') && !risky.visited('Ship'), `With a score of 95 the order went to ${where(risky)}; it must go to ManualReview only.`),
      ];
    },
  },

  {
    id: 'failing-branch',
    title: 'A failing branch stops its siblings',
    text: [
      'When a state inside a branch fails and nothing in the branch handles the error, the branch fails, and so does the whole Parallel state. Step Functions then stops the branches that are still running: their work is abandoned, and the timeline shows them cut short.',
      "Here the welcome email bounces after 1 s, and the 3-second charge is stopped before it completes. The run fails with the email's error.",
      "A `Catch` on a state inside the branch handles the error where it happens: the branch moves on to the catcher's `Next` state and ends normally, and the other branches never notice.",
    ],
    exercise:
      'The email is nice to have; the charge is not. Keep the order alive when the email branch fails: the run must succeed and `Charge` must complete. The email must still be tried.',
    hints: [
      'Give `Email` a `Catch`: `[{"ErrorEquals": ["States.ALL"], "Next": "EmailSkipped"}]`.',
      'The catcher\'s target must be in the same branch: add `"EmailSkipped": {"Type": "Pass", "End": true}` next to `Email`.',
    ],
    start: {
      definition: {
        Comment: 'Charge and a welcome email, side by side',
        StartAt: 'Fulfil',
        States: {
          Fulfil: {
            Type: 'Parallel',
            Branches: [branch('Charge', task('charge', { End: true })), branch('Email', task('email', { End: true }))],
            Next: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      },
      input: { orderId: 'A-5', email: 'ana@example.com' },
      mocks: {
        Charge: { result: { chargeId: 'ch_85' }, latency: 3 },
        Email: { error: 'Email.Bounced', cause: 'mailbox full', latency: 1 },
      },
    },
    solution: {
      definition: {
        Comment: 'Charge and a welcome email, side by side',
        StartAt: 'Fulfil',
        States: {
          Fulfil: {
            Type: 'Parallel',
            Branches: [
              branch('Charge', task('charge', { End: true })),
              {
                StartAt: 'Email',
                States: {
                  Email: task('email', { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'EmailSkipped' }], End: true }),
                  EmailSkipped: { Type: 'Pass', End: true },
                },
              },
            ],
            Next: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      },
    },
    check([run]) {
      const charge = run.attempts('Charge').at(-1);
      const emails = run.attempts('Email').length;
      return [
        succeeds(run),
        line(
          charge?.status === 'succeeded',
          charge
            ? `Charge ran from ${secs(charge.startMs)} to ${secs(charge.endMs)} and ${charge.status === 'succeeded' ? 'completed' : `was ${charge.status}`}.`
            : 'Charge never ran.',
        ),
        line(emails > 0, emails ? `The email was tried (${emails} call${emails === 1 ? '' : 's'}).` : 'The email was never tried; it must be.'),
      ];
    },
  },

  {
    id: 'catch-parallel',
    title: 'Catch on the Parallel',
    text: [
      'Sometimes one failed branch should fail the whole step, and the workflow should then go another way. A `Catch` on the Parallel state itself does that: once the failing branch has stopped its siblings, the catcher sends the run on to its `Next` state.',
      'The error reaches the catcher as an object, `{"Error": …, "Cause": …}`. Without `ResultPath`, that object replaces the state\'s input. With `"ResultPath": "$.error"`, it is put beside the input instead, so the next state sees both the order and what went wrong.',
      'Here the card is declined after 1 s, the stock reservation is stopped, and the run fails.',
    ],
    exercise:
      'When the payment is declined, send the order to `NotifySupport` (its mock is ready) instead of failing. `NotifySupport` must receive the order id and the error, as `{"orderId": "A-6", "error": {"Error": "Payment.Declined", …}, …}`, and `Ship` must not run.',
    hints: [
      'Add `"Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifySupport"}]` to `CheckOut`.',
      'Add a Task `NotifySupport` with `"End": true` at the top level, next to `Ship`.',
    ],
    start: {
      definition: {
        Comment: 'Charge and reserve, then ship',
        StartAt: 'CheckOut',
        States: {
          CheckOut: {
            Type: 'Parallel',
            Branches: [branch('Charge', task('charge', { End: true })), branch('Reserve', task('reserve', { End: true }))],
            ResultPath: '$.checkout',
            Next: 'Ship',
          },
          Ship: task('ship', { ResultPath: '$.shipment', End: true }),
        },
      },
      input: { orderId: 'A-6', total: 99 },
      mocks: {
        Charge: { error: 'Payment.Declined', cause: 'card expired', latency: 1 },
        Reserve: { result: { reserved: true }, latency: 2 },
        Ship: { result: { tracking: '1Z666' }, latency: 1 },
        NotifySupport: { result: { ticket: 'T-6' }, latency: 0.5 },
      },
    },
    solution: {
      definition: {
        Comment: 'Charge and reserve, then ship; a failure goes to support',
        StartAt: 'CheckOut',
        States: {
          CheckOut: {
            Type: 'Parallel',
            Branches: [branch('Charge', task('charge', { End: true })), branch('Reserve', task('reserve', { End: true }))],
            ResultPath: '$.checkout',
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifySupport' }],
            Next: 'Ship',
          },
          Ship: task('ship', { ResultPath: '$.shipment', End: true }),
          NotifySupport: task('notify-support', { End: true }),
        },
      },
    },
    check([run]) {
      const visit = run.visits('NotifySupport')[0];
      const got = visit?.input;
      const idOk = got?.orderId === 'A-6';
      const errOk = got?.error?.Error === 'Payment.Declined';
      return [
        succeeds(run),
        line(visit, visit ? `NotifySupport ran, at ${secs(visit.startMs)}.` : 'NotifySupport never ran.'),
        line(
          idOk && errOk,
          visit
            ? `NotifySupport received ${short(got)}${idOk && errOk ? '.' : '; it must hold "orderId": "A-6" and "error" with "Error": "Payment.Declined".'}`
            : 'NotifySupport must receive the order id and the error.',
        ),
        line(!run.visited('Ship'), run.visited('Ship') ? 'Ship ran; a declined order must not ship.' : 'Ship did not run.'),
      ];
    },
  },

  {
    id: 'retry-backoff',
    title: 'Retry and back-off inside a branch',
    text: [
      'Some failures go away if you wait: a throttled API, a busy database. A `Retry` on a state tries it again. A retrier lists the errors it handles (`ErrorEquals`), the wait before the first retry (`IntervalSeconds`, 1 by default), how many retries at most (`MaxAttempts`, 3 by default), and by how much each wait grows (`BackoffRate`, 2 by default: 1 s, then 2 s, then 4 s).',
      'A retry inside a branch keeps that branch alive while it waits; the other branches carry on. The Parallel still ends with its slowest branch, which may now be the one that retried. The timeline draws each wait as a back-off.',
      'Here the stock service answers `Inventory.Throttled` twice before it succeeds, and each call takes 0.5 s.',
    ],
    exercise: 'Retry `Reserve` so that the order succeeds, and keep the whole run within 5 s, the time the charge takes anyway.',
    hints: [
      '`"Retry": [{"ErrorEquals": ["Inventory.Throttled"]}]` on `Reserve` uses the defaults.',
      'Count it out: a call of 0.5 s, a wait, a call, a longer wait, a call. Waits of 1 s then 2 s give 4.5 s in all; 2 s then 4 s give 7.5 s.',
    ],
    start: {
      definition: {
        Comment: 'Charge and reserve stock, side by side',
        StartAt: 'CheckOut',
        States: {
          CheckOut: {
            Type: 'Parallel',
            Branches: [branch('Charge', task('charge', { End: true })), branch('Reserve', task('reserve', { End: true }))],
            End: true,
          },
        },
      },
      input: { orderId: 'A-7', sku: 'B-2' },
      mocks: {
        Charge: { result: { chargeId: 'ch_87' }, latency: 5 },
        Reserve: [
          { error: 'Inventory.Throttled', cause: 'slow down', latency: 0.5 },
          { error: 'Inventory.Throttled', cause: 'slow down', latency: 0.5 },
          { result: { reserved: true }, latency: 0.5 },
        ],
      },
    },
    solution: {
      definition: {
        Comment: 'Charge and reserve stock, side by side',
        StartAt: 'CheckOut',
        States: {
          CheckOut: {
            Type: 'Parallel',
            Branches: [
              branch('Charge', task('charge', { End: true })),
              branch('Reserve', task('reserve', { Retry: [{ ErrorEquals: ['Inventory.Throttled'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }], End: true })),
            ],
            End: true,
          },
        },
      },
    },
    check([run]) {
      const calls = run.attempts('Reserve');
      const waits = run.backoffs('Reserve');
      const waited = waits.map((w) => secs((w.endMs ?? w.startMs) - w.startMs)).join(' and ');
      return [
        succeeds(run),
        line(
          calls.some((c) => c.status === 'succeeded'),
          `Reserve was called ${calls.length} time${calls.length === 1 ? '' : 's'}${waits.length ? `, waiting ${waited} between calls` : ''}${calls.some((c) => c.status === 'succeeded') ? ', and its last call succeeded.' : '; it never succeeded.'}`,
        ),
        line(run.status === 'SUCCEEDED' && run.ms <= 5000, `The run took ${secs(run.ms)}; the goal is at most 5 s.`),
      ];
    },
  },

  {
    id: 'timeout',
    title: 'TimeoutSeconds',
    text: [
      'A Task waits for its answer as long as the answer takes, unless you set `TimeoutSeconds`. When that time passes with no answer, the Task fails with the error `States.Timeout`, which `Retry` and `Catch` handle like any other error.',
      'Inside a Parallel, one slow service holds up the whole state: the Parallel waits for its slowest branch, however unimportant.',
      'Here the shipping quote takes 30 s to answer, and the order waits for it.',
    ],
    exercise: 'Give up on the quote after 3 s and use a flat rate of `{"price": 5}` instead. The order must ship with that rate (Ship receives it) and finish within 4 s.',
    hints: [
      'On `Quote`: `"TimeoutSeconds": 3` and `"Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "FlatRate"}]`.',
      'In the same branch: `"FlatRate": {"Type": "Pass", "Result": {"price": 5}, "End": true}`.',
    ],
    start: {
      definition: {
        Comment: 'Charge while getting a shipping quote, then ship',
        StartAt: 'Prepare',
        States: {
          Prepare: {
            Type: 'Parallel',
            Branches: [branch('Charge', task('charge', { End: true })), branch('Quote', task('shipping-quote', { End: true }))],
            Next: 'Ship',
          },
          Ship: task('ship', { End: true }),
        },
      },
      input: { orderId: 'A-8', weightKg: 2 },
      mocks: {
        Charge: { result: { chargeId: 'ch_88' }, latency: 2 },
        Quote: { result: { price: 9 }, latency: 30 },
        Ship: { result: { tracking: '1Z888' }, latency: 1 },
      },
    },
    solution: {
      definition: {
        Comment: 'Charge while getting a shipping quote, then ship',
        StartAt: 'Prepare',
        States: {
          Prepare: {
            Type: 'Parallel',
            Branches: [
              branch('Charge', task('charge', { End: true })),
              {
                StartAt: 'Quote',
                States: {
                  Quote: task('shipping-quote', { TimeoutSeconds: 3, Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'FlatRate' }], End: true }),
                  FlatRate: { Type: 'Pass', Result: { price: 5 }, End: true },
                },
              },
            ],
            Next: 'Ship',
          },
          Ship: task('ship', { End: true }),
        },
      },
    },
    check([run]) {
      const timedOut = run.eventsOf(/TimedOut$/).filter((e) => e.type !== 'ExecutionTimedOut');
      const ship = run.visits('Ship')[0];
      const flat = ship && holds(ship.input, (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && v.price === 5);
      return [
        succeeds(run),
        line(
          timedOut.length > 0,
          timedOut.length
            ? `The history has ${timedOut.length} ${timedOut[0].type} event${timedOut.length === 1 ? '' : 's'}, at ${secs(timedOut[0].ms)}.`
            : 'No Task timed out: the history has no …TimedOut event.',
        ),
        line(flat, ship ? `Ship received ${short(ship.input)}${flat ? '.' : '; it must hold the flat rate {"price": 5}.'}` : 'Ship never ran.'),
        line(run.status === 'SUCCEEDED' && run.ms <= 4000, `The run took ${secs(run.ms)}; the goal is at most 4 s.`),
      ];
    },
  },

  {
    id: 'map-concurrency',
    title: 'Map and MaxConcurrency',
    text: [
      "A `Map` state runs the same steps for every item of an array. Its `ItemProcessor` is a small workflow, and each item gets an iteration of its own: a lane in the timeline. The Map's result is the array of every iteration's output, in the order of the items.",
      'Without a cap, the iterations start together. `MaxConcurrency` caps how many run at the same time: with a cap of 2 and six items, two start, and each time one finishes the next item starts. When every item takes as long, that makes rounds: six items, two at a time, three rounds.',
      'Here six photos are resized, 2 s each, all at once.',
    ],
    exercise: 'The image service takes at most 3 calls at a time. Cap the Map so that no more than 3 resizes run at once, and still resize all 6 photos within 4 s.',
    hints: ['Add `"MaxConcurrency": …` to the Map state `ResizeAll`.', 'Six photos, three at a time, 2 s each: two rounds, 4 s. With 2 at a time it would be three rounds, 6 s.'],
    start: {
      definition: {
        Comment: 'Resize every photo',
        StartAt: 'ResizeAll',
        States: {
          ResizeAll: {
            Type: 'Map',
            ItemsPath: '$.photos',
            ItemProcessor: { StartAt: 'Resize', States: { Resize: task('resize', { End: true }) } },
            End: true,
          },
        },
      },
      input: { photos: ['beach.jpg', 'dune.jpg', 'pier.jpg', 'reef.jpg', 'surf.jpg', 'tide.jpg'] },
      mocks: { Resize: { result: { resized: true }, latency: 2 } },
    },
    solution: {
      definition: {
        Comment: 'Resize every photo, three at a time',
        StartAt: 'ResizeAll',
        States: {
          ResizeAll: {
            Type: 'Map',
            ItemsPath: '$.photos',
            MaxConcurrency: 3,
            ItemProcessor: { StartAt: 'Resize', States: { Resize: task('resize', { End: true }) } },
            End: true,
          },
        },
      },
    },
    check([run]) {
      const done = run.succeeded('Resize').length;
      const peak = run.peakTasks('Resize');
      return [
        succeeds(run),
        line(done === 6, `${done} of the 6 photos were resized.`),
        line(peak <= 3 && done > 0, `At the busiest moment ${peak} resize${peak === 1 ? '' : 's'} ran at once; the goal is at most 3.`),
        line(run.status === 'SUCCEEDED' && run.ms <= 4000, `The run took ${secs(run.ms)}; the goal is at most 4 s.`),
      ];
    },
  },

  {
    id: 'distributed-map',
    title: 'Distributed Map and tolerated failures',
    text: [
      'A Map in distributed mode (`"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}` in its `ItemProcessor`) runs each iteration as a child workflow execution, with a history of its own. It is made for big jobs: thousands of items at a time, read from S3 if need be.',
      'In a big job, a few items will fail. By default a single failed item fails the whole Map. `ToleratedFailureCount` (a number of items) or `ToleratedFailurePercentage` (a share of them) lets the Map succeed while the failures stay within the limit. Past it, the Map fails with `States.ExceedToleratedFailureThreshold`.',
      'Here one photo of ten is corrupt, and the whole batch fails.',
    ],
    exercise:
      'Let the batch succeed when at most 1 photo in 10 fails, but not when more do. The check runs your workflow twice: with the mocks as they are (1 corrupt photo), and with a second corrupt photo, which must fail the run.',
    hints: ['The tolerance goes on the Map state itself, beside `ItemsPath`.', '`"ToleratedFailureCount": 1` does it, and so does `"ToleratedFailurePercentage": 10`.'],
    start: {
      definition: {
        Comment: 'Resize ten photos in child workflows',
        StartAt: 'ResizeAll',
        States: {
          ResizeAll: {
            Type: 'Map',
            ItemsPath: '$.photos',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Resize',
              States: { Resize: task('resize', { End: true }) },
            },
            End: true,
          },
        },
      },
      input: { photos: ['p01.jpg', 'p02.jpg', 'p03.jpg', 'p04.jpg', 'p05.jpg', 'p06.jpg', 'p07.jpg', 'p08.jpg', 'p09.jpg', 'p10.jpg'] },
      mocks: {
        Resize: [
          { result: { resized: true }, latency: 1 },
          { result: { resized: true }, latency: 1 },
          { result: { resized: true }, latency: 1 },
          { error: 'Image.Corrupt', cause: 'not a JPEG', latency: 0.5 },
          { result: { resized: true }, latency: 1 },
        ],
      },
    },
    scenarios: [
      {
        label: 'a second corrupt photo',
        mocks: {
          Resize: [
            { result: { resized: true }, latency: 1 },
            { result: { resized: true }, latency: 1 },
            { result: { resized: true }, latency: 1 },
            { error: 'Image.Corrupt', cause: 'not a JPEG', latency: 0.5 },
            { result: { resized: true }, latency: 1 },
            { result: { resized: true }, latency: 1 },
            { error: 'Image.Corrupt', cause: 'not a JPEG', latency: 0.5 },
            { result: { resized: true }, latency: 1 },
          ],
        },
      },
    ],
    solution: {
      definition: {
        Comment: 'Resize ten photos in child workflows; one may fail',
        StartAt: 'ResizeAll',
        States: {
          ResizeAll: {
            Type: 'Map',
            ItemsPath: '$.photos',
            ToleratedFailureCount: 1,
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Resize',
              States: { Resize: task('resize', { End: true }) },
            },
            End: true,
          },
        },
      },
    },
    check([one, two]) {
      const failed = (run) => run.attempts('Resize').filter((s) => s.status === 'failed').length;
      return [
        succeeds(one, 'With 1 corrupt photo, the run'),
        line(failed(one) >= 1, `With 1 corrupt photo, ${failed(one)} resize${failed(one) === 1 ? '' : 's'} failed and ${one.succeeded('Resize').length} succeeded.`),
        line(
          two.status !== 'SUCCEEDED',
          two.status === 'SUCCEEDED' ? `With 2 corrupt photos the run succeeded in ${secs(two.ms)}; it must fail.` : `With 2 corrupt photos the run ${two.ending}, as it must.`,
        ),
      ];
    },
  },

  {
    id: 'batching',
    title: 'Batches in a Distributed Map',
    text: [
      'By default a Distributed Map gives every item a child execution of its own, each with its own start and its own history. When the work per item is small, hand each child a group of items instead: with `"ItemBatcher": {"MaxItemsPerBatch": 10}`, a child gets `{"Items": […]}` with up to 10 items.',
      '`MaxConcurrency` works here too, and caps how many children run at the same time.',
      'Here 30 photos are tagged, one call each.',
    ],
    exercise: 'Tag the 30 photos in at most 3 calls to `Tag`, each call getting at most 10 photos, and all 30 tagged.',
    hints: ['Add `"ItemBatcher": {"MaxItemsPerBatch": 10}` to the Map state.', 'Each call to `Tag` then receives `{"Items": [ten photos]}`.'],
    start: {
      definition: {
        Comment: 'Tag every photo in child workflows',
        StartAt: 'TagAll',
        States: {
          TagAll: {
            Type: 'Map',
            ItemsPath: '$.photos',
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
              StartAt: 'Tag',
              States: { Tag: task('tag', { End: true }) },
            },
            End: true,
          },
        },
      },
      input: { photos: Array.from({ length: 30 }, (_, i) => `p${String(i + 1).padStart(2, '0')}.jpg`) },
      mocks: { Tag: { result: { tagged: true }, latency: 1 } },
    },
    solution: {
      definition: {
        Comment: 'Tag every photo in child workflows, ten at a time',
        StartAt: 'TagAll',
        States: {
          TagAll: {
            Type: 'Map',
            ItemsPath: '$.photos',
            ItemBatcher: { MaxItemsPerBatch: 10 },
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
              StartAt: 'Tag',
              States: { Tag: task('tag', { End: true }) },
            },
            End: true,
          },
        },
      },
    },
    check([run]) {
      const visits = run.visits('Tag');
      const sizes = visits.map((v) => (Array.isArray(v.input?.Items) ? v.input.Items.length : 1));
      const total = sizes.reduce((a, b) => a + b, 0);
      const most = Math.max(0, ...sizes);
      return [
        succeeds(run),
        line(visits.length > 0 && visits.length <= 3, `Tag was called ${visits.length} time${visits.length === 1 ? '' : 's'}; the goal is at most 3.`),
        line(visits.length > 0 && most <= 10, `The largest call got ${most} photo${most === 1 ? '' : 's'}; the goal is at most 10.`),
        line(total === 30 && run.succeeded('Tag').length === visits.length, `${total} photos went to Tag in all; all 30 must.`),
      ];
    },
  },

  {
    id: 'jsonata-variables',
    title: 'JSONata and variables',
    text: [
      'With `"QueryLanguage": "JSONata"`, the fields of a state take JSONata expressions between `{%` and `%}`. In them, `$states.input` is the state\'s input and `$states.result` a Task\'s result. `Arguments` is what a Task sends; `Output` is what the state passes on.',
      '`Assign` keeps values in variables, which any later state reads as `$name`, however many states come between. A state that assigns reads the values from before it; the new ones are there from the next state on.',
      'Here `LoadCustomer` passes on only the customer record, so the cart is gone by the time `Receipt` runs.',
    ],
    exercise:
      'Make the receipt `{"to": "ana@example.com", "total": 27.5}`: the customer\'s email, and the cart\'s total (price times quantity, added up). Keep what you need in a variable with `Assign`.',
    hints: [
      'On `LoadCustomer`, `"Assign": {"items": "{% $states.input.items %}"}`: there, `$states.input` is still the order.',
      'In `Receipt`: `"total": "{% $sum($items.(price * qty)) %}"`.',
    ],
    start: {
      definition: {
        Comment: 'A receipt for an order',
        QueryLanguage: 'JSONata',
        StartAt: 'LoadCustomer',
        States: {
          LoadCustomer: task('load-customer', { Arguments: { id: '{% $states.input.customerId %}' }, Output: '{% $states.result %}', Next: 'Receipt' }),
          Receipt: { Type: 'Pass', Output: { to: '{% $states.input.email %}', total: 0 }, End: true },
        },
      },
      input: {
        customerId: 'c-9',
        items: [
          { sku: 'MUG', price: 10, qty: 2 },
          { sku: 'TEA', price: 7.5, qty: 1 },
        ],
      },
      mocks: { LoadCustomer: { result: { name: 'Ana', email: 'ana@example.com', tier: 'gold' }, latency: 0.5 } },
    },
    solution: {
      definition: {
        Comment: 'A receipt for an order',
        QueryLanguage: 'JSONata',
        StartAt: 'LoadCustomer',
        States: {
          LoadCustomer: task('load-customer', {
            Arguments: { id: '{% $states.input.customerId %}' },
            Assign: { items: '{% $states.input.items %}' },
            Output: '{% $states.result %}',
            Next: 'Receipt',
          }),
          Receipt: { Type: 'Pass', Output: { to: '{% $states.input.email %}', total: '{% $sum($items.(price * qty)) %}' }, End: true },
        },
      },
    },
    check([run]) {
      const want = { to: 'ana@example.com', total: 27.5 };
      const ok = run.status === 'SUCCEEDED' && same(run.output, want);
      const vars = run.assignedVariables();
      return [
        succeeds(run),
        line(ok, ok ? `The output is ${short(run.output)}.` : `The output was ${short(run.output)}; it must be ${short(want)}.`),
        line(
          vars.length > 0,
          vars.length ? `The history shows variables assigned: ${vars.map((v) => `$${v}`).join(', ')}.` : 'The history shows no variable assigned; use Assign.',
        ),
      ];
    },
  },

  {
    id: 'cost',
    title: 'What a run costs: state transitions',
    text: [
      'Standard workflows are billed by state transitions: each state the run enters counts, and in a Map that is once per item. (Express workflows are billed by requests and duration instead.) The result line below counts transitions as the playground does, one for each state entered.',
      "A Pass state that only reshapes data is a transition like any other, on every item. The fields of the states that do the work can often reshape for free: `ItemSelector` shapes each item before its iteration starts, `ResultSelector` shapes a Task's result, and `ResultPath` puts it in place.",
      'Here each of three photos goes through a Pass, a Task and another Pass: 11 transitions in all.',
    ],
    exercise: 'Give the same output with at most 5 state transitions. Every photo must still be resized by `Resize`, which must receive `{"key": <the file>, "width": 800}`.',
    hints: [
      'On the Map: `"ItemSelector": {"key.$": "$$.Map.Item.Value.file", "width": 800}` does what `Normalize` does, before each iteration starts.',
      'On `Resize`: `"ResultSelector": {"url.$": "$.url"}` does what `Shape` does. Then `Resize` can be the only state of the iteration, with `"End": true`.',
    ],
    start: {
      definition: {
        Comment: 'Thumbnails for an album',
        StartAt: 'Thumbnails',
        States: {
          Thumbnails: {
            Type: 'Map',
            ItemsPath: '$.photos',
            ItemProcessor: {
              StartAt: 'Normalize',
              States: {
                Normalize: { Type: 'Pass', Parameters: { 'key.$': '$.file', width: 800 }, Next: 'Resize' },
                Resize: task('resize', { Next: 'Shape' }),
                Shape: { Type: 'Pass', Parameters: { 'url.$': '$.url' }, End: true },
              },
            },
            ResultPath: '$.thumbnails',
            Next: 'Summary',
          },
          Summary: { Type: 'Pass', Parameters: { 'album.$': '$.album', 'thumbnails.$': '$.thumbnails' }, End: true },
        },
      },
      input: {
        album: 'trip',
        photos: [
          { file: 'a.jpg', w: 4000 },
          { file: 'b.jpg', w: 3000 },
          { file: 'c.jpg', w: 5000 },
        ],
      },
      mocks: {
        Resize: [
          { result: { url: 'https://cdn.example.com/trip/a-800.jpg', bytes: 81234, requestId: 'r-1' }, latency: 1 },
          { result: { url: 'https://cdn.example.com/trip/b-800.jpg', bytes: 64120, requestId: 'r-2' }, latency: 1 },
          { result: { url: 'https://cdn.example.com/trip/c-800.jpg', bytes: 90377, requestId: 'r-3' }, latency: 1 },
        ],
      },
    },
    solution: {
      definition: {
        Comment: 'Thumbnails for an album',
        StartAt: 'Thumbnails',
        States: {
          Thumbnails: {
            Type: 'Map',
            ItemsPath: '$.photos',
            ItemSelector: { 'key.$': '$$.Map.Item.Value.file', width: 800 },
            ItemProcessor: { StartAt: 'Resize', States: { Resize: task('resize', { ResultSelector: { 'url.$': '$.url' }, End: true }) } },
            ResultPath: '$.thumbnails',
            Next: 'Summary',
          },
          Summary: { Type: 'Pass', Parameters: { 'album.$': '$.album', 'thumbnails.$': '$.thumbnails' }, End: true },
        },
      },
    },
    check([run]) {
      const want = {
        album: 'trip',
        thumbnails: [{ url: 'https://cdn.example.com/trip/a-800.jpg' }, { url: 'https://cdn.example.com/trip/b-800.jpg' }, { url: 'https://cdn.example.com/trip/c-800.jpg' }],
      };
      const ok = run.status === 'SUCCEEDED' && same(run.output, want);
      const inputs = run.visits('Resize').map((v) => v.input);
      const keys = ['a.jpg', 'b.jpg', 'c.jpg'];
      const fed = inputs.length === 3 && keys.every((k) => inputs.some((i) => i && i.key === k && i.width === 800));
      return [
        succeeds(run),
        line(ok, ok ? 'The output is the same as before.' : `The output was ${short(run.output)}; it must be ${short(want)}.`),
        line(
          fed,
          `Resize was called ${inputs.length} time${inputs.length === 1 ? '' : 's'}${inputs.length ? `, with ${short(inputs[0])}${inputs.length > 1 ? ' first' : ''}` : ''}${fed ? '.' : '; each photo must be resized once, with {"key": <file>, "width": 800}.'}`,
        ),
        line(run.transitions <= 5, `The run made ${run.transitions} state transitions; the goal is at most 5.`),
      ];
    },
  },
];

/** The lesson with this id, or undefined. */
export const lessonById = (id) => LESSONS.find((l) => l.id === id);

/** A lesson's runs' mocks: the user's, with a scenario's entries put in their place. */
export function scenarioMocks(mocks, scenario) {
  const out = {};
  if (mocks && typeof mocks === 'object' && !Array.isArray(mocks))
    for (const [k, v] of Object.entries(mocks)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of Object.entries(scenario.mocks || {})) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Judge runs (engine results) of a lesson's workflow: {pass, lines}. */
export function judge(lesson, results) {
  const lines = lesson.check(results.map((r) => new Run(r)));
  return { pass: lines.every((l) => l.ok), lines };
}
