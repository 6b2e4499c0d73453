import { APP_URL, expect, gotoHydrated, recordIssuedToken, signIn, test, waitForHydration } from './fixtures';
import type { APIRequestContext } from '@playwright/test';

const LIST = `${APP_URL}/api/skills/mcp-servers`;

async function listWith(request: APIRequestContext, token: string): Promise<number> {
  const response = await request.get(LIST, {
    headers: { authorization: `Token ${token}`, 'x-tenant-slug': 'acme' },
  });
  return response.status();
}

test.describe('API tokens page', () => {
  test('create (shown once), use, and revoke a token', async ({ page, request }) => {
    await signIn(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tokens' }).click();
    await page.waitForURL(/\/settings\/api-tokens$/);
    await waitForHydration(page);
    await expect(page.getByRole('heading', { name: 'API tokens', level: 1 })).toBeVisible();
    const name = page.getByLabel('Token name', { exact: true });

    // Validation in place, nothing created.
    await page.getByRole('button', { name: 'Create token', exact: true }).click();
    await expect(page.getByText('Name is required.')).toBeVisible();
    await expect(name).toHaveAttribute('aria-invalid', 'true');

    // Keyboard only: type and press Enter.
    const tokenName = `e2e deploy ${Date.now()}`;
    await name.fill(tokenName);
    await name.press('Enter');
    const notice = page.getByRole('status').filter({ hasText: 'Copy it now' });
    await expect(notice).toBeVisible();
    const value = notice.getByLabel('New token', { exact: true });
    const token = await value.inputValue();
    recordIssuedToken(token);
    expect(token).toMatch(/^sbt_[0-9a-f]{48}$/);
    await expect(name).toHaveValue('');

    const row = page.getByRole('row').filter({ hasText: tokenName });
    await expect(row).toBeVisible();
    await expect(row).toContainText(`${token.slice(0, 12)}…`);
    // Cells: name, token, created, last used, expires.
    await expect(row.getByRole('cell').nth(3)).toHaveText('Never');
    await expect(row.getByRole('cell').nth(4)).toHaveText('Never');
    await expect(row).not.toContainText(token);

    // The token works for the REST API, as Token and as Bearer.
    expect(await listWith(request, token)).toBe(200);
    const bearer = await request.get(LIST, {
      headers: { authorization: `Bearer ${token}`, 'x-tenant-slug': 'acme' },
    });
    expect(bearer.status()).toBe(200);

    // Shown once: after a reload it is nowhere on the page, and the use shows.
    await gotoHydrated(page, '/settings/api-tokens');
    await expect(page.getByRole('row').filter({ hasText: tokenName })).toBeVisible();
    expect(await page.content()).not.toContain(token);
    await expect(page.getByRole('row').filter({ hasText: tokenName }).getByRole('cell').nth(3)).not.toHaveText('Never');

    // Revoke, with a confirmation step.
    const reloaded = page.getByRole('row').filter({ hasText: tokenName });
    await reloaded.getByRole('button', { name: `Revoke ${tokenName}` }).click();
    await reloaded.getByRole('button', { name: 'Revoke now' }).click();
    await expect(page.getByRole('row').filter({ hasText: tokenName })).toHaveCount(0);
    expect(await listWith(request, token)).toBe(401);
  });

  test('a token with a lifetime shows when it ends', async ({ page }) => {
    await signIn(page);
    await gotoHydrated(page, '/settings/api-tokens');
    const tokenName = `e2e month ${Date.now()}`;
    await page.getByLabel('Token name', { exact: true }).fill(tokenName);
    await page.getByLabel('Expires', { exact: true }).selectOption({ label: 'In 30 days' });
    await page.getByRole('button', { name: 'Create token', exact: true }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Copy it now' });
    recordIssuedToken(await notice.getByLabel('New token', { exact: true }).inputValue());
    const expires = page.getByRole('row').filter({ hasText: tokenName }).getByRole('cell').nth(4);
    const inThirtyDays = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await expect(expires).toContainText(inThirtyDays);
    // The form is back to "Never" for the next one.
    await expect(page.getByLabel('Expires', { exact: true })).toHaveValue('');
    const row = page.getByRole('row').filter({ hasText: tokenName });
    await row.getByRole('button', { name: `Revoke ${tokenName}` }).click();
    await row.getByRole('button', { name: 'Revoke now' }).click();
    await expect(page.getByRole('row').filter({ hasText: tokenName })).toHaveCount(0);
  });

  test('a runtime token only resolves', async ({ page, request }) => {
    await signIn(page);
    await gotoHydrated(page, '/settings/api-tokens');
    const tokenName = `e2e runtime ${Date.now()}`;
    await page.getByLabel('Token name', { exact: true }).fill(tokenName);
    await page.getByRole('checkbox', { name: 'Runtime token' }).check();
    await page.getByRole('button', { name: 'Create token', exact: true }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Copy it now' });
    const token = await notice.getByLabel('New token', { exact: true }).inputValue();
    recordIssuedToken(token);
    const row = page.getByRole('row').filter({ hasText: tokenName });
    await expect(row).toContainText('runtime');
    // The checkbox is back to a user token for the next one.
    await expect(page.getByRole('checkbox', { name: 'Runtime token' })).not.toBeChecked();

    // It opens the runtime API (no such server: 404) and nothing else (403).
    const resolve = await request.post(`${APP_URL}/api/runtime/resolve`, {
      headers: { authorization: `Bearer ${token}` },
      data: { server: 999999 },
    });
    expect(resolve.status()).toBe(404);
    expect((await resolve.json()).error).toBe('not_found');
    expect(await listWith(request, token)).toBe(403);
    await row.getByRole('button', { name: `Revoke ${tokenName}` }).click();
    await row.getByRole('button', { name: 'Revoke now' }).click();
    await expect(page.getByRole('row').filter({ hasText: tokenName })).toHaveCount(0);
  });

  test('a duplicate name is refused in place and nothing is lost', async ({ page }) => {
    await signIn(page);
    await gotoHydrated(page, '/settings/api-tokens');
    const tokenName = `e2e twice ${Date.now()}`;
    const name = page.getByLabel('Token name', { exact: true });
    await name.fill(tokenName);
    await page.getByRole('button', { name: 'Create token', exact: true }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Copy it now' });
    recordIssuedToken(await notice.getByLabel('New token', { exact: true }).inputValue());
    await notice.getByRole('button', { name: 'Done' }).click();
    await expect(notice).toHaveCount(0);

    await name.fill(tokenName);
    await page.getByRole('button', { name: 'Create token', exact: true }).click();
    await expect(page.getByText('You already have a token with this name.')).toBeVisible();
    await expect(name).toHaveValue(tokenName);
    await expect(page.getByRole('row').filter({ hasText: tokenName })).toHaveCount(1);
  });
});

test.describe('Sessions', () => {
  test('sign out everywhere ends this browser and every other', async ({ page, browser }) => {
    // Another browser, signed in as the same admin.
    const elsewhere = await browser.newContext({ baseURL: APP_URL });
    const other = await elsewhere.newPage();
    await signIn(other);
    await signIn(page);

    await gotoHydrated(page, '/settings/api-tokens');
    await expect(page.getByRole('heading', { name: 'Sessions', level: 2 })).toBeVisible();
    await page.getByRole('button', { name: 'Sign out everywhere', exact: true }).click();
    await page.waitForURL(/\/login(\?.*)?$/);

    // The other browser is signed out too: its next page asks it to sign in.
    await other.goto('/mcp-servers');
    await expect(other).toHaveURL(/\/login\?next=%2Fmcp-servers$/);
    await elsewhere.close();
  });
});
