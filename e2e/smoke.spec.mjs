// The release build must start: Debian's old wasm-opt produced a bundle that died
// at start while debug builds worked, so this runs against `trunk build --release`.
import { test, expect } from './support/fixtures.mjs';

test('the release build starts with no page error and shows the widget', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  await page.goto('/');
  await expect(page.getByTestId('lab-login')).toBeVisible();
  await expect(page.getByRole('tablist')).toBeVisible();
  await expect(page.getByRole('button', { name: /^Sign in to / }).first()).toBeVisible();
  expect(errors).toEqual([]);
});

// The pages preload the .wasm: the entry's own pinned fetch must take the
// preloaded answer, not download the file a second time.
for (const path of ['/', '/embed.html', '/examples/portal.html']) {
  test(`${path} fetches its .wasm once, through the preload`, async ({ page }) => {
    const wasm = [];
    page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url()); });
    await page.goto(path);
    await expect(page.getByRole('button', { name: /^Sign in to / }).first()).toBeVisible();
    await page.waitForLoadState('networkidle');
    expect(wasm).toHaveLength(1);
  });
}
