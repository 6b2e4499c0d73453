import {
  BEARER_GOOD_KEY,
  BEARER_MCP_URL,
  BEARER_ROTATED_KEY,
  BEARER_WRONG_KEY,
  DEFAULT_BEARER_KEYS,
  TEST_CONNECTION_TIMEOUT,
  createAgent,
  expect,
  gotoHydrated,
  openServer,
  registerServer,
  setBearerKeys,
  signIn,
  test,
  testAs,
  uniqueName,
  waitForServerList,
} from './fixtures';
import type { Locator } from '@playwright/test';

async function addConnection(
  dialog: Locator,
  form: { scope: string; agent?: string; credential: string },
): Promise<void> {
  await dialog.getByRole('button', { name: 'Add connection', exact: true }).click();
  const f = dialog.getByRole('form', { name: 'Add a connection' });
  await f.getByLabel('Scope', { exact: true }).selectOption({ label: form.scope });
  if (form.agent) {
    await f.getByLabel('Agent', { exact: true }).selectOption({ label: form.agent });
  }
  await f.getByLabel('Authentication', { exact: true }).selectOption({ label: 'Token' });
  await f.getByLabel('Credential', { exact: true }).fill(form.credential);
  await f.getByRole('button', { name: 'Add connection', exact: true }).click();
  await expect(f).toBeHidden();
}

test.describe('connections and Test as…', () => {
  test.beforeEach(async ({ page }) => {
    setBearerKeys(DEFAULT_BEARER_KEYS);
    await signIn(page);
  });

  test('the agent connection wins while active, then the tenant connection', async ({ page }) => {
    const agent = uniqueName('E2E bot');
    await createAgent(page, agent);
    await gotoHydrated(page, '/mcp-servers');
    await waitForServerList(page);
    const name = uniqueName('e2e-conn');
    await registerServer(page, { name, url: BEARER_MCP_URL, auth: 'Tenant API Key', apiKey: BEARER_GOOD_KEY });
    const dialog = await openServer(page, name);

    // The tab, by keyboard: Right arrow moves to it.
    const overview = dialog.getByRole('tab', { name: 'Overview' });
    await overview.focus();
    await overview.press('ArrowRight');
    const tab = dialog.getByRole('tab', { name: 'Connections' });
    await expect(tab).toBeFocused();
    await expect(tab).toHaveAttribute('aria-selected', 'true');
    await expect(dialog.getByText('No connections yet.')).toBeVisible();

    await addConnection(dialog, { scope: 'Tenant: everyone, through any agent', credential: BEARER_ROTATED_KEY });
    await expect(dialog.getByRole('row').filter({ hasText: 'Tenant' })).toBeVisible();
    // The form is gone, and focus with it went back to the tab, inside the dialog.
    await expect(tab).toBeFocused();
    await addConnection(dialog, {
      scope: 'Agent: calls made through one agent',
      agent,
      credential: BEARER_WRONG_KEY,
    });
    const agentRow = dialog.getByRole('row').filter({ hasText: `Agent: ${agent}` });
    await expect(agentRow).toBeVisible();
    // No secret is ever shown back.
    await expect(dialog).not.toContainText(BEARER_WRONG_KEY);
    await expect(dialog).not.toContainText(BEARER_ROTATED_KEY);

    // The agent's own (wrong) key is the one used: auth failed, and it says which rule.
    let result = await testAs(dialog, `Agent: ${agent}`);
    await expect(result).toContainText('Auth failed', { timeout: TEST_CONNECTION_TIMEOUT });
    await expect(result).toContainText('Resolved by: agent connection', { timeout: TEST_CONNECTION_TIMEOUT });

    // Fixed in place: healthy, still the agent connection.
    await agentRow.getByRole('button', { name: /^Edit/ }).click();
    const edit = dialog.getByRole('form', { name: 'Edit connection' });
    await expect(edit.getByLabel('Credential', { exact: true })).toHaveAttribute('placeholder', /Stored/);
    await edit.getByLabel('Credential', { exact: true }).fill(BEARER_ROTATED_KEY);
    await edit.getByRole('button', { name: 'Save connection', exact: true }).click();
    await expect(edit).toBeHidden();
    result = await testAs(dialog, `Agent: ${agent}`);
    await expect(result).toContainText('Healthy', { timeout: TEST_CONNECTION_TIMEOUT });
    await expect(result).toContainText('Resolved by: agent connection', { timeout: TEST_CONNECTION_TIMEOUT });

    // Deactivated: the same agent now gets the tenant connection.
    await agentRow.getByRole('switch').click();
    await expect(agentRow.getByRole('switch')).toHaveAttribute('aria-checked', 'false');
    result = await testAs(dialog, `Agent: ${agent}`);
    await expect(result).toContainText('Healthy', { timeout: TEST_CONNECTION_TIMEOUT });
    await expect(result).toContainText('Resolved by: tenant connection', { timeout: TEST_CONNECTION_TIMEOUT });

    // A user-scoped question about someone who is not there is refused in place.
    const panel = dialog.getByRole('form', { name: 'Test as…' });
    await panel.getByLabel('As', { exact: true }).selectOption({ label: 'A user…' });
    await panel.getByRole('button', { name: 'Test', exact: true }).click();
    await expect(panel.getByText('Enter a username.')).toBeVisible();

    // Delete, with a confirmation step.
    await agentRow.getByRole('button', { name: /^Delete/ }).click();
    await agentRow.getByRole('button', { name: 'Delete now' }).click();
    await expect(dialog.getByRole('row').filter({ hasText: `Agent: ${agent}` })).toHaveCount(0);
  });
});
