// A keyboard-only walk through the admin's day: sign in, register a keyed
// server, test it, read its tools, rotate its key, turn it off and delete
// it. Focus moves only by Tab (and Shift+Tab); things are pressed with Enter
// or Space, text is typed, dialogs are left with Escape. No mouse.

import type { Locator, Page } from '@playwright/test';

import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  BEARER_GOOD_KEY,
  BEARER_MCP_URL,
  BEARER_ROTATED_KEY,
  TEST_CONNECTION_TIMEOUT,
  detailDialog,
  expect,
  gotoHydrated,
  registerDialog,
  serverRow,
  test,
  uniqueName,
  waitForHydration,
  waitForServerList,
} from './fixtures';

/** Presses Tab until `target` has focus; fails if it is not reached in `max` presses. */
async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target, `reached by Tab within ${max} presses`).toBeFocused();
}

async function typeInto(page: Page, field: Locator, text: string): Promise<void> {
  await tabTo(page, field);
  await page.keyboard.type(text);
}

test('an admin does the whole round with the keyboard only', async ({ page }) => {
  test.setTimeout(120_000);
  await gotoHydrated(page, '/login');
  await typeInto(page, page.getByLabel('Email', { exact: true }), ADMIN_EMAIL);
  await typeInto(page, page.getByLabel('Password', { exact: true }), ADMIN_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.pathname === '/');
  await waitForHydration(page);

  const nav = page.getByRole('navigation', { name: 'Main' });
  await tabTo(page, nav.getByRole('link', { name: 'MCP Servers', exact: true }));
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/mcp-servers$/);
  await waitForServerList(page);

  // Register a server with a key.
  const name = uniqueName('e2e-keys-only');
  await tabTo(page, page.getByRole('button', { name: 'Register Server', exact: true }));
  await page.keyboard.press('Enter');
  const register = registerDialog(page);
  await expect(register).toBeVisible();
  await typeInto(page, register.getByLabel('Name', { exact: true }), name);
  await typeInto(page, register.getByLabel('URL', { exact: true }), BEARER_MCP_URL);
  await tabTo(page, register.getByLabel('Authentication', { exact: true }));
  await page.keyboard.type('Tenant');
  await expect(register.getByLabel('Authentication', { exact: true })).toHaveValue('token');
  await typeInto(page, register.getByLabel('API Key', { exact: true }), BEARER_GOOD_KEY);
  await tabTo(page, register.getByRole('button', { name: 'Register', exact: true }));
  await page.keyboard.press('Enter');
  await expect(register).toBeHidden();

  // Open it, test it, read its tools.
  const row = serverRow(page, name);
  await expect(row).toBeVisible();
  await tabTo(page, row, 120);
  await page.keyboard.press('Enter');
  const dialog = detailDialog(page, name);
  await expect(dialog).toBeVisible();
  await tabTo(page, dialog.getByRole('button', { name: 'Test Connection', exact: true }));
  await page.keyboard.press('Enter');
  await expect(dialog.getByText('Connected.')).toBeVisible({ timeout: TEST_CONNECTION_TIMEOUT });
  await tabTo(page, dialog.getByText('View Tools', { exact: true }));
  await page.keyboard.press('Enter');
  await expect(dialog.getByText('echo', { exact: true })).toBeVisible();

  // Rotate the key: the new one is tested before it is kept.
  await tabTo(page, dialog.getByRole('button', { name: 'Rotate key', exact: true }));
  await page.keyboard.press('Enter');
  await typeInto(page, dialog.getByLabel('New API key', { exact: true }), BEARER_ROTATED_KEY);
  await tabTo(page, dialog.getByRole('button', { name: 'Test and rotate', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByText('Key rotated: the new key passed its test')).toBeVisible({
    timeout: TEST_CONNECTION_TIMEOUT,
  });

  // Turn it off with Space.
  const toggle = dialog.getByRole('switch', { name: 'Enabled', exact: true });
  await tabTo(page, toggle);
  await page.keyboard.press('Space');
  await expect(toggle).toHaveAttribute('aria-checked', 'false');

  // Escape leaves the dialog, focus back on the row; Enter opens it again.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(row).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();

  // Delete it, confirming with the keyboard too.
  await tabTo(page, dialog.getByRole('button', { name: 'Delete', exact: true }));
  await page.keyboard.press('Enter');
  await tabTo(page, dialog.getByRole('button', { name: 'Delete server', exact: true }));
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(0);
});
