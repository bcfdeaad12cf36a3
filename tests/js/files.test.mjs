// The page's files model (www/app/model/files.js): the Files tab is a view of the mocks'
// `Files` section, so what it writes must read back the same, leave the other mocks alone, and
// be what the engine reads (www/statelab.js, the full engine in www/pkg/full/), whose result
// names the files the run wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../www/statelab.js';
import {
  filesOf,
  withFiles,
  putFile,
  removeFile,
  renameFile,
  listFiles,
  writtenFiles,
  fileKind,
  placeFor,
  freeKey,
  badBucketName,
  badKey,
  readLocations,
} from '../../www/app/model/files.js';

test('filesOf reads the Files section as text, and says when there can be none', () => {
  assert.deepEqual(filesOf(''), { kind: 'files', files: {} });
  assert.deepEqual(filesOf('{"A": {"result": 1}}'), { kind: 'files', files: {} });
  const { kind, files } = filesOf('{"Files": {"b-1": {"a.csv": "x,y\\n1,2", "v.json": [1, {"k": 2}]}, "empty": {}}}');
  assert.equal(kind, 'files');
  // A JSON value is its compact text, as the engine writes it.
  assert.deepEqual(files, { 'b-1': { 'a.csv': 'x,y\n1,2', 'v.json': '[1,{"k":2}]' }, empty: {} });
  assert.equal(filesOf('{"StateMachines": {}}').kind, 'sfn-local');
  assert.equal(filesOf('{"Files": [1]}').kind, 'invalid');
  assert.equal(filesOf('{"Files": {"b": 3}}').kind, 'invalid');
  assert.equal(filesOf('[1]').kind, 'invalid');
  assert.match(filesOf('{').why, /not JSON/);
});

test('withFiles writes the section and keeps the mocks; no bucket, no section', () => {
  const mocks = '{"Load": {"result": {"n": 1}, "latency": 2}, "Files": {"old": {"k": "v"}}}';
  const text = withFiles(mocks, { data: { 'items.csv': 'a,b\n1,2\n' } });
  const back = JSON.parse(text);
  assert.deepEqual(back.Load, { result: { n: 1 }, latency: 2 });
  assert.deepEqual(back.Files, { data: { 'items.csv': 'a,b\n1,2\n' } });
  assert.deepEqual(filesOf(text).files, { data: { 'items.csv': 'a,b\n1,2\n' } });
  assert.equal('Files' in JSON.parse(withFiles(mocks, {})), false);
  assert.deepEqual(JSON.parse(withFiles('', { bkt: { k: 't' } })), { Files: { bkt: { k: 't' } } });
  // A state named __proto__ stays a state.
  const proto = withFiles('{"__proto__": {"result": 1}}', { bkt: { k: 't' } });
  assert.deepEqual(Object.keys(JSON.parse(proto)), ['__proto__', 'Files']);
  assert.throws(() => withFiles('{"MockedResponses": {}}', {}), /Step Functions Local/);
  assert.throws(() => withFiles('{', {}), /not JSON/);
});

test('put, remove and rename do not change the files given', () => {
  const a = { b1: { x: '1' } };
  const b = putFile(a, 'b2', 'y', '2');
  assert.deepEqual(a, { b1: { x: '1' } });
  assert.deepEqual(b, { b1: { x: '1' }, b2: { y: '2' } });
  assert.deepEqual(removeFile(b, 'b2', 'y'), { b1: { x: '1' } }); // the bucket left empty goes
  assert.deepEqual(removeFile({ b1: {} }, 'b2', 'y'), { b1: {} }); // another empty bucket stays
  assert.deepEqual(renameFile(b, 'b1', 'x', 'b2', 'z'), { b2: { y: '2', z: '1' } });
  assert.equal(renameFile(b, 'b1', 'nope', 'b2', 'z'), b);
  assert.deepEqual(
    listFiles({ b: { 'é.txt': 'é' } }).map((f) => [f.bucket, f.key, f.bytes]),
    [['b', 'é.txt', 2]],
  );
  assert.equal(freeKey({ b: { 'a.csv': '', 'a-2.csv': '' } }, 'b', 'a.csv'), 'a-3.csv');
  assert.equal(freeKey({}, 'b', 'a.csv'), 'a.csv');
});

test('names: buckets and keys as S3 takes them; kinds by extension', () => {
  assert.equal(badBucketName('my-bucket.1'), null);
  assert.ok(badBucketName('ab'));
  assert.ok(badBucketName('My-Bucket'));
  assert.ok(badBucketName('-bucket'));
  assert.equal(badKey('a/b.csv'), null);
  assert.ok(badKey(''));
  assert.ok(badKey('x'.repeat(1025)));
  assert.deepEqual(['a.CSV', 'b.json', 'c.jsonl', 'd.txt', 'e'].map(fileKind), ['csv', 'json', 'jsonl', 'text', 'text']);
});

const DEFINITION = {
  StartAt: 'Rows',
  States: {
    Rows: {
      Type: 'Map',
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
        Parameters: { Bucket: 'data-bucket', Key: 'orders.csv' },
      },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'results-bucket', Prefix: 'out' } },
      End: true,
    },
  },
};

test('a dropped file goes where the ItemReader reads', () => {
  assert.deepEqual(readLocations(DEFINITION), [{ bucket: 'data-bucket', key: 'orders.csv' }]);
  assert.deepEqual(placeFor('orders.csv', {}, DEFINITION), { bucket: 'data-bucket', key: 'orders.csv' });
  // Another CSV takes the reader's key while it has none; then its own name.
  assert.deepEqual(placeFor('mine.csv', {}, DEFINITION), { bucket: 'data-bucket', key: 'orders.csv' });
  assert.deepEqual(placeFor('mine.csv', { 'data-bucket': { 'orders.csv': 'x' } }, DEFINITION), { bucket: 'data-bucket', key: 'mine.csv' });
  assert.deepEqual(placeFor('notes.txt', {}, null), { bucket: 'my-bucket', key: 'notes.txt' });
});

test('the engine reads the files the model wrote and names the files the run wrote', async () => {
  const mocks = withFiles('{}', putFile({ 'results-bucket': {} }, 'data-bucket', 'orders.csv', 'id,total\n1,10\n2,20\n3,30\n'));
  const result = await simulate(DEFINITION, {}, mocks, { history: false });
  assert.equal(result.status, 'SUCCEEDED', result.cause);
  const wrote = writtenFiles(result);
  assert.deepEqual(wrote.map((f) => `${f.bucket}/${f.key.replace(/\/[^/]+\//, '/RUN/')}`).sort(), [
    'results-bucket/out/RUN/SUCCEEDED_0.json',
    'results-bucket/out/RUN/manifest.json',
  ]);
  const succeeded = JSON.parse(wrote.find((f) => f.key.endsWith('SUCCEEDED_0.json')).text);
  assert.deepEqual(
    succeeded.map((r) => JSON.parse(r.Output)),
    [
      { id: '1', total: '10' },
      { id: '2', total: '20' },
      { id: '3', total: '30' },
    ],
  );
  // A run that writes nothing has no `files`.
  const none = await simulate({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, {}, '{}', { history: false });
  assert.equal(none.files, undefined);
  assert.deepEqual(writtenFiles(none), []);
});
