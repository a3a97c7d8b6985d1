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
