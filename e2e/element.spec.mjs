// The <lab-login> element, the div form and the mount() API, as a portal uses
// them: against the output of `cargo xtask dist`, served by a mock portal.
import { test, expect } from './support/fixtures.mjs';
import { signIn as signInWith } from './support/flows.mjs';
import { startPortal, portalPage, emulatorConfig, BUNDLE_PATH, EMU, DIST, jsonFile } from './support/portal.mjs';

test.skip(!EMU || !DIST, 'needs the emulator and the built bundle: run through `cargo xtask test`');

const PAGE = '/portal/';
const PASSWORDS = { nomad: 'ada-demo-pw', nemo: 'nemo-demo-pw', siminars: 'Hello', nebula: 'nebula-demo-pw' };
const USERS = { nomad: 'ada', nemo: 'jdoe', siminars: 'piyush@siminars.com', nebula: 'demo@nebula.example' };
const TABS = { nomad: 'NOMAD', nemo: 'NeMO Archive', siminars: 'Siminars', nebula: 'Nebula Block' };

let portal;
test.afterEach(async () => { await portal?.close(); portal = undefined; });

/** Opens a portal page with `body`, recording every lab-login event, timer and console line. */
async function open(page, body, { head = '', files = {} } = {}) {
  portal = await startPortal({
    files: {
      [PAGE]: portalPage({ body, head }),
      [`${BUNDLE_PATH}lab-login.json`]: jsonFile(emulatorConfig()),
      ...files,
    },
  });
  await page.addInitScript(() => {
    window.__events = [];
    for (const name of ['lab-login:signed-in', 'lab-login:signed-out', 'lab-login:error']) {
      document.addEventListener(name, (e) => window.__events.push({ name, target: e.target.id, detail: JSON.parse(JSON.stringify(e.detail)), composed: e.composed, bubbles: e.bubbles }), true);
    }
    // Live intervals, to prove that a removed widget leaves no timer behind.
    window.__intervals = new Set();
    const set = window.setInterval.bind(window), clear = window.clearInterval.bind(window);
    window.setInterval = (...a) => { const id = set(...a); window.__intervals.add(id); return id; };
    window.clearInterval = (id) => { window.__intervals.delete(id); clear(id); };
  });
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => consoleLines.push({ type: 'pageerror', text: e.message }));
  await page.goto(portal.origin + PAGE);
  return consoleLines;
}

async function signIn(widget, provider) {
  await signInWith(widget, TABS[provider], USERS[provider], PASSWORDS[provider]);
  await expect(widget.getByTestId(`session-${provider}`)).toBeVisible();
}

const events = (page) => page.evaluate(() => window.__events);

test('widgets with different providers are independent; widgets sharing one share its session, across a reload', async ({ page }) => {
  await open(page, `
    <lab-login id="a" providers="nomad,siminars"></lab-login>
    <lab-login id="b" providers="nemo"></lab-login>
    <div id="c" data-lab-login data-providers="nomad"></div>`);
  const [a, b, c] = ['#a', '#b', '#c'].map((s) => page.locator(s));
  await expect(b.getByRole('tab')).toHaveText(['NeMO Archive']);
  await expect(a.getByRole('tab')).toHaveText(['NOMAD', 'Siminars']);
  await signIn(a, 'nomad');
  await expect(c.getByTestId('session-nomad')).toBeVisible();
  await expect(b.getByTestId('session-nomad')).toHaveCount(0);
  await signIn(b, 'nemo');
  await expect(a.getByTestId('session-nemo')).toHaveCount(0);
  let seen = await events(page);
  expect(seen.filter((e) => e.name === 'lab-login:signed-in').map((e) => `${e.target}:${e.detail.provider}:${e.detail.restored}`).sort())
    .toEqual(['a:nomad:false', 'b:nemo:false', 'c:nomad:false']);

  await page.reload();
  await expect(page.locator('#a').getByTestId('session-nomad')).toBeVisible();
  await expect(page.locator('#c').getByTestId('session-nomad')).toBeVisible();
  await expect(page.locator('#b').getByTestId('session-nemo')).toBeVisible();
  // Announced a frame after the widgets show them.
  await expect.poll(async () => (await events(page)).map((e) => `${e.target}:${e.detail.provider}:${e.detail.restored}`).sort())
    .toEqual(['a:nomad:true', 'b:nemo:true', 'c:nomad:true']);

  await page.locator('#c').getByTestId('sign-out-nomad').click();
  await expect(page.locator('#a').getByTestId('session-nomad')).toHaveCount(0);
  await expect(page.locator('#b').getByTestId('session-nemo')).toBeVisible();
  seen = (await events(page)).filter((e) => e.name === 'lab-login:signed-out');
  expect(seen.map((e) => `${e.target}:${e.detail.provider}:${e.detail.reason}`).sort()).toEqual(['a:nomad:user', 'c:nomad:user']);
});

test('an expired Siminars token waits in storage for a page whose widget can give it back', async ({ page }) => {
  const deletes = [];
  page.on('request', (r) => { if (r.method() === 'DELETE' && r.url().endsWith('/siminars/authtoken')) deletes.push(r.url()); });
  await open(page, '<lab-login id="s" providers="siminars"></lab-login>', {
    files: { '/nomad-only/': portalPage({ body: '<lab-login id="n" providers="nomad"></lab-login>' }) },
  });
  await signIn(page.locator('#s'), 'siminars');
  // As a tab restored after the widget's cap finds it.
  await page.evaluate(() => {
    for (const key of Object.keys(sessionStorage)) {
      sessionStorage.setItem(key, JSON.stringify({ ...JSON.parse(sessionStorage.getItem(key)), expires_at_ms: Date.now() - 1 }));
    }
  });
  // A page of the same site with a NOMAD widget only: it cannot reach Siminars, so it leaves the entry alone.
  await page.goto(`${portal.origin}/nomad-only/`);
  await expect(page.locator('#n').getByRole('tab', { name: 'NOMAD' })).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
  expect(deletes).toEqual([]);
  // Back on a page that offers Siminars: given back once, and forgotten.
  await page.goto(portal.origin + PAGE);
  await expect(page.locator('#s').getByRole('tab', { name: 'Siminars' })).toBeVisible();
  await expect.poll(() => deletes.length).toBe(1);
  await expect(page.locator('#s').getByTestId('session-siminars')).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => sessionStorage.length)).toBe(0);
  await page.reload();
  await expect(page.locator('#s').getByRole('tab', { name: 'Siminars' })).toBeVisible();
  await page.waitForTimeout(300);
  expect(deletes.length).toBe(1);
});

test('a widget added late mounts; a removed one unmounts and leaves no timer or request', async ({ page }) => {
  await open(page, '<section id="slot"></section>');
  await page.waitForFunction(() => customElements.get('lab-login'));
  await page.evaluate(() => {
    document.getElementById('slot').innerHTML = '<lab-login id="late" providers="nomad"></lab-login><div id="late-div" data-lab-login data-providers="nebula"></div>';
  });
  await expect(page.locator('#late').getByRole('tab')).toHaveText(['NOMAD']);
  await expect(page.locator('#late-div').getByRole('tab')).toHaveText(['Nebula Block']);
  await signIn(page.locator('#late'), 'nomad');
  await expect(page.locator('#late').getByTestId('upload-row').first()).toBeVisible();
  expect(await page.evaluate(() => window.__intervals.size)).toBeGreaterThan(0);
  await page.evaluate(() => document.getElementById('slot').replaceChildren());
  await expect.poll(() => page.evaluate(() => window.__intervals.size)).toBe(0);
  const after = portal.requests.length;
  const toEmulator = [];
  page.on('request', (r) => toEmulator.push(r.url()));
  await page.waitForTimeout(2500);
  expect(toEmulator).toEqual([]);
  expect(portal.requests.length).toBe(after);
});

test('each attribute applies live; `shadow` cannot change after mount and says so once', async ({ page }) => {
  const lines = await open(page, '<lab-login id="w" providers="nomad"></lab-login>');
  const w = page.locator('#w');
  await expect(w.getByRole('tab')).toHaveText(['NOMAD']);
  await w.evaluate((el) => el.setAttribute('providers', 'nemo,nomad'));
  await expect(w.getByRole('tab')).toHaveText(['NeMO Archive', 'NOMAD']);
  await w.evaluate((el) => el.setAttribute('theme', 'dark'));
  await expect(w.getByTestId('lab-login')).toHaveAttribute('data-theme', 'dark');
  expect(await w.getByTestId('lab-login').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(22, 27, 34)');
  await w.evaluate((el) => el.setAttribute('theme', 'light'));
  expect(await w.getByTestId('lab-login').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 255, 255)');
  await w.evaluate((el) => el.setAttribute('lang', 'de'));
  await expect(w.getByTestId('lab-login')).toHaveAttribute('lang', 'de');
  // A warning window longer than NOMAD's 5-minute token: the warning shows at once.
  await w.evaluate((el) => el.setAttribute('expiry-warning', '600'));
  await signIn(w, 'nomad');
  await expect(w.getByTestId('expiry-warning')).toBeVisible();
  await w.evaluate((el) => el.setAttribute('shadow', ''));
  await expect.poll(() => lines.filter((l) => l.type === 'warning' && l.text.includes('`shadow` cannot change')).length).toBe(1);
  expect(await w.evaluate((el) => el.shadowRoot)).toBeNull();
  await expect(w.getByTestId('session-nomad')).toBeVisible();
});

test('a bad attribute shows an error in place of that widget only; the others still work', async ({ page }) => {
  await open(page, `
    <lab-login id="unknown" providers="github"></lab-login>
    <lab-login id="theme" theme="purple"></lab-login>
    <lab-login id="warning" expiry-warning="soon"></lab-login>
    <div id="div" data-lab-login data-providers="nomad,nomad-clone"></div>
    <lab-login id="good" providers="nebula"></lab-login>`);
  await expect(page.locator('#unknown').getByTestId('config-error')).toContainText('unknown provider "github"');
  await expect(page.locator('#theme').getByTestId('config-error')).toContainText('theme "purple"');
  await expect(page.locator('#warning').getByTestId('config-error')).toContainText('expiry-warning "soon"');
  await expect(page.locator('#div').getByTestId('config-error')).toContainText('"nomad-clone"');
  await signIn(page.locator('#good'), 'nebula');
  // Fixing the attribute mounts the widget.
  await page.locator('#theme').evaluate((el) => el.setAttribute('theme', 'auto'));
  await expect(page.locator('#theme').getByRole('tablist')).toBeVisible();
});

test('attributes that look like endpoints are ignored, and the console says so once', async ({ page }) => {
  const sent = [];
  page.on('request', (r) => sent.push(r.url()));
  const lines = await open(page, `
    <lab-login id="w" providers="nomad" nomad-url="http://127.0.0.1:9/evil" api="http://127.0.0.1:9/"></lab-login>
    <div data-lab-login data-providers="nomad" data-url="http://127.0.0.1:9/evil"></div>`);
  await expect(page.locator('#w').getByTestId('form-host')).toContainText(new URL(EMU).host);
  await signIn(page.locator('#w'), 'nomad');
  expect(lines.filter((l) => l.text.includes('ignores the attribute'))).toHaveLength(1);
  expect(sent.filter((u) => u.includes('evil') || u.startsWith('http://127.0.0.1:9/'))).toEqual([]);
});

const HOSTILE = `<style>
  html { font-size: 40px; }
  input { display: none !important; }
  button { visibility: hidden !important; }
  * { font-size: 40px; color: magenta; font-family: "Comic Sans MS", cursive; }
</style>`;

test('in Shadow DOM the host page\'s hostile CSS changes nothing, and sign-in works', async ({ page }) => {
  await open(page, '<lab-login id="w" providers="nomad" shadow></lab-login>', { head: HOSTILE });
  const w = page.locator('#w');
  expect(await w.evaluate((el) => el.shadowRoot?.mode)).toBe('open');
  await expect(w.getByTestId('password')).toBeVisible();
  await expect(w.getByTestId('submit')).toBeVisible();
  const root = w.getByTestId('lab-login');
  expect(await root.evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
  expect(await root.evaluate((el) => getComputedStyle(el).color)).not.toBe('rgb(255, 0, 255)');
  expect(await w.getByTestId('username').evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
  // The stylesheet inside the shadow root is the pinned one.
  expect(await w.evaluate((el) => el.shadowRoot.querySelector('link[rel=stylesheet]').integrity)).toMatch(/^sha384-/);
  await signIn(w, 'nomad');
});

test('theming: custom properties on an ancestor, in both modes, and ::part in Shadow DOM', async ({ page }) => {
  await open(page, `<div class="brand">
      <lab-login id="light" providers="nomad"></lab-login>
      <lab-login id="shadow" providers="nomad" shadow></lab-login>
    </div>`, {
    head: `<style>
      .brand { --lab-login-accent: rgb(1, 2, 3); --lab-login-radius: 0px; }
      #shadow::part(tab) { text-transform: uppercase; }
      #shadow::part(input) { border-color: rgb(4, 5, 6); }
    </style>`,
  });
  for (const id of ['#light', '#shadow']) {
    const submit = page.locator(id).getByTestId('submit');
    expect(await submit.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(1, 2, 3)');
    expect(await page.locator(id).getByTestId('lab-login').evaluate((el) => getComputedStyle(el).borderTopLeftRadius)).toBe('0px');
  }
  expect(await page.locator('#shadow').getByRole('tab').first().evaluate((el) => getComputedStyle(el).textTransform)).toBe('uppercase');
  expect(await page.locator('#shadow').getByTestId('password').evaluate((el) => getComputedStyle(el).borderTopColor)).toBe('rgb(4, 5, 6)');
});

test('every event and its detail, for every provider; no secret in any of them', async ({ page }) => {
  await open(page, '<lab-login id="w"></lab-login>');
  const w = page.locator('#w');
  for (const p of ['nomad', 'nemo', 'siminars', 'nebula']) await signIn(w, p);
  const tokens = await page.evaluate(() => Object.values(sessionStorage).map((v) => JSON.parse(v).token));
  expect(tokens).toHaveLength(4);
  // Every sign-out, then a wrong password.
  for (const p of ['nomad', 'nemo', 'siminars', 'nebula']) {
    await w.getByRole('tab', { name: TABS[p] }).click();
    await w.getByTestId(`sign-out-${p}`).click();
  }
  const panel = await signInWith(w, 'NeMO Archive', 'jdoe', 'not-the-password');
  await expect(panel.getByTestId('error')).toBeVisible();
  const seen = await events(page);
  const signedIn = seen.filter((e) => e.name === 'lab-login:signed-in');
  expect(signedIn.map((e) => e.detail.provider)).toEqual(['nomad', 'nemo', 'siminars', 'nebula']);
  for (const e of signedIn) {
    expect(Object.keys(e.detail).sort()).toEqual(['expiresAt', 'kind', 'provider', 'restored', 'user']);
    expect(e.detail.kind).toBe('password');
    expect(e.bubbles && e.composed).toBe(true);
  }
  expect(seen.filter((e) => e.name === 'lab-login:signed-out').map((e) => e.detail)).toEqual(
    ['nomad', 'nemo', 'siminars', 'nebula'].map((provider) => ({ provider, reason: 'user' })));
  const errors = seen.filter((e) => e.name === 'lab-login:error');
  expect(errors.map((e) => [e.detail.provider, e.detail.kind])).toEqual([['nemo', 'wrong-credentials']]);
  expect(errors[0].detail.message).toContain('NeMO Archive');
  const all = JSON.stringify(seen);
  for (const secret of [...Object.values(PASSWORDS), 'not-the-password', '9f80d0bd2cdbbb89ac0287643a39bed2', ...tokens]) {
    expect(all).not.toContain(secret);
  }
  expect(all).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no JWT
});

test('mount() from code: onSignedIn gets the token on sign-in and on restore; nothing else does', async ({ page }) => {
  const host = `
    import { mount } from '${BUNDLE_PATH}lab-login.js';
    const received = [];
    window.__received = () => received.map((s) => ({ ...s, token: s.token.length }));
    window.__tokenMatches = () => received.every((s) => Object.values(sessionStorage).some((v) => JSON.parse(v).token === s.token));
    window.__handle = mount(document.getElementById('from-code'), {
      providers: ['nebula'],
      theme: 'dark',
      onSignedIn: (session) => received.push(session),
    });`;
  const lines = await open(page, '<div id="from-code"></div><script type="module" src="/host.js"></script>', {
    files: { '/host.js': { body: host, headers: { 'content-type': 'text/javascript' } } },
  });
  const w = page.locator('#from-code');
  await signIn(w, 'nebula');
  expect(await w.getByTestId('lab-login').getAttribute('data-theme')).toBe('dark');
  let received = await page.evaluate(() => window.__received());
  expect(received).toEqual([expect.objectContaining({ provider: 'nebula', kind: 'password', restored: false, user: expect.objectContaining({ email: 'demo@nebula.example' }) })]);
  // Exactly what the docs promise, and nothing more (no password, refresh or id token).
  expect(Object.keys(received[0]).sort()).toEqual(['expiresAt', 'kind', 'provider', 'restored', 'token', 'user']);
  expect(received[0].token).toBeGreaterThan(20);
  expect(await page.evaluate(() => window.__tokenMatches())).toBe(true);
  const token = await page.evaluate(() => JSON.parse(Object.values(sessionStorage)[0]).token);

  // Nowhere else: the DOM and its attributes, the events, the console, the globals.
  const html = await page.evaluate(() => document.documentElement.outerHTML + [...document.querySelectorAll('*')].map((e) => [...e.attributes].map((a) => a.value).join(' ')).join(' '));
  expect(html).not.toContain(token);
  expect(JSON.stringify(await events(page))).not.toContain(token);
  for (const l of lines) expect(l.text).not.toContain(token);
  const globals = await page.evaluate((t) => Object.getOwnPropertyNames(window).filter((k) => {
    try { const v = window[k]; return typeof v === 'string' && (v.includes(t) || v.includes('nebula-demo-pw')); } catch { return false; }
  }), token);
  expect(globals).toEqual([]);

  await page.reload();
  await expect(page.locator('#from-code').getByTestId('session-nebula')).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.__received().map((s) => s.restored))).toEqual([true]);
  await page.evaluate(() => window.__handle.signOut('nebula'));
  await expect(page.locator('#from-code').getByTestId('session-nebula')).toHaveCount(0);
  await page.evaluate(() => window.__handle.unmount());
  await expect(page.locator('#from-code').getByTestId('lab-login')).toHaveCount(0);
});

test('mount() with its own configuration resolves relative endpoints against the page, once', async ({ page }) => {
  const host = `
    import { mount } from '${BUNDLE_PATH}lab-login.js';
    mount(document.getElementById('w'), { providers: 'nomad', config: { nomad: { url: '/nomad/api/v1' }, nemo: null, nebula: null } });`;
  portal = await startPortal({
    proxy: ['/nomad/'],
    files: {
      [PAGE]: portalPage({ body: '<div id="w"></div><script type="module" src="/host.js"></script>' }),
      [`${BUNDLE_PATH}lab-login.json`]: jsonFile(emulatorConfig()),
      '/host.js': { body: host, headers: { 'content-type': 'text/javascript' } },
    },
  });
  await page.goto(portal.origin + PAGE);
  await expect(page.locator('#w').getByTestId('form-host')).toContainText(new URL(portal.origin).host);
  await signIn(page.locator('#w'), 'nomad');
  expect(portal.requests.map((r) => r.path)).toContain('/nomad/api/v1/auth/token');
});
