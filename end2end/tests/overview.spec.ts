// The overview (`/`), where sign-in lands: the servers by health, with a
// failing one linked to the servers list filtered to it.

import type { Page } from '@playwright/test';

import { APP_URL, expect, serversTable, signIn, test, uniqueName, waitForServerList } from './fixtures';

test('sign-in lands on the overview, which links a failing server to its row', async ({ page }) => {
  await signIn(page, undefined, undefined, '/');
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Overview', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(nav.getByRole('link', { name: 'MCP Servers', exact: true })).not.toHaveAttribute('aria-current', 'page');

  // A server whose test fails: nothing listens on port 9 here.
  const name = uniqueName('e2e-broken');
  const headers = { 'x-tenant-slug': 'acme' };
  const made = await page.request.post(`${APP_URL}/api/skills/mcp-servers`, {
    headers,
    data: { name, url: 'http://127.0.0.1:9/mcp' },
  });
  expect(made.status(), await made.text()).toBe(200);
  const { id } = await made.json();
  try {
    // Seed 002 answers a failed test with 502 and the outcome.
    const tested = await page.request.post(`${APP_URL}/api/skills/mcp-servers/${id}/test`, { headers });
    expect(tested.status(), await tested.text()).toBe(502);
    expect((await tested.json()).ok).toBe(false);
    await expectListedAsFailing(page, name);
  } finally {
    // The suite shares one list: a server left behind would crowd page 1.
    await page.request.delete(`${APP_URL}/api/skills/mcp-servers/${id}`, { headers });
  }
});

async function expectListedAsFailing(page: Page, name: string): Promise<void> {
  await page.reload();
  const servers = page.getByRole('region', { name: 'Servers' });
  await expect(servers.getByText('Failing', { exact: true })).toBeVisible();
  const link = servers.getByRole('link', { name, exact: true });
  await expect(link).toBeVisible();
  await expect(servers.getByRole('listitem').filter({ has: page.getByRole('link', { name, exact: true }) })).toContainText(
    'transport',
  );

  await link.click();
  await expect(page).toHaveURL(new RegExp(`/mcp-servers\\?q=${name}$`));
  await waitForServerList(page);
  await expect(serversTable(page).getByRole('cell', { name, exact: true })).toBeVisible();
}
