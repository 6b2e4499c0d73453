"""An agent runtime that holds no credentials: PyPI `mcp` (2.x) against
Switchboard's agent gateway, one MCP endpoint for the whole agent.

Usage: gateway_client.py GATEWAY_URL USERNAME|- CALLS_JSON
CALLS_JSON is a list of [tool, arguments] pairs to call in order. The
runtime token comes from SWITCHBOARD_RUNTIME_TOKEN, never the command line.
Prints one JSON object: the tools listed (name and description) and, per
call, either the result's text and isError, or the error's code, message
and data. The user, unless `-`, is sent in X-Switchboard-User.
"""

import asyncio
import json
import os
import sys

from mcp import ClientSession
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client
from mcp.shared.exceptions import MCPError, UrlElicitationRequiredError


async def main() -> None:
    url, user, calls = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    headers = {"Authorization": f"Bearer {os.environ['SWITCHBOARD_RUNTIME_TOKEN']}"}
    if user != "-":
        headers["X-Switchboard-User"] = user
    out = {"tools": [], "calls": []}
    async with create_mcp_http_client(headers=headers) as http:
        async with streamable_http_client(url, http_client=http) as streams:
            read, write = streams[0], streams[1]
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                out["server"] = init.server_info.name
                listed = await session.list_tools()
                out["tools"] = [
                    {"name": t.name, "description": t.description, "schema": t.input_schema}
                    for t in listed.tools
                ]
                for tool, arguments in calls:
                    try:
                        result = await session.call_tool(tool, arguments)
                        out["calls"].append(
                            {
                                "tool": tool,
                                "text": [getattr(p, "text", "") for p in result.content],
                                "isError": bool(result.is_error),
                            }
                        )
                    except MCPError as e:
                        failed = {"tool": tool, "code": e.code, "message": e.message, "data": e.data}
                        if isinstance(e, UrlElicitationRequiredError) or e.code == -32042:
                            # Read back with the SDK's own model, as a runtime would.
                            asked = UrlElicitationRequiredError.from_error(e.error)
                            failed["urls"] = [x.url for x in asked.elicitations]
                        out["calls"].append(failed)
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main())
