import {
  BEARER_GOOD_KEY,
  BEARER_MCP_URL,
  BEARER_REFUSED_KEY,
  BEARER_ROTATED_KEY,
  DEFAULT_BEARER_KEYS,
  TEST_CONNECTION_TIMEOUT,
  closeDialog,
  expect,
  gotoHydrated,
  openServer,
  registerServer,
  setBearerKeys,
  signIn,
  test,
  testConnection,
  uniqueName,
  waitForHydration,
  waitForServerList,
} from './fixtures';
import type { Locator } from '@playwright/test';

async function rotateTo(dialog: Locator, key: string): Promise<void> {
  await dialog.getByRole('button', { name: 'Rotate key', exact: true }).click();
  const input = dialog.getByLabel('New API key', { exact: true });
  await input.fill(key);
  await dialog.getByRole('button', { name: 'Test and rotate', exact: true }).click();
}

async function expectGreen(dialog: Locator): Promise<void> {
  await testConnection(dialog);
  await expect(dialog.getByText('Connected.')).toBeVisible({ timeout: TEST_CONNECTION_TIMEOUT });
}

test.describe('key rotation', () => {
  test.beforeEach(async ({ page }) => {
    setBearerKeys(DEFAULT_BEARER_KEYS);
    await signIn(page);
    await waitForServerList(page);
  });
  test.afterEach(() => setBearerKeys(DEFAULT_BEARER_KEYS));

  test('a refused key is not used, an accepted one is, and undo restores the first', async ({ page }) => {
    const name = uniqueName('e2e-rotate');
    await registerServer(page, { name, url: BEARER_MCP_URL, auth: 'Tenant API Key', apiKey: BEARER_GOOD_KEY });
    const dialog = await openServer(page, name);
    await expect(dialog.getByText('Never rotated.')).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Undo rotation' })).toHaveCount(0);

    // Refused: the error is shown, the form keeps the key, the old key stays current.
    await rotateTo(dialog, BEARER_REFUSED_KEY);
    const refused = dialog.getByRole('alert').filter({ hasText: 'The new key was not saved' });
    await expect(refused).toBeVisible({ timeout: TEST_CONNECTION_TIMEOUT });
    await expect(refused).toContainText('Authentication error');
    await expect(dialog.getByLabel('New API key', { exact: true })).toHaveValue(BEARER_REFUSED_KEY);
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(dialog.getByText('Never rotated.')).toBeVisible();
    await expectGreen(dialog);

    // Accepted: it becomes current, and the dialog offers undo.
    await rotateTo(dialog, BEARER_ROTATED_KEY);
    await expect(page.getByText('Key rotated: the new key passed its test')).toBeVisible({
      timeout: TEST_CONNECTION_TIMEOUT,
    });
    await expect(dialog.getByText(/^Last rotated /)).toBeVisible();
    // Only the rotated key works now, so a green test proves which key is current.
    setBearerKeys([BEARER_ROTATED_KEY]);
    await expectGreen(dialog);

    // Undo: with only the first key accepted, green again means it is current.
    setBearerKeys([BEARER_GOOD_KEY]);
    await dialog.getByRole('button', { name: 'Undo rotation', exact: true }).click();
    await expect(page.getByText('Rotation undone: the previous key is current again.')).toBeVisible();
    await expectGreen(dialog);
    await closeDialog(dialog);
  });

  test('the audit page lists the rotation, newest first, and filters by action', async ({ page }) => {
    const name = uniqueName('e2e-audit');
    await registerServer(page, { name, url: BEARER_MCP_URL, auth: 'Tenant API Key', apiKey: BEARER_GOOD_KEY });
    const dialog = await openServer(page, name);
    await rotateTo(dialog, BEARER_ROTATED_KEY);
    await expect(page.getByText('Key rotated: the new key passed its test')).toBeVisible({
      timeout: TEST_CONNECTION_TIMEOUT,
    });
    await closeDialog(dialog);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await expect(page).toHaveURL(/\/audit$/);
    await waitForHydration(page);
    await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
    const rows = page.getByRole('table').getByRole('row');
    // Row 0 is the header; the newest event is this server's rotation.
    await expect(rows.nth(1)).toContainText('Key rotated');
    await expect(rows.nth(1)).toContainText(name);
    await expect(rows.nth(1)).toContainText('Success');

    await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Server registered' });
    await expect(rows.nth(1)).toContainText('Server registered');
    await expect(page.getByRole('table')).not.toContainText('Key rotated');

    // A full server render of the page agrees (and hydrates cleanly).
    await gotoHydrated(page, '/audit');
    await expect(rows.nth(1)).toContainText(name);
  });
});
