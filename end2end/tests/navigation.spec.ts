import type { Locator, Page } from '@playwright/test';

import {
  APP_URL,
  EVERYTHING_MCP_URL,
  expect,
  gotoHydrated,
  serversTable,
  signIn,
  test,
  uniqueName,
  waitForHydration,
  waitForServerList,
} from './fixtures';

/** The app's page size (DEFAULT_PER_PAGE in src/domain/listing.rs). */
const PER_PAGE = 25;

/** Servers this file registered, deleted again after each test. */
const registered: number[] = [];

/**
 * Register servers through the REST API, authenticated by the browser
 * session's cookie (page.request shares it): much faster than one dialog each.
 */
async function registerMany(page: Page, names: string[]): Promise<void> {
  for (const name of names) {
    const response = await page.request.post(`${APP_URL}/api/skills/mcp-servers`, {
      headers: { 'x-tenant-slug': 'acme' },
      data: { name, url: EVERYTHING_MCP_URL },
    });
    expect(response.status(), `register ${name}: ${await response.text()}`).toBe(200);
    registered.push((await response.json()).id);
  }
}

// The suite shares one database and the list shows 25 rows a page: left
// behind, these servers would push the next tests' servers off page 1.
test.afterEach(async ({ page }) => {
  while (registered.length > 0) {
    const id = registered.pop();
    const response = await page.request.delete(`${APP_URL}/api/skills/mcp-servers/${id}`, {
      headers: { 'x-tenant-slug': 'acme' },
    });
    expect(response.status(), `delete server ${id}`).toBe(200);
  }
});

/** What the servers list shows: which page, which direction by name, which row first. */
async function expectServersView(
  page: Page,
  view: { page: number; pages: number; dir: 'ascending' | 'descending'; rows: number; first: string },
): Promise<void> {
  const table = serversTable(page);
  const pager = page.getByRole('navigation', { name: 'Pagination' });
  await expect(pager).toContainText(`Page ${view.page} of ${view.pages}`);
  await expect(table.getByRole('columnheader', { name: 'Name', exact: true })).toHaveAttribute(
    'aria-sort',
    view.dir,
  );
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(view.rows);
  await expect(rows.first()).toHaveAttribute('aria-label', view.first);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test.describe('list state in the URL', () => {
  test('sort, filter and page survive a reload, and Back steps through them', async ({ page }) => {
    await signIn(page);
    const prefix = uniqueName('e2e-nav');
    const q = escapeRegExp(prefix);
    const count = PER_PAGE + 2;
    // Zero-padded, so name order is number order.
    const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
    await registerMany(page, names);

    // Come from another page, so the entry before the list's is easy to tell.
    await gotoHydrated(page, '/settings/api-tokens');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'MCP Servers' }).click();
    await expect(page).toHaveURL(/\/mcp-servers$/);
    await waitForServerList(page);
    const filter = page.getByPlaceholder('Filter by name');
    const pager = page.getByRole('navigation', { name: 'Pagination' });

    // Filter: typed in steps, yet one history entry (each keystroke replaces it).
    await filter.fill(prefix.slice(0, -2));
    await filter.pressSequentially(prefix.slice(-2));
    await expect(page).toHaveURL(new RegExp(`/mcp-servers\\?q=${q}$`));
    await expect(pager).toContainText(`${count} servers`);
    await expectServersView(page, { page: 1, pages: 2, dir: 'ascending', rows: PER_PAGE, first: names[0] });

    // Sort by name, descending: a new history entry.
    await serversTable(page).getByRole('columnheader', { name: 'Name', exact: true }).getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`/mcp-servers\\?dir=desc&q=${q}$`));
    await expectServersView(page, { page: 1, pages: 2, dir: 'descending', rows: PER_PAGE, first: names[count - 1] });

    // Next page: another entry.
    await pager.getByRole('link', { name: 'Next', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/mcp-servers\\?page=2&dir=desc&q=${q}$`));
    const secondPage = { page: 2, pages: 2, dir: 'descending' as const, rows: count - PER_PAGE, first: names[1] };
    await expectServersView(page, secondPage);

    // A reload renders the same view on the server, and it hydrates cleanly.
    const url = page.url();
    await page.reload();
    await waitForHydration(page);
    expect(page.url()).toBe(url);
    await expect(filter).toHaveValue(prefix);
    await expectServersView(page, secondPage);

    // Back: page 1, still sorted and filtered.
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`/mcp-servers\\?dir=desc&q=${q}$`));
    await waitForHydration(page);
    await expect(filter).toHaveValue(prefix);
    await expectServersView(page, { page: 1, pages: 2, dir: 'descending', rows: PER_PAGE, first: names[count - 1] });

    // Back: the default sort, still filtered.
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`/mcp-servers\\?q=${q}$`));
    await waitForHydration(page);
    await expect(filter).toHaveValue(prefix);
    await expectServersView(page, { page: 1, pages: 2, dir: 'ascending', rows: PER_PAGE, first: names[0] });

    // Back once more leaves the list: typing left no entries of its own.
    await page.goBack();
    await expect(page).toHaveURL(/\/settings\/api-tokens$/);
    await waitForHydration(page);
    await expect(page.getByRole('heading', { name: 'API tokens', level: 1 })).toBeVisible();
  });

  test('invalid list parameters fall back to the defaults', async ({ page }) => {
    await signIn(page);
    const name = uniqueName('e2e-nav-defaults');
    await registerMany(page, [name]);

    await gotoHydrated(page, '/mcp-servers?page=zero&sort=bogus&dir=sideways&q=');
    await waitForServerList(page);
    await expect(page.getByRole('navigation', { name: 'Pagination' })).toContainText(/Page 1 of \d+/);
    await expect(
      serversTable(page).getByRole('columnheader', { name: 'Name', exact: true }),
    ).toHaveAttribute('aria-sort', 'ascending');

    const action = page.getByLabel('Action', { exact: true });
    await gotoHydrated(page, '/audit?action=no.such.action&page=-3');
    await expect(action).toHaveValue('');
    await expect(page.getByRole('table')).toBeVisible();

    // A valid filter in the URL is what the page shows, rendered on the server.
    await gotoHydrated(page, '/audit?action=server.register');
    await expect(action).toHaveValue('server.register');
    const rows = page.getByRole('table').getByRole('row');
    await expect(rows.nth(1)).toContainText('Server registered');
    await expect(rows.nth(1)).toContainText(name);
  });
});

test.describe('the signed-in layout', () => {
  test('the nav marks the current page, its links are spaced apart, and the next page marks its own', async ({ page }) => {
    await signIn(page);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const link = (label: string): Locator => nav.getByRole('link', { name: label, exact: true });
    // Audit is admin-only and appears once the user has loaded.
    await expect(link('Audit')).toBeVisible();
    await expect(link('MCP Servers')).toHaveAttribute('aria-current', 'page');
    await expect(link('API tokens')).not.toHaveAttribute('aria-current');

    // Visible space between neighbouring links (they once ran together).
    const boxes = await Promise.all(['MCP Servers', 'Audit', 'API tokens'].map((l) => link(l).boundingBox()));
    for (let i = 1; i < boxes.length; i++) {
      const [left, right] = [boxes[i - 1], boxes[i]];
      expect(left && right, 'nav links are laid out').toBeTruthy();
      if (left && right) expect(right.x - (left.x + left.width)).toBeGreaterThanOrEqual(8);
    }

    // The links are plain links (the pages are rendered on the server, with
    // islands): the next page is a new document, whose nav the server
    // marked, and which hydrates its own islands.
    await link('API tokens').click();
    await page.waitForURL(/\/settings\/api-tokens$/);
    await waitForHydration(page);
    await expect(page.getByRole('heading', { name: 'API tokens', level: 1 })).toBeVisible();
    await expect(link('API tokens')).toHaveAttribute('aria-current', 'page');
    await expect(link('MCP Servers')).not.toHaveAttribute('aria-current');
  });
});
