//! The routes the matrix calls, read from the OpenAPI document and the
//! server-function registry, and what each one is: who may call it and what
//! of tenant A's it addresses.

use serde_json::{Value, json};

use crate::domain::{AuditQuery, ListQuery, ServerSort};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
    /// Sign-in and friends: nothing to isolate.
    Public,
    Member,
    Admin,
    /// Runtime tokens only (a user's token is refused).
    Runtime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    /// A collection: a list, or a create.
    Collection,
    Server,
    Token,
    Agent,
    Connection,
    Template,
    /// A user's OAuth grant (seed 000's connected service).
    Grant,
}

pub(super) struct Spec {
    pub(super) access: Access,
    pub(super) target: Target,
    /// A server function's JSON arguments (the ids filled in).
    pub(super) body: Option<Value>,
}

pub(super) fn spec(
    method: &str,
    path: &str,
    server: i64,
    token: i64,
    agent: &str,
    connection: i64,
    template: i64,
) -> Option<Spec> {
    use Access::*;
    use Target::*;
    let s = |access, target, body| {
        Some(Spec {
            access,
            target,
            body,
        })
    };
    let id = json!({ "id": server });
    Some(match (method, path) {
        ("GET", "/api/skills/mcp-servers") => return s(Member, Collection, None),
        ("POST", "/api/skills/mcp-servers") => return s(Admin, Collection, None),
        ("PUT" | "DELETE", "/api/skills/mcp-servers/{id}") => return s(Admin, Server, None),
        ("POST", "/api/skills/mcp-servers/{id}/test") => return s(Admin, Server, None),
        ("GET", "/api/skills/mcp-servers/{id}/key-status") => return s(Member, Server, None),
        ("PUT", "/api/skills/mcp-servers/{id}/api-key") => {
            return s(
                Admin,
                Server,
                Some(json!({ "apiKey": "intruder-key-0000" })),
            );
        }
        ("GET", "/api/skills/templates") => return s(Member, Collection, None),
        ("POST", "/api/skills/templates") => {
            return s(Admin, Collection, Some(json!({ "name": "Intruder" })));
        }
        ("PUT" | "DELETE", "/api/skills/templates/{id}") => return s(Admin, Template, None),
        ("GET", "/api/skills/templates/{id}/mcp-servers") => return s(Member, Template, None),
        ("POST", "/api/skills/templates/{id}/mcp-servers") => {
            return s(Admin, Template, Some(json!({ "mcpServerId": server })));
        }
        ("DELETE", "/api/skills/templates/{id}/mcp-servers/{sid}") => {
            return s(Admin, Template, None);
        }
        ("GET" | "POST", "/api/skills/templates/{id}/sync") => return s(Admin, Template, None),
        ("POST", "/api/skills/templates/{id}/agents") => {
            return s(Admin, Template, Some(json!({ "name": "Intruder agent" })));
        }
        ("GET", "/api/skills/agents/{agent_id}/mcp-servers") => return s(Member, Agent, None),
        ("POST", "/api/skills/agents/{agent_id}/mcp-servers") => {
            return s(Admin, Agent, Some(json!({ "mcpServerId": server })));
        }
        ("DELETE", "/api/skills/agents/{agent_id}/mcp-servers/{sid}") => {
            return s(Admin, Agent, None);
        }
        ("GET", "/api/runtime/agents/{agent}/mcp-configs") => return s(Runtime, Agent, None),
        // The agent gateway: runtime tokens only, and only the agent's tenant's.
        ("POST", crate::server::gateway::PATH) => {
            return s(
                Runtime,
                Agent,
                Some(json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {} })),
            );
        }
        // A member's own OAuth connections.
        ("GET", "/api/skills/user-mcp-servers") => return s(Member, Collection, None),
        ("DELETE", "/api/skills/user-mcp-tokens/{id}") => return s(Member, Server, None),
        ("GET", "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/") => {
            return s(Member, Collection, None);
        }
        ("POST", "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/") => {
            return s(Admin, Collection, None);
        }
        ("GET", "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/") => {
            return s(Member, Server, None);
        }
        (
            "PUT" | "PATCH" | "DELETE",
            "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/",
        ) => {
            return s(Admin, Server, None);
        }
        // A member may list and make their own user connections.
        ("GET" | "POST", "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-server-connections/") => {
            return s(Member, Collection, None);
        }
        (
            "GET" | "PUT" | "PATCH" | "DELETE",
            "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-server-connections/{id}/",
        ) => {
            let body = (method == "PUT" || method == "PATCH")
                .then(|| json!({ "server": server, "is_active": false }));
            return s(Member, Connection, body);
        }
        // OAuth services are every member's to read; finding one is an admin's.
        ("GET", "/api/ai-account/orgs/{org}/oauth-services/") => {
            return s(Member, Collection, None);
        }
        // A list by name: tenant B's own, with A's name, is empty.
        ("GET", "/api/ai-account/orgs/{org}/oauth-services/{service_name}/scopes/") => {
            return s(Member, Collection, None);
        }
        ("POST", "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/oauth-find/") => {
            return s(
                Admin,
                Collection,
                Some(json!({ "url": "https://intruder.example/mcp" })),
            );
        }
        // A member's own connected services.
        ("GET", "/api/ai-account/connected-services/orgs/{org}/users/{user_id}/") => {
            return s(Member, Collection, None);
        }
        (
            "GET" | "DELETE",
            "/api/ai-account/connected-services/orgs/{org}/users/{user_id}/{id}/",
        ) => return s(Member, Grant, None),
        (
            "GET",
            "/api/ai-account/connected-services/orgs/{org}/users/{user_id}/{provider}/{service}/",
        ) => return s(Member, Server, None),
        ("POST", "/api/runtime/resolve") => {
            return s(Runtime, Server, Some(json!({ "server": server })));
        }
        ("POST", "/api/auth/sign-in" | "/api/auth/sign-out" | "/api/auth/me") => {
            return s(Public, Collection, None);
        }
        ("POST", "/api/servers/list") => Spec {
            access: Member,
            target: Collection,
            body: Some(json!({ "query": ListQuery::<ServerSort>::default() })),
        },
        ("POST", "/api/servers/get") => return s(Member, Server, Some(id)),
        // Tool pinning, from the server dialog's Tools tab.
        ("POST", "/api/tools/pins") => return s(Member, Server, Some(id)),
        ("POST", "/api/tools/approve") => {
            return s(
                Admin,
                Server,
                Some(json!({ "id": server, "approvals": [{ "name": "echo", "hash": "0" }] })),
            );
        }
        ("POST", "/api/tools/set-policy") => {
            return s(Admin, Collection, Some(json!({ "policy": "hold" })));
        }
        // A member's own OAuth accounts, from the pages.
        ("POST", "/api/oauth/grant") => {
            return s(Member, Server, Some(json!({ "server": server })));
        }
        ("POST", "/api/oauth/disconnect") => {
            return s(Member, Server, Some(json!({ "server": server })));
        }
        ("POST", "/api/oauth/integrations") => return s(Member, Collection, Some(json!({}))),
        ("POST", "/api/overview") => return s(Member, Collection, Some(json!({}))),
        ("POST", "/api/oauth-services/list" | "/api/oauth-services/redirect-uri") => {
            return s(Member, Collection, Some(json!({})));
        }
        ("POST", "/api/oauth-services/create") => {
            return s(
                Admin,
                Collection,
                Some(json!({ "client": { "name": "intruder", "client_id": "x",
                    "authorization_endpoint": "https://intruder.example/a",
                    "token_endpoint": "https://intruder.example/t" } })),
            );
        }
        ("POST", "/api/servers/register") => Spec {
            access: Admin,
            target: Collection,
            body: Some(
                json!({ "server": { "name": "Matrix", "url": "https://m.example",
                "transport": "StreamableHttp", "auth_type": "None", "api_key": null } }),
            ),
        },
        ("POST", "/api/servers/update") => {
            return s(
                Admin,
                Server,
                Some(json!({ "id": server, "patch": { "name": null,
                "url": null, "transport": null, "enabled": false } })),
            );
        }
        ("POST", "/api/servers/delete" | "/api/servers/test" | "/api/servers/undo-rotation") => {
            return s(Admin, Server, Some(id));
        }
        ("POST", "/api/servers/rotate-key") => {
            return s(
                Admin,
                Server,
                Some(json!({ "id": server, "rotation": { "api_key": "k2" } })),
            );
        }
        ("POST", "/api/audit/list") => Spec {
            access: Admin,
            target: Collection,
            body: Some(json!({ "query": AuditQuery::default() })),
        },
        ("POST", "/api/tokens/list") => return s(Member, Collection, Some(json!({}))),
        // The caller's own sessions: nothing of a tenant's to reach.
        ("POST", "/api/auth/sign-out-everywhere") => {
            return s(Member, Collection, Some(json!({})));
        }
        ("POST", "/api/tokens/create") => {
            return s(
                Member,
                Collection,
                Some(json!({ "token": { "name": "matrix" } })),
            );
        }
        ("POST", "/api/tokens/revoke") => return s(Member, Token, Some(json!({ "id": token }))),
        ("POST", "/api/agents/list") => return s(Member, Collection, Some(json!({}))),
        ("POST", "/api/agents/create") => {
            return s(
                Admin,
                Collection,
                Some(json!({ "agent": { "name": "Matrix agent", "slug": null } })),
            );
        }
        ("POST", "/api/agents/rename") => {
            return s(
                Admin,
                Agent,
                Some(json!({ "id": agent, "name": "Intruder" })),
            );
        }
        ("POST", "/api/agents/delete") => return s(Admin, Agent, Some(json!({ "id": agent }))),
        // The server dialog's Connections tab: members see their own.
        ("POST", "/api/connections/list") => {
            return s(Member, Server, Some(json!({ "server": server })));
        }
        ("POST", "/api/connections/create") => {
            return s(
                Member,
                Collection,
                Some(json!({ "connection": { "server": server, "scope": "Tenant",
                    "auth_type": "Token", "user": null, "agent": null,
                    "credentials": "intruder", "authorization_scheme": "",
                    "extra_headers": [], "active": true } })),
            );
        }
        ("POST", "/api/connections/update") => {
            return s(
                Member,
                Connection,
                Some(json!({ "id": connection, "patch": { "active": false } })),
            );
        }
        ("POST", "/api/connections/delete") => {
            return s(Member, Connection, Some(json!({ "id": connection })));
        }
        ("POST", "/api/templates/list") => return s(Member, Collection, Some(json!({}))),
        ("POST", "/api/templates/create") => {
            return s(
                Admin,
                Collection,
                Some(json!({ "template": { "name": "Intruder", "description": "" } })),
            );
        }
        ("POST", "/api/templates/get") => {
            return s(Member, Template, Some(json!({ "id": template })));
        }
        ("POST", "/api/templates/update") => {
            return s(
                Admin,
                Template,
                Some(json!({ "id": template, "name": "Intruder", "description": null })),
            );
        }
        ("POST", "/api/templates/delete" | "/api/templates/sync-plan" | "/api/templates/sync") => {
            return s(Admin, Template, Some(json!({ "id": template })));
        }
        ("POST", "/api/templates/assign") => {
            return s(
                Admin,
                Template,
                Some(json!({ "id": template, "server": server, "enabled": false,
                    "tool_allowlist": null })),
            );
        }
        ("POST", "/api/templates/unassign") => {
            return s(
                Admin,
                Template,
                Some(json!({ "id": template, "server": server })),
            );
        }
        ("POST", "/api/templates/create-agent") => {
            return s(
                Admin,
                Template,
                Some(json!({ "id": template, "agent": { "name": "Intruder", "slug": null } })),
            );
        }
        ("POST", "/api/servers/test-as") => {
            return s(
                Admin,
                Server,
                Some(json!({ "id": server, "who": "Tenant" })),
            );
        }
        _ => return None,
    })
}

/// Every route the app serves under `/api`, and the agent gateway, as
/// (method, path template).
pub(super) fn routes() -> Vec<(String, String)> {
    let (_, openapi) = crate::server::rest::routes();
    let mut all = Vec::new();
    for (path, item) in &openapi.paths.paths {
        let ops = [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("PATCH", item.patch.is_some()),
            ("DELETE", item.delete.is_some()),
        ];
        for (method, present) in ops {
            if present {
                all.push((method.to_owned(), path.clone()));
            }
        }
    }
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        all.push((method.to_string(), path.to_owned()));
    }
    // Not in the OpenAPI document: it speaks MCP, not REST.
    all.push(("POST".to_owned(), crate::server::gateway::PATH.to_owned()));
    all.sort();
    all
}
