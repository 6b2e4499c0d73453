// An agent runtime that holds no credentials: the TypeScript MCP SDK (npm
// `@modelcontextprotocol/sdk`) against Switchboard's agent gateway. The same
// contract as gateway_client.py, so a test runs both and compares:
//
//   node gateway_client.mjs GATEWAY_URL USERNAME|- CALLS_JSON
//
// CALLS_JSON is a list of [tool, arguments] pairs called in order. The
// runtime token comes from SWITCHBOARD_RUNTIME_TOKEN, never the command
// line. Prints one JSON object: the server's name, the tools listed (name,
// description, input schema) and, per call, the result's text and isError,
// or the error's code, message and data (and the URLs of a -32042).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError, UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';

const [url, user, callsJson] = process.argv.slice(2);
const calls = JSON.parse(callsJson);
const headers = { Authorization: `Bearer ${process.env.SWITCHBOARD_RUNTIME_TOKEN}` };
if (user !== '-') headers['X-Switchboard-User'] = user;

const client = new Client({ name: 'switchboard-ts-runtime', version: '1.0.0' });
const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
await client.connect(transport);
const out = { server: client.getServerVersion()?.name, tools: [], calls: [] };
const listed = await client.listTools();
out.tools = listed.tools.map((t) => ({ name: t.name, description: t.description, schema: t.inputSchema }));
for (const [tool, args] of calls) {
  try {
    const result = await client.callTool({ name: tool, arguments: args });
    out.calls.push({
      tool,
      text: (result.content ?? []).map((p) => p.text ?? ''),
      isError: Boolean(result.isError),
    });
  } catch (e) {
    if (!(e instanceof McpError)) throw e;
    const failed = { tool, code: e.code, message: e.message, data: e.data ?? null };
    if (e instanceof UrlElicitationRequiredError) {
      // Read back with the SDK's own model, as a runtime would.
      failed.urls = e.elicitations.map((x) => x.url);
    }
    out.calls.push(failed);
  }
}
await client.close();
process.stdout.write(`${JSON.stringify(out)}\n`);
