// A mock lab portal for the embedding tests: a real HTTP server on 127.0.0.1
// that serves the built bundle under a versioned path, pages in other folders,
// files a test swaps in (decoys, tampered copies), and a pass-through to the
// emulator for same-origin endpoints. It records every request it gets.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export const DIST = process.env.LAB_LOGIN_DIST;
/** The teaching bundle (flow inspector, demo controls): same file names. */
export const TEACHING_DIST = process.env.LAB_LOGIN_TEACHING_DIST;
export const EMU = process.env.LAB_LOGIN_EMULATOR;
export const BUNDLE_PATH = '/static/lab-login/0.1.0/';

const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.html': 'text/html; charset=utf-8' };

export function sri(bytes) {
  return `sha384-${crypto.createHash('sha384').update(bytes).digest('base64')}`;
}

export function bundleFile(name, dist = DIST) {
  return fs.readFileSync(path.join(dist, name));
}

/** The configuration that puts every provider at the emulator. */
export function emulatorConfig(extra = {}) {
  return {
    nomad: { url: `${EMU}/nomad/api/v1` },
    nemo: { url: `${EMU}/nemo/v1` },
    siminars: { url: `${EMU}/siminars`, apitoken: '2' },
    nebula: { url: `${EMU}/nebula/api/v1` },
    ...extra,
  };
}

/** A JSON file for `startPortal`'s `files` (a `lab-login.json`, say). */
export function jsonFile(value) {
  return { body: JSON.stringify(value), headers: { 'content-type': 'application/json' } };
}

/** A page that loads the bundle the way the README tells portal owners to. */
export function portalPage({ body = '<div data-lab-login></div>', entryIntegrity = sri(bundleFile('lab-login.js')), head = '' } = {}) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Project 42 — Lab portal</title>
<script type="module" src="${BUNDLE_PATH}lab-login.js" integrity="${entryIntegrity}" crossorigin="anonymous"></script>${head}
</head><body><h1>Project 42</h1>${body}</body></html>`;
}

/**
 * Starts a server. `files` maps a path to a string or Buffer (or to
 * `{ body, headers }`); the bundle (from `dist`, the embeddable one unless
 * given) is there under BUNDLE_PATH unless replaced.
 * Paths under `proxy` prefixes are passed on to the emulator.
 */
export async function startPortal({ files = {}, headers = {}, proxy = [], dist = DIST } = {}) {
  const table = new Map();
  for (const name of ['lab-login.js', 'lab-login.wasm', 'lab-login.css']) table.set(BUNDLE_PATH + name, bundleFile(name, dist));
  for (const [p, v] of Object.entries(files)) table.set(p, v);
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push({ method: req.method, path: url.pathname });
    if (proxy.some((prefix) => url.pathname.startsWith(prefix))) {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const forwarded = {};
      for (const h of ['content-type', 'authorization']) if (req.headers[h]) forwarded[h] = req.headers[h];
      const answer = await fetch(EMU + req.url, { method: req.method, headers: forwarded, body: chunks.length ? Buffer.concat(chunks) : undefined });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') || 'text/plain', ...headers });
      res.end(Buffer.from(await answer.arrayBuffer()));
      return;
    }
    if (url.pathname === '/favicon.ico') { res.writeHead(204, headers); res.end(); return; }
    const entry = table.get(url.pathname);
    if (entry === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain', ...headers });
      res.end('not found');
      return;
    }
    const { body, headers: own = {} } = typeof entry === 'object' && !Buffer.isBuffer(entry) ? entry : { body: entry };
    res.writeHead(200, { 'content-type': TYPES[path.extname(url.pathname)] || 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers, ...own });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, requests, close: () => new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); }) };
}
