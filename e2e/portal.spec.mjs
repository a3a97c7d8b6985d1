// The bundle as a portal embeds it (the output of `cargo xtask dist`): pinned by
// one integrity value, configured only beside itself, under a strict CSP.
import { test, expect } from './support/fixtures.mjs';
import { signIn as signInWith } from './support/flows.mjs';
import { startPortal, portalPage, emulatorConfig, bundleFile, sri, BUNDLE_PATH, EMU, DIST, TEACHING_DIST, jsonFile } from './support/portal.mjs';

test.skip(!EMU || !DIST, 'needs the emulator and the built bundle: run through `cargo xtask test`');

const PAGE = '/portal/projects/42/';
const emuHost = new URL(EMU || 'http://127.0.0.1').host;
const STRICT_CSP = (connect) => `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ${connect}; frame-ancestors 'self'`;

let portal;
test.afterEach(async () => { await portal?.close(); portal = undefined; });

/** Signs in to NOMAD; returns the host the form named before it sent. */
async function signInNomad(page, user = 'ada', password = 'ada-demo-pw') {
  await page.getByRole('tab', { name: 'NOMAD' }).click();
  const panel = page.getByRole('tabpanel', { name: 'NOMAD' });
  const named = await panel.getByTestId('form-host').textContent();
  await panel.getByTestId('username').fill(user);
  await panel.getByTestId('password').fill(password);
  await panel.getByTestId('password').press('Enter');
  return named;
}

test('configuration comes from beside the bundle, never from beside the page', async ({ page }) => {
  portal = await startPortal({
    files: {
      [PAGE]: portalPage(),
      // Anyone who can put a file next to the page must not choose where passwords go.
      [`${PAGE}lab-login.json`]: jsonFile({ nomad: { url: 'http://127.0.0.1:9/decoy' } }),
      [`${BUNDLE_PATH}lab-login.json`]: jsonFile(emulatorConfig()),
    },
  });
  await page.goto(portal.origin + PAGE);
  expect(await signInNomad(page)).toContain(emuHost);
  await expect(page.getByTestId('session-nomad')).toBeVisible();
  expect(portal.requests.map((r) => r.path)).not.toContain(`${PAGE}lab-login.json`);
  expect(portal.requests.map((r) => r.path)).toContain(`${BUNDLE_PATH}lab-login.json`);
});

test('an injected <base href> moves no endpoint: the password goes only to the host the form names', async ({ page }) => {
  const elsewhere = await startPortal();
  try {
    portal = await startPortal({
      proxy: ['/nomad/'],
      files: {
        // As HTML injected into the page body would: a <base> pointing at another origin.
        [PAGE]: portalPage({ body: `<base href="${elsewhere.origin}/"><div data-lab-login data-providers="nomad"></div>` }),
        [`${BUNDLE_PATH}lab-login.json`]: jsonFile({ nomad: { url: '/nomad/api/v1' } }),
      },
    });
    const sent = [];
    page.on('request', (r) => sent.push({ url: r.url(), body: r.postData() || '' }));
    await page.goto(portal.origin + PAGE);
    expect(await signInNomad(page)).toContain(new URL(portal.origin).host);
    await expect(page.getByTestId('session-nomad')).toBeVisible();
    expect(elsewhere.requests).toEqual([]);
    const withPassword = sent.filter((r) => r.body.includes('ada-demo-pw'));
    expect(withPassword.map((r) => r.url)).toEqual([`${portal.origin}/nomad/api/v1/auth/token`]);
  } finally {
    await elsewhere.close();
  }
});

test('the bundle works under the strict CSP with no nonce, and no violation is reported', async ({ page }) => {
  const csp = STRICT_CSP(new URL(EMU).origin);
  portal = await startPortal({
    headers: { 'content-security-policy': csp },
    files: {
      [PAGE]: portalPage({ body: '<div data-lab-login data-providers="nomad,siminars"></div>' }),
      [`${BUNDLE_PATH}lab-login.json`]: jsonFile(emulatorConfig()),
    },
  });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  const response = await page.goto(portal.origin + PAGE);
  expect(response.headers()['content-security-policy']).toBe(csp);
  await signInNomad(page);
  await expect(page.getByTestId('session-nomad')).toBeVisible();
  await expect(page.getByTestId('upload-row').first()).toBeVisible();
  await signInWith(page, 'Siminars', 'piyush@siminars.com', 'Hello');
  await expect(page.getByTestId('session-siminars')).toBeVisible();
  // The widget's own stylesheet applied (a blocked style would leave it unstyled).
  const border = await page.getByTestId('lab-login').evaluate((el) => getComputedStyle(el).borderTopStyle);
  expect(border).toBe('solid');
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
  expect(consoleErrors).toEqual([]);
});

// The README's optional preload fetches the .wasm before the entry runs: the
// entry's pinned fetch must still check those bytes.
const PRELOAD = `<link rel="preload" href="${BUNDLE_PATH}lab-login.wasm" as="fetch" type="application/wasm" crossorigin="anonymous" integrity="${sri(bundleFile('lab-login.wasm'))}">`;
for (const [file, head] of [['lab-login.wasm', ''], ['lab-login.wasm', PRELOAD], ['lab-login.css', '']]) {
  test(`a tampered ${file}${head ? ', preloaded by the page,' : ''} is refused: a plain error in place of the widget, nothing runs`, async ({ page }) => {
    // Still a valid file of its kind (a wasm custom section, a CSS rule): only
    // the integrity check can refuse it.
    const addition = file.endsWith('.css') ? Buffer.from('\n.lab-login{display:none}') : Buffer.from([0, 2, 1, 0x78]);
    const tampered = Buffer.concat([bundleFile(file), addition]);
    portal = await startPortal({
      files: {
        [PAGE]: portalPage({ head }),
        [BUNDLE_PATH + file]: tampered,
        [`${BUNDLE_PATH}lab-login.json`]: jsonFile(emulatorConfig()),
      },
    });
    const toEmulator = [], wasmRequests = [];
    page.on('request', (r) => { if (r.url().startsWith(EMU)) toEmulator.push(r.url()); });
    page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasmRequests.push(r.url()); });
    const consoleLines = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    await page.goto(portal.origin + PAGE);
    await expect(page.getByTestId('load-error')).toHaveText(`The login widget could not start: ${file} did not load, or it is not the file this release was built with.`);
    // The browser itself refused it for its integrity value.
    expect(consoleLines.join('\n')).toMatch(/integrity/i);
    await expect(page.getByRole('alert')).toHaveCount(1);
    await expect(page.getByTestId('lab-login')).toHaveCount(0);
    await expect(page.getByTestId('password')).toHaveCount(0);
    expect(toEmulator).toEqual([]);
    // With the preload, the refused bytes are the preloaded ones: one download.
    if (head) expect(wasmRequests).toHaveLength(1);
  });
}

test('a tampered entry is refused by the page\'s own integrity value: nothing loads or runs', async ({ page }) => {
  const entry = Buffer.concat([bundleFile('lab-login.js'), Buffer.from('\n// changed on the server\n')]);
  portal = await startPortal({
    files: {
      [PAGE]: portalPage({ entryIntegrity: sri(bundleFile('lab-login.js')) }),
      [`${BUNDLE_PATH}lab-login.js`]: entry,
      [`${BUNDLE_PATH}lab-login.json`]: jsonFile(emulatorConfig()),
    },
  });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(portal.origin + PAGE);
  await page.waitForLoadState('networkidle');
  expect(errors.join('\n')).toContain('integrity');
  await expect(page.getByTestId('lab-login')).toHaveCount(0);
  await expect(page.getByTestId('password')).toHaveCount(0);
  const fetched = portal.requests.map((r) => r.path);
  expect(fetched).not.toContain(`${BUNDLE_PATH}lab-login.wasm`);
  expect(fetched).not.toContain(`${BUNDLE_PATH}lab-login.json`);
});

test('a missing lab-login.json is an error in place of the widget, never a fall-back', async ({ page }) => {
  portal = await startPortal({ files: { [PAGE]: portalPage() } });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(portal.origin + PAGE);
  await expect(page.getByTestId('config-error')).toContainText(`${portal.origin}${BUNDLE_PATH}lab-login.json does not exist`);
  await expect(page.getByTestId('password')).toHaveCount(0);
  expect(requests.filter((u) => !u.startsWith(portal.origin))).toEqual([]);
});

test('a lab-login.json that never arrives is an error after 20 seconds, not a widget waiting for ever', async ({ page }) => {
  portal = await startPortal({ files: { [PAGE]: portalPage(), [`${BUNDLE_PATH}lab-login.json`]: jsonFile({}) } });
  await page.clock.install();
  // The server takes the request and never answers.
  await page.route('**/lab-login.json', () => {});
  await page.goto(portal.origin + PAGE);
  await page.waitForTimeout(500);
  // The installed clock also runs on its own, so the check before the limit keeps a margin.
  await page.clock.runFor(15_000);
  await page.waitForTimeout(200);
  await expect(page.getByTestId('config-error')).toHaveCount(0);
  await page.clock.runFor(5_000);
  await expect(page.getByTestId('config-error')).toContainText(`${portal.origin}${BUNDLE_PATH}lab-login.json did not arrive within 20 seconds`);
  await expect(page.getByTestId('password')).toHaveCount(0);
});

test('an invalid lab-login.json is an error in place of the widget', async ({ page }) => {
  portal = await startPortal({ files: { [PAGE]: portalPage(), [`${BUNDLE_PATH}lab-login.json`]: jsonFile({ nomad: { url: 'https://x' }, surprise: 1 }) } });
  await page.goto(portal.origin + PAGE);
  await expect(page.getByTestId('config-error')).toContainText('lab-login.json is not valid: surprise is not a setting the widget knows');
  await expect(page.getByTestId('password')).toHaveCount(0);
});

test('the demo pages boot through pinned entries, with no inline script: the teaching bundle at /, the embeddable one beside it', async ({ page }) => {
  const scripts = () => page.locator('script').evaluateAll((all) => all.map((s) => ({ src: s.getAttribute('src'), type: s.type, integrity: s.integrity, inline: s.textContent.trim() })));
  await page.goto('/');
  expect(await scripts()).toEqual([{ src: 'lab-login/lab-login.js', type: 'module', integrity: sri(bundleFile('lab-login.js', TEACHING_DIST)), inline: '' }]);
  await expect(page.getByTestId('lab-login')).toBeVisible();
  await page.goto('/embed.html');
  expect(await scripts()).toEqual([{ src: 'embed/lab-login/lab-login.js', type: 'module', integrity: sri(bundleFile('lab-login.js')), inline: '' }]);
  await expect(page.getByTestId('lab-login')).toBeVisible();
});
