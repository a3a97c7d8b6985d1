// Whole flows against the release bundle and the running emulator. The page's
// lab-login.json is answered by the test, pointing every provider at the emulator
// (cross-origin, so CORS is exercised as with the real services).
import { test, expect } from './support/fixtures.mjs';
import { signIn } from './support/flows.mjs';

const EMU = process.env.LAB_LOGIN_EMULATOR;
const CONFIG = {
  nomad: { url: `${EMU}/nomad/api/v1` },
  nemo: { url: `${EMU}/nemo/v1` },
  siminars: { url: `${EMU}/siminars`, apitoken: '2' },
  nebula: { url: `${EMU}/nebula/api/v1` },
};
const emuOrigin = new URL(EMU || 'http://127.0.0.1').origin;

test.skip(!EMU, 'needs the emulator: run through `cargo xtask test`');

async function open(page, config = CONFIG) {
  await page.route('**/lab-login.json', (route) => route.fulfill({ json: config }));
  await page.goto('/');
  await expect(page.getByRole('tablist')).toBeVisible();
}


async function stats() {
  return (await fetch(`${EMU}/_emulator/stats`)).json();
}

test('every secret goes only to its own provider, only where it belongs', async ({ page }) => {
  const requests = [];
  const consoleText = [];
  page.on('request', (r) => requests.push({ url: r.url(), body: r.postData() || '', headers: r.headers() }));
  page.on('console', (m) => consoleText.push(m.text()));
  await open(page);
  const before = await stats();

  const secrets = {
    nomad: 'ada-demo-pw', nemo: 'nemo-demo-pw', siminars: 'Hello', nebula: 'nebula-demo-pw',
    digest: '9f80d0bd2cdbbb89ac0287643a39bed2',
  };
  await signIn(page, 'NOMAD', 'ada', secrets.nomad);
  await expect(page.getByTestId('session-nomad')).toBeVisible();
  await signIn(page, 'NeMO Archive', 'jdoe', secrets.nemo);
  await expect(page.getByTestId('session-nemo')).toBeVisible();
  await signIn(page, 'Siminars', 'Piyush@Siminars.COM', secrets.siminars);
  await expect(page.getByTestId('session-siminars')).toBeVisible();
  await signIn(page, 'Nebula Block', 'demo@nebula.example', secrets.nebula);
  await expect(page.getByTestId('nebula-balance')).toContainText('42.50');
  await page.getByRole('tab', { name: 'NOMAD' }).click();
  await expect(page.getByTestId('upload-row').first()).toBeVisible();

  const tokens = await page.evaluate(() => Object.values(sessionStorage).map((v) => JSON.parse(v).token));
  expect(tokens).toHaveLength(4);

  for (const r of requests) {
    for (const [name, secret] of Object.entries(secrets)) {
      expect(r.url, `${name} in a URL`).not.toContain(encodeURIComponent(secret));
    }
    for (const t of tokens) expect(r.url).not.toContain(t);
    expect(r.headers.cookie, 'no cookies').toBeUndefined();
    expect(r.headers.referer, 'no referrer').toBeUndefined();
    const path = r.url.startsWith(emuOrigin) ? new URL(r.url).pathname : '';
    // A password only in the body of its own provider's sign-in.
    if (r.body.includes(secrets.nomad)) expect(path).toBe('/nomad/api/v1/auth/token');
    if (r.body.includes(secrets.nemo)) expect(path).toBe('/nemo/v1/login');
    if (r.body.includes(secrets.nebula)) expect(path).toBe('/nebula/api/v1/login');
    if (r.body.includes(secrets.digest)) expect(path).toBe('/siminars/authtoken');
    // A bearer token only to its own provider's paths.
    const auth = r.headers.authorization || '';
    for (const [i, t] of tokens.entries()) if (auth.includes(t)) expect(path, `token ${i}`).toMatch(/^\/(nomad|nebula)\//);
  }
  // Siminars never saw a password that was not a digest.
  expect((await stats()).siminars_non_digest_passwords).toBe(before.siminars_non_digest_passwords);
  const siminarsLogin = requests.find((r) => r.url.endsWith('/siminars/authtoken'));
  expect(JSON.parse(siminarsLogin.body)).toEqual({ email: 'Piyush@Siminars.COM', password: secrets.digest, apitoken: '2' });

  // Nowhere in the page, the other storages, or the console.
  const html = await page.content();
  for (const secret of [...Object.values(secrets), ...tokens]) {
    expect(html).not.toContain(secret);
    for (const line of consoleText) expect(line).not.toContain(secret);
  }
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
  expect(await page.context().cookies()).toEqual([]);
  const stored = await page.evaluate(() => Object.values(sessionStorage).join(' '));
  for (const secret of Object.values(secrets)) expect(stored).not.toContain(secret);
});

test('a session warns before it expires and is signed out at expiry (exact clock)', async ({ page }) => {
  await page.clock.install();
  await open(page);
  await signIn(page, 'NOMAD', 'newbie', 'newbie-demo-pw');
  const card = page.getByTestId('session-nomad');
  await expect(card.getByTestId('session-countdown')).toHaveText('expires in 5:00');
  await expect(page.getByTestId('uploads-empty')).toHaveText('You have no uploads yet.');
  await page.clock.runFor(170_000);
  await expect(card.getByTestId('session-countdown')).toHaveText('expires in 2:10');
  await expect(card.getByTestId('expiry-warning')).toHaveCount(0);
  await page.clock.runFor(15_000);
  await expect(card.getByTestId('expiry-warning')).toBeVisible();
  await page.clock.runFor(116_000);
  await expect(page.getByTestId('session-nomad')).toHaveCount(0);
  await expect(page.getByTestId('session-ended')).toHaveText('Your NOMAD session expired. Please sign in again.');
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
});

test('a reload restores live sessions and purges expired ones', async ({ page }) => {
  await page.clock.install();
  await open(page);
  await signIn(page, 'NOMAD', 'ada', 'ada-demo-pw');
  await signIn(page, 'NeMO Archive', 'jdoe', 'nemo-demo-pw');
  await expect(page.getByTestId('session-nemo')).toHaveCount(1);
  await page.reload();
  await expect(page.getByTestId('session-nomad')).toHaveCount(1);
  await expect(page.getByTestId('session-nemo')).toHaveCount(1);
  // Past NOMAD's 5 minutes, before NeMO's 24 hours: the reload drops only NOMAD.
  await page.clock.fastForward(6 * 60_000);
  await page.reload();
  await expect(page.getByTestId('session-nemo')).toHaveCount(1);
  await expect(page.getByTestId('session-nomad')).toHaveCount(0);
  expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([expect.stringContaining('lab-login/v1/nemo/')]);
});

test('a Siminars token is kept at most 30 days here and given back to the server when dropped', async ({ page }) => {
  const deletes = [];
  page.on('response', (r) => { if (r.request().method() === 'DELETE' && r.url().endsWith('/siminars/authtoken')) deletes.push(r.status()); });
  await page.clock.install();
  await open(page);
  await signIn(page, 'Siminars', 'piyush@siminars.com', 'Hello');
  const card = page.getByTestId('session-siminars');
  // Six months at Siminars; the widget's own cap here.
  await expect(card.getByTestId('session-countdown')).toHaveText(/expires in (29|30) days/);
  await page.clock.fastForward(30 * 86_400_000 + 2_000);
  await expect(page.getByTestId('session-siminars')).toHaveCount(0);
  await expect(page.getByTestId('session-ended')).toContainText('Siminars session expired');
  await expect.poll(() => deletes).toEqual([200]);
  await expect.poll(() => page.evaluate(() => sessionStorage.length)).toBe(0);

  // A tab restored after the cap finds its entry expired: the token goes back too.
  await signIn(page, 'Siminars', 'piyush@siminars.com', 'Hello');
  await expect(page.getByTestId('session-siminars')).toBeVisible();
  await page.evaluate(() => {
    for (const key of Object.keys(sessionStorage)) {
      const entry = JSON.parse(sessionStorage.getItem(key));
      sessionStorage.setItem(key, JSON.stringify({ ...entry, expires_at_ms: Date.now() - 1 }));
    }
  });
  await page.reload();
  await expect(page.getByRole('tablist')).toBeVisible();
  await expect(page.getByTestId('session-siminars')).toHaveCount(0);
  await expect.poll(() => deletes).toEqual([200, 200]);
  await expect.poll(() => page.evaluate(() => sessionStorage.length)).toBe(0);
});

test('a Siminars token that could not be given back is tried again by the next page', async ({ page }) => {
  const deletes = [];
  let refuse = true;
  await page.route('**/siminars/authtoken', (route) => {
    if (route.request().method() !== 'DELETE') return route.continue();
    deletes.push(refuse ? 'failed' : 'sent');
    return refuse ? route.abort('connectionrefused') : route.continue();
  });
  await page.clock.install();
  await open(page);
  await signIn(page, 'Siminars', 'piyush@siminars.com', 'Hello');
  await expect(page.getByTestId('session-siminars')).toBeVisible();
  await page.clock.fastForward(30 * 86_400_000 + 2_000);
  await expect(page.getByTestId('session-siminars')).toHaveCount(0);
  await expect.poll(() => deletes).toEqual(['failed']);
  // Kept, expired for good, for the next try; never shown again.
  expect(await page.evaluate(() => Object.values(sessionStorage).map((v) => JSON.parse(v).expires_at_ms))).toEqual([0]);
  refuse = false;
  await page.reload();
  await expect(page.getByRole('tablist')).toBeVisible();
  await expect(page.getByTestId('session-siminars')).toHaveCount(0);
  await expect.poll(() => deletes).toEqual(['failed', 'sent']);
  await expect.poll(() => page.evaluate(() => sessionStorage.length)).toBe(0);
});

test('the whole flow works with the keyboard alone', async ({ page }) => {
  await open(page);
  await page.getByRole('tab', { name: 'NOMAD' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'NeMO Archive' })).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: 'Nebula Block' })).toBeFocused();
  await page.keyboard.press('Home');
  await expect(page.getByRole('tab', { name: 'NOMAD' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('tabpanel', { name: 'NOMAD' }).getByLabel('Username')).toBeFocused();
  await page.keyboard.type('ada');
  await page.keyboard.press('Tab');
  await page.keyboard.type('ada-demo-pw');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('session-nomad')).toBeVisible();
  // Sign out from the keyboard.
  await page.getByTestId('sign-out-nomad').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('session-nomad')).toHaveCount(0);
});

test('the 10,000-upload account is fully navigable', async ({ page }) => {
  await open(page);
  await signIn(page, 'NOMAD', 'bulk', 'bulk-demo-pw');
  const span = page.getByTestId('page-span');
  await expect(span).toHaveText('1–10 of 10,000');
  // Creation times written in the widget's language: "Jan 5, 2025, 3:04 PM (1 year ago)".
  await expect(page.locator('.lab-login__created').first()).toHaveText(/^(?=.*\b[A-Z][a-z]{2}\b).*\b20\d\d, \d{1,2}:\d{2}.* \(.+ ago\)$/);
  await page.getByTestId('uploads-page-size').selectOption('100');
  await expect(span).toHaveText('1–100 of 10,000');
  await page.getByTestId('page-last').click();
  await expect(span).toHaveText('9,901–10,000 of 10,000');
  await expect(page.getByTestId('upload-row')).toHaveCount(100);
  await page.getByTestId('uploads-filter').selectOption('published');
  await expect(span).toHaveText('1–100 of 4,000');
  await page.getByTestId('sort-created').click();
  await expect(page.locator('th[aria-sort="ascending"]')).toContainText('Created');
});

test('a page whose navigator.language Intl refuses, and whose Object.prototype carries date options, still gets the widget\'s dates', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'language', { get: () => 'en-x' });
    // Read through the prototype chain, these would make Intl refuse the widget's own options.
    Object.defineProperty(Object.prototype, 'weekday', { value: 'long', configurable: true });
  });
  await open(page);
  await signIn(page, 'NOMAD', 'ada', 'ada-demo-pw');
  await expect(page.getByTestId('upload-row').first()).toBeVisible();
  await expect(page.locator('.lab-login__created').first()).toHaveText(/^(?=.*\b[A-Z][a-z]{2}\b).*\b20\d\d, \d{1,2}:\d{2}/);
});

test('a page whose Object.prototype carries a task delay still starts the widget at once', async ({ page }) => {
  // Read through the prototype chain, this would hold the widgets' render back for a minute.
  await page.addInitScript(() => Object.defineProperty(Object.prototype, 'delay', { value: 60_000, configurable: true }));
  await page.route('**/lab-login.json', (route) => route.fulfill({ json: CONFIG }));
  await page.goto('/');
  await expect(page.getByRole('tablist')).toBeVisible({ timeout: 5_000 });
});

test('a server that is down is said so, and nothing is lost', async ({ page }) => {
  await open(page, { ...CONFIG, nemo: { url: 'http://127.0.0.1:9/nemo/v1' } });
  const panel = await signIn(page, 'NeMO Archive', 'jdoe', 'nemo-demo-pw');
  await expect(panel.getByTestId('error')).toContainText('Could not reach 127.0.0.1:9');
  await expect(panel.getByTestId('error')).toBeFocused();
  await expect(panel.getByTestId('username')).toHaveValue('jdoe');
  await expect(panel.getByTestId('password')).toHaveValue('');
});

test('a configuration that names an unsafe endpoint shows an error in place of the widget', async ({ page }) => {
  await page.route('**/lab-login.json', (route) => route.fulfill({ json: { nomad: { url: 'http://evil.example/api' } } }));
  await page.goto('/');
  await expect(page.getByTestId('config-error')).toContainText('passwords would travel unencrypted');
  await expect(page.getByRole('tablist')).toHaveCount(0);
});

test('a NOMAD app token is created, copied once, and never put in the page or storage', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await open(page);
  await signIn(page, 'NOMAD', 'ada', 'ada-demo-pw');
  const card = page.getByTestId('session-nomad');
  await card.getByText('App token for scripts').click();
  await card.getByTestId('app-token-lifetime').selectOption(String(7 * 86400));
  await card.getByTestId('app-token-create').click();
  await expect(card.getByTestId('app-token-result')).toContainText('A token valid for 7 days is ready');
  await card.getByTestId('app-token-copy').click();
  await expect(card.getByTestId('app-token-copy')).toHaveText('Copied');
  const token = await page.evaluate(() => navigator.clipboard.readText());
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  expect(claims.typ).toBe('app');
  expect(claims.exp - claims.iat).toBe(7 * 86400);
  expect(await page.content()).not.toContain(token);
  expect(await page.evaluate(() => Object.values(sessionStorage).join(' '))).not.toContain(token);
  // It works as a NOMAD token.
  const uploads = await fetch(`${EMU}/nomad/api/v1/uploads`, { headers: { authorization: `Bearer ${token}` } });
  expect(uploads.status).toBe(200);
  await card.getByTestId('app-token-dismiss').click();
  await expect(card.getByTestId('app-token-copy')).toHaveCount(0);
});

test('an account with no uploads says so, with no pager', async ({ page }) => {
  await open(page);
  await signIn(page, 'NOMAD', 'newbie', 'newbie-demo-pw');
  await expect(page.getByTestId('uploads-empty')).toHaveText('You have no uploads yet.');
  await expect(page.getByTestId('page-span')).toHaveCount(0);
});
