#!/usr/bin/env python3
"""Seed 000's OAuth connectors, driven through ibl.ai's own published client.

PyPI `iblai` 4.202.2's generated methods, as a program written against it
calls them, with every answer validated by the client's own pydantic models:
`oauth-find` (OAuthService), a server linked to the service (MCPServer, its
`oauth_service_data` now a real object, so it validates with no exception),
the tenant's providers (List[OAuthProvider]) and a service's scopes, the
start route (OAuthStartResponse), and then, once the test has connected the
account in a browser, the user's connected services (List[ConnectedService]),
one of them, and its deletion.

Environment: SB_HOST, SB_TOKEN (an admin's API token), SB_ORG, SB_USER (the
token owner's username), SB_MCP_URL (an OAuth MCP server), SB_SERVER (a
server of the tenant to link), SB_PHASE (`find` or `connected`). Prints one
line per check, and in the `find` phase `AUTH_URL <url>` for the test to
follow; exits 1 on the first failure.
"""

from __future__ import annotations

import json
import os

from pydantic import ValidationError

import iblai_checks
from iblai_checks import body, fail, ok

from iblai.api.ai_account_api import AiAccountApi
from iblai.api.ai_mentor_api import AiMentorApi
from iblai.clients import get_platform_api_client
from iblai.models.connected_service import ConnectedService
from iblai.models.mcp_server import MCPServer
from iblai.models.o_auth_provider import OAuthProvider
from iblai.models.o_auth_service import OAuthService
from iblai.models.o_auth_start_response import OAuthStartResponse

HOST = os.environ["SB_HOST"]
ORG = os.environ["SB_ORG"]
USER = os.environ["SB_USER"]
client = get_platform_api_client(HOST, os.environ["SB_TOKEN"])
mentor = AiMentorApi(client)
account = AiAccountApi(client)





def valid(model, data, what: str):
    try:
        return model.from_dict(data)
    except ValidationError as e:
        fail(f"{what} validates as {model.__name__}", e.errors())


def find_phase() -> None:
    found = body(
        mentor.ai_mentor_orgs_users_mcp_servers_oauth_find_create(
            ORG,
            USER,
            url=os.environ["SB_MCP_URL"],
            name="Notes",
            callback_url="",
            _content_type="application/x-www-form-urlencoded",
        ),
        200,
        "oauth-find",
    )
    service = valid(OAuthService, found, "oauth-find")
    ok(f"oauth-find discovers and registers: service {service.name} of {service.oauth_provider}")

    refused = body(
        mentor.ai_mentor_orgs_users_mcp_servers_oauth_find_create(
            ORG,
            USER,
            url="http://localhost:1/mcp",
            _content_type="application/x-www-form-urlencoded",
        ),
        400,
        "oauth-find of a server that is not there",
    )
    if not isinstance(refused, dict) or not refused.get("error"):
        fail("oauth-find refuses with {error}", refused)
    ok("oauth-find of an unreachable server is a 400 {error}")

    linked = body(
        mentor.ai_mentor_orgs_users_mcp_servers_partial_update(
            int(os.environ["SB_SERVER"]),
            ORG,
            USER,
            oauth_service=service.id,
            _content_type="application/x-www-form-urlencoded",
        ),
        200,
        "link the server",
    )
    server = valid(MCPServer, linked, "the linked server")
    if server.oauth_service != service.id or server.oauth_service_data.id != service.id:
        fail("the server reads its service back", linked)
    ok("a linked server validates as MCPServer with its oauth_service_data")

    providers = body(account.ai_account_orgs_oauth_services_list(ORG), 200, "providers")
    if not isinstance(providers, list) or len(providers) != 1:
        fail("one provider, as a plain list", providers)
    provider = valid(OAuthProvider, providers[0], "the provider")
    if provider.name != service.oauth_provider or provider.services[0].id != service.id:
        fail("the provider lists the service", providers)
    ok("providers validate as List[OAuthProvider], each with its services")

    scopes = body(
        account.ai_account_orgs_oauth_services_scopes_list(ORG, service.name), 200, "scopes"
    )
    if [valid(OAuthService, s, "a scope").id for s in scopes] != [service.id]:
        fail("the service's scopes", scopes)
    ok("a service's scopes validate as List[OAuthService]")

    start = body(
        account.ai_account_connected_services_orgs_users_retrieve2(
            ORG, service.oauth_provider, service.name, USER
        ),
        200,
        "start",
    )
    auth_url = valid(OAuthStartResponse, start, "start").auth_url
    if not auth_url.startswith(HOST):
        fail("the start route sends the browser to Switchboard", auth_url)
    ok("the start route answers OAuthStartResponse")
    print(f"AUTH_URL {auth_url}", flush=True)


def connected_phase() -> None:
    listed = body(account.ai_account_connected_services_orgs_users_list(ORG, USER), 200, "list")
    if not isinstance(listed, list) or len(listed) != 1:
        fail("one connected service, as a plain list", listed)
    one = valid(ConnectedService, listed[0], "the connected service")
    if one.username != [USER] or one.service != "notes":
        fail("the connected service is the user's, under the service's name", listed)
    ok("connected services validate as List[ConnectedService]")
    filtered = body(
        account.ai_account_connected_services_orgs_users_list(ORG, USER, provider="other"),
        200,
        "filtered",
    )
    if filtered != []:
        fail("the provider filter", filtered)
    read = body(
        account.ai_account_connected_services_orgs_users_retrieve(one.id, ORG, USER), 200, "retrieve"
    )
    valid(ConnectedService, read, "retrieve")
    if any(k in json.dumps(read) for k in ("access_token", "refresh_token")):
        fail("no token is read back", read)
    ok("one connected service reads back, with no token")
    body(account.ai_account_connected_services_orgs_users_destroy(one.id, ORG, USER), 204, "destroy")
    after = body(account.ai_account_connected_services_orgs_users_list(ORG, USER), 200, "after")
    if after != []:
        fail("deleted", after)
    ok("deleting a connected service disconnects it")


if os.environ["SB_PHASE"] == "find":
    find_phase()
else:
    connected_phase()
print(f"iblai oauth {iblai_checks.passed} checks passed", flush=True)
