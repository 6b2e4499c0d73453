"""Serving a peer's ASGI app on a pre-bound loopback socket, announcing
`READY <port>` (flushed) on stdout once uvicorn accepts connections. Shared by
the peers, whichever venv runs them (it needs only uvicorn)."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

HOST = "127.0.0.1"


def bind(port: int) -> tuple[socket.socket, int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    return sock, sock.getsockname()[1]


async def serve(app, sock: socket.socket, port: int, **config) -> None:
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", **config))

    async def announce() -> None:
        while not server.started:
            if server.should_exit:
                return
            await asyncio.sleep(0.02)
        print(f"READY {port}", flush=True)

    task = asyncio.create_task(announce())
    await server.serve(sockets=[sock])
    task.cancel()
