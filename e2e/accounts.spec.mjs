// Habits of real accounts: several tabs of one site, forgotten passwords.
import { test, expect } from '@playwright/test';
import { startPortal, portalPage, emulatorConfig, BUNDLE_PATH, EMU, DIST } from './support/portal.mjs';

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
  await page.getByRole('tab', { name: tab }).click();
  const panel = page.getByRole('tabpanel', { name: tab });
  await panel.getByTestId('username').fill(user);
  await panel.getByTestId('password').fill(password);
  await panel.getByTestId('password').press('Enter');
  await expect(page.getByTestId(`session-${key}`)).toBeVisible();
}

test('signing out in one tab signs the same provider out in the others; no token crosses', async ({ context }) => {
  portal = await startPortal({
    files: {
      '/': portalPage({ body: '<lab-login providers="nomad,siminars,nemo"></lab-login>' }),
      [`${BUNDLE_PATH}lab-login.json`]: { body: JSON.stringify(emulatorConfig()), headers: { 'content-type': 'application/json' } },
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

  await a.getByTestId('sign-out-nomad').click();
  await expect(b.getByTestId('session-nomad')).toHaveCount(0);
  await expect(b.getByTestId('session-ended')).toHaveText('You signed out of NOMAD in another tab.');
  await expect(b.getByTestId('session-siminars')).toBeVisible();
  await expect(b.getByTestId('session-nemo')).toBeVisible();
  expect(await b.evaluate(() => window.__events)).toEqual([{ provider: 'nomad', reason: 'other-tab' }]);
  expect(await b.evaluate(() => Object.keys(sessionStorage).some((k) => k.includes('/nomad/')))).toBe(false);

  // Siminars: the other tab's own token is given back to the server too.
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
      [`${BUNDLE_PATH}lab-login.json`]: {
        body: JSON.stringify(emulatorConfig({
          nomad: { url: `${EMU}/nomad/api/v1`, forgot_password_url: 'https://accounts.nomad.example/reset?realm=lab' },
          nemo: { url: `${EMU}/nemo/v1`, forgot_password_url: 'https://nemo.example/forgot' },
        })),
        headers: { 'content-type': 'application/json' },
      },
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
      [`${BUNDLE_PATH}lab-login.json`]: { body: JSON.stringify(emulatorConfig({ nemo: { url: `${EMU}/nemo/v1`, forgot_password_url: 'javascript:alert(1)' } })), headers: { 'content-type': 'application/json' } },
    },
  });
  await page.goto(`${portal.origin}/`);
  await expect(page.getByTestId('config-error')).toContainText('nemo.forgot_password_url');
});
