"""What both ibl.ai client scripts report with: one line per check, the
first failure with what was expected and what came back (exit 1), and the
count at the end."""

from __future__ import annotations

import json
import sys

passed = 0


def fail(what: str, detail: object) -> None:
    print(f"FAIL {what}: {detail}", flush=True)
    sys.exit(1)


def ok(what: str) -> None:
    global passed
    passed += 1
    print(f"ok   {what}", flush=True)


def body(response, status: int, what: str):
    """The response's JSON, after checking its status."""
    text = response.data.decode() if response.data else ""
    if response.status != status:
        fail(what, f"expected HTTP {status}, got {response.status}: {text}")
    return json.loads(text) if text else None
