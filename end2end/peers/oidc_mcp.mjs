// An MCP server whose authorization server is npm `oidc-provider`: a real
// login page and a real consent page (its development interactions: any
// login and password sign in), dynamic registration, PKCE, RFC 8707
// resource indicators (JWT access tokens for the MCP server's URL only),
// RFC 9207 `iss`, refresh tokens that rotate on every use, revocation, and
// access tokens that live 90 seconds, so a grant is due for renewal (within
// Switchboard's 5-minute margin) every time it is used.
//
// The MCP half (@modelcontextprotocol/sdk, stateless streamable HTTP)
// answers 401 with RFC 9728 metadata, and verifies each token's signature,
// issuer and audience against the provider's JWKS.
//
//   OIDC_PORT (authorization server), OIDC_MCP_PORT (the MCP server)
//   OIDC_TOKENS_FILE: every access and refresh token issued is appended
//     here, so the e2e teardown can search for them where they must not be
//   OIDC_LIST_SCOPE: a scope tools/list needs on top of mcp:tools (which
//     is all the metadata and the 401 ask for): a token without it is
//     answered 403 insufficient_scope naming both, for step-up authorization
//   GET http://127.0.0.1:$OIDC_MCP_PORT/stats -> {codes, refreshes, revocations}

import fs from 'node:fs';
import http from 'node:http';

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import Provider, { errors } from 'oidc-provider';

const AS_PORT = Number(process.env.OIDC_PORT ?? 3923);
const MCP_PORT = Number(process.env.OIDC_MCP_PORT ?? 3924);
const ISSUER = `http://127.0.0.1:${AS_PORT}`;
const MCP_URL = `http://127.0.0.1:${MCP_PORT}/mcp`;
const PRM_URL = `http://127.0.0.1:${MCP_PORT}/.well-known/oauth-protected-resource/mcp`;
const SCOPE = 'mcp:tools';
// How long an access token lives (s): 90 by default; the e2e run shortens it.
const ACCESS_TTL = Number(process.env.OIDC_ACCESS_TTL ?? 90);
const TOKENS_FILE = process.env.OIDC_TOKENS_FILE;
const LIST_SCOPE = process.env.OIDC_LIST_SCOPE;
const RESOURCE_SCOPES = LIST_SCOPE ? `${SCOPE} ${LIST_SCOPE}` : SCOPE;
const stats = { codes: 0, refreshes: 0, revocations: 0 };

const provider = new Provider(ISSUER, {
  clients: [],
  scopes: ['openid', 'offline_access', ...RESOURCE_SCOPES.split(' ')],
  features: {
    devInteractions: { enabled: true },
    registration: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => MCP_URL,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== MCP_URL) throw new errors.InvalidTarget();
        return {
          scope: RESOURCE_SCOPES,
          audience: MCP_URL,
          accessTokenTTL: ACCESS_TTL,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  pkce: { required: () => true },
  // Every client that may refresh gets a refresh token (no offline_access
  // dance), and every refresh rotates it.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => true,
  ttl: { RefreshToken: 24 * 3600, Grant: 24 * 3600, Session: 3600, Interaction: 600 },
  findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
});
provider.proxy = false;

provider.on('grant.success', (ctx) => {
  const grantType = ctx.oidc.params?.grant_type;
  if (grantType === 'refresh_token') stats.refreshes += 1;
  if (grantType === 'authorization_code') stats.codes += 1;
  const body = ctx.body ?? {};
  if (TOKENS_FILE) {
    for (const token of [body.access_token, body.refresh_token]) {
      if (typeof token === 'string') fs.appendFileSync(TOKENS_FILE, `${token}\n`);
    }
  }
});
// oidc-provider emits no event for a revocation, so its answers are counted.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.oidc?.route === 'revocation' && ctx.method === 'POST' && ctx.status === 200) {
    stats.revocations += 1;
  }
});

const jwks = createRemoteJWKSet(new URL(`${ISSUER}/jwks`));

function mcpServer() {
  const server = new McpServer({ name: 'oidc-notes', version: '1.0.0' });
  server.tool('whoami', 'Who the token says you are', async (extra) => ({
    content: [{ type: 'text', text: `You are ${extra?.authInfo?.clientId ?? 'someone'}` }],
  }));
  return server;
}

function challenge(res, error) {
  res.writeHead(401, {
    'WWW-Authenticate': `Bearer error="${error}", resource_metadata="${PRM_URL}", scope="${SCOPE}"`,
    'Content-Type': 'application/json',
  });
  res.end(JSON.stringify({ error }));
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

const mcp = http.createServer(async (req, res) => {
  const url = new URL(req.url, MCP_URL);
  if (url.pathname === '/stats') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(stats));
    return;
  }
  if (url.pathname === '/.well-known/oauth-protected-resource/mcp') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        resource: MCP_URL,
        authorization_servers: [ISSUER],
        scopes_supported: [SCOPE],
        bearer_methods_supported: ['header'],
      }),
    );
    return;
  }
  if (url.pathname !== '/mcp') {
    res.writeHead(404).end();
    return;
  }
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Bearer ')) return challenge(res, 'invalid_request');
  let claims;
  try {
    ({ payload: claims } = await jwtVerify(header.slice('Bearer '.length), jwks, {
      issuer: ISSUER,
      audience: MCP_URL,
    }));
  } catch {
    return challenge(res, 'invalid_token');
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { Allow: 'POST' }).end();
    return;
  }
  try {
    const body = await readBody(req);
    const granted = String(claims.scope ?? '').split(' ');
    if (LIST_SCOPE && body?.method === 'tools/list' && !granted.includes(LIST_SCOPE)) {
      res.writeHead(403, {
        'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${RESOURCE_SCOPES}", resource_metadata="${PRM_URL}"`,
        'Content-Type': 'application/json',
      });
      res.end(JSON.stringify({ error: 'insufficient_scope' }));
      return;
    }
    const server = mcpServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      transport.close();
      server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  } catch (e) {
    if (!res.headersSent) res.writeHead(500).end(String(e));
  }
});

provider.listen(AS_PORT, '127.0.0.1');
mcp.listen(MCP_PORT, '127.0.0.1', () => {
  console.log(`oidc-mcp: authorization server ${ISSUER}, MCP ${MCP_URL}`);
});
