// Accessibility of the main states: axe-core (from npm, committed lock) finds
// no serious or critical violation; every control has an accessible name; the
// focus indicator is at least 2 px and 3:1 against its surroundings (WCAG 2.4.13).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { test, expect } from './support/fixtures.mjs';
import { signIn } from './support/flows.mjs';
import { startPortal, portalPage, emulatorConfig, BUNDLE_PATH, EMU, DIST, jsonFile } from './support/portal.mjs';

test.skip(!EMU || !DIST, 'needs the emulator and the built bundle: run through `cargo xtask test`');

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let portal;
test.afterEach(async () => { await portal?.close(); portal = undefined; });

async function open(page, body = '<main><h1>Portal</h1><lab-login></lab-login></main>') {
  portal = await startPortal({
    files: {
      '/': portalPage({ body }),
      [`${BUNDLE_PATH}lab-login.json`]: jsonFile(emulatorConfig()),
    },
  });
  await page.goto(`${portal.origin}/`);
  await expect(page.getByRole('tablist').first()).toBeVisible();
}

async function audit(page, state) {
  fs.appendFileSync(`${test.info().project.outputDir}/axe.txt`, '1\n');
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(result, `axe, ${state}`).toEqual([]);
  fs.appendFileSync(`${test.info().project.outputDir}/axe-clean.txt`, '1\n');
}


for (const scheme of ['light', 'dark']) {
  test(`axe finds nothing serious in any main state (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await open(page);
    for (const tab of ['NOMAD', 'NeMO Archive', 'Siminars', 'Nebula Block']) {
      await page.getByRole('tab', { name: tab }).click();
      await audit(page, `${tab} form`);
    }
    const panel = await signIn(page, 'NeMO Archive', 'jdoe', 'wrong');
    await expect(panel.getByTestId('error')).toBeVisible();
    await audit(page, 'an error');
    await signIn(page, 'NOMAD', 'ada', 'ada-demo-pw');
    await expect(page.getByTestId('upload-row').first()).toBeVisible();
    await audit(page, 'a session with the uploads table');
  });
}

test('axe finds nothing serious in a Shadow DOM widget', async ({ page }) => {
  await open(page, '<main><h1>Portal</h1><lab-login shadow providers="nomad,nebula"></lab-login></main>');
  await audit(page, 'shadow form');
  await signIn(page, 'NOMAD', 'ada', 'ada-demo-pw');
  await expect(page.getByTestId('upload-row').first()).toBeVisible();
  await audit(page, 'shadow session');
});

test('every control has an accessible name', async ({ page }) => {
  await open(page);
  await signIn(page, 'NOMAD', 'ada', 'ada-demo-pw');
  await expect(page.getByTestId('upload-row').first()).toBeVisible();
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('lab-login button, lab-login input, lab-login select, lab-login a, lab-login [role=tab]')]
    .filter((el) => el.getClientRects().length)
    .filter((el) => {
      const label = el.getAttribute('aria-label') || (el.labels && [...el.labels].map((l) => l.textContent).join('')) || el.textContent;
      return !label || !label.trim();
    })
    .map((el) => el.outerHTML.slice(0, 80)));
  expect(unnamed).toEqual([]);
  const snapshot = await page.locator('lab-login').ariaSnapshot();
  expect(snapshot).toContain('tab "NOMAD (signed in)"');
  expect(snapshot).toContain('button "Sign out"');
  expect(snapshot).toContain('button "Next ›"');
});

test('the uploads pager and sign-out work with the keyboard alone', async ({ page }) => {
  await open(page);
  await signIn(page, 'NOMAD', 'bulk', 'bulk-demo-pw');
  await expect(page.getByTestId('page-span')).toHaveText('1–10 of 10,000');
  await page.getByTestId('page-next').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('page-span')).toHaveText('11–20 of 10,000');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('page-last')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('page-span')).toHaveText('9,991–10,000 of 10,000');
  await page.getByTestId('uploads-page-size').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('page-span')).toContainText('of 10,000');
  await page.getByTestId('sign-out-nomad').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('session-nomad')).toHaveCount(0);
  await expect(page.getByRole('tabpanel', { name: 'NOMAD' }).getByTestId('username')).toBeVisible();
});

function contrast(a, b) {
  const lum = ([r, g, b2]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b2);
  };
  const [l1, l2] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

for (const scheme of ['light', 'dark']) {
  test(`the focus indicator is 2 px and 3:1 on every kind of control (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await open(page);
    await signIn(page, 'NOMAD', 'ada', 'ada-demo-pw');
    await expect(page.getByTestId('upload-row').first()).toBeVisible();
    await page.getByRole('tab', { name: 'Nebula Block' }).click();
    const kinds = {
      tab: page.getByRole('tab', { name: 'Nebula Block' }),
      input: page.getByRole('tabpanel', { name: 'Nebula Block' }).getByTestId('username'),
      checkbox: page.getByRole('tabpanel', { name: 'Nebula Block' }).getByTestId('use-api-key'),
      button: page.getByRole('tabpanel', { name: 'Nebula Block' }).getByTestId('submit'),
    };
    const check = async (kind, locator) => {
      await locator.focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      const ring = await locator.evaluate((el) => {
        const s = getComputedStyle(el);
        const root = el.closest('.lab-login');
        const rgb = (c) => c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
        return { width: parseFloat(s.outlineWidth), style: s.outlineStyle, color: rgb(s.outlineColor), bg: rgb(getComputedStyle(root).backgroundColor), focused: el.matches(':focus-visible') };
      });
      expect(ring.focused, `${kind} has visible focus`).toBe(true);
      expect(ring.style, kind).not.toBe('none');
      expect(ring.width, kind).toBeGreaterThanOrEqual(2);
      expect(contrast(ring.color, ring.bg), `${kind} ring contrast`).toBeGreaterThanOrEqual(3);
    };
    for (const [kind, locator] of Object.entries(kinds)) await check(kind, locator);
    await page.getByRole('tab', { name: 'NOMAD' }).click();
    await check('select', page.getByTestId('uploads-filter'));
    await check('link-like summary', page.getByText('App token for scripts'));
  });
}

for (const scheme of ['light', 'dark']) {
  test(`axe finds nothing serious in the teaching bundle: demo controls, tokens, an opened exchange (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('/');
    await expect(page.getByTestId('demo-nomad')).toBeVisible();
    await audit(page, 'teaching, signed out');
    await signIn(page, 'NOMAD', 'newbie', 'newbie-demo-pw');
    await expect(page.getByTestId('uploads-empty')).toBeVisible();
    const row = page.getByTestId('inspector').getByTestId('exchange').first();
    // The keyboard opens an exchange and reaches its buttons.
    await row.locator('summary').first().focus();
    await page.keyboard.press('Enter');
    await expect(row.getByTestId('copy-curl')).toBeVisible();
    await row.locator('details.lab-login__snippet summary').first().click();
    await audit(page, 'teaching, an opened exchange and the token card');
  });
}
