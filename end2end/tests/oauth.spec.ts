// Connecting one's own OAuth account, in a real browser against a real
// authorization server (@modelcontextprotocol/sdk's example: discovery,
// dynamic registration, PKCE, RFC 8707 resource checks): the popup goes to
// the authorization server and back, the callback page tells the opener and
// closes, and the status changes without a reload. The grant is then what
// Test Connection uses, and Disconnect clears it.

import type { Locator, Page } from '@playwright/test';

import {
  APP_URL,
  OAUTH_AUTH_PORT,
  OAUTH_MCP_URL,
  TEST_CONNECTION_TIMEOUT,
  expect,
  gotoHydrated,
  openRegisterDialog,
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

  test('an admin enters their own app’s client, and connecting goes through it', async ({ page }) => {
    const name = uniqueName('oauth-own');
    const service = uniqueName('own-app').toLowerCase();
    const issuer = `http://localhost:${OAUTH_AUTH_PORT}/`;
    await gotoHydrated(page, '/mcp-servers');
    await waitForServerList(page);
    const dialog = await openRegisterDialog(page);
    await dialog.getByLabel('Name', { exact: true }).fill(name);
    await dialog.getByLabel('URL', { exact: true }).fill(OAUTH_MCP_URL);
    await dialog.getByLabel('Authentication', { exact: true }).selectOption({ label: 'OAuth' });
    await dialog.getByLabel('OAuth client', { exact: true }).selectOption({ label: 'Enter your own app’s client…' });
    const redirect = dialog.getByTestId('oauth-redirect-uri');
    await expect(redirect).toHaveText(/^http:\/\/\S+\/api\/skills\/mcp-oauth\/callback$/);

    // The admin's app, registered at the authorization server by hand with
    // the redirect URI the form shows.
    const registered = await page.request.post(`${issuer}register`, {
      data: {
        client_name: 'Acme’s own app',
        redirect_uris: [await redirect.textContent()],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    });
    expect(registered.status()).toBe(201);
    const app = (await registered.json()) as { client_id: string; client_secret: string };
    recordOAuthToken(app.client_secret);

    await dialog.getByLabel('Service name', { exact: true }).fill(service);
    await dialog.getByLabel('Client ID', { exact: true }).fill(app.client_id);
    await dialog.getByLabel('Client secret (optional)', { exact: true }).fill(app.client_secret);
    await dialog.getByLabel('Authorization endpoint', { exact: true }).fill(`${issuer}authorize`);
    // Missing the token endpoint: said under it, nothing saved.
    await dialog.getByRole('button', { name: 'Register', exact: true }).click();
    await expect(dialog.getByText('Token endpoint is required.', { exact: true })).toBeVisible();
    await expect(dialog.getByLabel('Token endpoint', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await dialog.getByLabel('Token endpoint', { exact: true }).fill(`${issuer}token`);
    await dialog.getByLabel('Send the secret in the form body (client_secret_post)', { exact: true }).check();
    await dialog.getByRole('button', { name: 'Register', exact: true }).click();
    await expect(dialog).toBeHidden();

    const server = await openServer(page, name);
    await expect(server.getByText(`${service} (${service}, entered by an admin)`, { exact: true })).toBeVisible();
    const account = server.getByRole('region', { name: 'Your account', exact: true });
    await connectInPopup(page, account.getByRole('button', { name: 'Authenticate', exact: true }));
    await expect(account.getByText('Connected', { exact: true })).toBeVisible();
    await recordGrantToken(page, name);
    await testConnection(server);
    await expect(server.getByText(/^Connected\. The server exposes \d+ tools?\.$/)).toBeVisible({
      timeout: TEST_CONNECTION_TIMEOUT,
    });
    // Nothing of the secret ever reaches the page.
    expect(await page.content()).not.toContain(app.client_secret);
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
