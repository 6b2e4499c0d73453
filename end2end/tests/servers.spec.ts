import type { Response } from '@playwright/test';

import {
  ADMIN_EMAIL,
  BEARER_GOOD_KEY,
  BEARER_MCP_URL,
  BEARER_WRONG_KEY,
  EVERYTHING_MCP_URL,
  TEST_CONNECTION_TIMEOUT,
  closeDialog,
  expect,
  detailDialog,
  fillAndSubmitRegister,
  gotoHydrated,
  openRegisterDialog,
  openServer,
  registerServer,
  rowCell,
  serverRow,
  serversTable,
  signIn,
  test,
  testConnection,
  uniqueName,
  waitForHydration,
  waitForServerList,
} from './fixtures';

test.describe('signing in', () => {
  test('a signed-out visit to /mcp-servers redirects to /login', async ({ page }) => {
    await page.goto('/mcp-servers');
    await expect(page).toHaveURL(/\/login\?next=%2Fmcp-servers$/);
    await waitForHydration(page);
    await expect(page.getByRole('heading', { name: 'Sign in to Switchboard' })).toBeVisible();
  });

  test('a wrong password shows an error and stays on /login', async ({ page }) => {
    await gotoHydrated(page, '/login');
    await page.getByLabel('Email', { exact: true }).fill(ADMIN_EMAIL);
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByText('Incorrect email or password.')).toBeVisible();
    await expect(page).toHaveURL(/\/login(\?.*)?$/);
  });

  test('signing in shows the servers table or its empty state', async ({ page }) => {
    await signIn(page);
    await expect(page.getByRole('heading', { name: 'MCP Servers', level: 1 })).toBeVisible();
    await waitForServerList(page);
    const table = serversTable(page);
    if (await table.isVisible()) {
      for (const header of ['Name', 'Transport', 'Auth type', 'Tool count', 'Status']) {
        await expect(table.getByRole('columnheader', { name: header, exact: true })).toBeVisible();
      }
    } else {
      await expect(page.getByText('No MCP servers yet')).toBeVisible();
    }
  });
});

test.describe('MCP servers', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page);
    await waitForServerList(page);
  });

  test('register a server without authentication', async ({ page }) => {
    const name = uniqueName('e2e-none');
    const dialog = await openRegisterDialog(page);

    const transport = dialog.getByLabel('Transport', { exact: true });
    await expect(transport.getByRole('option')).toHaveText(['Streamable HTTP (recommended)', 'SSE', 'WebSocket']);
    const auth = dialog.getByLabel('Authentication', { exact: true });
    await expect(auth.getByRole('option')).toHaveText(['None', 'Tenant API Key', 'OAuth']);

    await fillAndSubmitRegister(dialog, { name, url: EVERYTHING_MCP_URL, auth: 'None' });
    await expect(dialog).toBeHidden();

    const row = serverRow(page, name);
    await expect(row).toBeVisible();
    await expect(rowCell(row, 'name')).toHaveText(name);
    await expect(rowCell(row, 'transport')).toHaveText('Streamable HTTP');
    await expect(rowCell(row, 'auth')).toHaveText('None');
    await expect(rowCell(row, 'tools')).toHaveText('—');
    await expect(rowCell(row, 'status')).toHaveText('Enabled');
  });

  test('test connection lists the tools and updates the tool count', async ({ page }) => {
    const name = uniqueName('e2e-everything');
    await registerServer(page, { name, url: EVERYTHING_MCP_URL });

    const dialog = await openServer(page, name);
    await testConnection(dialog);
    await expect(dialog.getByText('Connected.')).toBeVisible({ timeout: TEST_CONNECTION_TIMEOUT });

    await dialog.getByText('View Tools', { exact: true }).click();
    await expect(dialog.getByText('echo', { exact: true })).toBeVisible();

    await closeDialog(dialog);
    const tools = rowCell(serverRow(page, name), 'tools');
    await expect(tools).toHaveText(/^\d+$/);
    expect(Number(await tools.textContent())).toBeGreaterThanOrEqual(13);
  });

  test('Tenant API Key: the key is used, and never sent back to the browser', async ({ page }) => {
    const secrets = [BEARER_GOOD_KEY, BEARER_WRONG_KEY];
    const bodies: Promise<{ url: string; body: string } | null>[] = [];
    const binary = /^(image|font|audio|video)\/|application\/(wasm|octet-stream)/;
    page.on('response', (response: Response) => {
      const type = response.headers()['content-type'] ?? '';
      if (binary.test(type)) return;
      bodies.push(
        response
          .text()
          .then((body) => ({ url: response.url(), body }))
          .catch(() => null),
      );
    });
    const assertNoSecretInHtml = async () => {
      const html = await page.content();
      for (const secret of secrets) expect(html, 'page HTML').not.toContain(secret);
    };

    // The API Key field appears only for Tenant API Key; OAuth shows a note instead.
    const goodName = uniqueName('e2e-bearer-good');
    const dialog = await openRegisterDialog(page);
    const apiKey = dialog.getByLabel('API Key', { exact: true });
    const oauthNote = dialog.getByText('Each user will need to connect their own account.');
    const auth = dialog.getByLabel('Authentication', { exact: true });
    await expect(apiKey).toHaveCount(0);
    await expect(oauthNote).toHaveCount(0);
    await auth.selectOption({ label: 'Tenant API Key' });
    await expect(apiKey).toBeVisible();
    await expect(apiKey).toHaveAttribute('type', 'password');
    await auth.selectOption({ label: 'OAuth' });
    await expect(oauthNote).toBeVisible();
    await expect(apiKey).toHaveCount(0);

    await fillAndSubmitRegister(dialog, {
      name: goodName,
      url: BEARER_MCP_URL,
      auth: 'Tenant API Key',
      apiKey: BEARER_GOOD_KEY,
    });
    await expect(dialog).toBeHidden();
    const goodRow = serverRow(page, goodName);
    await expect(goodRow).toBeVisible();
    await expect(rowCell(goodRow, 'auth')).toHaveText('Tenant API Key');
    await assertNoSecretInHtml();

    let detail = await openServer(page, goodName);
    await expect(detail.getByText('Stored in the vault')).toBeVisible();
    await testConnection(detail);
    await expect(detail.getByText('Connected.')).toBeVisible({ timeout: TEST_CONNECTION_TIMEOUT });
    await assertNoSecretInHtml();
    await closeDialog(detail);

    // A wrong key is an authentication error.
    const wrongName = uniqueName('e2e-bearer-wrong');
    await registerServer(page, {
      name: wrongName,
      url: BEARER_MCP_URL,
      auth: 'Tenant API Key',
      apiKey: BEARER_WRONG_KEY,
    });
    detail = await openServer(page, wrongName);
    await testConnection(detail);
    await expect(detail.getByText('Authentication error')).toBeVisible({ timeout: TEST_CONNECTION_TIMEOUT });
    await expect(detail.getByText('Connected.')).toHaveCount(0);
    await assertNoSecretInHtml();
    await closeDialog(detail);

    // A full reload renders both on the server: still no key.
    await page.reload();
    await waitForHydration(page);
    await waitForServerList(page);
    await expect(serverRow(page, goodName)).toBeVisible();
    await assertNoSecretInHtml();

    const received = (await Promise.all(bodies)).filter((b) => b !== null);
    // The server-function answers (register, get, test, list) were among them.
    expect(received.some(({ url }) => url.includes('/api/servers/register'))).toBe(true);
    expect(received.some(({ url }) => url.includes('/api/servers/test'))).toBe(true);
    for (const { url, body } of received) {
      for (const secret of secrets) {
        expect(body.includes(secret), `response from ${url} contains an API key`).toBe(false);
      }
    }
  });

  test('the Enabled switch disables a server', async ({ page }) => {
    const name = uniqueName('e2e-toggle');
    const row = await registerServer(page, { name, url: EVERYTHING_MCP_URL });
    await expect(rowCell(row, 'status')).toHaveText('Enabled');

    const dialog = await openServer(page, name);
    const toggle = dialog.getByRole('switch', { name: 'Enabled', exact: true });
    await expect(toggle).toBeChecked();
    await toggle.click();
    await expect(toggle).not.toBeChecked();

    await closeDialog(dialog);
    await expect(rowCell(row, 'status')).toHaveText('Disabled');
  });

  test('delete a server', async ({ page }) => {
    const name = uniqueName('e2e-delete');
    await registerServer(page, { name, url: EVERYTHING_MCP_URL });

    const dialog = await openServer(page, name);
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete server', exact: true }).click();
    await expect(dialog).toBeHidden();

    await page.reload();
    await waitForHydration(page);
    await waitForServerList(page);
    await expect(serverRow(page, name)).toHaveCount(0);
  });

  test('a duplicate name is refused and the dialog stays open', async ({ page }) => {
    const name = uniqueName('e2e-dup');
    await registerServer(page, { name, url: EVERYTHING_MCP_URL });

    const dialog = await openRegisterDialog(page);
    await fillAndSubmitRegister(dialog, { name, url: EVERYTHING_MCP_URL });
    await expect(dialog.getByText('A server with this name already exists in this tenant.')).toBeVisible();
    await expect(dialog).toBeVisible();
    await expect(serverRow(page, name)).toHaveCount(1);
  });

  test('an empty form is checked in the browser; Escape closes the dialog', async ({ page }) => {
    const dialog = await openRegisterDialog(page);
    await dialog.getByRole('button', { name: 'Register', exact: true }).click();
    await expect(dialog.getByText('Name is required.')).toBeVisible();
    await expect(dialog.getByText('URL is required.')).toBeVisible();
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');

    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  });

  test('keyboard: Enter on a row opens it, and Tab stays inside the dialog', async ({ page }) => {
    const name = uniqueName('e2e-keyboard');
    const row = await registerServer(page, { name, url: EVERYTHING_MCP_URL });

    await row.focus();
    await expect(row).toBeFocused();
    await page.keyboard.press('Enter');
    const dialog = detailDialog(page, name);
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Test Connection', exact: true })).toBeVisible();

    const focusInDialog = () =>
      page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));
    await expect.poll(focusInDialog).toBe(true);
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInDialog(), `focus after Tab #${i + 1}`).toBe(true);
    }
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await focusInDialog(), `focus after Shift+Tab #${i + 1}`).toBe(true);
    }

    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  });

  test('keyboard: with focus dropped to the page, Tab comes back in and Escape still closes', async ({ page }) => {
    const name = uniqueName('e2e-focus');
    const row = await registerServer(page, { name, url: EVERYTHING_MCP_URL });
    await row.focus();
    await page.keyboard.press('Enter');
    const dialog = detailDialog(page, name);
    const run = dialog.getByRole('button', { name: 'Test Connection', exact: true });
    await run.focus();
    await page.keyboard.press('Enter');
    await expect(dialog.getByText('Connected.')).toBeVisible({ timeout: TEST_CONNECTION_TIMEOUT });

    // What a button that disables itself while it works does to focus.
    const dropFocus = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const focusInDialog = () => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));
    await dropFocus();
    expect(await focusInDialog()).toBe(false);
    await page.keyboard.press('Tab');
    expect(await focusInDialog(), 'Tab brings focus back into the dialog').toBe(true);

    await dropFocus();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(row, 'focus goes back to the row that opened it').toBeFocused();
  });
});
