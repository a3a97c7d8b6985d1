// The teaching bundle against an emulator of this file's own (the demo controls
// change its state): the flow inspector shows every exchange redacted, its
// snippets run for real without a secret on any command line, and the demo
// controls reach the emulator's control endpoints, never with a token.
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from './support/fixtures.mjs';
import { signIn } from './support/flows.mjs';
import { startPortal, portalPage, bundleFile, sri, jsonFile, BUNDLE_PATH, TEACHING_DIST } from './support/portal.mjs';
import { ownEmulator, EMULATOR_BIN } from './support/emulator.mjs';

test.skip(!EMULATOR_BIN || !TEACHING_DIST, 'needs the emulator binary and the teaching bundle: run through `cargo xtask test`');
test.describe.configure({ mode: 'serial' });

const md5 = (s) => crypto.createHash('md5').update(s, 'utf8').digest('hex');
const NEBULA_KEY = 'ak_demoKey_W4KL0Rw8Rv6Mp7h7fY77dFgHDl';
const SIMINARS = ['marie@siminars.example', 'pässwörd-demo'];
const DIGEST = md5(SIMINARS[0] + SIMINARS[1]);
const PASSWORDS = ['ada-demo-pw', 'newbie-demo-pw', 'nemo-demo-pw', SIMINARS[1], 'nebula-demo-pw'];

let emu, portal;

function config(extra = {}) {
  return {
    nomad: { url: `${emu.url}/nomad/api/v1` }, nemo: { url: `${emu.url}/nemo/v1` },
    siminars: { url: `${emu.url}/siminars`, apitoken: '2' }, nebula: { url: `${emu.url}/nebula/api/v1` },
    options: { request_timeout_secs: 3 },
    ...extra,
  };
}

/** A portal on the teaching bundle with `lab-login.json` = `cfg`. */
function teachingPortal(cfg, body = '<lab-login></lab-login>') {
  return startPortal({
    dist: TEACHING_DIST,
    files: {
      '/': portalPage({ body, entryIntegrity: sri(bundleFile('lab-login.js', TEACHING_DIST)) }),
      [`${BUNDLE_PATH}lab-login.json`]: jsonFile(cfg),
    },
  });
}

test.beforeAll(async () => {
  emu = await ownEmulator();
  portal = await teachingPortal(config({ demo: { emulator: emu.url } }));
});

test.afterAll(async () => {
  emu?.stop();
  await portal?.close();
});

const exchanges = (page, provider) => page.getByTestId('inspector').locator(`[data-testid=exchange][data-provider=${provider}]`);

/** Every 8-character piece of `hex`: none may appear anywhere. */
const pieces = (hex) => Array.from({ length: hex.length - 7 }, (_, i) => hex.slice(i, i + 8));

/** Opens each exchange, copies both snippets through the buttons, and returns what the clipboard got. */
async function copyEverySnippet(page) {
  const copied = [];
  const rows = page.getByTestId('inspector').getByTestId('exchange');
  for (let i = 0; i < await rows.count(); i++) {
    const row = rows.nth(i);
    const details = row.locator('details').first();
    if (!(await details.evaluate((d) => d.open))) await row.locator('summary').first().click();
    for (const kind of ['curl', 'python']) {
      await row.getByTestId(`copy-${kind}`).click();
      await expect(row.getByTestId('copied')).toHaveText('Copied.');
      const text = await page.evaluate(() => navigator.clipboard.readText());
      expect(text).toBe(await row.getByTestId(`snippet-${kind}`).textContent());
      copied.push(text);
    }
  }
  return copied;
}

test('every exchange is shown redacted, and no secret reaches the page, the console or a copied snippet', async ({ page, context, secretGuard }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: portal.origin });
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  let appToken;
  page.on('response', async (r) => {
    if (r.url().includes('/auth/app_token')) appToken = (await r.json()).app_token;
  });
  await page.goto(`${portal.origin}/`);
  await expect(page.getByTestId('inspector-empty')).toBeVisible();

  const nomad = await signIn(page, 'NOMAD', 'ada', 'ada-demo-pw');
  await expect(nomad.getByTestId('uploads-table')).toBeVisible();
  await nomad.getByTestId('app-token').locator('summary').click();
  await nomad.getByTestId('app-token-create').click();
  await expect(nomad.getByTestId('app-token-copy')).toBeVisible();
  await expect(page.getByTestId('session-nemo')).toHaveCount(0);
  await expect((await signIn(page, 'NeMO Archive', 'jdoe', 'nemo-demo-pw')).getByTestId('session-nemo')).toBeVisible();
  const siminars = await signIn(page, 'Siminars', ...SIMINARS);
  await expect(siminars.getByTestId('session-siminars')).toBeVisible();
  const nebula = await signIn(page, 'Nebula Block', 'demo@nebula.example', 'nebula-demo-pw');
  await expect(nebula.getByTestId('nebula-balance')).toBeVisible();

  // The tokens are explained: decoded claims for JWTs, an opaque note for Siminars.
  const tokens = page.getByTestId('inspector-tokens');
  await expect(tokens.getByTestId('token-nomad').getByTestId('jwt-claims')).toContainText('preferred_username');
  await expect(tokens.getByTestId('token-nomad').getByTestId('token-basis')).toContainText('expires_in');
  await expect(tokens.getByTestId('token-nemo').getByTestId('token-basis')).toContainText('exp − iat');
  await expect(tokens.getByTestId('token-siminars').getByTestId('jwt-opaque')).toBeVisible();
  await expect(tokens.getByTestId('token-nebula').getByTestId('token-kept')).toContainText('lab-login/v1/nebula/');

  // Siminars: the password field is exactly ••• in every captured exchange, and the recipe is explained.
  await expect(exchanges(page, 'siminars')).toHaveCount(1);
  for (const body of await exchanges(page, 'siminars').getByTestId('request-body').allTextContents()) {
    expect(JSON.parse(body).password).toBe('•••');
  }
  await expect(exchanges(page, 'siminars').getByTestId('digest-note')).toHaveCount(1);
  await expect(exchanges(page, 'nomad').first().getByTestId('request-body')).toHaveText('grant_type=password&username=ada&password=•••');

  const copiedBeforeSignOut = await copyEverySnippet(page);
  for (const text of copiedBeforeSignOut) expect(text).not.toMatch(/[0-9a-f]{32}/);

  // A Siminars sign-out, then a Nebula API key.
  await page.getByRole('tab', { name: 'Siminars' }).click();
  await siminars.getByTestId('sign-out-siminars').click();
  await expect(siminars.getByTestId('form-siminars')).toBeVisible();
  await page.getByRole('tab', { name: 'Nebula Block' }).click();
  await nebula.getByTestId('sign-out-nebula').click();
  await nebula.getByTestId('use-api-key').check();
  await nebula.getByTestId('api-key').fill(NEBULA_KEY);
  await nebula.getByTestId('submit').click();
  await expect(nebula.getByTestId('nebula-balance')).toBeVisible();
  await expect(page.getByTestId('inspector-tokens').getByTestId('token-nebula').getByTestId('token-kept')).toContainText('memory only');
  const copied = [...copiedBeforeSignOut, ...await copyEverySnippet(page)];

  const dom = await page.evaluate(() => document.documentElement.outerHTML + [...document.querySelectorAll('input')].map((i) => i.value).join(' '));
  expect(appToken, 'the app token was issued').toBeTruthy();
  const tokensSeen = [...secretGuard.tokens.keys(), appToken];
  expect(tokensSeen.length).toBeGreaterThan(6);
  const secrets = [...PASSWORDS, DIGEST, ...pieces(DIGEST), ...tokensSeen];
  for (const [where, text] of [['the page', dom], ['the console', consoleLines.join('\n')], ['a copied snippet', copied.join('\n')]]) {
    for (const s of secrets) expect(text.includes(s), `${s.slice(0, 6)}… in ${where}`).toBe(false);
  }
  // Masked tokens are there to read (first and last 4 characters).
  expect(dom).toMatch(/Bearer eyJ[A-Za-z0-9_-]{1}…[A-Za-z0-9_-]{4}/);
});

test('a provider\'s log is cleared when its session ends; a Siminars sign-out leaves only its DELETE', async ({ page }) => {
  await page.goto(`${portal.origin}/`);
  const nomad = await signIn(page, 'NOMAD', 'newbie', 'newbie-demo-pw');
  await expect(nomad.getByTestId('uploads-empty')).toBeVisible();
  expect(await exchanges(page, 'nomad').count()).toBeGreaterThanOrEqual(2);
  await nomad.getByTestId('sign-out-nomad').click();
  await expect(exchanges(page, 'nomad')).toHaveCount(0);

  const siminars = await signIn(page, 'Siminars', 'piyush@siminars.com', 'Hello');
  await expect(siminars.getByTestId('session-siminars')).toBeVisible();
  await siminars.getByTestId('sign-out-siminars').click();
  await expect(exchanges(page, 'siminars')).toHaveCount(1);
  await expect(exchanges(page, 'siminars').locator('summary').first()).toContainText('DELETE');
  await expect(exchanges(page, 'siminars').getByTestId('exchange-status')).toHaveText('200');
});

test('demo controls exist only where lab-login.json names the emulator; the inspector only in the teaching bundle, unless turned off', async ({ page }) => {
  const controlCalls = [];
  page.on('request', (r) => { if (r.url().includes('/_emulator/')) controlCalls.push(r.url()); });
  await page.goto(`${portal.origin}/`);
  await expect(page.getByTestId('demo-nomad')).toBeVisible();
  await expect(page.getByTestId('demo-nomad').getByTestId('demo-account')).toContainText('ada');
  expect(controlCalls.length).toBeGreaterThan(0);

  controlCalls.length = 0;
  const plain = await teachingPortal(config(), '<lab-login></lab-login><lab-login inspector="off" id="quiet"></lab-login>');
  try {
    await page.goto(`${plain.origin}/`);
    await expect(page.getByTestId('inspector')).toHaveCount(1);
    await expect(page.locator('#quiet').getByTestId('inspector')).toHaveCount(0);
    // Live, like every attribute the widget reads.
    await page.locator('#quiet').evaluate((el) => el.setAttribute('inspector', 'on'));
    await expect(page.locator('#quiet').getByTestId('inspector')).toHaveCount(1);
    await page.locator('#quiet').evaluate((el) => el.setAttribute('inspector', 'off'));
    await expect(page.locator('#quiet').getByTestId('inspector')).toHaveCount(0);
    await expect(page.locator('[data-testid^=demo-]')).toHaveCount(0);
    await signIn(page.locator('lab-login').first(), 'NOMAD', 'newbie', 'newbie-demo-pw');
    await expect(page.getByTestId('session-nomad').first()).toBeVisible();
    expect(controlCalls, 'nothing is sent to a control endpoint without the demo entry').toEqual([]);
  } finally {
    await plain.close();
  }

  // The embeddable bundle has neither, whatever its lab-login.json says.
  await page.goto('/embed.html');
  await expect(page.getByTestId('lab-login')).toBeVisible();
  await expect(page.getByTestId('inspector')).toHaveCount(0);
  await expect(page.locator('[data-testid^=demo-]')).toHaveCount(0);
});

test('a short session from the demo controls counts down, warns and signs out on screen', async ({ page }) => {
  await page.clock.install();
  await page.goto(`${portal.origin}/`);
  const demo = page.getByTestId('demo-nomad');
  await demo.getByTestId('demo-account').selectOption('newbie');
  await demo.getByTestId('demo-short').click();
  await expect(demo.getByTestId('demo-status')).toContainText('30-second token');
  await demo.getByTestId('demo-fill').click();
  const panel = page.getByRole('tabpanel', { name: 'NOMAD' });
  await panel.getByTestId('submit').click();
  await expect(panel.getByTestId('session-nomad')).toBeVisible();
  await expect(panel.getByTestId('session-countdown')).toHaveText(/expires in 0:(2\d|3[01])$/);
  await expect(panel.getByTestId('expiry-warning')).toBeVisible();
  await expect(panel.getByTestId('password')).toHaveCount(0);
  await page.clock.fastForward('00:31');
  await expect(page.getByTestId('session-ended')).toContainText('NOMAD session expired');
  await expect(panel.getByTestId('password')).toHaveValue('');
});

test('revoking on the server names the account, never the token, and the next call shows the 401', async ({ page }) => {
  const control = [];
  page.on('request', (r) => { if (r.url().includes('/_emulator/')) control.push({ url: r.url(), auth: r.headers().authorization, body: r.postData() || '' }); });
  let token;
  page.on('response', async (r) => { if (r.url().endsWith('/auth/token')) token = (await r.json()).access_token; });
  await page.goto(`${portal.origin}/`);
  const panel = await signIn(page, 'NOMAD', 'ada', 'ada-demo-pw');
  await expect(panel.getByTestId('uploads-table')).toBeVisible();
  await panel.getByTestId('demo-revoke').click();
  await expect(panel.getByTestId('demo-status')).toContainText('no longer accepts');
  await panel.getByTestId('uploads-refresh').click();
  await expect(page.getByTestId('session-ended')).toContainText('NOMAD no longer accepts this session');
  const revoke = control.find((c) => c.url.endsWith('/_emulator/revoke'));
  expect(JSON.parse(revoke.body)).toEqual({ provider: 'nomad', account: 'ada@nomad.example' });
  expect(token).toBeTruthy();
  for (const c of control) {
    expect(c.auth).toBeUndefined();
    expect(c.body.includes(token)).toBe(false);
  }
});

test('"make the next call fail" shows each failure as the widget words it and the inspector records it', async ({ page }) => {
  await page.clock.install();
  await page.goto(`${portal.origin}/`);
  await page.getByRole('tab', { name: 'NeMO Archive' }).click();
  const panel = page.getByRole('tabpanel', { name: 'NeMO Archive' });
  const demo = page.getByTestId('demo-nemo');
  for (const [fault, status, said] of [
    ['429', '429', 'NeMO Archive has had too many attempts. You can try again in 10 seconds.'],
    ['500', '500', 'NeMO Archive had a problem on its side (HTTP 500)'],
    ['503', '503', 'NeMO Archive had a problem on its side (HTTP 503)'],
    ['html500', '500', 'NeMO Archive had a problem on its side (HTTP 500)'],
    ['never-ends', '', 'did not answer within 3 seconds'],
  ]) {
    await demo.getByTestId('demo-failure').selectOption(fault);
    await demo.getByTestId('demo-fail').click();
    await expect(demo.getByTestId('demo-status')).toContainText('will fail');
    await panel.getByTestId('username').fill('jdoe');
    await panel.getByTestId('password').fill('nemo-demo-pw');
    await panel.getByTestId('submit').click();
    await expect(panel.getByTestId('error'), fault).toContainText(said, { timeout: 10_000 });
    await expect(exchanges(page, 'nemo').last()).toHaveAttribute('data-status', status);
    // Past any wait the widget asks for before the next attempt.
    await page.clock.fastForward('00:11');
    await expect(panel.getByTestId('submit')).toBeEnabled();
  }
  await expect(exchanges(page, 'nemo').last().getByTestId('response-head')).toContainText('No answer within 3 s');
  // And the emulator answers normally again.
  await panel.getByTestId('username').fill('jdoe');
  await panel.getByTestId('password').fill('nemo-demo-pw');
  await panel.getByTestId('submit').click();
  await expect(panel.getByTestId('session-nemo')).toBeVisible();
});

// ---------- the snippets, run for real ----------

/** Every process's argument list, read from /proc. */
function commandLines() {
  const out = [];
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try { out.push(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8')); } catch { /* gone */ }
  }
  return out;
}

/**
 * A folder of `curl` and `python3` stand-ins, first on PATH, that append their
 * whole argument list to a log and run the real program: every call is
 * recorded, however short-lived (the /proc scan may miss one).
 */
function shims() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-login-shims-'));
  const log = path.join(dir, 'argv.log');
  for (const name of ['curl', 'python3']) {
    const real = execFileSync('sh', ['-c', `command -v ${name}`]).toString().trim();
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  }
  return { dir, log, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '') };
}

/**
 * Runs `program` with `input` on standard input and no controlling terminal,
 * reading every process's arguments while it runs; returns its status and JSON
 * answer, and how often /proc was read.
 */
async function run(program, args, input, env, secrets, shimDir) {
  const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: { ...process.env, ...env, PATH: `${shimDir}:${process.env.PATH}` } });
  let stdout = '', stderr = '', scans = 0;
  const leaks = [];
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const done = new Promise((resolve) => child.on('close', resolve));
  child.stdin.end(input);
  let running = true;
  done.then(() => { running = false; });
  while (running) {
    for (const line of commandLines()) for (const s of secrets) if (line.includes(s)) leaks.push(line.replaceAll('\0', ' ').slice(0, 80));
    scans++;
    await new Promise((r) => setTimeout(r, 2));
  }
  const code = await done;
  const lines = stdout.trimEnd().split('\n');
  const statusLine = lines.pop() || '';
  expect(code, `${program} failed: ${stderr}`).toBe(0);
  expect(statusLine, stdout + stderr).toMatch(/^HTTP status \d{3}$/);
  return { status: statusLine.split(' ').pop(), json: JSON.parse(lines.join('\n')), scans, leaks };
}

/** Top-level keys, and the keys of nested objects one level down. */
function shape(value) {
  return Object.entries(value).map(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? `${k}{${Object.keys(v).sort()}}` : k)).sort();
}

test('each copied snippet, run with curl and python3, gets the widget\'s status and JSON keys, with no secret in any process\'s arguments', async ({ page }) => {
  test.setTimeout(120_000);
  // The scan can see another process's arguments (else it would prove nothing).
  const canary = spawn('bash', ['-c', 'sleep 3; true', `canary-${process.pid}`]);
  await expect.poll(() => commandLines().some((l) => l.includes(`canary-${process.pid}`))).toBe(true);
  canary.kill();
  const shim = shims();
  await page.goto(`${portal.origin}/`);
  await expect((await signIn(page, 'NOMAD', 'ada', 'ada-demo-pw')).getByTestId('uploads-table')).toBeVisible();
  // First a hostile username (quotes, $(…), a backtick, non-ASCII) with a wrong password.
  const nemo = await signIn(page, 'NeMO Archive', `o'brien "$(id)" \`x\` ü`, ' wrong pw ');
  await expect(nemo.getByTestId('error')).toContainText('did not accept');
  await expect((await signIn(page, 'NeMO Archive', 'jdoe', 'nemo-demo-pw')).getByTestId('session-nemo')).toBeVisible();
  await expect((await signIn(page, 'Siminars', ...SIMINARS)).getByTestId('session-siminars')).toBeVisible();
  await expect((await signIn(page, 'Nebula Block', 'demo@nebula.example', 'nebula-demo-pw')).getByTestId('nebula-balance')).toBeVisible();

  const cases = [
    // provider, path of the exchange, the secret it needs, where a later call's token comes from, which row
    ['nomad', '/auth/token', 'ada-demo-pw', (j) => j.access_token],
    ['nomad', '/uploads', 'token'],
    ['nemo', '/login', ' wrong pw '],
    ['nemo', '/login', 'nemo-demo-pw', null, 'last'],
    ['siminars', '/authtoken', SIMINARS[1]],
    ['nebula', '/login', 'nebula-demo-pw', (j) => j.data.jwtToken],
    ['nebula', '/users/credits', 'token'],
  ];
  const tokens = {};
  let scans = 0;
  for (const [provider, path, secret, tokenOf, which = 'first'] of cases) {
    const matching = exchanges(page, provider).filter({ has: page.locator('summary', { hasText: path }) });
    const row = which === 'last' ? matching.last() : matching.first();
    const widget = { status: await row.getAttribute('data-status'), json: JSON.parse(await row.getByTestId('response-body').textContent()) };
    const curl = await row.getByTestId('snippet-curl').textContent();
    const python = await row.getByTestId('snippet-python').textContent();
    const value = secret === 'token' ? tokens[provider] : secret;
    const watched = [value, ...(provider === 'siminars' ? [DIGEST, ...pieces(DIGEST)] : [])];
    const env = secret === 'token' ? { [`${provider.toUpperCase()}_TOKEN`]: value } : {};
    for (const [program, args] of [['bash', ['-c', curl]], ['python3', ['-c', python]]]) {
      const got = await run(program, args, `${value}\n`, env, watched, shim.dir);
      expect(got.leaks, `${provider} ${path} via ${program}: a secret in a process's arguments`).toEqual([]);
      const calls = shim.calls();
      expect(calls, 'the stand-ins saw curl and python3 run').toContain(program === 'bash' ? 'curl ' : 'python3 ');
      for (const s of watched) expect(calls.includes(s), `${provider} ${path} via ${program}: a secret in curl's or python3's arguments`).toBe(false);
      expect(got.status, `${provider} ${path} via ${program}`).toBe(widget.status);
      expect(shape(got.json), `${provider} ${path} via ${program}`).toEqual(shape(widget.json));
      scans += got.scans;
      if (tokenOf && program === 'bash') tokens[provider] = tokenOf(got.json);
    }
  }
  expect(scans).toBeGreaterThan(12);
});
