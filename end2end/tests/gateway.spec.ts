// The agent gateway, just in time: an agent runtime (the TypeScript MCP SDK,
// clients/gateway_client.mjs) calls a tool of an OAuth server for a user who
// has not connected their account. The call answers -32042 with a URL; the
// user opens it in the browser, the authorization server (the SDK's demo,
// which approves at once) sends them back, and the same call succeeds.

import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Locator, Page } from '@playwright/test';

import {
  APP_URL,
  OAUTH_MCP_URL,
  TEST_CONNECTION_TIMEOUT,
  expect,
  gotoHydrated,
  openServer,
  recordIssuedToken,
  registerServer,
  signIn,
  test,
  testConnection,
  uniqueName,
  waitForServerList,
} from './fixtures';

const run = promisify(execFile);

type Outcome = {
  server: string;
  tools: Array<{ name: string }>;
  calls: Array<{ code?: number; urls?: string[]; text?: string[]; isError?: boolean }>;
};

/** One run of the TypeScript SDK client against the agent's endpoint, as `user`. */
async function runtime(agent: string, token: string, user: string, calls: unknown): Promise<Outcome> {
  const script = path.join(__dirname, '..', 'clients', 'gateway_client.mjs');
  const { stdout } = await run('node', [script, `${APP_URL}/mcp/agents/${agent}`, user, JSON.stringify(calls)], {
    env: { ...process.env, SWITCHBOARD_RUNTIME_TOKEN: token },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as Outcome;
}

async function call(page: Page, fn: string, data: unknown): Promise<any> {
  const reply = await page.request.post(`${APP_URL}/api/${fn}`, { data });
  const body = await reply.json();
  expect(reply.status(), `${fn}: ${JSON.stringify(body)}`).toBe(200);
  return body;
}

async function connectInPopup(page: Page, button: Locator): Promise<void> {
  const popup = page.waitForEvent('popup');
  await button.click();
  const win = await popup;
  if (!win.isClosed()) await win.waitForEvent('close', { timeout: TEST_CONNECTION_TIMEOUT });
}

test('a call for a user without an account answers with a link; connecting there makes it work', async ({ page }) => {
  await signIn(page);
  await waitForServerList(page);
  const name = uniqueName('jit');
  await registerServer(page, { name, url: OAUTH_MCP_URL, auth: 'OAuth' });

  // The admin connects once and tests, which pins the server's tools...
  const dialog = await openServer(page, name);
  const account = dialog.getByRole('region', { name: 'Your account', exact: true });
  await connectInPopup(page, account.getByRole('button', { name: 'Authenticate', exact: true }));
  await expect(account.getByText('Connected', { exact: true })).toBeVisible();
  await testConnection(dialog);
  await expect(dialog.getByText(/^Connected\. The server exposes \d+ tools?\.$/)).toBeVisible({
    timeout: TEST_CONNECTION_TIMEOUT,
  });

  // ...on an agent made from a template.
  const integrations = (await call(page, 'oauth/integrations', {})) as Array<{ server_id: number; name: string }>;
  const server = integrations.find((i) => i.name === name)!.server_id;
  const template = await call(page, 'templates/create', { template: { name: uniqueName('JIT') } });
  await call(page, 'templates/assign', { id: template.id, server, enabled: null, tool_allowlist: null });
  const bot = uniqueName('JIT bot');
  const agent = (await call(page, 'templates/create-agent', { id: template.id, agent: { name: bot } }))
    .unique_id as string;
  const made = await call(page, 'tokens/create', { token: { name: uniqueName('jit-runtime'), kind: 'runtime' } });
  const token = made.secret as string;
  recordIssuedToken(token);

  // The admin disconnects: now they are a user without an account there.
  await gotoHydrated(page, '/integrations');
  const connected = page
    .getByRole('region', { name: 'Connected', exact: true })
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name, exact: true }) });
  // It says which agents call it: why the user would connect.
  await expect(connected).toContainText(`Used by ${bot}`);
  await connected.getByRole('button', { name: 'Disconnect', exact: true }).click();
  await expect(connected).toHaveCount(0);

  const first = await runtime(agent, token, 'admin', []);
  const greet = first.tools.find((t) => t.name.endsWith('__greet'));
  expect(greet, JSON.stringify(first.tools)).toBeTruthy();
  const greeting = [[greet!.name, { name: 'just in time' }]];
  const asked = (await runtime(agent, token, 'admin', greeting)).calls[0];
  expect(asked.code, JSON.stringify(asked)).toBe(-32042);
  const url = asked.urls![0];
  expect(url).toContain(`/api/skills/mcp-oauth/authorize?mcpServerId=${server}`);

  // The user follows the link, signed in, and the account is connected.
  await page.goto(url);
  await expect(page.locator('main.oauth-done')).toHaveAttribute('data-ok', 'true', { timeout: TEST_CONNECTION_TIMEOUT });

  // The same call now goes through.
  const done = (await runtime(agent, token, 'admin', greeting)).calls[0];
  expect(done.isError, JSON.stringify(done)).toBe(false);
  expect(done.text!.join(' ')).toContain('just in time');
});
