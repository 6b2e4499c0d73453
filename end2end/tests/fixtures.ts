// Shared constants and helpers for the Switchboard end-to-end suite.
// playwright.config.ts imports the constants too, so the ports and credentials
// the servers start with are the ones the tests use.

import { test as base, expect, type Locator, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

export { expect };

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`${name}=${raw} is not a TCP port`);
  }
  return port;
}

/** The Switchboard app under test. */
export const APP_PORT = portFromEnv('E2E_APP_PORT', 3917);
/** @modelcontextprotocol/server-everything, streamable HTTP, no auth. */
export const EVERYTHING_PORT = portFromEnv('E2E_EVERYTHING_PORT', 3918);
/** end2end/peers/bearer_peer.py, streamable HTTP, static bearer key. */
export const BEARER_PORT = portFromEnv('E2E_BEARER_PORT', 3919);

/** @modelcontextprotocol/sdk's example server with its demo OAuth authorization server. */
export const OAUTH_MCP_PORT = portFromEnv('E2E_OAUTH_MCP_PORT', 3921);
export const OAUTH_AUTH_PORT = portFromEnv('E2E_OAUTH_AUTH_PORT', 3922);
/** end2end/peers/oidc_mcp.mjs: npm `oidc-provider` (login and consent pages, rotating refresh tokens) and its MCP server. */
export const OIDC_PORT = portFromEnv('E2E_OIDC_PORT', 3923);
export const OIDC_MCP_PORT = portFromEnv('E2E_OIDC_MCP_PORT', 3924);
/** A bearer-key peer of its own whose `echo` description a test rewrites (tool pinning). */
export const PIN_PORT = portFromEnv('E2E_PIN_PORT', 3925);

export const APP_URL = `http://127.0.0.1:${APP_PORT}`;
/** The SDK's example names `localhost` in its metadata, so it is reached by that name. */
export const OAUTH_MCP_URL = `http://localhost:${OAUTH_MCP_PORT}/mcp`;
export const EVERYTHING_MCP_URL = `http://127.0.0.1:${EVERYTHING_PORT}/mcp`;
export const BEARER_MCP_URL = `http://127.0.0.1:${BEARER_PORT}/mcp`;
export const OIDC_MCP_URL = `http://127.0.0.1:${OIDC_MCP_PORT}/mcp`;
export const PIN_MCP_URL = `http://127.0.0.1:${PIN_PORT}/mcp`;

export const ADMIN_EMAIL = 'admin@acme.test';
export const ADMIN_PASSWORD = 'e2e-admin-password';
/** A fixed 64-hex-char local vault key (test value only). */
export const VAULT_KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00';

/** The key the bearer peer accepts. */
export const BEARER_GOOD_KEY = 'e2e-good-key-4f9a';
/** A key the bearer peer rejects. */
export const BEARER_WRONG_KEY = 'e2e-wrong-key-7c1d';
/** A second key the bearer peer accepts: what a rotation moves to. */
export const BEARER_ROTATED_KEY = 'e2e-rotated-key-0b5e';
/** A key a rotation tries and the peer refuses. */
export const BEARER_REFUSED_KEY = 'e2e-refused-key-93aa';

/** Every plaintext key the suite uses: none may appear in a log, a table or a response. */
export const ALL_TEST_KEYS = [BEARER_GOOD_KEY, BEARER_WRONG_KEY, BEARER_ROTATED_KEY, BEARER_REFUSED_KEY];

/** The run's scratch directory (set by playwright.config.ts before anything starts). */
export function e2eTmp(): string {
  const dir = process.env.SWITCHBOARD_E2E_TMP;
  if (!dir) throw new Error('SWITCHBOARD_E2E_TMP is not set (playwright.config.ts sets it)');
  return dir;
}

/** The bearer peer re-reads this file on every request. */
export function bearerKeysFile(): string {
  return path.join(e2eTmp(), 'bearer-keys.txt');
}

/** The keys the bearer peer accepts from now on. */
export function setBearerKeys(keys: string[]): void {
  fs.writeFileSync(bearerKeysFile(), keys.join('\n'));
}

export const DEFAULT_BEARER_KEYS = [BEARER_GOOD_KEY, BEARER_ROTATED_KEY];

/** API tokens the suite created: shown once in a response, never in a log or a table. */
export function issuedTokensFile(): string {
  return path.join(e2eTmp(), 'issued-tokens.txt');
}

export function recordIssuedToken(token: string): void {
  fs.appendFileSync(issuedTokensFile(), `${token}\n`);
}

/** OAuth access and refresh tokens the suite saw issued: never in a log, the database or a page. */
export function oauthTokensFile(): string {
  return path.join(e2eTmp(), 'oauth-tokens.txt');
}

export function recordOAuthToken(token: string): void {
  fs.appendFileSync(oauthTokensFile(), `${token}\n`);
}

/** Every response body the browser received, one JSON object per line, for the hygiene check. */
export function responsesFile(): string {
  return path.join(e2eTmp(), 'responses.jsonl');
}

const BINARY = /^(image|font|audio|video)\/|application\/(wasm|octet-stream)/;

function recordResponses(page: Page): void {
  page.on('response', (response) => {
    const type = response.headers()['content-type'] ?? '';
    if (BINARY.test(type)) return;
    response
      .text()
      .then((body) => {
        const headers = JSON.stringify(response.headers());
        fs.appendFileSync(responsesFile(), `${JSON.stringify({ url: response.url(), headers, body })}\n`);
      })
      .catch(() => undefined);
  });
}

/** The pin peer's `echo` description, read at each of its requests. */
export function pinDescriptionFile(): string {
  return path.join(e2eTmp(), 'pin-echo.txt');
}

export const PIN_ORIGINAL_DESCRIPTION = 'Echo the message back.';

export function setPinDescription(text: string): void {
  fs.writeFileSync(pinDescriptionFile(), text);
}

/** Slow operations (an MCP round trip through the app). */
export const TEST_CONNECTION_TIMEOUT = 20_000;

let counter = 0;
/** A server name no other test (or earlier run) uses. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** Uncaught errors, Rust panics, CSP violations and failed page assets seen in each page (filled by the auto fixture below). */
const pageProblems = new WeakMap<Page, string[]>();

function watchPage(page: Page): string[] {
  let problems = pageProblems.get(page);
  if (!problems) {
    const list: string[] = [];
    page.on('pageerror', (error) => list.push(`uncaught ${error.name}: ${error.message} (at ${page.url()})`));
    // A page asset that fails (e.g. a binary built without the pinned
    // LEPTOS_OUTPUT_NAME asking for a wasm file the site does not have) would
    // leave the page unhydrated while its server-rendered HTML still passes.
    page.on('response', (response) => {
      const url = new URL(response.url());
      const asset = url.pathname.startsWith('/pkg/') || /\.(css|js|wasm|ico|png|svg|woff2?)$/.test(url.pathname);
      if (asset && response.status() >= 400) {
        list.push(`asset ${url.pathname} answered ${response.status()} (at ${page.url()})`);
      }
    });
    page.on('console', (message) => {
      // A Rust panic in the WASM bundle is logged by console_error_panic_hook.
      if (message.type() === 'error' && message.text().startsWith('panicked at')) {
        list.push(`WASM ${message.text().split('\n\nStack:')[0]} (at ${page.url()})`);
      }
      // Chromium reports whatever the page's Content-Security-Policy blocked
      // (a script, a style, a fetch) as a console error: every page must work
      // under the policy the server sends.
      if (message.type() === 'error' && message.text().includes('Content Security Policy')) {
        list.push(`CSP: ${message.text()} (at ${page.url()})`);
      }
    });
    pageProblems.set(page, list);
    problems = list;
  }
  return problems;
}

/**
 * `test` with an automatic check: a test fails if the page threw an uncaught
 * error or the WASM bundle panicked (e.g. a hydration mismatch), even when the
 * server-rendered HTML alone would have let the steps pass.
 */
export const test = base.extend<{ pageProblems: string[] }>({
  pageProblems: [
    async ({ page }, use) => {
      const problems = watchPage(page);
      recordResponses(page);
      await use(problems);
      expect(problems, 'uncaught errors or panics in the browser').toEqual([]);
    },
    { auto: true },
  ],
});

/**
 * The app marks <html data-hydrated="true"> once the WASM bundle has hydrated.
 * The marker is set by an effect, which can still run after hydration panicked,
 * so also give the page a frame and fail at once on a panic.
 */
export async function waitForHydration(page: Page): Promise<void> {
  const problems = watchPage(page);
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached', timeout: 30_000 });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  if (problems.length > 0) {
    throw new Error(`The page did not hydrate cleanly:\n${problems.join('\n')}`);
  }
}

/** Full page load of `path`, then wait for hydration. */
export async function gotoHydrated(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await waitForHydration(page);
}

/**
 * Signs in through the login page, which lands on the overview (`/`), then
 * goes on to `then` (the servers page, where most tests start).
 */
export async function signIn(
  page: Page,
  email = ADMIN_EMAIL,
  password = ADMIN_PASSWORD,
  then = '/mcp-servers',
): Promise<void> {
  await gotoHydrated(page, '/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await waitForHydration(page);
  if (then !== '/') {
    await gotoHydrated(page, then);
  }
}

/** The servers table (once the list has loaded and is not empty). */
export function serversTable(page: Page): Locator {
  return page.getByRole('table', { name: 'MCP servers' });
}

/** Wait until the list has loaded: either the table or the empty state. */
export async function waitForServerList(page: Page): Promise<void> {
  // The list is on the page as the server sent it; its filter and rows
  // answer once its island has hydrated.
  await waitForHydration(page);
  await expect(serversTable(page).or(page.getByText('No MCP servers yet'))).toBeVisible();
}

/** A table row; its accessible name is the server name. */
export function serverRow(page: Page, name: string): Locator {
  return page.getByRole('row', { name, exact: true });
}

/** Cells of a row: Name, Transport, Auth type, Tool count, Status. */
export function rowCell(row: Locator, column: 'name' | 'transport' | 'auth' | 'tools' | 'status'): Locator {
  const index = { name: 0, transport: 1, auth: 2, tools: 3, status: 4 }[column];
  return row.getByRole('cell').nth(index);
}

export function registerDialog(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Register Server' });
}

export function detailDialog(page: Page, name: string): Locator {
  return page.getByRole('dialog', { name, exact: true });
}

export async function openRegisterDialog(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Register Server', exact: true }).click();
  const dialog = registerDialog(page);
  await expect(dialog).toBeVisible();
  return dialog;
}

export interface ServerForm {
  name: string;
  url: string;
  transport?: 'Streamable HTTP (recommended)' | 'SSE';
  auth?: 'None' | 'Tenant API Key' | 'OAuth';
  apiKey?: string;
}

/** Fill the (already open) Register Server dialog and press Register. */
export async function fillAndSubmitRegister(dialog: Locator, form: ServerForm): Promise<void> {
  await dialog.getByLabel('Name', { exact: true }).fill(form.name);
  await dialog.getByLabel('URL', { exact: true }).fill(form.url);
  if (form.transport) {
    await dialog.getByLabel('Transport', { exact: true }).selectOption({ label: form.transport });
  }
  if (form.auth) {
    await dialog.getByLabel('Authentication', { exact: true }).selectOption({ label: form.auth });
  }
  if (form.apiKey !== undefined) {
    await dialog.getByLabel('API Key', { exact: true }).fill(form.apiKey);
  }
  await dialog.getByRole('button', { name: 'Register', exact: true }).click();
}

/** Register a server through the UI; returns its table row once it is shown. */
export async function registerServer(page: Page, form: ServerForm): Promise<Locator> {
  const dialog = await openRegisterDialog(page);
  await fillAndSubmitRegister(dialog, form);
  await expect(dialog).toBeHidden();
  const row = serverRow(page, form.name);
  await expect(row).toBeVisible();
  return row;
}

/** Click a row and wait for its detail dialog (titled with the server name). */
export async function openServer(page: Page, name: string): Promise<Locator> {
  await serverRow(page, name).click();
  const dialog = detailDialog(page, name);
  await expect(dialog).toBeVisible();
  return dialog;
}

export async function closeDialog(dialog: Locator): Promise<void> {
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(dialog).toBeHidden();
}

/** Press Test Connection in an open detail dialog. */
export async function testConnection(dialog: Locator): Promise<void> {
  const button = dialog.getByRole('button', { name: 'Test Connection', exact: true });
  await expect(button).toBeEnabled();
  await button.click();
}

/** Creates an agent on the Agents page. */
export async function createAgent(page: Page, name: string): Promise<void> {
  await gotoHydrated(page, '/agents');
  await page.getByLabel('Agent name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create agent', exact: true }).click();
  await expect(page.getByRole('row').filter({ hasText: name })).toBeVisible();
}

/** Runs Test as… and returns the result box once it is there. */
export async function testAs(dialog: Locator, who: string): Promise<Locator> {
  const panel = dialog.getByRole('form', { name: 'Test as…' });
  await panel.getByLabel('As', { exact: true }).selectOption({ label: who });
  await panel.getByRole('button', { name: 'Test', exact: true }).click();
  const result = panel.getByRole('status').filter({ hasText: 'Resolved by' });
  await expect(panel.getByRole('button', { name: 'Test', exact: true })).toBeEnabled({
    timeout: TEST_CONNECTION_TIMEOUT,
  });
  return result;
}
