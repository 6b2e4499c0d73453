import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import {
  APP_URL,
  BEARER_GOOD_KEY,
  BEARER_MCP_URL,
  DEFAULT_BEARER_KEYS,
  TEST_CONNECTION_TIMEOUT,
  closeDialog,
  expect,
  gotoHydrated,
  openServer,
  recordIssuedToken,
  registerServer,
  setBearerKeys,
  signIn,
  test,
  testConnection,
  uniqueName,
  waitForHydration,
} from './fixtures';
import type { Page } from '@playwright/test';

const PYTHON =
  process.env.SWITCHBOARD_PYTHON || path.join(os.homedir(), '.cache', 'switchboard', 'venv', 'bin', 'python');
const RUNTIME = path.resolve(__dirname, '..', 'peers', 'agent_runtime.py');

/** The slug seed 002 derives from a name (ours agrees for these names). */
function slugOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

async function runtimeToken(page: Page): Promise<string> {
  await gotoHydrated(page, '/settings/api-tokens');
  await page.getByLabel('Token name', { exact: true }).fill(uniqueName('e2e agent runtime'));
  await page.getByRole('checkbox', { name: 'Runtime token' }).check();
  await page.getByRole('button', { name: 'Create token', exact: true }).click();
  const notice = page.getByRole('status').filter({ hasText: 'Copy it now' });
  const token = await notice.getByLabel('New token', { exact: true }).inputValue();
  recordIssuedToken(token);
  return token;
}

test.describe('agent templates', () => {
  test.beforeEach(async ({ page }) => {
    setBearerKeys(DEFAULT_BEARER_KEYS);
    await signIn(page);
  });

  test("seed 002's nine steps: register, test, assign, sync, and an agent calls the tool", async ({ page }) => {
    test.setTimeout(120_000);
    // 1–3. Register a Tenant API Key server and test it.
    await gotoHydrated(page, '/mcp-servers');
    const server = uniqueName('Lastmile CRM');
    await registerServer(page, { name: server, url: BEARER_MCP_URL, auth: 'Tenant API Key', apiKey: BEARER_GOOD_KEY });
    const dialog = await openServer(page, server);
    await testConnection(dialog);
    await expect(dialog.getByText('Connected.')).toBeVisible({ timeout: TEST_CONNECTION_TIMEOUT });
    await closeDialog(dialog);

    // 4–5. A template, with two agents made from it before the server is assigned.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agent Templates' }).click();
    await page.waitForURL(/\/agent-templates$/);
    await waitForHydration(page);
    const template = uniqueName('Support');
    await page.getByLabel('Template name', { exact: true }).fill(template);
    await page.getByRole('button', { name: 'Create template', exact: true }).click();
    await page.getByRole('link', { name: template }).click();
    await page.waitForURL(/\/agent-templates\?id=\d+$/);
    await waitForHydration(page);
    await expect(page.getByRole('heading', { name: template, level: 1 })).toBeVisible();
    const agents = [uniqueName('Ada'), uniqueName('Bo')];
    for (const agent of agents) {
      await page.getByLabel('New agent', { exact: true }).fill(agent);
      await page.getByRole('button', { name: 'Create agent', exact: true }).click();
      await expect(page.getByRole('listitem').filter({ hasText: agent })).toBeVisible();
    }

    // 6–7. Assign the server with its switch: it writes at once.
    const assign = page.getByRole('switch', { name: `Assign ${server}` });
    await expect(assign).toHaveAttribute('aria-checked', 'false');
    await assign.click();
    await expect(page.getByRole('switch', { name: `Assign ${server}` })).toHaveAttribute('aria-checked', 'true');

    // Its allow-list: narrowed to one tool, then every tool again.
    const tools = page.locator('details.allowlist');
    await tools.locator('summary').click();
    await tools.getByRole('checkbox', { name: 'Every tool' }).uncheck();
    await tools.getByRole('checkbox', { name: 'echo' }).check();
    await tools.getByRole('button', { name: 'Save allowed tools' }).click();
    await expect(page.getByText('Allowed tools saved.').first()).toBeVisible();
    await expect(page.locator('details.allowlist summary')).toHaveText('1 allowed');
    await page.locator('details.allowlist summary').click();
    await page.locator('details.allowlist').getByRole('checkbox', { name: 'Every tool' }).check();
    await page.locator('details.allowlist').getByRole('button', { name: 'Save allowed tools' }).click();
    await expect(page.locator('details.allowlist summary')).toHaveText('Every tool');

    // 8. Sync: the plan first (+1 server for each agent), then the sync.
    await page.getByRole('button', { name: 'Sync to 2 agents' }).click();
    const plan = page.getByRole('region', { name: 'Sync plan' });
    for (const agent of agents) {
      await expect(plan.getByRole('listitem').filter({ hasText: agent })).toContainText('+1 server');
    }
    await plan.getByRole('button', { name: 'Sync now', exact: true }).click();
    await expect(page.getByText('Synced 2 agents.')).toBeVisible();
    await page.getByRole('button', { name: 'Sync to 2 agents' }).click();
    await expect(plan.getByRole('listitem').filter({ hasText: agents[0] })).toContainText('up to date');

    // 9. The agent runtime, a real MCP client, fetches its configs with a
    // runtime token and calls echo through the URL and headers it got.
    const uid = (await page.getByRole('listitem').filter({ hasText: agents[0] }).locator('code.uid').textContent())?.trim();
    expect(uid).toMatch(/^[0-9a-f-]{36}$/);
    const token = await runtimeToken(page);
    const { stdout } = await promisify(execFile)(PYTHON, [RUNTIME, APP_URL, uid!, 'admin', 'hello from the template'], {
      env: { ...process.env, SWITCHBOARD_RUNTIME_TOKEN: token },
      timeout: 30_000,
    });
    const result = JSON.parse(stdout);
    const slug = slugOf(server);
    expect(result.configs).toContain(slug);
    expect(result.calls[slug]).toEqual(['hello from the template']);
  });

  test('an empty list, and a name already taken, are said in place', async ({ page }) => {
    await gotoHydrated(page, '/agent-templates');
    const name = page.getByLabel('Template name', { exact: true });
    await page.getByRole('button', { name: 'Create template', exact: true }).click();
    await expect(page.getByText('Name is required.')).toBeVisible();
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    const template = uniqueName('Twice');
    await name.fill(template);
    await name.press('Enter');
    await expect(page.getByRole('link', { name: template })).toBeVisible();
    await name.fill(template);
    await name.press('Enter');
    await expect(page.getByText('Another template already has this name.')).toBeVisible();
    await expect(name).toHaveValue(template);
    await page.getByRole('link', { name: template }).click();
    await page.waitForURL(/\/agent-templates\?id=\d+$/);
    await waitForHydration(page);
    await page.getByRole('button', { name: 'Delete template' }).click();
    await page.getByRole('button', { name: 'Delete now' }).click();
    await page.waitForURL(/\/agent-templates$/);
    await expect(page.getByRole('link', { name: template })).toHaveCount(0);
  });
});
