// Shareable links: the work (definition, input, mocks, settings) deflated and base64url-coded
// into the URL hash (#w=...). Nothing leaves the browser.

function toB64url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64url(text) {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

export async function encodeWork(work) {
  const bytes = new TextEncoder().encode(JSON.stringify({ v: 1, ...work }));
  return toB64url(await pipe(bytes, new CompressionStream('deflate-raw')));
}

/** Decode a hash made by encodeWork; throws a clear Error when it is damaged. */
export async function decodeWork(code) {
  let bytes;
  try {
    bytes = await pipe(fromB64url(code), new DecompressionStream('deflate-raw'));
  } catch {
    throw new Error('the shared link is damaged (it does not decompress); was it cut short?');
  }
  const work = JSON.parse(new TextDecoder().decode(bytes));
  if (!work || typeof work !== 'object' || typeof work.definition !== 'string') throw new Error('the shared link does not hold a workflow');
  return work;
}
