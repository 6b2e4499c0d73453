#!/usr/bin/env python3
"""Seed 000's servers and connections, driven through ibl.ai's own published client.

PyPI `iblai` 4.202.2 (see requirements-iblai.txt) is the generated client that
ibl.ai's users program against. This script uses its generated methods as such
a program would, against a running Switchboard, and validates every response
with the client's own pydantic models. The one tolerated validation error is
`oauth_service_data: null`: the client's model declares it a required object,
which ibl.ai's own API does not honour either (see the README).

Environment: SB_HOST (http://127.0.0.1:port), SB_TOKEN (an admin's API token),
SB_ORG (tenant slug), SB_USER (the token owner's username), SB_AGENT (an agent
of the tenant, by unique id). Prints one line per check; exits 1 on the first
failure, with what was expected and what came back.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from uuid import UUID

from pydantic import ValidationError

import iblai_checks
from iblai_checks import body, fail, ok

from iblai.api.ai_mentor_api import AiMentorApi
from iblai.clients import get_platform_api_client
from iblai.models.mcp_server import MCPServer
from iblai.models.mcp_server_connection import MCPServerConnection
from iblai.models.paginated_mcp_server_connection_list import PaginatedMCPServerConnectionList
from iblai.models.paginated_mcp_server_list import PaginatedMCPServerList
from iblai.models.patched_mcp_server_connection import PatchedMCPServerConnection

HOST = os.environ["SB_HOST"]
ORG = os.environ["SB_ORG"]
USER = os.environ["SB_USER"]
AGENT = UUID(os.environ["SB_AGENT"])
NOW = datetime.now(timezone.utc)

api = AiMentorApi(get_platform_api_client(HOST, os.environ["SB_TOKEN"]))





def model_errors(model, data) -> list[str]:
    """Validation errors from the client's model, except the known one."""
    try:
        model.from_dict(data)
        return []
    except ValidationError as e:
        return [
            f"{'.'.join(map(str, err['loc']))}: {err['msg']}"
            for err in e.errors()
            if err["loc"][:1] != ("oauth_service_data",) or data.get("oauth_service_data") is not None
        ]


def server(data, what: str) -> dict:
    errors = model_errors(MCPServer, data)
    if errors:
        fail(f"{what} validates as MCPServer", errors)
    if data.get("oauth_service_data") is not None:
        fail(what, "oauth_service_data should be null: no OAuth services exist")
    return data


def page(data, what: str) -> dict:
    # Each item is checked as a server; the envelope with its items emptied.
    errors = model_errors(PaginatedMCPServerList, {**data, "results": []})
    if errors:
        fail(f"{what} validates as PaginatedMCPServerList", errors)
    for item in data["results"]:
        server(item, f"{what}: result {item.get('id')}")
    return data


# The client requires every read-only field as an argument; a program passes
# placeholders, which the server must ignore.
PLACEHOLDERS = dict(
    id=0,
    platform=0,
    platform_key="",
    oauth_service_data=None,
    mcp_server_connections="",
    created_at=NOW,
    updated_at=NOW,
)

# 1. Create in multipart (ibl.ai's docs and npm client use it).
created = server(
    body(
        api.ai_mentor_orgs_users_mcp_servers_create(
            ORG,
            USER,
            name="Drive via iblai",
            url="https://drive.example/mcp",
            description="made by the published client",
            transport="streamable_http",
            auth_type="token",
            auth_scope="platform",
            credentials="Bearer iblai-secret-1",
            extra_headers={"X-Client": "iblai"},
            is_enabled=True,
            is_featured=False,
            _content_type="multipart/form-data",
            **PLACEHOLDERS,
        ),
        201,
        "create (multipart)",
    ),
    "create (multipart)",
)
if created["id"] == 0 or created["platform_key"] != ORG or created["owner"] != USER:
    fail("create ignores read-only fields", created)
if created["extra_headers"] != {"X-Client": "iblai"} or "iblai-secret-1" in json.dumps(created):
    fail("create keeps headers and masks the credential", created)
ok("create in multipart; read-only placeholders ignored; credential masked")

# 2. Create urlencoded, bound to an agent. (In JSON the client sends no
# body at all: its form parameters only go out in the two form encodings.)
mine = server(
    body(
        api.ai_mentor_orgs_users_mcp_servers_create(
            ORG,
            USER,
            name="Zendesk via iblai",
            url="https://zendesk.example/mcp",
            mentor=AGENT,
            auth_scope="mentor",
            _content_type="application/x-www-form-urlencoded",
            **PLACEHOLDERS,
        ),
        201,
        "create (urlencoded)",
    ),
    "create (urlencoded)",
)
if mine["mentor"] != str(AGENT) or mine["auth_scope"] != "mentor":
    fail("create binds the agent", mine)
ok("create urlencoded, bound to an agent by its UUID")

# 3. Without a content type the client sends no body: DRF's field errors.
errors = body(
    api.ai_mentor_orgs_users_mcp_servers_create(ORG, USER, name="x", url="https://x.example", **PLACEHOLDERS),
    400,
    "create without a body",
)
if sorted(errors) != ["name", "url"]:
    fail("create without a body names the missing fields", errors)
ok("create with the default (empty) body answers DRF's field errors")

# 4. Lists: envelopes, pages, filters.
everything = page(body(api.ai_mentor_orgs_users_mcp_servers_list(ORG, USER), 200, "list"), "list")
if everything["count"] != 2 or everything["next"] is not None:
    fail("list counts both", everything)
first = page(
    body(api.ai_mentor_orgs_users_mcp_servers_list(ORG, USER, page=1, page_size=1), 200, "page 1"),
    "page 1",
)
if not (first["next"] or "").startswith(HOST) or len(first["results"]) != 1:
    fail("page 1 of 1 links to page 2 by absolute URL", first)
second = page(
    body(api.ai_mentor_orgs_users_mcp_servers_list(ORG, USER, page=2, page_size=1), 200, "page 2"),
    "page 2",
)
if second["previous"] is None or second["next"] is not None:
    fail("page 2 links back", second)
body(api.ai_mentor_orgs_users_mcp_servers_list(ORG, USER, page=3, page_size=1), 404, "page 3")
ok("list pages are DRF envelopes with absolute links; past the end is 404")

for name, kwargs, want in [
    ("search", dict(search="zendesk"), [mine["id"]]),
    ("transport", dict(transport="streamable_http"), [created["id"], mine["id"]]),
    ("auth_type", dict(auth_type="token"), [created["id"]]),
    ("auth_scope", dict(auth_scope="mentor"), [mine["id"]]),
    ("is_enabled", dict(is_enabled=False), []),
    ("is_featured", dict(is_featured=False), [created["id"], mine["id"]]),
    ("url", dict(url="https://drive.example/mcp"), [created["id"]]),
    ("mentor_unique_id", dict(mentor_unique_id=AGENT), [mine["id"]]),
    ("mentor_unique_id+include_global", dict(mentor_unique_id=AGENT, include_global=True), [created["id"], mine["id"]]),
]:
    got = page(body(api.ai_mentor_orgs_users_mcp_servers_list(ORG, USER, **kwargs), 200, name), name)
    ids = [s["id"] for s in got["results"]]
    if ids != want:
        fail(f"filter {name}", f"expected {want}, got {ids}")
ok("every list filter the client offers")

# 5. Retrieve, partial update (multipart), update (JSON), destroy.
item = created["id"]
read = server(body(api.ai_mentor_orgs_users_mcp_servers_retrieve(item, ORG, USER), 200, "retrieve"), "retrieve")
if read != created:
    fail("retrieve answers what create did", read)
patched = server(
    body(
        api.ai_mentor_orgs_users_mcp_servers_partial_update(
            item, ORG, USER, is_enabled=False, description="patched", _content_type="multipart/form-data"
        ),
        200,
        "partial update",
    ),
    "partial update",
)
if patched["is_enabled"] is not False or patched["description"] != "patched" or patched["name"] != created["name"]:
    fail("partial update changes only what it names", patched)
replaced = server(
    body(
        api.ai_mentor_orgs_users_mcp_servers_update(
            item,
            ORG,
            USER,
            name="Drive renamed",
            url="https://drive.example/mcp",
            credentials="Bearer iblai-secret-1",
            _content_type="multipart/form-data",
            # The update method renames the body's `id` to `id2`.
            id2=0,
            **{k: v for k, v in PLACEHOLDERS.items() if k != "id"},
        ),
        200,
        "update",
    ),
    "update",
)
if replaced["name"] != "Drive renamed":
    fail("update renames", replaced)
# 6. Connections, with the client's own models on the way in and out.
def connection(data, what: str) -> dict:
    errors = model_errors(MCPServerConnection, data)
    if errors:
        fail(f"{what} validates as MCPServerConnection", errors)
    return data


def connection_page(data, what: str) -> dict:
    errors = model_errors(PaginatedMCPServerConnectionList, {**data, "results": []})
    if errors:
        fail(f"{what} validates as PaginatedMCPServerConnectionList", errors)
    for item in data["results"]:
        connection(item, f"{what}: result {item.get('id')}")
    return data


# The seed's platform connection. The model needs its read-only fields to
# be built; the client then sends `platform_key` and
# `connected_service_summary` as null, which the server must ignore.
seed_connection = MCPServerConnection(
    id=0,
    server=item,
    server_name="",
    scope="platform",
    auth_type="token",
    credentials="super-secret",
    authorization_scheme="Token",
    extra_headers={"x-mcp-client": "mentor-ui"},
    platform_key=None,
    connected_service_summary=None,
    created_at=NOW,
    updated_at=NOW,
)
made = connection(
    body(
        api.ai_mentor_orgs_users_mcp_server_connections_create(ORG, USER, seed_connection),
        201,
        "create connection",
    ),
    "create connection",
)
if made["scope"] != "platform" or made["server"] != item or "super-secret" in json.dumps(made):
    fail("create connection binds the tenant and masks the credential", made)
mentor_connection = MCPServerConnection(
    id=0,
    server=item,
    server_name="",
    scope="mentor",
    mentor=AGENT,
    auth_type="token",
    credentials="scoped-to-mentor",
    authorization_scheme="Token",
    platform_key=None,
    connected_service_summary=None,
    created_at=NOW,
    updated_at=NOW,
)
scoped = connection(
    body(
        api.ai_mentor_orgs_users_mcp_server_connections_create(ORG, USER, mentor_connection),
        201,
        "create mentor connection",
    ),
    "create mentor connection",
)
if scoped["mentor"] != str(AGENT):
    fail("mentor connection names the agent", scoped)
ok("create connections at platform and mentor scope")

listed = connection_page(
    body(api.ai_mentor_orgs_users_mcp_server_connections_list(ORG, USER), 200, "list connections"),
    "list connections",
)
if listed["count"] != 2:
    fail("list connections counts both", listed)
only_mentor = connection_page(
    body(
        api.ai_mentor_orgs_users_mcp_server_connections_list(ORG, USER, mentor=str(AGENT), scope="mentor"),
        200,
        "filter connections",
    ),
    "filter connections",
)
if [c["id"] for c in only_mentor["results"]] != [scoped["id"]]:
    fail("filter connections by mentor", only_mentor)
ok("list and filter connections")

off = connection(
    body(
        api.ai_mentor_orgs_users_mcp_server_connections_partial_update(
            made["id"], ORG, USER, PatchedMCPServerConnection(is_active=False)
        ),
        200,
        "deactivate connection",
    ),
    "deactivate connection",
)
if off["is_active"] is not False:
    fail("deactivate connection", off)
read_back = connection(
    body(api.ai_mentor_orgs_users_mcp_server_connections_retrieve(made["id"], ORG, USER), 200, "retrieve connection"),
    "retrieve connection",
)
if read_back != off:
    fail("retrieve connection answers what the patch did", read_back)
body(api.ai_mentor_orgs_users_mcp_server_connections_destroy(made["id"], ORG, USER), 204, "destroy connection")
ok("deactivate, retrieve and destroy a connection")

body(api.ai_mentor_orgs_users_mcp_servers_destroy(item, ORG, USER), 204, "destroy")
body(api.ai_mentor_orgs_users_mcp_servers_retrieve(item, ORG, USER), 404, "retrieve after destroy")
ok("retrieve, partial update, update and destroy")

print(f"iblai {iblai_checks.passed} checks passed", flush=True)
