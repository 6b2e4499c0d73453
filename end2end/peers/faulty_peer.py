#!/usr/bin/env python3
"""A deliberately broken "MCP server" for failure-path tests (stdlib only).

  --mode rpc-error  every POST /mcp -> 200, application/json,
                    {"jsonrpc":"2.0","id":<request id>,"error":{"code":-32603,
                     "message":"upstream database is down"}}
                    (id is null when the body has none or is not JSON; a JSON
                    array (batch) gets an array of such errors)
  --mode http-500   every POST /mcp -> 500, text/plain, body "upstream exploded"
  --mode endless-tools  a working server (initialize, notifications) whose
                    tools/list never ends: every page holds 40 tools with
                    10,000-character descriptions and a next cursor

GET/DELETE /mcp -> 405; any other path -> 404.
Binds 127.0.0.1 only. Prints `READY <port>` (flushed) once listening;
`--port 0` picks a free port. Works with any python3 (no venv needed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = "127.0.0.1"
RPC_ERROR = {"code": -32603, "message": "upstream database is down"}


def make_handler(mode: str):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "faulty-peer/1"

        def log_message(self, fmt, *args):  # keep stdout clean for the READY line
            sys.stderr.write("faulty_peer: " + (fmt % args) + "\n")

        def _send(self, status: int, ctype: str, body: bytes, extra: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _path(self) -> str:
            return self.path.split("?", 1)[0]

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length > 0 else b""
            if self._path() != "/mcp":
                self._send(404, "text/plain", b"not found")
                return
            if mode == "http-500":
                self._send(500, "text/plain; charset=utf-8", b"upstream exploded")
                return
            try:
                req = json.loads(raw) if raw else None
            except ValueError:
                req = None

            if mode == "endless-tools":
                self._endless_tools(req)
                return

            def err(msg):
                rid = msg.get("id") if isinstance(msg, dict) else None
                return {"jsonrpc": "2.0", "id": rid, "error": dict(RPC_ERROR)}

            payload = [err(m) for m in req] if isinstance(req, list) and req else err(req)
            self._send(200, "application/json", json.dumps(payload, separators=(",", ":")).encode())

        def _endless_tools(self, req):
            if not isinstance(req, dict) or "id" not in req:
                self._send(202, "text/plain", b"")  # a notification
                return
            method = req.get("method")
            if method == "initialize":
                version = (req.get("params") or {}).get("protocolVersion", "2025-06-18")
                result = {
                    "protocolVersion": version,
                    "capabilities": {"tools": {"listChanged": False}},
                    "serverInfo": {"name": "endless-tools", "version": "1"},
                }
            elif method == "tools/list":
                page = int(((req.get("params") or {}).get("cursor")) or 0)
                tools = [
                    {
                        "name": f"tool_{page}_{i}",
                        "description": "x" * 10_000,
                        "inputSchema": {"type": "object"},
                    }
                    for i in range(40)
                ]
                result = {"tools": tools, "nextCursor": str(page + 1)}
            else:
                result = {}
            body = {"jsonrpc": "2.0", "id": req["id"], "result": result}
            self._send(200, "application/json", json.dumps(body).encode())

        def _not_allowed(self):
            if self._path() == "/mcp":
                self._send(405, "text/plain", b"method not allowed", {"Allow": "POST"})
            else:
                self._send(404, "text/plain", b"not found")

        do_GET = _not_allowed
        do_DELETE = _not_allowed
        do_PUT = _not_allowed

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "0")))
    p.add_argument("--mode", choices=["rpc-error", "http-500", "endless-tools"], required=True)
    args = p.parse_args()
    httpd = Server((HOST, args.port), make_handler(args.mode))
    print(f"READY {httpd.server_address[1]}", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()
