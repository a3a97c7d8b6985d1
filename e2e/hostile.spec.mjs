// Hostile answers against the release bundle, through an emulator of this
// file's own (faults are armed per path, so no other test may share it). A case
// that must fail ends in a clear message, a form that still works and nothing
// stored; a case the widget should accept shows the data as plain text. In every
// case: no page error, no dialog, no script from data running.
import http from 'node:http';
import { test, expect } from './support/fixtures.mjs';
import { signIn as signInWith } from './support/flows.mjs';
import { startPortal, portalPage, DIST, jsonFile } from './support/portal.mjs';
import { ownEmulator, EMULATOR_BIN as BIN } from './support/emulator.mjs';
import fs from 'node:fs';
import path from 'node:path';

test.skip(!BIN || !DIST, 'needs the emulator binary and the built bundle: run through `cargo xtask test`');
test.describe.configure({ mode: 'serial' });

let emu, emuUrl, elsewhere, elsewhereHits = [];
let portal;

test.beforeAll(async () => {
  emu = await ownEmulator();
  emuUrl = emu.url;
  // Another origin that records whatever reaches it (a redirect's target, a foreign page URL).
  elsewhere = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => { elsewhereHits.push({ url: req.url, body: Buffer.concat(chunks).toString(), auth: req.headers.authorization }); res.end('ok'); });
  });
  await new Promise((r) => elsewhere.listen(0, '127.0.0.1', r));
  const config = {
    nomad: { url: `${emuUrl}/nomad/api/v1` }, nemo: { url: `${emuUrl}/nemo/v1` },
    siminars: { url: `${emuUrl}/siminars`, apitoken: '2' }, nebula: { url: `${emuUrl}/nebula/api/v1` },
    options: { request_timeout_secs: 2 },
  };
  portal = await startPortal({
    files: {
      '/': portalPage({ body: '<lab-login></lab-login>' }),
      '/static/lab-login/0.1.0/lab-login.json': jsonFile(config),
    },
  });
});

// Counted for `cargo xtask test`'s summary line.
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status === 'passed') fs.appendFileSync(path.join(testInfo.project.outputDir, 'hostile.txt'), '1\n');
});

test.afterAll(async () => {
  emu?.stop();
  await portal?.close();
  await new Promise((r) => elsewhere?.close(r));
});

const ACCOUNTS = {
  nomad: ['NOMAD', 'newbie', 'newbie-demo-pw', '/nomad/api/v1/auth/token'],
  nemo: ['NeMO Archive', 'jdoe', 'nemo-demo-pw', '/nemo/v1/login'],
  siminars: ['Siminars', 'piyush@siminars.com', 'Hello', '/siminars/authtoken'],
  nebula: ['Nebula Block', 'demo@nebula.example', 'nebula-demo-pw', '/nebula/api/v1/login'],
};

async function arm(fault, pathPrefix, count = 1) {
  const r = await fetch(`${emuUrl}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault, path_prefix: pathPrefix, count }) });
  expect(r.ok, `arm ${fault}`).toBe(true);
}

async function open(page) {
  // Nothing left armed by the case before.
  await fetch(`${emuUrl}/_emulator/faults`, { method: 'DELETE' });
  const trouble = [];
  await page.clock.install();
  page.on('pageerror', (e) => trouble.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { trouble.push(`dialog: ${d.message()}`); d.dismiss(); });
  await page.goto(`${portal.origin}/`);
  await expect(page.getByRole('tablist')).toBeVisible();
  return trouble;
}

function signIn(page, provider) {
  const [tab, user, password] = ACCOUNTS[provider];
  return signInWith(page, tab, user, password);
}

// Sign-in answers that must fail, each with the message a person reads.
const FAILING = [
  ['html200', 'nomad', /could not read/],
  ['html500', 'nemo', /problem on its side \(HTTP 500\)/],
  ['truncated', 'siminars', /could not read/],
  ['wrong-shape', 'nebula', /could not read|did not accept/],
  ['wrong-types', 'nomad', /could not read/],
  ['wrong-types', 'nebula', /could not read|did not accept/],
  ['empty', 'nemo', /could not read|did not accept/],
  ['large', 'nomad', /could not read/],
  ['nested', 'nebula', /could not read/],
  ['nested', 'siminars', /could not read/],
  ['huge-number', 'nomad', /could not read/],
  ['huge-number', 'nemo', /could not read/],
  ['never-ends', 'nemo', /did not answer within 2 seconds/],
  ['latency=3000', 'siminars', /did not answer within 2 seconds/],
  ['drop', 'nebula', /Could not reach|could not read/],
  ['500', 'nomad', /HTTP 500/],
  ['500=5', 'nebula', /HTTP 500/],
  ['502', 'nemo', /HTTP 502/],
  ['502=5', 'siminars', /HTTP 502/],
  ['503=5', 'nomad', /too many attempts\. You can try again in 5 seconds/],
  ['503-bare', 'nomad', /too many attempts\. Wait a minute/],
  ['503=5', 'nemo', /HTTP 503/],
  ['429=5', 'nebula', /too many attempts\. You can try again in 5 seconds/],
  ['429-bare', 'siminars', /too many attempts\. Wait a minute/],
  ['no-cors-500', 'nomad', /Could not reach .* \(CORS\)/],
  ['cors-refused', 'nemo', /Could not reach .* \(CORS\)/],
  ['expired-token', 'nomad', /already expired/],
  ['expired-token', 'nebula', /already expired/],
];

for (const [fault, provider, message] of FAILING) {
  test(`sign-in answer "${fault}" from ${provider}: a clear message, nothing kept, the form still works`, async ({ page }) => {
    const trouble = await open(page);
    await arm(fault, ACCOUNTS[provider][3]);
    const panel = await signIn(page, provider);
    await expect(panel.getByTestId('error')).toContainText(message, { timeout: 10_000 });
    await expect(page.getByTestId(`session-${provider}`)).toHaveCount(0);
    expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
    await expect(panel.getByTestId('password')).toHaveValue('');
    // The next attempt, with a good server, succeeds (after any wait the form imposed).
    await page.clock.runFor(61_000);
    await expect(panel.getByTestId('submit')).toBeEnabled();
    await signIn(page, provider);
    await expect(page.getByTestId(`session-${provider}`)).toBeVisible({ timeout: 10_000 });
    expect(trouble).toEqual([]);
  });
}

test('a refusal that echoes the password and tells the user what to do: only our own words are shown', async ({ page }) => {
  const trouble = await open(page);
  const [, user, password, signInPath] = ACCOUNTS.nomad;
  const hostile = `Wrong password ${password} for ${user}. Your account is locked: call +1 555 0100 and read out your password.`;
  await page.route(`**${signInPath}`, (route) => route.fulfill({
    status: 401, json: { detail: hostile }, headers: { 'access-control-allow-origin': '*' },
  }));
  const panel = await signIn(page, 'nomad');
  await expect(panel.getByTestId('error')).toContainText('did not accept');
  const shown = await page.evaluate(() => document.documentElement.outerHTML);
  expect(shown).not.toContain(password);
  expect(shown).not.toContain('call +1 555');
  expect(trouble).toEqual([]);
});

test('a 307 of a sign-in POST to another origin: nothing follows it, the password never arrives there', async ({ page }) => {
  const trouble = await open(page);
  elsewhereHits = [];
  const port = new URL(`http://${elsewhere.address().address}:${elsewhere.address().port}`).port;
  for (const provider of ['nomad', 'nemo', 'siminars', 'nebula']) {
    await arm(`redirect=${port}`, ACCOUNTS[provider][3]);
    const panel = await signIn(page, provider);
    await expect(panel.getByTestId('error')).toContainText(/Could not reach/);
  }
  await page.waitForTimeout(300);
  expect(elsewhereHits).toEqual([]);
  expect(trouble).toEqual([]);
});

test('an uploads page whose page URLs point at another origin: the token does not follow', async ({ page }) => {
  const trouble = await open(page);
  elsewhereHits = [];
  await arm(`foreign-page-urls=${elsewhere.address().port}`, '/nomad/api/v1/uploads', 3);
  await signInWith(page, 'NOMAD', 'ada', 'ada-demo-pw');
  await expect(page.getByTestId('page-span')).toHaveText('1–10 of 25');
  // Paging builds the next request from the configured base URL, not from the answer.
  await page.getByTestId('page-next').click();
  await expect(page.getByTestId('page-span')).toHaveText('11–20 of 25');
  await page.waitForTimeout(300);
  expect(elsewhereHits).toEqual([]);
  expect(trouble).toEqual([]);
});

test('a token that claims ten years is kept only under the local cap', async ({ page }) => {
  const trouble = await open(page);
  // NeMO makes no further call with it, so the emulator cannot refuse the made-up token.
  await arm('far-future-token', '/nemo/v1/login');
  await signIn(page, 'nemo');
  await expect(page.getByTestId('session-countdown')).toHaveText(/expires in (29|30) days/);
  const stored = await page.evaluate(() => Object.values(sessionStorage).map((v) => JSON.parse(v)));
  const left = stored[0].expires_at_ms - (await page.evaluate(() => Date.now()));
  expect(left).toBeLessThanOrEqual(30 * 86_400_000);
  expect(left).toBeGreaterThan(29 * 86_400_000);
  expect(trouble).toEqual([]);
});

test('a token that is not a JWT: NeMO keeps its documented 24 hours', async ({ page }) => {
  const trouble = await open(page);
  await arm('not-jwt-token', '/nemo/v1/login');
  await signIn(page, 'nemo');
  await expect(page.getByTestId('session-nemo')).toBeVisible();
  await expect(page.getByTestId('session-countdown')).toContainText(/expires in (23:59:\d\d|24:00:00)/);
  expect(trouble).toEqual([]);
});

for (const [fault, check] of [
  ['uploads-missing-fields', async (page) => {
    // Every field may be missing: the rows still show, with what there is.
    await expect(page.getByTestId('upload-row')).toHaveCount(10);
    await expect(page.getByTestId('upload-name').first()).toHaveText('(unnamed)');
    await expect(page.getByTestId('upload-row').nth(1)).toContainText('—');
  }],
  ['uploads-wrong-total', async (page) => {
    await expect(page.getByTestId('upload-row')).toHaveCount(10);
    await expect(page.getByTestId('page-span')).toContainText('of 3');
  }],
  ['wrong-types', async (page) => {
    await expect(page.getByTestId('uploads-error')).toContainText(/could not read/);
  }],
  ['html200', async (page) => {
    await expect(page.getByTestId('uploads-error')).toContainText(/could not read/);
  }],
]) {
  test(`uploads answer "${fault}": shown as plain text or a clear message, the session kept`, async ({ page }) => {
    const trouble = await open(page);
    await arm(fault, '/nomad/api/v1/uploads', 5);
    await signInWith(page, 'NOMAD', 'ada', 'ada-demo-pw');
    await expect(page.getByTestId('session-nomad')).toBeVisible();
    await check(page);
    await expect(page.getByTestId('session-nomad')).toBeVisible();
    expect(await page.locator('[data-testid=uploads] img, [data-testid=uploads] script').count()).toBe(0);
    expect(trouble).toEqual([]);
  });
}

test('the app-token call answering a 500 without CORS: a clear message, the session kept', async ({ page }) => {
  const trouble = await open(page);
  await signInWith(page, 'NOMAD', 'ada', 'ada-demo-pw');
  const card = page.getByTestId('session-nomad');
  await expect(card).toBeVisible();
  await arm('no-cors-500', '/nomad/api/v1/auth/app_token');
  await card.getByText('App token for scripts').click();
  await card.getByTestId('app-token-create').click();
  await expect(card.getByTestId('app-token-result')).toContainText(/Could not reach/);
  await expect(card).toBeVisible();
  expect(trouble).toEqual([]);
});
