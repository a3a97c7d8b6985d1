// Steps many tests share.

/** Opens `tab` inside `scope` (a page or a widget), fills the form and presses Enter; returns the tab's panel. */
export async function signIn(scope, tab, user, password) {
  await scope.getByRole('tab', { name: tab }).click();
  const panel = scope.getByRole('tabpanel', { name: tab });
  await panel.getByTestId('username').fill(user);
  await panel.getByTestId('password').fill(password);
  await panel.getByTestId('password').press('Enter');
  return panel;
}
