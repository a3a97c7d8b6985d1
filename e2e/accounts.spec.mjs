// Habits of real accounts: several tabs of one site, forgotten passwords.
import { test, expect } from './support/fixtures.mjs';
import { signIn as signInWith } from './support/flows.mjs';
import { startPortal, portalPage, emulatorConfig, BUNDLE_PATH, EMU, DIST, jsonFile } from './support/portal.mjs';
import { ownEmulator, EMULATOR_BIN } from './support/emulator.mjs';

test.skip(!EMU || !DIST, 'needs the emulator and the built bundle: run through `cargo xtask test`');

let portal;
test.afterEach(async () => { await portal?.close(); portal = undefined; });

async function openTab(context, url) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__channel = [];
    new BroadcastChannel('lab-login').onmessage = (e) => window.__channel.push(JSON.stringify(e.data));
    window.__events = [];
    document.addEventListener('lab-login:signed-out', (e) => window.__events.push(e.detail), true);
  });
  await page.goto(url);
  return page;
}

async function signIn(page, tab, user, password, key) {
  await signInWith(page, tab, user, password);
  await expect(page.getByTestId(`session-${key}`)).toBeVisible();
}

test('signing out in one tab signs the same provider out in the others; no token crosses', async ({ context }) => {
  portal = await startPortal({
    files: {
      '/': portalPage({ body: '<lab-login providers="nomad,siminars,nemo"></lab-login>' }),
      [`${BUNDLE_PATH}lab-login.json`]: jsonFile(emulatorConfig()),
    },
  });
  const [a, b] = [await openTab(context, `${portal.origin}/`), await openTab(context, `${portal.origin}/`)];
  for (const page of [a, b]) {
    await signIn(page, 'NOMAD', 'ada', 'ada-demo-pw', 'nomad');
    await signIn(page, 'Siminars', 'piyush@siminars.com', 'Hello', 'siminars');
  }
  await signIn(b, 'NeMO Archive', 'jdoe', 'nemo-demo-pw', 'nemo');
  const tokensOfB = await b.evaluate(() => Object.values(sessionStorage).map((v) => JSON.parse(v).token));
  const tokensOfA = await a.evaluate(() => Object.values(sessionStorage).map((v) => JSON.parse(v).token));
  const sentByB = [];
  b.on('request', (r) => sentByB.push(`${r.method()} ${r.url()}`));

  await a.getByRole('tab', { name: 'NOMAD' }).click();
  await a.getByTestId('sign-out-nomad').click();
  await expect(b.getByTestId('session-nomad')).toHaveCount(0);
  await expect(b.getByTestId('session-ended')).toHaveText('You signed out of NOMAD in another tab.');
  await expect(b.getByTestId('session-siminars')).toHaveCount(1);
  await expect(b.getByTestId('session-nemo')).toHaveCount(1);
  expect(await b.evaluate(() => window.__events)).toEqual([{ provider: 'nomad', reason: 'other-tab' }]);
  expect(await b.evaluate(() => Object.keys(sessionStorage).some((k) => k.includes('/nomad/')))).toBe(false);

  // Siminars: the other tab's own token is given back to the server too.
  await a.getByRole('tab', { name: 'Siminars' }).click();
  await a.getByTestId('sign-out-siminars').click();
  await expect(b.getByTestId('session-siminars')).toHaveCount(0);
  await expect.poll(() => sentByB).toContain(`DELETE ${EMU}/siminars/authtoken`);

  const crossed = await b.evaluate(() => window.__channel);
  expect(crossed.map((m) => JSON.parse(m))).toEqual([
    { provider: 'nomad', base_url: `${EMU}/nomad/api/v1` },
    { provider: 'siminars', base_url: `${EMU}/siminars` },
  ]);
  for (const token of [...tokensOfA, ...tokensOfB]) expect(crossed.join(' ')).not.toContain(token);
  expect(await b.evaluate(() => localStorage.length)).toBe(0);
});

test('"Forgot your password?" goes to each provider\'s own page, from configuration, in a new tab', async ({ page }) => {
  portal = await startPortal({
    files: {
      '/': portalPage({ body: '<lab-login></lab-login>' }),
      [`${BUNDLE_PATH}lab-login.json`]: jsonFile(emulatorConfig({
        nomad: { url: `${EMU}/nomad/api/v1`, forgot_password_url: 'https://accounts.nomad.example/reset?realm=lab' },
        nemo: { url: `${EMU}/nemo/v1`, forgot_password_url: 'https://nemo.example/forgot' },
      })),
    },
  });
  await page.goto(`${portal.origin}/`);
  const link = (tab) => page.getByRole('tabpanel', { name: tab }).getByTestId('forgot-password');
  await expect(link('NOMAD')).toHaveAttribute('href', 'https://accounts.nomad.example/reset?realm=lab');
  await expect(link('NOMAD')).toHaveAttribute('target', '_blank');
  await expect(link('NOMAD')).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(page.getByRole('link', { name: /Forgot your password\? \(NOMAD, opens in a new tab\)/ })).toHaveCount(1);
  await page.getByRole('tab', { name: 'NeMO Archive' }).click();
  await expect(link('NeMO Archive')).toHaveAttribute('href', 'https://nemo.example/forgot');
  await page.getByRole('tab', { name: 'Siminars' }).click();
  await expect(link('Siminars')).toHaveText('Forgot your password? Siminars resets it only on its web site.');
  await page.getByRole('tab', { name: 'Nebula Block' }).click();
  await expect(link('Nebula Block')).toHaveCount(0);
});

test('a forgot-password link that is not https is refused with the configuration', async ({ page }) => {
  portal = await startPortal({
    files: {
      '/': portalPage({ body: '<lab-login></lab-login>' }),
      [`${BUNDLE_PATH}lab-login.json`]: jsonFile(emulatorConfig({ nemo: { url: `${EMU}/nemo/v1`, forgot_password_url: 'javascript:alert(1)' } })),
    },
  });
  await page.goto(`${portal.origin}/`);
  await expect(page.getByTestId('config-error')).toContainText('nemo.forgot_password_url');
});

const PAT = 'nomad_pat_demoReadAll_x7Qm2Lr9Tc4Vb8Np1Hs6Kd3Fg5Jw0Ya';
const PAT_NO_UPLOADS = 'nomad_pat_demoNoUploads_Z4pT8sQ1vX6nB3mR7kL2wE9cY5';

async function nomadPage(page) {
  portal = await startPortal({
    files: {
      '/': portalPage({ body: '<lab-login providers="nomad"></lab-login>' }),
      [`${BUNDLE_PATH}lab-login.json`]: jsonFile(emulatorConfig()),
    },
  });
  await page.addInitScript(() => {
    window.__events = [];
    for (const n of ['lab-login:signed-in', 'lab-login:signed-out', 'lab-login:error']) document.addEventListener(n, (e) => window.__events.push([n, e.detail]), true);
  });
  await page.goto(`${portal.origin}/`);
  await expect(page.getByRole('tablist')).toBeVisible();
}

async function pasteToken(page, token) {
  const panel = page.getByRole('tabpanel', { name: 'NOMAD' });
  if (!(await panel.getByTestId('use-api-key').isChecked())) await panel.getByTestId('use-api-key').check();
  await panel.getByLabel('Personal access token or app token').fill(token);
  await panel.getByTestId('submit').click();
  return panel;
}

async function emulatorToken(user, password) {
  const r = await fetch(`${EMU}/nomad/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=password&username=${user}&password=${password}` });
  return (await r.json()).access_token;
}

test('a NOMAD personal access token signs in, is kept in memory only, and ends at the cap and at a 401', async ({ page }) => {
  await page.clock.install();
  await nomadPage(page);
  await pasteToken(page, PAT);
  const card = page.getByTestId('session-nomad');
  await expect(card.getByTestId('session-kind')).toHaveText('personal access token');
  await expect(card.getByTestId('session-countdown')).toContainText('kept in this page only, until you reload it or for at most 8 hours');
  await expect(page.getByTestId('upload-row').first()).toBeVisible();
  expect(await page.evaluate(() => [...document.querySelectorAll('input')].some((i) => i.value.includes('nomad_pat_')))).toBe(false);
  expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
  expect(await page.content()).not.toContain(PAT);
  expect((await page.evaluate(() => window.__events))[0]).toEqual(['lab-login:signed-in', expect.objectContaining({ provider: 'nomad', kind: 'personal-token' })]);
  // The local cap.
  await page.clock.runFor(8 * 3600 * 1000 + 2000);
  await expect(page.getByTestId('session-nomad')).toHaveCount(0);
  await expect(page.getByTestId('session-ended')).toHaveText('Your NOMAD session expired. Please sign in again.');
  // A 401 ends it too.
  await pasteToken(page, PAT);
  await expect(page.getByTestId('session-nomad')).toBeVisible();
  // The first page of uploads has loaded; the server turns the token down after that.
  await expect(page.getByTestId('upload-row').first()).toBeVisible();
  await page.route('**/uploads?**', (route) => route.fulfill({ status: 401, json: { detail: 'Could not validate credentials. The given token is invalid.' }, headers: { 'access-control-allow-origin': '*' } }));
  await page.getByTestId('uploads-refresh').click();
  await expect(page.getByTestId('session-nomad')).toHaveCount(0);
  await expect(page.getByTestId('session-ended')).toContainText('no longer accepts this session');
});

test('a NOMAD app token is kept like an access token, with its exp', async ({ page }) => {
  const access = await emulatorToken('ada', 'ada-demo-pw');
  const app = (await (await fetch(`${EMU}/nomad/api/v1/auth/app_token?expires_in=7200`, { headers: { authorization: `Bearer ${access}` } })).json()).app_token;
  await nomadPage(page);
  await pasteToken(page, app);
  const card = page.getByTestId('session-nomad');
  await expect(card.getByTestId('session-kind')).toHaveText('app token');
  await expect(card.getByTestId('session-countdown')).toHaveText(/expires in 1:59:5\d|expires in 2:00:00/);
  const stored = await page.evaluate(() => Object.values(sessionStorage).map((v) => JSON.parse(v)));
  expect(stored).toEqual([expect.objectContaining({ token: app })]);
});

for (const [name, token, message] of [
  ['a rejected token', 'nomad_pat_notARealTokenAtAll_00000000000000000000000', 'NOMAD did not accept this token: it is wrong, expired or revoked.'],
  ['a token without the uploads permission', PAT_NO_UPLOADS, 'Your NOMAD token works, but it is missing a permission this needs.'],
  ['text that is no token', 'my-password', 'Paste a NOMAD personal access token (it starts with nomad_pat_) or an app token.'],
]) {
  test(`${name} gets its own message, and nothing is kept`, async ({ page }) => {
    await nomadPage(page);
    const panel = await pasteToken(page, token);
    await expect(panel.getByTestId('error')).toContainText(message);
    await expect(page.getByTestId('session-nomad')).toHaveCount(0);
    await expect(panel.getByTestId('api-key')).toHaveValue('');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });
}

test('an expired app token is refused, in our words only', async ({ page }) => {
  const access = await emulatorToken('ada', 'ada-demo-pw');
  const app = (await (await fetch(`${EMU}/nomad/api/v1/auth/app_token?expires_in=1`, { headers: { authorization: `Bearer ${access}` } })).json()).app_token;
  await new Promise((r) => setTimeout(r, 1500));
  await nomadPage(page);
  const panel = await pasteToken(page, app);
  await expect(panel.getByTestId('error')).toContainText('NOMAD did not accept this token: it is wrong, expired or revoked.');
  // The server's own words go to the teaching bundle's inspector only.
  await expect(panel.getByTestId('error')).not.toContainText('Expired token.');
});

test('an Oasis that refuses an account after a good sign-in says so, not "wrong password"', async ({ page }) => {
  await nomadPage(page);
  await signInWith(page, 'NOMAD', 'outsider', 'outsider-demo-pw');
  await expect(page.getByTestId('session-ended')).toContainText('Your password was right, but this NOMAD server');
  await expect(page.getByTestId('session-ended')).toContainText('does not admit your account');
  await expect(page.getByTestId('session-nomad')).toHaveCount(0);
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  const events = await page.evaluate(() => window.__events);
  expect(events.map(([n, d]) => `${n}:${d.reason || d.kind}`)).toEqual(['lab-login:signed-in:password', 'lab-login:error:not-admitted', 'lab-login:signed-out:rejected']);
});

async function languagePage(page, { htmlLang = 'en', dir = '', body, config = emulatorConfig() }) {
  const html = portalPage({ body }).replace('<html lang="en">', `<html lang="${htmlLang}"${dir ? ` dir="${dir}"` : ''}>`);
  portal = await startPortal({
    files: {
      '/': html,
      [`${BUNDLE_PATH}lab-login.json`]: jsonFile(config),
    },
  });
  await page.goto(`${portal.origin}/`);
  await expect(page.getByRole('tablist').first()).toBeVisible();
}

test('German: from lang="de", from the page\'s <html lang>, with a host override; other languages fall back to English', async ({ page }) => {
  await languagePage(page, {
    body: '<lab-login id="de" providers="nomad" lang="de"></lab-login><lab-login id="page" providers="siminars"></lab-login><lab-login id="fr" providers="nemo" lang="fr"></lab-login>',
    htmlLang: 'de-AT',
    config: emulatorConfig({ messages: { de: { 'form.forgot-siminars': 'Passwort vergessen? Bitte auf siminars.example zurücksetzen.' } } }),
  });
  const de = page.locator('#de');
  await expect(de.getByRole('tablist')).toHaveAttribute('aria-label', 'Anmelden bei');
  await expect(de.getByTestId('submit')).toHaveText('Bei NOMAD anmelden');
  await expect(de.getByLabel('Benutzername')).toBeVisible();
  await expect(de.getByLabel('Passwort', { exact: true })).toBeVisible();
  await expect(de.getByTestId('lab-login')).toHaveAttribute('lang', 'de');
  // The page's <html lang="de-AT"> decides where the widget has no lang of its own.
  const fromPage = page.locator('#page');
  await expect(fromPage.getByTestId('submit')).toHaveText('Bei Siminars anmelden');
  await expect(fromPage.getByTestId('forgot-password')).toHaveText('Passwort vergessen? Bitte auf siminars.example zurücksetzen.');
  // A language the widget does not speak: English, never a key name.
  const fr = page.locator('#fr');
  await expect(fr.getByTestId('submit')).toHaveText('Sign in to NeMO Archive');
  await expect(fr.getByTestId('lab-login')).toHaveAttribute('lang', 'en');
  // German errors and sessions.
  await de.getByTestId('username').fill('ada');
  await de.getByTestId('password').fill('falsch');
  await de.getByTestId('password').press('Enter');
  await expect(de.getByTestId('error')).toContainText('NOMAD hat diesen Benutzernamen und dieses Passwort nicht akzeptiert.');
  await de.getByTestId('password').fill('ada-demo-pw');
  await de.getByTestId('password').press('Enter');
  await expect(de.getByTestId('session-countdown')).toContainText('läuft ab in');
  await expect(de.getByRole('button', { name: 'Abmelden' })).toBeVisible();
  await expect(de.getByTestId('page-span')).toHaveText('1–10 von 25');
  // Dates in German too, though the browser speaks English: "05.01.2025, 15:04 (vor 1 Jahr)".
  await expect(de.locator('.lab-login__created').first()).toHaveText(/^\d{2}\.\d{2}\.20\d\d, \d{2}:\d{2} \(vor .+\)$/);
  const text = await de.textContent();
  expect(text).not.toMatch(/\b(form|session|uploads|error)\.[a-z-]+/);
});

test('an unknown message key in the configuration is refused', async ({ page }) => {
  portal = await startPortal({
    files: {
      '/': portalPage({ body: '<lab-login></lab-login>' }),
      [`${BUNDLE_PATH}lab-login.json`]: jsonFile(emulatorConfig({ messages: { de: { 'form.sumbit': 'x' } } })),
    },
  });
  await page.goto(`${portal.origin}/`);
  await expect(page.getByTestId('config-error')).toContainText('messages.de.form.sumbit is not a message of the widget');
});

test('a right-to-left page mirrors the widget', async ({ page }) => {
  await languagePage(page, { body: '<div style="width: 600px"><lab-login providers="nomad,nemo"></lab-login></div>', dir: 'rtl' });
  const tabs = page.getByRole('tab');
  const [first, second] = [await tabs.nth(0).boundingBox(), await tabs.nth(1).boundingBox()];
  expect(first.x).toBeGreaterThan(second.x); // the first tab sits on the right
  const panel = page.getByRole('tabpanel', { name: 'NOMAD' });
  const label = await panel.getByText('Username').boundingBox();
  const input = await panel.getByTestId('username').boundingBox();
  expect(label.x + label.width).toBeGreaterThan(input.x + input.width - 2); // labels start on the right
});

test('each signed-in tab, with the keyboard alone, at 320 px', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 800 });
  await languagePage(page, { body: '<lab-login></lab-login>' });
  const accounts = [['NOMAD', 'ada', 'ada-demo-pw', 'nomad'], ['NeMO Archive', 'jdoe', 'nemo-demo-pw', 'nemo'],
    ['Siminars', 'piyush@siminars.com', 'Hello', 'siminars'], ['Nebula Block', 'demo@nebula.example', 'nebula-demo-pw', 'nebula']];
  await page.getByRole('tab', { name: 'NOMAD' }).focus();
  for (const [i, [tab, user, password, key]] of accounts.entries()) {
    if (i > 0) await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name: tab })).toBeFocused();
    await page.keyboard.press('Tab');
    await page.keyboard.type(user);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(`session-${key}`)).toBeVisible();
    await expect(page.getByRole('tab', { name: `${tab} (signed in)` })).toBeVisible();
    // Nothing in the signed-in tab is wider than the sidebar.
    const overflow = await page.getByRole('tabpanel', { name: tab }).evaluate((p) => p.scrollWidth - p.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.getByRole('tab', { name: tab }).focus();
  }
  // Sign out of Nebula with the keyboard.
  await page.getByTestId('sign-out-nebula').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: 'Nebula Block (signed in)' })).toHaveCount(0);
  await expect(page.getByRole('tabpanel', { name: 'Nebula Block' }).getByTestId('username')).toBeVisible();
});

// Every NOMAD version a lab may still run: before 1.4.3 the answer has no
// `expires_in`, so the expiry comes from the token's own claims.
for (const version of ['1.3', '1.4.0']) {
  test(`NOMAD ${version}: sign-in, the expiry from the token's claims, the uploads`, async ({ page }) => {
    test.skip(!EMULATOR_BIN, 'needs the emulator binary');
    // Not the widget's fallback of 5 minutes: the countdown must come from the token.
    const emu = await ownEmulator(['--nomad-version', version, '--nomad-token-secs', '900']);
    try {
      portal = await startPortal({
        files: {
          '/': portalPage({ body: '<lab-login providers="nomad"></lab-login>' }),
          [`${BUNDLE_PATH}lab-login.json`]: jsonFile({ nomad: { url: `${emu.url}/nomad/api/v1` } }),
        },
      });
      const answer = page.waitForResponse((r) => r.url().endsWith('/auth/token'));
      await page.goto(`${portal.origin}/`);
      await signIn(page, 'NOMAD', 'ada', 'ada-demo-pw', 'nomad');
      expect(Object.keys(await (await answer).json()).sort()).toEqual(['access_token', 'token_type']);
      await expect(page.getByTestId('session-countdown')).toHaveText(/expires in (14:5\d|15:00)/);
      await expect(page.getByTestId('upload-row').first()).toBeVisible();
    } finally {
      emu.stop();
    }
  });
}
