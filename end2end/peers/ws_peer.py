#!/usr/bin/env python3
"""MCP over WebSocket test peer (PyPI `mcp` 1.x: `mcp.server.websocket`).

The WebSocket transport left the `mcp` package in 2.x, so this peer runs from
its own venv (requirements-ws.txt). Serves ws://127.0.0.1:<port>/ws with the
`mcp` subprotocol and two tools, `echo` and `add`.

If PEER_KEYS is set (comma-separated), the handshake must carry
`Authorization: Bearer <one of them>`; anything else is refused with HTTP 403
before the socket opens.

Prints `READY <port>` (flushed) on stdout once listening; `--port 0` picks one.
"""

from __future__ import annotations

import argparse
import asyncio
import os

import announce
from mcp.server.fastmcp import FastMCP
from mcp.server.websocket import websocket_server
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute

mcp = FastMCP("switchboard-ws-peer")


@mcp.tool()
def echo(message: str) -> str:
    """Echo a message back."""
    return message


@mcp.tool()
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def _authorized(scope) -> bool:
    keys = [k.strip() for k in os.environ.get("PEER_KEYS", "").split(",") if k.strip()]
    if not keys:
        return True
    headers = dict(scope.get("headers") or [])
    value = headers.get(b"authorization", b"").decode("latin-1")
    return any(value == f"Bearer {k}" for k in keys)


class McpSocket:
    """A raw ASGI app, so Starlette hands it the scope untouched."""

    async def __call__(self, scope, receive, send):
        if not _authorized(scope):
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})
            return
        async with websocket_server(scope, receive, send) as (read, write):
            server = mcp._mcp_server
            await server.run(read, write, server.create_initialization_options())


async def serve(port: int) -> None:
    sock, port = announce.bind(port)
    app = Starlette(routes=[WebSocketRoute("/ws", McpSocket())])
    await announce.serve(app, sock, port, ws="websockets-sansio")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "0")))
    args = p.parse_args()
    try:
        asyncio.run(serve(args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
