// The files a run reads and writes in Amazon S3's place, as the page handles them. No DOM.
//
// One source of truth: the mocks' `Files` section (`{"Files": {"bucket": {"key": "text"}}}`),
// which the engine reads (src/files/, the CLI's mock configuration too). The Files tab is a
// view of that section: what it adds, edits, renames or deletes is written back into the
// mocks' text, so the files are kept, shared, exported and generated (derive writes a Files
// section for an ItemReader) exactly as the mocks are. A Step Functions Local mock file has
// no such section: its runs read no files.
//
// The files a run wrote (a ResultWriter's manifest.json and SUCCEEDED_0.json, putObject) are
// in its result's `files` (the same shape), shown apart and read-only until the user keeps
// them (copied into the section).

/** Set an own property, whatever its name (`__proto__` is a key too). */
function setOwn(obj, key, value) {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Why `name` is not an S3 bucket name, or null (as src/files/mod.rs's bad_bucket_name). */
export function badBucketName(name) {
  if (typeof name !== 'string' || name.length < 3 || name.length > 63) return 'a bucket name is 3 to 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'a bucket name holds only lowercase letters, digits, dots and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'a bucket name starts and ends with a letter or a digit';
  return null;
}

/** The longest object key S3 accepts, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** UTF-8 length of a text. */
export const byteLength = (text) => new TextEncoder().encode(text).length;

/** Why `key` is not an object key, or null. */
export function badKey(key) {
  if (typeof key !== 'string' || key.length === 0) return 'an object key is not empty';
  if (byteLength(key) > MAX_KEY_BYTES) return `an object key is at most ${MAX_KEY_BYTES} bytes long`;
  return null;
}

/**
 * The files of the mocks' text: {kind, files, why?}. kind: 'files' (a short-form mock file:
 * `files` is its Files section, each content as text: a JSON value as the engine writes it,
 * compact), 'sfn-local' (a Step Functions Local file: no files), 'invalid' (the text is no
 * JSON object: `why`).
 */
export function filesOf(mocksText) {
  let mocks;
  try {
    mocks = mocksText.trim() === '' ? {} : JSON.parse(mocksText);
  } catch (e) {
    return { kind: 'invalid', files: {}, why: `the mocks are not JSON (${e.message})` };
  }
  if (mocks === null) mocks = {};
  if (typeof mocks !== 'object' || Array.isArray(mocks)) return { kind: 'invalid', files: {}, why: 'the mocks are not a JSON object' };
  if ('StateMachines' in mocks || 'MockedResponses' in mocks) return { kind: 'sfn-local', files: {} };
  const section = mocks.Files;
  const files = {};
  if (section === undefined) return { kind: 'files', files };
  if (!section || typeof section !== 'object' || Array.isArray(section)) return { kind: 'invalid', files, why: 'the mocks’ Files is not an object of buckets' };
  for (const [bucket, objects] of Object.entries(section)) {
    if (!objects || typeof objects !== 'object' || Array.isArray(objects))
      return { kind: 'invalid', files: {}, why: `the bucket '${bucket}' of the mocks’ Files is not an object of keys` };
    const b = {};
    for (const [key, content] of Object.entries(objects)) setOwn(b, key, typeof content === 'string' ? content : JSON.stringify(content));
    setOwn(files, bucket, b);
  }
  return { kind: 'files', files };
}

/**
 * The mocks' text with `files` as its Files section (none when there is no bucket), the rest of
 * the mocks as they were (pretty-printed). Throws when the text is no short-form mock file.
 */
export function withFiles(mocksText, files) {
  const { kind, why } = filesOf(mocksText);
  if (kind === 'sfn-local') throw new Error('the mocks are a Step Functions Local configuration, which holds no files');
  if (kind === 'invalid') throw new Error(why);
  const mocks = mocksText.trim() === '' ? {} : JSON.parse(mocksText) || {};
  const out = {};
  for (const [k, v] of Object.entries(mocks)) if (k !== 'Files') setOwn(out, k, v);
  if (Object.keys(files).length) setOwn(out, 'Files', files);
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** A copy of `files` with the object bucket/key set to `text` (the bucket made if new). */
export function putFile(files, bucket, key, text) {
  const out = {};
  for (const [b, objects] of Object.entries(files)) setOwn(out, b, { ...objects });
  if (!Object.hasOwn(out, bucket)) setOwn(out, bucket, {});
  setOwn(out[bucket], key, text);
  return out;
}

/** A copy of `files` without bucket/key (a bucket left empty goes too). */
export function removeFile(files, bucket, key) {
  const out = {};
  for (const [b, objects] of Object.entries(files)) {
    const o = {};
    for (const [k, v] of Object.entries(objects)) if (!(b === bucket && k === key)) setOwn(o, k, v);
    if (Object.keys(o).length || b !== bucket) setOwn(out, b, o);
  }
  return out;
}

/** A copy of `files` with bucket/key moved to toBucket/toKey (over what was there). */
export function renameFile(files, bucket, key, toBucket, toKey) {
  const text = files[bucket]?.[key];
  if (text === undefined) return files;
  return putFile(removeFile(files, bucket, key), toBucket, toKey, text);
}

/** Every object of `files`, in the order given: [{bucket, key, text, bytes}]. */
export function listFiles(files) {
  const out = [];
  for (const [bucket, objects] of Object.entries(files || {})) {
    for (const [key, text] of Object.entries(objects)) out.push({ bucket, key, text, bytes: byteLength(text) });
  }
  return out;
}

/** What a file holds, by its key's extension (and its text for JSON): 'csv' | 'json' | 'jsonl' | 'text'. */
export function fileKind(key) {
  const ext = /\.([a-z0-9]+)$/i.exec(key)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  if (ext === 'json') return 'json';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  return 'text';
}

/**
 * The buckets and keys a definition's ItemReaders (and S3 Tasks) name with a literal value:
 * [{bucket, key?}], in the definition's order. A file dropped goes where the workflow reads.
 */
export function readLocations(definition) {
  const out = [];
  const seen = new Set();
  const visit = (v) => {
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    const reader = v.ItemReader;
    const args = reader && typeof reader === 'object' ? reader.Parameters || reader.Arguments : null;
    if (args && typeof args.Bucket === 'string' && !badBucketName(args.Bucket)) {
      const loc = { bucket: args.Bucket, key: typeof args.Key === 'string' && !args.Key.includes('{%') ? args.Key : null };
      const id = `${loc.bucket}\u0000${loc.key}`;
      if (!seen.has(id)) {
        seen.add(id);
        out.push(loc);
      }
    }
    for (const x of Object.values(v)) visit(x);
  };
  visit(definition);
  return out;
}

/**
 * Where a file named `name` goes when dropped or pasted: the ItemReader's location that reads
 * a key of that name or the same kind, else the first bucket of the files or of the
 * definition, under the file's name. {bucket, key}.
 */
export function placeFor(name, files, definition) {
  const locations = readLocations(definition);
  const same = locations.find((l) => l.key === name) || locations.find((l) => l.key && fileKind(l.key) === fileKind(name) && !files[l.bucket]?.[l.key]);
  if (same) return { bucket: same.bucket, key: same.key };
  const bucket = Object.keys(files)[0] || locations[0]?.bucket || 'my-bucket';
  return { bucket, key: name };
}

/** A key not used in `bucket` yet: `name`, else `name` with -2, -3... before its extension. */
export function freeKey(files, bucket, name) {
  const have = files[bucket] || {};
  if (!Object.hasOwn(have, name)) return name;
  const m = /^(.*?)(\.[^./]*)?$/.exec(name);
  for (let i = 2; ; i++) {
    const k = `${m[1]}-${i}${m[2] || ''}`;
    if (!Object.hasOwn(have, k)) return k;
  }
}

/** The files a run wrote (its result's `files`), as listFiles gives them. */
export const writtenFiles = (result) => listFiles(result?.files && typeof result.files === 'object' ? result.files : {});
