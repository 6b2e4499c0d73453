import { defineConfig } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  APP_PORT,
  APP_URL,
  BEARER_GOOD_KEY,
  BEARER_PORT,
  DEFAULT_BEARER_KEYS,
  EVERYTHING_PORT,
  OAUTH_AUTH_PORT,
  OAUTH_MCP_PORT,
  OIDC_MCP_PORT,
  OIDC_PORT,
  PIN_ORIGINAL_DESCRIPTION,
  PIN_PORT,
  VAULT_KEY,
} from './tests/fixtures';

const REPO_ROOT = path.resolve(__dirname, '..');

const SWITCHBOARD_BIN = process.env.SWITCHBOARD_BIN;
if (!SWITCHBOARD_BIN) {
  throw new Error(
    'SWITCHBOARD_BIN is not set. Set it to the absolute path of the release binary ' +
      '(e.g. SWITCHBOARD_BIN=/work/main/target/release/switchboard) and SWITCHBOARD_SITE_ROOT ' +
      'to the built site (e.g. /work/main/target/site), then run `npx playwright test`.',
  );
}
if (!path.isAbsolute(SWITCHBOARD_BIN) || !fs.existsSync(SWITCHBOARD_BIN)) {
  throw new Error(`SWITCHBOARD_BIN=${SWITCHBOARD_BIN} must be the absolute path of an existing binary.`);
}
const BUILT_SITE_ROOT = process.env.SWITCHBOARD_SITE_ROOT || path.join(REPO_ROOT, 'target', 'site');
for (const file of ['switchboard.js', 'switchboard.wasm', 'switchboard.css']) {
  if (!fs.existsSync(path.join(BUILT_SITE_ROOT, 'pkg', file))) {
    throw new Error(
      `${path.join(BUILT_SITE_ROOT, 'pkg', file)} is missing: SWITCHBOARD_SITE_ROOT must point at a ` +
        'complete site build (is a build running right now?).',
    );
  }
}

// A fresh directory per run for the database, the app log and a copy of the
// site (so a rebuild of target/site during the run cannot pull the WASM bundle
// out from under the app). The config is loaded again in the worker processes;
// they inherit the runner's environment, so they reuse its directory.
if (!process.env.SWITCHBOARD_E2E_TMP) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-e2e-'));
  fs.cpSync(BUILT_SITE_ROOT, path.join(dir, 'site'), { recursive: true });
  process.env.SWITCHBOARD_E2E_TMP = dir;
  fs.writeFileSync(path.join(dir, 'bearer-keys.txt'), DEFAULT_BEARER_KEYS.join('\n'));
  fs.writeFileSync(path.join(dir, 'pin-echo.txt'), PIN_ORIGINAL_DESCRIPTION);
  console.log(`[e2e] database, app log and site copy in ${dir}`);
}
const TMP_DIR = process.env.SWITCHBOARD_E2E_TMP;

// Which database and vault the app runs on: `sqlite-local` (the embedded
// defaults) or `postgres-aws` (E2E_DATABASE_URL, and moto's Secrets Manager).
const BACKEND = process.env.E2E_BACKEND || 'sqlite-local';
const MOTO_PORT = Number(process.env.E2E_MOTO_PORT || 3920);
const backendEnv: Record<string, string> = (() => {
  if (BACKEND === 'sqlite-local') {
    return { DATABASE_URL: `sqlite://${path.join(TMP_DIR, 'e2e.db')}`, SWITCHBOARD_VAULT_KEY: VAULT_KEY };
  }
  if (BACKEND === 'postgres-aws') {
    const url = process.env.E2E_DATABASE_URL;
    if (!url) throw new Error('E2E_BACKEND=postgres-aws needs E2E_DATABASE_URL (a fresh PostgreSQL database)');
    return {
      DATABASE_URL: url,
      SWITCHBOARD_VAULT: 'aws',
      SWITCHBOARD_VAULT_PREFIX: 'switchboard-e2e',
      AWS_ENDPOINT_URL: `http://127.0.0.1:${MOTO_PORT}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    };
  }
  throw new Error(`E2E_BACKEND=${BACKEND}: expected sqlite-local or postgres-aws`);
})();
// The hygiene teardown dumps this database.
process.env.E2E_DATABASE_URL_RESOLVED = backendEnv.DATABASE_URL;
const SITE_ROOT = path.join(TMP_DIR, 'site');
const APP_LOG = path.join(TMP_DIR, 'app.log');

const PEER_PYTHON =
  process.env.BEARER_PEER_PYTHON ||
  process.env.SWITCHBOARD_PYTHON ||
  path.join(os.homedir(), '.cache', 'switchboard', 'venv', 'bin', 'python');

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export default defineConfig({
  testDir: './tests',
  // After the suite: no plaintext key in the app log, the database or any
  // response. It needs the whole suite's traffic (it fails if no key was
  // ever used), so `./dev size`, which runs one spec, turns it off.
  ...(process.env.E2E_HYGIENE === 'off' ? {} : { globalTeardown: './tests/hygiene.teardown.ts' }),
  // One folder per backend, so the second run keeps the first one's output
  // (the a11y spec's screenshots, traces of failures).
  outputDir: path.join('test-results', BACKEND),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: APP_URL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: [
    {
      name: 'switchboard',
      // The app's output goes to the Playwright output and to $SWITCHBOARD_E2E_TMP/app.log.
      command: `${shellQuote(SWITCHBOARD_BIN)} 2>&1 | tee -a ${shellQuote(APP_LOG)}`,
      cwd: REPO_ROOT,
      url: `${APP_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      // At RUST_LOG=debug the log is large; it is in app.log either way.
      stdout: process.env.RUST_LOG === 'debug' ? 'ignore' : 'pipe',
      stderr: 'pipe',
      env: {
        LEPTOS_SITE_ADDR: `127.0.0.1:${APP_PORT}`,
        LEPTOS_SITE_ROOT: SITE_ROOT,
        LEPTOS_OUTPUT_NAME: 'switchboard',
        ...backendEnv,
        SWITCHBOARD_ADMIN_EMAIL: ADMIN_EMAIL,
        SWITCHBOARD_ADMIN_PASSWORD: ADMIN_PASSWORD,
        // ::1 too: the OAuth peer's URLs name `localhost`.
        SWITCHBOARD_OUTBOUND_ALLOW: '127.0.0.0/8,::1/128',
        SWITCHBOARD_MCP_TIMEOUT: '10s',
        // Unset: the app's own default filter applies.
        ...(process.env.RUST_LOG ? { RUST_LOG: process.env.RUST_LOG } : {}),
      },
    },
    {
      name: 'server-everything',
      command:
        'node --require ./peers/loopback-only.cjs ' +
        'node_modules/@modelcontextprotocol/server-everything/dist/index.js streamableHttp',
      cwd: '.',
      // GET /mcp without a session is an error, so wait for the port instead.
      port: EVERYTHING_PORT,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { PORT: String(EVERYTHING_PORT) },
    },
    {
      name: 'bearer-peer',
      command: `${shellQuote(PEER_PYTHON)} peers/bearer_peer.py --port ${BEARER_PORT}`,
      cwd: '.',
      port: BEARER_PORT,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { PEER_KEYS: BEARER_GOOD_KEY, PEER_KEYS_FILE: path.join(TMP_DIR, 'bearer-keys.txt') },
    },
    {
      name: 'pin-peer',
      command: `${shellQuote(PEER_PYTHON)} peers/bearer_peer.py --port ${PIN_PORT}`,
      cwd: '.',
      port: PIN_PORT,
      reuseExistingServer: false,
      timeout: 30_000,
      env: { PEER_KEYS: BEARER_GOOD_KEY, PEER_ECHO_DESCRIPTION_FILE: path.join(TMP_DIR, 'pin-echo.txt') },
    },
    {
      // RFC 9728 + RFC 8414 metadata, dynamic registration and PKCE; its
      // authorization server approves at once (no login page). --oauth-strict
      // makes both ends check RFC 8707's `resource`.
      name: 'sdk-oauth',
      command:
        'node --require ./peers/loopback-only.cjs ' +
        'node_modules/@modelcontextprotocol/sdk/dist/esm/examples/server/simpleStreamableHttp.js --oauth --oauth-strict',
      cwd: '.',
      port: OAUTH_AUTH_PORT,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore' as const,
      env: { MCP_PORT: String(OAUTH_MCP_PORT), MCP_AUTH_PORT: String(OAUTH_AUTH_PORT) },
    },
    {
      // npm `oidc-provider` with real login and consent pages, rotating
      // refresh tokens and 12-second JWT access tokens, and an MCP server
      // that checks them. Every token it issues goes to the hygiene list.
      name: 'oidc-mcp',
      command: 'node --require ./peers/loopback-only.cjs peers/oidc_mcp.mjs',
      cwd: '.',
      port: OIDC_MCP_PORT,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore' as const,
      stderr: 'ignore' as const,
      env: {
        OIDC_PORT: String(OIDC_PORT),
        OIDC_MCP_PORT: String(OIDC_MCP_PORT),
        // Due for renewal (past half its life) 6 seconds after it is issued.
        OIDC_ACCESS_TTL: '12',
        OIDC_TOKENS_FILE: path.join(TMP_DIR, 'oauth-tokens.txt'),
      },
    },
    ...(BACKEND === 'postgres-aws'
      ? [
          {
            name: 'moto',
            command: `${shellQuote(path.join(path.dirname(PEER_PYTHON), 'moto_server'))} -H 127.0.0.1 -p ${MOTO_PORT}`,
            cwd: '.',
            port: MOTO_PORT,
            reuseExistingServer: false,
            timeout: 60_000,
            stdout: 'ignore' as const,
            stderr: 'ignore' as const,
          },
        ]
      : []),
  ],
});
