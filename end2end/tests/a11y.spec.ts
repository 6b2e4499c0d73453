// Accessibility checked in the browser: axe-core (npm @axe-core/playwright)
// on every page and on the servers page's dialogs, at a desktop and a phone
// width, and in the dark colour scheme. A serious or critical violation fails the test, named with the
// elements it was found on. A screenshot of each page at each width is kept
// under the test output (looked at, not compared).

import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

import {
  EVERYTHING_MCP_URL,
  expect,
  gotoHydrated,
  openRegisterDialog,
  openServer,
  registerServer,
  signIn,
  test,
  uniqueName,
  waitForServerList,
} from './fixtures';

const WIDTHS = [
  { name: 'desktop', width: 1280, height: 800, colorScheme: 'light' as const },
  { name: 'phone', width: 390, height: 800, colorScheme: 'light' as const },
  // The dark scheme's colours pass the same contrast checks.
  { name: 'dark', width: 1280, height: 800, colorScheme: 'dark' as const },
];
const PAGES = ['/', '/mcp-servers', '/agents', '/agent-templates', '/integrations', '/audit', '/settings/api-tokens'];

async function expectNoSeriousViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`)
    .join('\n  ');
  expect(serious, `${what}:\n  ${report}`).toEqual([]);
}

async function noSidewaysScroll(page: Page, what: string): Promise<void> {
  const wider = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(wider, `${what} scrolls sideways by ${wider}px`).toBeLessThanOrEqual(0);
}

for (const size of WIDTHS) {
  test.describe(`${size.name}: ${size.width}px, ${size.colorScheme}`, () => {
    test.use({ viewport: { width: size.width, height: size.height }, colorScheme: size.colorScheme });

    test('every page has no serious accessibility violation and no sideways scroll', async ({ page }, info) => {
      await gotoHydrated(page, '/login');
      await expectNoSeriousViolations(page, '/login');
      await signIn(page, undefined, undefined, '/');
      for (const path of PAGES) {
        await gotoHydrated(page, path);
        await page.waitForLoadState('networkidle');
        await expectNoSeriousViolations(page, path);
        await noSidewaysScroll(page, path);
        const file = `${path === '/' ? 'overview' : path.slice(1).replaceAll('/', '-')}-${size.name}.png`;
        await page.screenshot({ path: info.outputPath(file), fullPage: true });
      }
    });

    test('the servers page dialogs have no serious accessibility violation', async ({ page }) => {
      await signIn(page);
      await waitForServerList(page);
      const register = await openRegisterDialog(page);
      await expectNoSeriousViolations(page, 'the Register dialog');
      await page.keyboard.press('Escape');
      await expect(register).toBeHidden();

      const name = uniqueName(`e2e-a11y-${size.name}`);
      await registerServer(page, { name, url: EVERYTHING_MCP_URL });
      await openServer(page, name);
      await expectNoSeriousViolations(page, 'the server dialog');
    });
  });
}
