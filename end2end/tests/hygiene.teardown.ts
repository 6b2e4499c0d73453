// Secret hygiene, checked after the whole suite: no plaintext key the tests
// used may appear in the app's log, in a dump of every table of its database,
// or in any response the browser received. Run with RUST_LOG=debug (./dev
// test does) so the log is as talkative as it gets.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { ALL_TEST_KEYS, issuedTokensFile, oauthTokensFile, responsesFile } from './fixtures';

function dumpDatabase(url: string): string {
  if (url.startsWith('sqlite://')) {
    const file = url.slice('sqlite://'.length).split('?')[0];
    // iterdump covers every table; BLOBs come out as X'…' hex, searched below too.
    const script =
      'import sqlite3, sys\n' +
      'c = sqlite3.connect(sys.argv[1])\n' +
      "print('\\n'.join(c.iterdump()))\n";
    return execFileSync('python3', ['-c', script, file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  }
  // bytea comes out as \x… hex, searched below too.
  return execFileSync('pg_dump', ['--data-only', '--inserts', url], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** The forms a key could take in each source. */
function needles(key: string): string[] {
  const hex = Buffer.from(key, 'utf8').toString('hex');
  return [key, hex, hex.toUpperCase(), Buffer.from(key, 'utf8').toString('base64')];
}

export default async function hygiene(): Promise<void> {
  const tmp = process.env.SWITCHBOARD_E2E_TMP;
  const url = process.env.E2E_DATABASE_URL_RESOLVED;
  if (!tmp || !url) throw new Error('hygiene check: the run directory or database is unknown');
  const appLog = fs.readFileSync(path.join(tmp, 'app.log'), 'utf8');
  const responses = fs.existsSync(responsesFile()) ? fs.readFileSync(responsesFile(), 'utf8') : '';
  const dump = dumpDatabase(url);

  // The sources must hold what they should, or finding nothing proves nothing.
  const problems: string[] = [];
  if (process.env.RUST_LOG === 'debug' && !appLog.includes('DEBUG')) {
    problems.push('RUST_LOG=debug, but the app log has no DEBUG lines');
  }
  if (!responses.includes('/api/servers/register')) problems.push('no register response was recorded');
  if (!dump.includes('audit_events') || !dump.includes('mcp_servers')) {
    problems.push('the database dump has no audit_events or mcp_servers rows');
  }

  const sources: [string, string][] = [
    ['app log', appLog],
    ['database dump', dump],
    ['browser responses', responses],
  ];
  for (const key of ALL_TEST_KEYS) {
    for (const [name, text] of sources) {
      for (const needle of needles(key)) {
        if (text.includes(needle)) problems.push(`the ${name} contains the test key ${key} (as ${needle})`);
      }
    }
  }
  // API tokens are in the one response that created them, by design; never
  // in the log or the database (which keeps only a hash).
  const tokens = fs.existsSync(issuedTokensFile())
    ? fs.readFileSync(issuedTokensFile(), 'utf8').split('\n').filter((t) => t.length > 0)
    : [];
  if (tokens.length === 0) problems.push('no API token was issued, so none could be looked for');
  for (const token of tokens) {
    for (const [name, text] of sources.slice(0, 2)) {
      for (const needle of needles(token)) {
        if (text.includes(needle)) problems.push(`the ${name} contains an API token (as ${needle.slice(0, 12)}…)`);
      }
    }
  }
  // OAuth tokens live in the vault: in no log, no column, no page.
  const oauthTokens = fs.existsSync(oauthTokensFile())
    ? fs.readFileSync(oauthTokensFile(), 'utf8').split('\n').filter((t) => t.length > 0)
    : [];
  if (oauthTokens.length === 0) problems.push('no OAuth token was issued, so none could be looked for');
  for (const token of oauthTokens) {
    for (const [name, text] of sources) {
      for (const needle of needles(token)) {
        if (text.includes(needle)) problems.push(`the ${name} contains an OAuth token (as ${needle.slice(0, 8)}…)`);
      }
    }
  }
  const sizes = sources.map(([name, text]) => `${name} ${text.length} B`).join(', ');
  if (problems.length > 0) {
    throw new Error(`secret hygiene check failed (${sizes}):\n  ${problems.join('\n  ')}`);
  }
  console.log(
    `[hygiene] ${ALL_TEST_KEYS.length} keys, ${tokens.length} API tokens and ${oauthTokens.length} OAuth tokens, zero hits in: ${sizes}`,
  );
}
