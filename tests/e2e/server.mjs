// A small static file server for www/ on 127.0.0.1 (a free port), for the end-to-end tests
// and scripts/measure-page.mjs. Logs every path served, so a test can list what the page loaded.
// As scripts/serve.py does, it sends each page's Content-Security-Policy (its <meta>'s) as a
// header too, and the engine worker's policy.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../../www/', import.meta.url)));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

// The engine worker (worker.js) loads its modules and the wasm from this site, and compiles it.
const WORKER_POLICY = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";

function policyOf(file, body) {
  if (extname(file) === '.html') return /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(body.toString('utf8'))?.[1];
  return file.endsWith(`${sep}worker.js`) ? WORKER_POLICY : undefined;
}

/**
 * Start serving; resolves {url, port, served: [{path, bytes, file, at (Date.now() when asked)}], pages, close()}. pages: a Map
 * of path -> HTML that a test serves beside www/ (a host page, say), with no policy. cors:
 * www/'s files are sent with Access-Control-Allow-Origin: *, as a CDN sends them.
 */
export function serve({ root = ROOT, port = 0, cors = false } = {}) {
  const served = [];
  const pages = new Map();
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (pages.has(path)) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(pages.get(path));
        return;
      }
      let file = normalize(join(root, path));
      if (!file.startsWith(root)) throw Object.assign(new Error('outside'), { code: 'ENOENT' });
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      served.push({ path, bytes: body.length, file, at: Date.now() });
      const policy = policyOf(file, body);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] || 'application/octet-stream',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        ...(cors ? { 'access-control-allow-origin': '*' } : {}),
        ...(policy ? { 'content-security-policy': policy } : {}),
      });
      res.end(body);
    } catch (e) {
      res.writeHead(e.code === 'ENOENT' || e.code === 'ENOTDIR' ? 404 : 500, { 'content-type': 'text/plain' });
      res.end(String(e.code || e.message));
    }
  });
  return new Promise((ok, fail) => {
    server.on('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const p = server.address().port;
      ok({ url: `http://127.0.0.1:${p}/`, port: p, served, pages, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const s = await serve({ port: Number(process.env.PORT || 0) });
  console.log(`serving www/ on ${s.url}`);
}
