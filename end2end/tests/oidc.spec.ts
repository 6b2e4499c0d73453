// Connecting an account at a real OpenID provider (npm `oidc-provider`): a
// login page and a consent page a person fills in, in the popup; then the
// grant kept alive by refresh tokens that rotate on every use (the e2e run
// gives access tokens 12 seconds, so past half their life, 6 seconds on,
// the next use renews first); then that account shared through a tenant
// connection (the connected-service picker), which an agent's call uses;
// then Disconnect revokes at the provider.

import {
  OIDC_MCP_PORT,
  OIDC_MCP_URL,
  TEST_CONNECTION_TIMEOUT,
  createAgent,
  expect,
  gotoHydrated,
  openServer,
  registerServer,
  signIn,
  test,
  testAs,
  testConnection,
  uniqueName,
  waitForServerList,
} from './fixtures';

type Stats = { codes: number; refreshes: number; revocations: number };

test.describe('OAuth at a real OpenID provider', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page);
  });

  test('sign in and consent in the popup, stay connected through rotating refreshes, revoke on disconnect', async ({
    page,
  }) => {
    const stats = async (): Promise<Stats> => {
      const answer = await page.request.get(`http://127.0.0.1:${OIDC_MCP_PORT}/stats`);
      expect(answer.status()).toBe(200);
      return (await answer.json()) as Stats;
    };
    const name = uniqueName('oidc');
    const agent = uniqueName('OIDC bot');
    await createAgent(page, agent);
    await gotoHydrated(page, '/mcp-servers');
    await waitForServerList(page);
    await registerServer(page, { name, url: OIDC_MCP_URL, auth: 'OAuth' });
    const dialog = await openServer(page, name);
    const account = dialog.getByRole('region', { name: 'Your account', exact: true });
    const start = await stats();

    const opened = page.waitForEvent('popup');
    await account.getByRole('button', { name: 'Authenticate', exact: true }).click();
    const popup = await opened;
    // The provider's own pages, as a person sees them.
    await popup.locator('input[name="login"]').fill('alice');
    await popup.locator('input[name="password"]').fill('correct horse battery staple');
    await popup.getByRole('button', { name: 'Sign-in', exact: true }).click();
    await popup.getByRole('button', { name: 'Continue', exact: true }).click();
    if (!popup.isClosed()) await popup.waitForEvent('close', { timeout: TEST_CONNECTION_TIMEOUT });
    await expect(account.getByText('Connected', { exact: true })).toBeVisible();
    expect((await stats()).codes).toBe(start.codes + 1);

    // Each test renews first (the token is due by then) with the refresh
    // token the last renewal issued: a reused one would be refused, and
    // the provider would revoke the grant.
    for (let round = 1; round <= 2; round += 1) {
      // Not a timing check: the wait only makes the token due.
      await page.waitForTimeout(7_000);
      await testConnection(dialog);
      // The last round's result is still on screen, so wait for the count
      // itself (polled), then for this test's own result.
      await expect
        .poll(async () => (await stats()).refreshes, { timeout: TEST_CONNECTION_TIMEOUT })
        .toBe(start.refreshes + round);
      await expect(dialog.getByRole('button', { name: 'Test Connection', exact: true })).toBeEnabled({
        timeout: TEST_CONNECTION_TIMEOUT,
      });
      await expect(dialog.getByText(/^Connected\. The server exposes \d+ tools?\.$/)).toBeVisible();
    }
    await expect(account.getByText('Connected', { exact: true })).toBeVisible();

    // Shared: a tenant connection that sends this account's token.
    await dialog.getByRole('tab', { name: 'Connections' }).click();
    await dialog.getByRole('button', { name: 'Add connection', exact: true }).click();
    const form = dialog.getByRole('form', { name: 'Add a connection' });
    await form.getByLabel('Scope', { exact: true }).selectOption({ label: 'Tenant: everyone, through any agent' });
    await form.getByLabel('Authentication', { exact: true }).selectOption({ label: 'OAuth2 (a connected account)' });
    const service = form.getByLabel('Connected service', { exact: true });
    await expect(service.locator('option')).toHaveCount(1);
    await expect(service).toContainText('Your account');
    await form.getByRole('button', { name: 'Add connection', exact: true }).click();
    await expect(form).toBeHidden();
    const row = dialog.getByRole('row').filter({ hasText: 'Tenant' });
    await expect(row).toContainText('OAuth');
    await expect(row).toContainText("A connected account's token");
    const result = await testAs(dialog, `Agent: ${agent}`);
    await expect(result).toContainText('Healthy', { timeout: TEST_CONNECTION_TIMEOUT });
    await expect(result).toContainText('Resolved by: tenant connection');

    await dialog.getByRole('tab', { name: 'Overview' }).click();
    await account.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await expect(account.getByText('Not connected', { exact: true })).toBeVisible();
    await expect
      .poll(async () => (await stats()).revocations, { timeout: TEST_CONNECTION_TIMEOUT })
      .toBe(start.revocations + 1);
  });
});
