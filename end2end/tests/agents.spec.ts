import { expect, gotoHydrated, signIn, test, waitForHydration } from './fixtures';

test.describe('Agents page', () => {
  test('create, rename by keyboard, and delete an agent', async ({ page }) => {
    await signIn(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
    await page.waitForURL(/\/agents$/);
    await waitForHydration(page);
    await expect(page.getByRole('heading', { name: 'Agents', level: 1 })).toBeVisible();
    const name = page.getByLabel('Agent name', { exact: true });

    // Validation in place, nothing created.
    await page.getByRole('button', { name: 'Create agent', exact: true }).click();
    await expect(page.getByText('Name is required.')).toBeVisible();
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel('Slug (optional)').fill('Not A Slug');
    await name.fill('x');
    await page.getByRole('button', { name: 'Create agent', exact: true }).click();
    await expect(page.getByText(/Slug must be/)).toBeVisible();
    await page.getByLabel('Slug (optional)').fill('');

    const agentName = `E2E Support ${Date.now()}`;
    await name.fill(agentName);
    await name.press('Enter');
    await expect(page.getByRole('row').filter({ hasText: agentName })).toBeVisible();
    await expect(name).toHaveValue('');
    const slug = agentName.toLowerCase().replace(/ /g, '-');
    // The slug stays put (and stays text) while the name is being edited.
    const row = page.getByRole('row').filter({ hasText: slug });
    await expect(row).toContainText(agentName);
    const uid = (await row.locator('code.uid').textContent()) ?? '';
    expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    // The same slug again is refused under the slug field, nothing lost.
    await name.fill(agentName);
    await page.getByRole('button', { name: 'Create agent', exact: true }).click();
    await expect(page.getByText(`Another agent already has the slug “${slug}”`)).toBeVisible();
    await expect(name).toHaveValue(agentName);
    await name.fill('');

    // Rename with the keyboard: Enter saves, Escape cancels.
    await row.getByRole('button', { name: `Rename ${agentName}` }).click();
    const field = row.getByLabel('New name');
    await expect(field).toBeFocused();
    await field.fill('Abandoned');
    await field.press('Escape');
    await expect(row).toContainText(agentName);
    await row.getByRole('button', { name: `Rename ${agentName}` }).click();
    const renamed = `${agentName} (EU)`;
    await row.getByLabel('New name').fill(renamed);
    await row.getByLabel('New name').press('Enter');
    await expect(row).toContainText(renamed);
    await expect(row.getByLabel('New name')).toBeHidden();

    // It survives a reload, with the same id.
    await gotoHydrated(page, '/agents');
    const again = page.getByRole('row').filter({ hasText: renamed });
    await expect(again.locator('code.uid')).toHaveText(uid);

    // Delete, with a confirmation step.
    await again.getByRole('button', { name: `Delete ${renamed}` }).click();
    await again.getByRole('button', { name: 'Delete now' }).click();
    await expect(page.getByRole('row').filter({ hasText: renamed })).toHaveCount(0);
  });
});
