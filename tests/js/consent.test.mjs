// Consent to user code (app/model/consent.js): each function's source found in the mocks text,
// as the page runs it, with the characters that hold it; hashes; and frame.html's origin list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { functionLiterals, overlaps, sha256 } from '../../www/app/model/consent.js';
import { splitMocks } from '../../www/app/model/mocks.js';
import { parseOrigins } from '../../www/app/lib/origins.js';
import { functionSettings } from '../../www/app/sandbox.js';

test('functionLiterals finds what splitMocks runs, with where its JSON string is', () => {
  const text = `{
  "A": {"function": "async (x) => ({ \\"q\\": \\"\\\\u00e9\\" })", "latency": 2},
  "B": {"result": {"function": "not a mock function"}},
  "__proto__": {"function": "async () => 1"},
  "C": [{"function": "async () => 2"}],
  "D": {"function": 7},
  "E": {"function": "first", "function": "async () => 'last'"},
  "A b": {"function": "async () => ['x', \\"y\\"]"}
}`;
  const found = functionLiterals(text);
  const { functions } = splitMocks(JSON.parse(text));
  assert.deepEqual(
    found.map((f) => [f.state, f.source]),
    Object.entries(functions),
  );
  for (const f of found) assert.equal(JSON.parse(text.slice(f.from, f.to)), f.source);
  assert.deepEqual(
    found.map((f) => f.state),
    ['A', '__proto__', 'E', 'A b'],
  );
  assert.deepEqual(functionLiterals('{"A": {"function": "x"'), [], 'not JSON: nothing');
  assert.deepEqual(functionLiterals('{"MockedResponses": {}, "A": {"function": "x"}}'), [], 'the Step Functions Local form has no functions');
  assert.deepEqual(functionLiterals('[1, 2]'), []);
});

test('overlaps: any character in common', () => {
  assert.equal(overlaps([[0, 5]], 5, 9), false);
  assert.equal(overlaps([[0, 5]], 4, 9), true);
  assert.equal(overlaps([[10, 12]], 0, 10), false);
  assert.equal(overlaps([], 0, 10), false);
});

test('sha256 is the SHA-256 of the UTF-8 text, in hex', async () => {
  for (const s of ['', 'async () => 1', 'é 🐛']) assert.equal(await sha256(s), createHash('sha256').update(s, 'utf8').digest('hex'));
});

test("a function's latency is a number of seconds, said by state when it is not", () => {
  const mocks = { A: { function: 'x', latency: 1.5 }, B: { function: 'y' } };
  assert.deepEqual(functionSettings(mocks, { A: 'x', B: 'y' }), { A: { latency: 1.5 }, B: { latency: 0 } });
  assert.throws(
    () => functionSettings({ A: { function: 'x', latency: [1, 2] } }, { A: 'x' }),
    /the latency of state 'A' \(a function\) must be a number of seconds, 0 or more, not \[1,2\]/,
  );
  assert.throws(() => functionSettings({ A: { function: 'x', latency: -1 } }, { A: 'x' }), /not -1/);
});

test("frame.html's origin list: normalised, and '*' or anything but one origin refused with a message", () => {
  assert.deepEqual(parseOrigins('https://Docs.Example.com/, http://localhost:8080,https://docs.example.com'), {
    origins: ['https://docs.example.com', 'http://localhost:8080'],
    problems: [],
  });
  assert.deepEqual(parseOrigins(null), { origins: [], problems: [] });
  const { origins, problems } = parseOrigins('*, https://ok.example, example.com, ftp://x.example, https://x.example/page, https://x.example?q, https://u:p@x.example');
  assert.deepEqual(origins, ['https://ok.example']);
  assert.equal(problems.length, 6, problems.join('\n'));
  assert.match(problems[0], /origin '\*' is refused/);
  assert.match(problems[1], /'example.com' is not an origin/);
  assert.match(problems[2], /'ftp:\/\/x.example' is not an http or https origin/);
  assert.match(problems[3], /'https:\/\/x.example\/page' has more than an origin .*write https:\/\/x.example/);
  assert.match(problems[4], /'https:\/\/x.example\?q' has more than an origin/);
  assert.match(problems[5], /'https:\/\/u:p@x.example' has more than an origin/);
});
