// Screenshots of the main states, for people to look at (not compared): each
// provider's signed-in tab, a failed sign-in, and the German and right-to-left
// forms, at 320 px and 1280 px, light and dark. Written to e2e/screenshots/.
import { test, expect } from './support/fixtures.mjs';
import { signIn } from './support/flows.mjs';
import { startPortal, portalPage, emulatorConfig, BUNDLE_PATH, EMU, DIST, jsonFile } from './support/portal.mjs';

test.skip(!EMU || !DIST, 'needs the emulator and the built bundle: run through `cargo xtask test`');

const ACCOUNTS = [['NOMAD', 'ada', 'ada-demo-pw', 'nomad'], ['NeMO Archive', 'jdoe', 'nemo-demo-pw', 'nemo'],
  ['Siminars', 'piyush@siminars.com', 'Hello', 'siminars'], ['Nebula Block', 'demo@nebula.example', 'nebula-demo-pw', 'nebula']];

for (const scheme of ['light', 'dark']) {
  test(`main states at 320 and 1280 px, ${scheme}`, async ({ browser }) => {
    const portal = await startPortal({
      files: {
        '/': portalPage({ body: '<main style="max-width: 72rem; margin: auto"><lab-login></lab-login></main>' }),
        '/de': portalPage({ body: '<lab-login lang="de"></lab-login>' }).replace('lang="en"', 'lang="de"'),
        '/rtl': portalPage({ body: '<lab-login></lab-login>' }).replace('<html lang="en">', '<html lang="en" dir="rtl">'),
        [`${BUNDLE_PATH}lab-login.json`]: jsonFile(emulatorConfig()),
      },
    });
    try {
      for (const width of [320, 1280]) {
        const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
        const page = await context.newPage();
        const shot = (name) => page.screenshot({ path: `screenshots/${name}-${width}-${scheme}.png`, fullPage: true });
        await page.goto(`${portal.origin}/`);
        await shot('signed-out');
        const panel = await signIn(page, 'NeMO Archive', 'jdoe', 'wrong');
        await expect(panel.getByTestId('error')).toBeVisible();
        await shot('error');
        for (const [tab, user, password, key] of ACCOUNTS) {
          await signIn(page, tab, user, password);
          await expect(page.getByTestId(`session-${key}`)).toBeVisible();
          if (key === 'nomad') await expect(page.getByTestId('upload-row').first()).toBeVisible();
          if (key === 'nebula') await expect(page.getByTestId('nebula-balance')).toContainText('42.50');
          await shot(`signed-in-${key}`);
        }
        for (const variant of ['de', 'rtl']) {
          await page.goto(`${portal.origin}/${variant}`);
          await expect(page.getByRole('tablist')).toBeVisible();
          await shot(`form-${variant}`);
        }
        await context.close();
      }
    } finally {
      await portal.close();
    }
  });
}

// The teaching bundle (the demo page at /): the inspector after each provider's
// sign-in, its newest exchange opened, at 320 and 1280 px.
test('the flow inspector for each provider at 320 and 1280 px', async ({ browser }) => {
  for (const width of [320, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, baseURL: process.env.LAB_LOGIN_URL });
    const page = await context.newPage();
    // Nothing on the page, the demo controls' long options included, makes it scroll sideways.
    const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
    await page.goto('/');
    await expect(page.getByTestId('demo-nomad')).toBeVisible();
    expect(await pageWidth()).toBeLessThanOrEqual(width);
    await page.screenshot({ path: `screenshots/teaching-signed-out-${width}.png`, fullPage: true });
    for (const [tab, user, password, key] of ACCOUNTS) {
      await signIn(page, tab, user, password);
      await expect(page.getByTestId(`session-${key}`)).toBeVisible();
      if (key === 'nomad') await expect(page.getByTestId('upload-row').first()).toBeVisible();
      const rows = page.getByTestId('inspector').locator(`[data-testid=exchange][data-provider=${key}]`);
      await rows.first().locator('summary').first().click();
      await rows.first().locator('details.lab-login__snippet summary').first().click();
      await page.screenshot({ path: `screenshots/teaching-${key}-${width}.png`, fullPage: true });
      expect(await pageWidth()).toBeLessThanOrEqual(width);
      // Close-ups, to read at 320 px: the newest exchange and the token's card.
      await rows.first().screenshot({ path: `screenshots/teaching-${key}-${width}-exchange.png` });
      await page.getByTestId(`token-${key}`).screenshot({ path: `screenshots/teaching-${key}-${width}-token.png` });
    }
    await context.close();
  }
});
