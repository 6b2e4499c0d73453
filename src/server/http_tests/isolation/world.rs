//! The matrix's world: tenant A's server, key, token, agent and connection,
//! the callers of both tenants, and what must never leak of A's.

use serde_json::json;

use crate::domain::{NewApiToken, Role};
use crate::server::services::tokens;
use crate::server::testing::{TestApp, username_of};

pub(super) const A_SERVER: &str = "Alpha Orion Vault";
const A_KEY: &str = "alpha-secret-key-7781";
const A_TOKEN_NAME: &str = "alpha-ci-token";
pub(super) const A_AGENT: &str = "Alpha Orion Agent";
const A_TEMPLATE: &str = "Alpha Orion Template";
const A_CONNECTION_KEY: &str = "alpha-connection-secret-5521";
const A_CONNECTION_HEADER: &str = "alpha-header-secret-9034";

pub(super) struct World {
    pub(super) a_server: i64,
    pub(super) a_token_id: i64,
    /// Tenant A's agent's UUID.
    pub(super) a_agent: String,
    /// Tenant A's template, with its server assigned.
    pub(super) a_template: i64,
    /// Tenant A's tenant-wide connection to its server.
    pub(super) a_connection: i64,
    pub(super) a_admin: String,
    pub(super) a_member: String,
    pub(super) b_admin: String,
    /// Runtime tokens (resolve only) of each tenant.
    pub(super) a_runtime: String,
    pub(super) b_runtime: String,
    pub(super) revoked: String,
    /// Server functions take sessions, not tokens.
    pub(super) a_member_cookie: String,
    pub(super) b_admin_cookie: String,
}

pub(super) async fn seed(app: &TestApp) -> World {
    app.user("acme", "ann@acme.test", Role::Admin).await;
    app.user("acme", "max@acme.test", Role::Member).await;
    app.user("globex", "bob@globex.test", Role::Admin).await;
    let a_admin = app.token("acme", "ann@acme.test").await;
    let created = app
        .rest(
            "POST",
            "/api/skills/mcp-servers",
            Some(&format!("Token {a_admin}")),
            &[("x-tenant-slug", "acme")],
            Some(json!({ "name": A_SERVER, "url": "http://127.0.0.1:9/mcp",
                "authType": "tenant_api_key", "apiKey": A_KEY })),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let store = app.state.ports.store.as_ref();
    let tenant = store
        .tenant_by_slug("acme")
        .await
        .expect("q")
        .expect("acme");
    let ann = store
        .user_by_email("ann@acme.test")
        .await
        .expect("q")
        .expect("ann");
    let named = tokens::issue(
        &app.state.ports,
        tenant.id,
        ann.id,
        NewApiToken {
            name: A_TOKEN_NAME.into(),
            ..Default::default()
        },
    )
    .await
    .expect("token");
    let revoked = app.token("acme", "ann@acme.test").await;
    let revoked_row = store
        .token_by_hash(&crate::server::auth::session::token_hash(&revoked))
        .await
        .expect("q")
        .expect("row");
    store
        .revoke_token(tenant.id, ann.id, revoked_row.id, chrono::Utc::now())
        .await
        .expect("revoke");
    let agent = app.agent("acme", A_AGENT).await;
    let a_server = created.json()["id"].as_i64().expect("id");
    let connection = app
        .rest(
            "POST",
            &format!(
                "/api/ai-mentor/orgs/acme/users/{}/mcp-server-connections/",
                username_of("ann@acme.test")
            ),
            Some(&format!("Token {a_admin}")),
            &[],
            Some(
                json!({ "server": a_server, "scope": "platform", "auth_type": "token",
                "credentials": A_CONNECTION_KEY, "authorization_scheme": "Token",
                "extra_headers": { "X-Api-Key": A_CONNECTION_HEADER, "X-Client": "matrix" } }),
            ),
        )
        .await;
    assert_eq!(connection.status, 201, "{}", connection.body);
    let auth = format!("Token {a_admin}");
    let template = app
        .rest(
            "POST",
            "/api/skills/templates",
            Some(&auth),
            &[],
            Some(json!({ "name": A_TEMPLATE })),
        )
        .await;
    assert_eq!(template.status, 201, "{}", template.body);
    let a_template = template.json()["id"].as_i64().expect("id");
    for path in [
        format!("/api/skills/templates/{a_template}/mcp-servers"),
        format!("/api/skills/agents/{agent}/mcp-servers"),
    ] {
        let assigned = app
            .rest(
                "POST",
                &path,
                Some(&auth),
                &[],
                Some(json!({ "mcpServerId": a_server })),
            )
            .await;
        assert_eq!(assigned.status, 200, "{path}: {}", assigned.body);
    }
    World {
        a_template,
        a_server,
        a_connection: connection.json()["id"].as_i64().expect("id"),
        a_agent: agent.to_string(),
        a_token_id: named.token.id.get(),
        a_admin,
        a_member: app.token("acme", "max@acme.test").await,
        b_admin: app.token("globex", "bob@globex.test").await,
        a_runtime: app.runtime_token("acme", "ann@acme.test").await,
        b_runtime: app.runtime_token("globex", "bob@globex.test").await,
        revoked,
        a_member_cookie: format!("cookie:{}", app.session("max@acme.test").await),
        b_admin_cookie: format!("cookie:{}", app.session("bob@globex.test").await),
    }
}

/// `servers` says whether the body lists servers, where an id is a server id
/// (other tables number their rows independently).
pub(super) fn leaks(body: &str, world: &World, servers: bool) -> Option<&'static str> {
    let id = world.a_server;
    [
        (A_SERVER, "tenant A's server name"),
        (A_KEY, "tenant A's key"),
        (A_TOKEN_NAME, "tenant A's token name"),
        (A_AGENT, "tenant A's agent name"),
        (A_TEMPLATE, "tenant A's template name"),
        (A_CONNECTION_KEY, "tenant A's connection credential"),
        (A_CONNECTION_HEADER, "tenant A's secret header"),
        (world.a_agent.as_str(), "tenant A's agent id"),
    ]
    .into_iter()
    .find(|(needle, _)| body.contains(needle))
    .map(|(_, what)| what)
    .or_else(|| {
        let id_field =
            body.contains(&format!("\"id\":{id},")) || body.contains(&format!("\"id\":{id}}}"));
        (servers && id_field).then_some("tenant A's server id")
    })
}
