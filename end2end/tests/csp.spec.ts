import { APP_URL, expect, gotoHydrated, signIn, test } from './fixtures';

// Every page of the suite runs under the server's Content-Security-Policy (the
// auto fixture fails a test on any violation Chromium reports). This file
// shows the policy is real: the page hydrates with it, and markup injected
// into the page cannot run script.
test('pages hydrate under the CSP, and an injected inline handler does not run', async ({ page, pageProblems }) => {
  const response = await page.goto('/login');
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self' 'nonce-");
  expect(csp).not.toContain('unsafe-inline');

  await signIn(page);
  for (const path of ['/agents', '/agent-templates', '/audit', '/settings/api-tokens']) {
    await gotoHydrated(page, path);
  }

  // What an HTML injection would try: an element with an inline handler.
  const violation = page.waitForEvent(
    'console',
    (message) => message.type() === 'error' && message.text().includes('Content Security Policy'),
  );
  await page.evaluate(() => {
    const img = document.createElement('img');
    img.setAttribute('onerror', 'window.__injected = true');
    img.src = '/no-such-image.png';
    document.body.append(img);
  });
  expect((await violation).text()).toContain('inline event handler');
  expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
  // That refusal (and the image's 404) was the point of this test, not a fault.
  const expected = (p: string) => p.startsWith('CSP:') || p.includes('/no-such-image.png');
  for (let i = pageProblems.length - 1; i >= 0; i -= 1) {
    if (expected(pageProblems[i])) pageProblems.splice(i, 1);
  }
  expect(page.url()).toContain(APP_URL);
});
