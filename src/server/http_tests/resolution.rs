//! Runtime resolution over real rows and the vault: each rule of the seed's
//! order, rendered into the headers actually sent (server headers, then the
//! connection's, then its credential under its scheme).

use secrecy::ExposeSecret;
use serde_json::{Value, json};

use super::rest_ai_mentor_connections::Who;
use crate::domain::resolution::{Resolution, Rule};
use crate::domain::{AgentId, Role, ServerId, TenantId, UserId};
use crate::server::services::resolution::{Asker, resolve};
use crate::server::testing::TestApp;

struct Ids {
    acme: TenantId,
    ann: UserId,
    max: UserId,
    bot: AgentId,
}

async fn ids(app: &TestApp, bot: &str) -> Ids {
    let store = app.state.ports.store.as_ref();
    let acme = store
        .tenant_by_slug("acme")
        .await
        .expect("q")
        .expect("acme");
    let user = |email: &'static str| async move {
        store
            .user_by_email(email)
            .await
            .expect("q")
            .expect("user")
            .id
    };
    let uid = crate::domain::AgentUid::parse(bot).expect("uid");
    Ids {
        acme: acme.id,
        ann: user("ann@acme.test").await,
        max: user("max@acme.test").await,
        bot: store
            .agent_by_uid(acme.id, &uid)
            .await
            .expect("q")
            .expect("agent")
            .id,
    }
}

/// What resolution picked, and the headers it rendered (secrets exposed:
/// this is the test's view of what goes on the wire).
async fn ask(
    app: &TestApp,
    tenant: TenantId,
    user: Option<UserId>,
    agent: Option<AgentId>,
    server: i64,
) -> Result<(Rule, Vec<(String, String)>), Resolution> {
    let asker = Asker {
        tenant_id: tenant,
        user,
        agent,
    };
    let resolved = resolve(&app.state.ports, &asker, ServerId::new(server))
        .await
        .expect("resolve")?;
    let headers = resolved
        .target
        .headers
        .iter()
        .map(|(n, v)| (n.clone(), v.expose_secret().to_owned()))
        .collect();
    Ok((resolved.resolved_by.rule, headers))
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

async fn server(who: &Who<'_>, body: Value) -> i64 {
    let (status, s) = who.send("POST", &who.servers_path(), Some(body)).await;
    assert_eq!(status, 201, "{s}");
    s["id"].as_i64().expect("id")
}

async fn connect(who: &Who<'_>, body: Value) -> Value {
    let (status, c) = who.send("POST", &who.base, Some(body)).await;
    assert_eq!(status, 201, "{c}");
    c
}

#[tokio::test]
async fn each_rule_renders_the_credential_it_picked() {
    let app = crate::server::testing::spawn_app().await;
    let ann = Who::new(&app, "acme", "ann@acme.test", Role::Admin).await;
    let max = Who::new(&app, "acme", "max@acme.test", Role::Member).await;
    let bot = super::rest_ai_mentor_connections::agent(&app, "acme", "Bot").await;
    let id = ids(&app, &bot).await;
    let s = server(
        &ann,
        json!({ "name": "Docs", "url": "https://docs.example/mcp", "auth_type": "token",
            "credentials": "server-key", "extra_headers": { "X-Client": "sb", "X-Trace": "on" } }),
    )
    .await;

    // Only the server's own key: the tenant's default, sent as Bearer.
    assert_eq!(
        ask(&app, id.acme, Some(id.max), Some(id.bot), s).await,
        Ok((
            Rule::ServerCredential,
            pairs(&[
                ("X-Client", "sb"),
                ("X-Trace", "on"),
                ("Authorization", "Bearer server-key")
            ])
        ))
    );
    // A tenant connection: its scheme, and its header over the server's.
    connect(
        &ann,
        json!({ "server": s, "scope": "platform", "auth_type": "token", "credentials": "tenant-secret",
            "authorization_scheme": "Token", "extra_headers": { "x-trace": "off" } }),
    )
    .await;
    assert_eq!(
        ask(&app, id.acme, Some(id.max), Some(id.bot), s).await,
        Ok((
            Rule::TenantConnection,
            pairs(&[
                ("X-Client", "sb"),
                ("x-trace", "off"),
                ("Authorization", "Token tenant-secret")
            ])
        ))
    );
    // The agent's: a credential that names its scheme is sent as it is.
    let agent_conn = connect(
        &ann,
        json!({ "server": s, "scope": "mentor", "mentor": bot, "auth_type": "token",
            "credentials": "Bearer agent-secret", "authorization_scheme": "Token" }),
    )
    .await;
    assert_eq!(
        ask(&app, id.acme, Some(id.max), Some(id.bot), s).await,
        Ok((
            Rule::AgentConnection,
            pairs(&[
                ("X-Client", "sb"),
                ("X-Trace", "on"),
                ("Authorization", "Bearer agent-secret")
            ])
        ))
    );
    // Max's own, with a secret header from the vault and no scheme.
    connect(
        &max,
        json!({ "server": s, "auth_type": "token", "credentials": "max-secret",
            "extra_headers": { "X-Api-Key": "max-header" } }),
    )
    .await;
    assert_eq!(
        ask(&app, id.acme, Some(id.max), Some(id.bot), s).await,
        Ok((
            Rule::UserConnection,
            pairs(&[
                ("X-Client", "sb"),
                ("X-Trace", "on"),
                ("X-Api-Key", "max-header"),
                ("Authorization", "max-secret")
            ])
        ))
    );
    // Ann has none of her own; with the agent's switched off, the tenant's.
    let (status, _) = ann
        .send(
            "PATCH",
            &ann.item(&agent_conn["id"]),
            Some(json!({ "is_active": false })),
        )
        .await;
    assert_eq!(status, 200);
    let (rule, _) = ask(&app, id.acme, Some(id.ann), Some(id.bot), s)
        .await
        .expect("resolves");
    assert_eq!(rule, Rule::TenantConnection);
}

#[tokio::test]
async fn scope_caps_featured_servers_and_refusals() {
    let app = crate::server::testing::spawn_app().await;
    let root = Who::new(&app, "main", "root@main.test", Role::Admin).await;
    let ann = Who::new(&app, "acme", "ann@acme.test", Role::Admin).await;
    // Looked up by `ids`, though this test makes no connection for them.
    Who::new(&app, "acme", "max@acme.test", Role::Member).await;
    let bot = super::rest_ai_mentor_connections::agent(&app, "acme", "Bot").await;
    let id = ids(&app, &bot).await;

    let featured = server(
        &root,
        json!({ "name": "Search", "url": "https://search.example/mcp", "auth_type": "token",
            "credentials": "global-key", "is_featured": true }),
    )
    .await;
    let private = server(
        &root,
        json!({ "name": "Internal", "url": "https://in.example/mcp" }),
    )
    .await;
    assert_eq!(
        ask(&app, id.acme, Some(id.ann), None, featured).await,
        Ok((
            Rule::GlobalServerCredential,
            pairs(&[("Authorization", "Bearer global-key")])
        ))
    );
    assert_eq!(
        ask(&app, id.acme, Some(id.ann), None, private).await,
        Err(Resolution::NotAvailable)
    );
    // Acme's own connection to the featured server comes first.
    connect(
        &ann,
        json!({ "server": featured, "scope": "platform", "auth_type": "token", "credentials": "acme-key" }),
    )
    .await;
    let (rule, headers) = ask(&app, id.acme, Some(id.ann), None, featured)
        .await
        .expect("resolves");
    assert_eq!(
        (rule, headers),
        (
            Rule::TenantConnection,
            pairs(&[("Authorization", "acme-key")])
        )
    );

    // A user-scoped server never falls back to shared credentials.
    let personal = server(
        &ann,
        json!({ "name": "Mail", "url": "https://mail.example/mcp", "auth_type": "token",
            "credentials": "shared", "auth_scope": "user" }),
    )
    .await;
    assert_eq!(
        ask(&app, id.acme, Some(id.ann), Some(id.bot), personal).await,
        Err(Resolution::NeedsUserConnection {
            server: ServerId::new(personal),
            oauth: false
        })
    );
    // A switched-off server resolves to nothing.
    let (status, _) = ann
        .send(
            "PATCH",
            &format!("{}{personal}/", ann.servers_path()),
            Some(json!({ "is_enabled": false })),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        ask(&app, id.acme, Some(id.ann), None, personal).await,
        Err(Resolution::Disabled {
            server: ServerId::new(personal)
        })
    );
    // A token server with no credential anywhere says so.
    let bare = server(
        &ann,
        json!({ "name": "Bare", "url": "https://bare.example/mcp", "auth_type": "token" }),
    )
    .await;
    assert_eq!(
        ask(&app, id.acme, None, None, bare).await,
        Err(Resolution::NoCredential {
            server: ServerId::new(bare)
        })
    );
}
