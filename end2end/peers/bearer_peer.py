#!/usr/bin/env python3
"""Bearer-key protected MCP test peer (PyPI `mcp` 2.x, MCPServer).

Serves MCP on 127.0.0.1 only, either
  * streamable HTTP at /mcp            (--transport streamable-http, default), or
  * legacy HTTP+SSE at /sse + /messages/  (--transport sse),
and refuses any request without an accepted static bearer key (HTTP 401 with a
`WWW-Authenticate: Bearer ... resource_metadata="..."` header, as the SDK does).

Accepted keys:
  PEER_KEYS        comma-separated list of accepted keys, read at start-up.
  PEER_KEYS_FILE   optional path; if set, the file (keys separated by commas
                   and/or newlines) is re-read on every request and *replaces*
                   PEER_KEYS, so a test can rotate keys without a restart.

  PEER_PER_KEY_PRINCIPAL=1 / --per-key-principal: see StaticKeyVerifier.

  PEER_REQUIRE_HEADER=Name:value  optional; any request without that header
                   (value compared exactly) gets 403, so a test can see that
                   a server's extra headers are sent.

PEER_ECHO_DESCRIPTION_FILE=path  optional; the `echo` tool's description is
                   the file's text as it reads at each request, so a test can
                   change a tool between two listings (tool pinning).

Prints `READY <port>` (flushed) on stdout once the socket is listening.
`--port 0` picks a free port; the READY line tells which one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

import announce
from announce import HOST, bind
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer



def _split_keys(raw: str) -> list[str]:
    return [k.strip() for k in raw.replace("\n", ",").split(",") if k.strip()]


def accepted_keys() -> list[str]:
    path = os.environ.get("PEER_KEYS_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as f:
                return _split_keys(f.read())
        except OSError:
            return []
    return _split_keys(os.environ.get("PEER_KEYS", ""))


class StaticKeyVerifier:
    """TokenVerifier: a token is valid iff it is one of the accepted keys.

    The SDK binds a streamable-HTTP session to the principal (client_id,
    issuer, subject) that created it and answers 404 "Session not found" when
    another principal uses it. By default every key maps to the SAME principal,
    so a session survives a key rotation (same client, new key). With
    per_key_principal each key is its own principal, so switching keys
    mid-session gets 404 and forces a re-initialize.
    """

    def __init__(self, per_key_principal: bool = False) -> None:
        self.per_key_principal = per_key_principal

    async def verify_token(self, token: str) -> AccessToken | None:
        keys = accepted_keys()
        if token not in keys:
            return None
        index = keys.index(token)
        return AccessToken(
            token=token,
            client_id=f"peer-key-{index}" if self.per_key_principal else "switchboard",
            scopes=[],
            claims={"key_index": index},
        )


def build_server(port: int, transport: str, per_key_principal: bool = False) -> MCPServer:
    base = f"http://{HOST}:{port}"
    resource = f"{base}/mcp" if transport == "streamable-http" else f"{base}/sse"
    mcp = MCPServer(
        name="switchboard-bearer-peer",
        version="1.0.0",
        instructions="Test peer that requires a static bearer key.",
        token_verifier=StaticKeyVerifier(per_key_principal),
        # The SDK requires an issuer URL whenever auth is on. There is no
        # authorization server: it is a dummy that stays on loopback. It only
        # shows up in /.well-known/oauth-protected-resource/... metadata.
        auth=AuthSettings(
            issuer_url=base,
            resource_server_url=resource,
            validate_token_resource=False,
            required_scopes=[],
        ),
        log_level="WARNING",
    )

    @mcp.tool()
    def whoami() -> dict:
        """Tell which accepted key authenticated this request."""
        tok = get_access_token()
        if tok is None:
            return {"authenticated": False}
        return {
            "authenticated": True,
            "client_id": tok.client_id,
            "key_index": (tok.claims or {}).get("key_index"),
            "key_suffix": tok.token[-4:],
            "transport": transport,
        }

    @mcp.tool()
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    def echo(message: str) -> str:
        """Echo the message back."""
        return message

    ECHO["fn"], ECHO["described"] = echo, echo_description()
    mcp.add_tool(echo, description=ECHO["described"] or None)
    return mcp


# The `echo` function and the description it was last registered with.
ECHO: dict = {}


def echo_description() -> str:
    path = os.environ.get("PEER_ECHO_DESCRIPTION_FILE")
    if not path:
        return ""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return ""


def redescribe_echo(app, mcp: MCPServer):
    """ASGI wrapper: re-registers `echo` whenever its description file changed."""

    async def wrapped(scope, receive, send):
        if scope["type"] == "http":
            text = echo_description()
            if text and text != ECHO["described"]:
                mcp.remove_tool("echo")
                mcp.add_tool(ECHO["fn"], description=text)
                ECHO["described"] = text
        await app(scope, receive, send)

    return wrapped


def require_header(app, spec: str):
    """ASGI wrapper: 403 unless the request carries header `Name:value`."""
    name, _, value = spec.partition(":")
    name = name.strip().lower().encode()
    value = value.strip().encode()

    async def wrapped(scope, receive, send):
        if scope["type"] == "http":
            got = [v for k, v in scope.get("headers", []) if k.lower() == name]
            if got != [value]:
                await send({"type": "http.response.start", "status": 403,
                            "headers": [(b"content-type", b"text/plain")]})
                await send({"type": "http.response.body",
                            "body": b"missing required header " + name})
                return
        await app(scope, receive, send)

    return wrapped


async def serve(port: int, transport: str, per_key_principal: bool) -> None:
    sock, port = bind(port)
    mcp = build_server(port, transport, per_key_principal)
    if transport == "sse":
        app = mcp.sse_app(host=HOST)
    else:
        app = mcp.streamable_http_app(host=HOST)
    if os.environ.get("PEER_ECHO_DESCRIPTION_FILE"):
        app = redescribe_echo(app, mcp)
    required = os.environ.get("PEER_REQUIRE_HEADER")
    if required:
        app = require_header(app, required)
    await announce.serve(app, sock, port, lifespan="on", timeout_graceful_shutdown=2)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "0")))
    p.add_argument("--transport", choices=["streamable-http", "http", "sse"], default="streamable-http")
    p.add_argument("--per-key-principal", action="store_true",
                   default=os.environ.get("PEER_PER_KEY_PRINCIPAL") == "1",
                   help="each key is its own principal (sessions do not survive a key switch)")
    args = p.parse_args()
    transport = "streamable-http" if args.transport == "http" else args.transport
    if not accepted_keys():
        print("warning: no accepted keys (set PEER_KEYS or PEER_KEYS_FILE); every request gets 401",
              file=sys.stderr, flush=True)
    try:
        asyncio.run(serve(args.port, transport, args.per_key_principal))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
