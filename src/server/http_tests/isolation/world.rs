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
pub(super) const A_OAUTH_PROVIDER: &str = "alpha-orion-idp";
pub(super) const A_OAUTH_SERVICE: &str = "alpha-orion-drive";
const A_OAUTH_CLIENT: &str = "alpha-client-id-4410";
const A_OAUTH_SECRET: &str = "alpha-client-secret-6620";
const A_OAUTH_TOKEN: &str = "alpha-access-token-3371";

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
    /// Ann's OAuth grant (seed 000's connected service) for A's server.
    pub(super) a_grant: i64,
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
    let a_grant = oauth_world(app, tenant.id, ann.id, a_server).await;
    World {
        a_grant,
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

/// Tenant A's OAuth service (an admin's client, with a secret) and Ann's
/// grant for A's server through it: what the OAuth routes must keep in A.
async fn oauth_world(
    app: &TestApp,
    tenant: crate::domain::TenantId,
    ann: crate::domain::UserId,
    server: i64,
) -> i64 {
    use crate::domain::{NewAdminClient, ServerId};
    use crate::server::oauth::TokenSet;
    use crate::server::store::NewGrant;
    use crate::server::vault::{SecretKind, SecretOwner};

    let ports = &app.state.ports;
    let actor = ports
        .store
        .actor(tenant, ann)
        .await
        .expect("q")
        .expect("ann");
    let service = crate::server::services::oauth_services::create_admin(
        ports,
        &actor,
        &app.base,
        NewAdminClient {
            name: A_OAUTH_SERVICE.into(),
            provider: A_OAUTH_PROVIDER.into(),
            authorization_endpoint: "https://id.alpha.example/authorize".into(),
            token_endpoint: "https://id.alpha.example/token".into(),
            client_id: A_OAUTH_CLIENT.into(),
            client_secret: Some(A_OAUTH_SECRET.into()),
            ..NewAdminClient::default()
        },
    )
    .await
    .expect("an oauth service");
    let now = chrono::Utc::now();
    let tokens = TokenSet {
        access_token: A_OAUTH_TOKEN.into(),
        refresh_token: None,
        token_type: "Bearer".into(),
        expires_at: None,
        scope: None,
        obtained_at: now,
    };
    let secret_ref = ports
        .vault
        .put(
            &SecretOwner {
                tenant_id: tenant,
                tenant_slug: "acme",
                kind: SecretKind::OAuthTokens,
                owner: "user/ann/mcp-server/a",
            },
            &tokens.to_secret(),
        )
        .await
        .expect("vault");
    let (grant, _) = ports
        .store
        .upsert_grant(&NewGrant {
            tenant_id: tenant,
            user_id: ann,
            server_id: ServerId::new(server),
            client_row_id: service.client.id,
            secret_ref,
            resource: "http://127.0.0.1:9/mcp".into(),
            scopes: String::new(),
            expires_at: None,
            refreshable: false,
            at: now,
        })
        .await
        .expect("grant");
    grant.id.get()
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
        (A_OAUTH_PROVIDER, "tenant A's OAuth provider"),
        (A_OAUTH_SERVICE, "tenant A's OAuth service"),
        (A_OAUTH_CLIENT, "tenant A's OAuth client id"),
        (A_OAUTH_SECRET, "tenant A's OAuth client secret"),
        (A_OAUTH_TOKEN, "tenant A's OAuth token"),
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
