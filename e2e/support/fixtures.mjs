// Every Playwright test imports `test` from here: a fixture records every
// request of every page in the test's browser context, and after the test
// checks the product's one invariant for every secret the test used:
//  - each password only in its own provider's sign-in body; the Siminars
//    plaintext never at all (raw, URL-encoded, JSON-escaped or base64), only
//    its digest, and that only to Siminars' /authtoken;
//  - each token only to its own provider (Authorization header, or Siminars'
//    authtoken), never in a URL;
//  - no secret in localStorage, cookies, IndexedDB, the URL, the DOM (input
//    values included), the console or any lab-login:* event; tokens in
//    sessionStorage only.
// It counts the requests it inspected into e2e/test-results/, which
// `cargo xtask test` adds up.
import { test as base, expect } from '@playwright/test';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export { expect };

/** The demo accounts' passwords, by provider (the emulator's README table). */
export const PASSWORDS = {
  nomad: ['ada-demo-pw', 'newbie-demo-pw', 'bulk-demo-pw', 'outsider-demo-pw'],
  nemo: ['nemo-demo-pw'],
  siminars: ['Hello', 'pässwörd-demo'],
  nebula: ['nebula-demo-pw'],
};
const SIMINARS_ACCOUNTS = [['piyush@siminars.com', 'Hello'], ['marie@siminars.example', 'pässwörd-demo']];
const md5 = (s) => crypto.createHash('md5').update(s, 'utf8').digest('hex');
const DIGESTS = SIMINARS_ACCOUNTS.map(([email, pw]) => md5(email.toLowerCase() + pw));
const SIGN_IN_PATHS = { nomad: /\/auth\/token$/, nemo: /\/login$/, siminars: /\/authtoken$/, nebula: /\/login$/ };
const PROVIDER_PATH = { nomad: /\/nomad\//, nemo: /\/nemo\//, siminars: /\/siminars/, nebula: /\/nebula\// };

/** Every way a browser could carry `secret` in a body or URL. */
function encodings(secret) {
  return [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64')];
}

function providerOf(url) {
  return Object.keys(PROVIDER_PATH).find((p) => PROVIDER_PATH[p].test(new URL(url).pathname));
}

export const test = base.extend({
  secretGuard: [async ({ context }, use, testInfo) => {
    const requests = [];
    const tokens = new Map(); // token → { provider, origin } (the origin that issued it, or null: any)
    const consoleLines = [];
    const watch = (page) => {
      page.on('request', (r) => requests.push({ url: r.url(), method: r.method(), headers: r.headers(), body: r.postData() || '' }));
      page.on('console', (m) => consoleLines.push(m.text()));
      page.on('response', async (r) => {
        const provider = providerOf(r.url());
        if (!provider || !SIGN_IN_PATHS[provider].test(new URL(r.url()).pathname) || r.request().method() !== 'POST') return;
        try {
          const body = await r.json();
          const origin = new URL(r.url()).origin;
          for (const t of [body.access_token, body.jwt, body.data?.authtoken, body.data?.jwtToken, body.refresh_token, body.id_token]) {
            if (typeof t === 'string' && t.length > 8) tokens.set(t, { provider, origin });
          }
        } catch { /* not JSON: nothing issued */ }
      });
    };
    // Demo personal access tokens are typed by tests, not issued by a sign-in.
    const MEMORY_ONLY = ['nomad_pat_demoReadAll_x7Qm2Lr9Tc4Vb8Np1Hs6Kd3Fg5Jw0Ya', 'nomad_pat_demoNoUploads_Z4pT8sQ1vX6nB3mR7kL2wE9cY5', 'ak_demoKey_W4KL0Rw8Rv6Mp7h7fY77dFgHDl'];
    tokens.set(MEMORY_ONLY[0], { provider: 'nomad', origin: null });
    tokens.set(MEMORY_ONLY[1], { provider: 'nomad', origin: null });
    tokens.set(MEMORY_ONLY[2], { provider: 'nebula', origin: null });
    context.pages().forEach(watch);
    context.on('page', watch);
    await context.addInitScript(() => {
      window.__labLoginEvents = [];
      for (const n of ['lab-login:signed-in', 'lab-login:signed-out', 'lab-login:error']) {
        document.addEventListener(n, (e) => window.__labLoginEvents.push(JSON.stringify(e.detail)), true);
      }
    });
    await use({ tokens });

    const problems = [];
    const passwords = Object.entries(PASSWORDS).flatMap(([p, list]) => list.map((pw) => [p, pw]));
    for (const r of requests) {
      const { pathname } = new URL(r.url);
      const provider = providerOf(r.url);
      for (const [p, pw] of passwords) {
        for (const form of encodings(pw)) {
          if (r.url.includes(form)) problems.push(`${p} password in a URL: ${r.method} ${pathname}`);
          if (r.body.includes(form)) {
            if (p === 'siminars') problems.push(`the Siminars plaintext was sent: ${r.method} ${pathname}`);
            else if (provider !== p || !SIGN_IN_PATHS[p].test(pathname)) problems.push(`${p} password sent to ${r.method} ${pathname}`);
          }
        }
      }
      for (const d of DIGESTS) {
        if (r.url.includes(d)) problems.push(`the Siminars digest in a URL: ${pathname}`);
        if (r.body.includes(d) && (provider !== 'siminars' || !/\/authtoken$/.test(pathname) || r.method !== 'POST')) problems.push(`the Siminars digest sent to ${r.method} ${pathname}`);
      }
      for (const [t, { provider: p, origin }] of tokens) {
        if (r.url.includes(t)) problems.push(`a ${p} token in a URL: ${pathname}`);
        const carried = (r.headers.authorization || '').includes(t) || r.body.includes(t);
        if (carried && (provider !== p || (origin && new URL(r.url).origin !== origin))) problems.push(`a ${p} token sent to ${r.method} ${r.url}`);
      }
      if (r.headers.cookie) problems.push(`a cookie was sent to ${pathname}`);
    }
    const secrets = [...passwords.map(([, pw]) => pw), ...DIGESTS];
    for (const page of context.pages()) {
      if (page.isClosed()) continue;
      let state;
      try {
        state = await page.evaluate(async () => ({
          url: location.href,
          local: JSON.stringify({ ...localStorage }),
          session: JSON.stringify({ ...sessionStorage }),
          cookies: document.cookie,
          dom: document.documentElement.outerHTML + [...document.querySelectorAll('input')].map((i) => i.value).join(' ')
            + [...document.querySelectorAll('lab-login')].map((e) => e.shadowRoot ? e.shadowRoot.innerHTML + [...e.shadowRoot.querySelectorAll('input')].map((i) => i.value).join(' ') : '').join(' '),
          events: (window.__labLoginEvents || []).join(' '),
          idb: indexedDB.databases ? (await indexedDB.databases()).length : 0,
        }));
      } catch { continue; }
      if (state.local !== '{}') problems.push('localStorage is not empty');
      if (state.cookies) problems.push('the page has cookies');
      if (state.idb) problems.push('the page made an IndexedDB database');
      for (const s of secrets) {
        for (const [where, text] of [['the URL', state.url], ['sessionStorage', state.session], ['the DOM', state.dom], ['a lab-login event', state.events]]) {
          if (text.includes(s)) problems.push(`a password or digest in ${where}`);
        }
      }
      for (const t of MEMORY_ONLY) if (state.session.includes(t)) problems.push('a key or personal access token in sessionStorage');
      for (const [t] of tokens) {
        for (const [where, text] of [['the URL', state.url], ['the DOM', state.dom], ['a lab-login event', state.events], ['localStorage', state.local]]) {
          if (text.includes(t)) problems.push(`a token in ${where}`);
        }
      }
    }
    for (const line of consoleLines) for (const s of [...secrets, ...tokens.keys()]) if (line.includes(s)) problems.push('a secret in the console');
    const dir = path.join(testInfo.project.outputDir || 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    fs.appendFileSync(path.join(dir, 'inspected.txt'), `${requests.length}\n`);
    expect([...new Set(problems)], `secrets out of place in ${requests.length} requests`).toEqual([]);
  }, { auto: true }],
});
