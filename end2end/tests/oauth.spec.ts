// Connecting one's own OAuth account, in a real browser against a real
// authorization server (@modelcontextprotocol/sdk's example: discovery,
// dynamic registration, PKCE, RFC 8707 resource checks): the popup goes to
// the authorization server and back, the callback page tells the opener and
// closes, and the status changes without a reload. The grant is then what
// Test Connection uses, and Disconnect clears it.

import type { Locator, Page } from '@playwright/test';

import {
  APP_URL,
  OAUTH_MCP_URL,
  TEST_CONNECTION_TIMEOUT,
  expect,
  gotoHydrated,
  openServer,
  recordIssuedToken,
  recordOAuthToken,
  registerServer,
  signIn,
  test,
  testConnection,
  uniqueName,
  waitForServerList,
} from './fixtures';

/** Presses the button, and waits for the popup it opens to finish and close itself. */
async function connectInPopup(page: Page, button: Locator): Promise<void> {
  const popup = page.waitForEvent('popup');
  await button.click();
  const win = await popup;
  // Checked and awaited in one tick: no close can slip between the two.
  if (!win.isClosed()) await win.waitForEvent('close', { timeout: TEST_CONNECTION_TIMEOUT });
}

/** Resolves `name` for the signed-in admin with a runtime token, and records the OAuth access token it carries. */
async function recordGrantToken(page: Page, name: string): Promise<void> {
  const api = page.request;
  const listed = await api.post(`${APP_URL}/api/oauth/integrations`, { data: {} });
  expect(listed.status()).toBe(200);
  const server = ((await listed.json()) as Array<{ server_id: number; name: string }>).find((i) => i.name === name);
  expect(server, `${name} is on the Integrations list`).toBeTruthy();
  const made = await api.post(`${APP_URL}/api/tokens/create`, {
    data: { token: { name: uniqueName('oauth-runtime'), kind: 'runtime' } },
  });
  expect(made.status()).toBe(200);
  const runtime = (await made.json()).secret as string;
  recordIssuedToken(runtime);
  const resolved = await api.post(`${APP_URL}/api/runtime/resolve`, {
    headers: { authorization: `Bearer ${runtime}` },
    data: { server: server!.server_id, user: 'admin' },
  });
  const body = await resolved.json();
  expect(resolved.status(), JSON.stringify(body.error ?? '')).toBe(200);
  expect(body.resolved_by.rule).toBe('user_grant');
  const header = body.headers.Authorization as string;
  expect(header).toMatch(/^Bearer \S{8,}$/);
  recordOAuthToken(header.slice('Bearer '.length));
}

function integration(page: Page, section: 'Needs connection' | 'Connected', name: string): Locator {
  return page
    .getByRole('region', { name: section, exact: true })
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name, exact: true }) });
}

test.describe('OAuth accounts', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page);
  });

  test('connect in a popup, test with it, disconnect and reconnect from Integrations', async ({ page }) => {
    const name = uniqueName('oauth');
    await gotoHydrated(page, '/mcp-servers');
    await waitForServerList(page);
    await registerServer(page, { name, url: OAUTH_MCP_URL, auth: 'OAuth' });

    const dialog = await openServer(page, name);
    const account = dialog.getByRole('region', { name: 'Your account', exact: true });
    await expect(account.getByText('Not connected', { exact: true })).toBeVisible();

    // Without an account, the test has nothing to send: an authentication error.
    await testConnection(dialog);
    await expect(dialog.getByRole('alert').filter({ hasText: 'Authentication error' })).toBeVisible({
      timeout: TEST_CONNECTION_TIMEOUT,
    });

    await connectInPopup(page, account.getByRole('button', { name: 'Authenticate', exact: true }));
    await expect(account.getByText('Connected', { exact: true })).toBeVisible();
    await expect(page.getByText(`Your account at “${name}” is connected.`)).toBeVisible();
    // Focus stays in the dialog, on the panel's new main button.
    await expect(account.getByRole('button', { name: 'Re-authenticate', exact: true })).toBeFocused();

    // The token the grant holds, as a runtime gets it: remembered, so the
    // hygiene teardown can look for it everywhere it must not be.
    await recordGrantToken(page, name);

    // The grant is what the test now sends: the server lists its tools.
    await testConnection(dialog);
    await expect(dialog.getByText(/^Connected\. The server exposes \d+ tools?\.$/)).toBeVisible({
      timeout: TEST_CONNECTION_TIMEOUT,
    });

    await gotoHydrated(page, '/integrations');
    const connected = integration(page, 'Connected', name);
    await expect(connected.getByText('Connected', { exact: true })).toBeVisible();
    await connected.getByRole('button', { name: 'Disconnect', exact: true }).click();

    const todo = integration(page, 'Needs connection', name);
    await expect(todo.getByText('Not connected', { exact: true })).toBeVisible();
    // The item moved to the other section, and focus went with it.
    await expect(todo.getByRole('button', { name: 'Authenticate', exact: true })).toBeFocused();
    await expect(connected).toHaveCount(0);

    await connectInPopup(page, todo.getByRole('button', { name: 'Authenticate', exact: true }));
    await expect(integration(page, 'Connected', name)).toBeVisible();
  });

  test('a popup closed before it finishes changes nothing and says so', async ({ page }) => {
    const name = uniqueName('oauth-closed');
    await gotoHydrated(page, '/mcp-servers');
    await waitForServerList(page);
    await registerServer(page, { name, url: OAUTH_MCP_URL, auth: 'OAuth' });

    await gotoHydrated(page, '/integrations');
    const todo = integration(page, 'Needs connection', name);
    // Hold the popup at the authorization server, then close it there.
    await page.context().route(/\/authorize\?/, (route) => route.abort());
    const popup = page.waitForEvent('popup');
    await todo.getByRole('button', { name: 'Authenticate', exact: true }).click();
    const win = await popup;
    await expect(todo.getByRole('button', { name: 'Waiting for sign-in…', exact: true })).toBeDisabled();
    await win.close();
    await expect(todo.getByText('The sign-in window closed before connecting finished.')).toBeVisible();
    await expect(todo.getByRole('button', { name: 'Authenticate', exact: true })).toBeEnabled();
    await page.context().unroute(/\/authorize\?/);
  });
});
