"""Plays an agent runtime, as ThinkWork's runtime does at each invocation:
fetch the agent's MCP configs from Switchboard with a runtime token, then
open each server with the returned URL and headers (PyPI `mcp`, streamable
HTTP), and call `echo` where the server offers it and the allow-list lets it.

Usage: agent_runtime.py BASE_URL AGENT_UUID USERNAME MESSAGE
The runtime token comes from the environment (SWITCHBOARD_RUNTIME_TOKEN), never
the command line. Prints one JSON object: the configs' and missing servers'
names, and each call's text. Headers (they hold credentials) are never printed.
"""

import asyncio
import json
import os
import sys
import urllib.parse
import urllib.request

from mcp import ClientSession
from mcp.client.streamable_http import create_mcp_http_client, streamable_http_client


def fetch_configs(base: str, agent: str, user: str, token: str) -> dict:
    query = urllib.parse.urlencode({"user": user})
    request = urllib.request.Request(
        f"{base}/api/runtime/agents/{agent}/mcp-configs?{query}",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.load(reply)


async def call_echo(config: dict, message: str) -> list[str] | None:
    allowed = config.get("tools")
    async with create_mcp_http_client(headers=config["headers"]) as http:
        async with streamable_http_client(config["url"], http_client=http) as streams:
            read, write = streams[0], streams[1]
            async with ClientSession(read, write) as session:
                await session.initialize()
                listed = await session.list_tools()
                names = [t.name for t in listed.tools]
                if "echo" not in names or (allowed is not None and "echo" not in allowed):
                    return None
                result = await session.call_tool("echo", {"message": message})
                return [getattr(part, "text", "") for part in result.content]


async def main() -> None:
    base, agent, user, message = sys.argv[1:5]
    token = os.environ["SWITCHBOARD_RUNTIME_TOKEN"]
    configs = fetch_configs(base, agent, user, token)
    out = {
        "configs": [c["name"] for c in configs["configs"]],
        "missing": [{"name": m["name"], "error": m["error"]} for m in configs["missing"]],
        "calls": {},
    }
    for config in configs["configs"]:
        text = await call_echo(config, message)
        if text is not None:
            out["calls"][config["name"]] = text
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main())
