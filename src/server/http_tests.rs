//! The edges over real HTTP: redirects, status codes, sessions, tenancy, secrets.

use serde_json::json;

use crate::domain::{AuthType, NewServer, Role, Transport};
use crate::server::testing::{Peer, TestApp, spawn_app};

fn register_body(name: &str, url: &str, key: Option<&str>) -> serde_json::Value {
    let server = NewServer {
        name: name.into(),
        url: url.into(),
        transport: Transport::StreamableHttp,
        auth_type: if key.is_some() {
            AuthType::Token
        } else {
            AuthType::None
        },
        api_key: key.map(str::to_owned),
    };
    json!({ "server": server })
}

fn list_body() -> serde_json::Value {
    json!({ "query": crate::domain::ListQuery::<crate::domain::ServerSort>::default() })
}

async fn admin(app: &TestApp, tenant: &str) -> String {
    let email = format!("admin@{tenant}.test");
    app.user(tenant, &email, Role::Admin).await;
    app.session(&email).await
}

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz", None).await.status, 200);
    assert_eq!(app.get("/readyz", None).await.status, 200);
}

#[tokio::test]
async fn pages_redirect_by_session() {
    let app = spawn_app().await;
    let r = app.get("/mcp-servers", None).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/login?next=%2Fmcp-servers"));
    assert_eq!(
        app.get("/", None).await.location.as_deref(),
        Some("/login?next=%2Fmcp-servers")
    );
    let login = app.get("/login", None).await;
    assert_eq!(login.status, 200);
    assert!(login.body.contains("Sign in"));

    let cookie = admin(&app, "acme").await;
    assert_eq!(
        app.get("/login", Some(&cookie)).await.location.as_deref(),
        Some("/mcp-servers")
    );
    let page = app.get("/mcp-servers", Some(&cookie)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("MCP Servers"));
    assert_eq!(app.get("/no-such-page", Some(&cookie)).await.status, 404);
}

#[tokio::test]
async fn server_functions_need_a_session() {
    let app = spawn_app().await;
    assert_eq!(
        app.call("servers/list", None, list_body()).await.status,
        401
    );
    let forged = "sb_session=0000000000000000000000000000000000000000000000000000000000000000";
    assert_eq!(
        app.call("servers/list", Some(forged), list_body())
            .await
            .status,
        401
    );
    let me = app.call("auth/me", None, json!({})).await;
    assert_eq!((me.status, me.body.as_str()), (200, "null"));
}

#[tokio::test]
async fn sign_in_sets_a_strict_cookie_and_sign_out_ends_it() {
    let app = spawn_app().await;
    app.user("acme", "ann@acme.test", Role::Admin).await;
    let wrong = app.sign_in("ann@acme.test", "nope").await;
    let unknown = app.sign_in("nobody@acme.test", "nope").await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("Incorrect email or password."));
    assert_eq!(
        wrong.body, unknown.body,
        "the answer must not reveal which emails exist"
    );
    assert!(wrong.set_cookie.is_none());

    let ok = app.sign_in("ANN@acme.test", "pw-ann@acme.test").await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json()["tenant_slug"], "acme");
    let set_cookie = ok.set_cookie.expect("cookie");
    assert!(set_cookie.contains("HttpOnly"));
    assert!(set_cookie.contains("SameSite=Lax"));
    let cookie = set_cookie.split(';').next().expect("pair").to_owned();
    assert_eq!(
        app.call("servers/list", Some(&cookie), list_body())
            .await
            .status,
        200
    );

    let out = app.call("auth/sign-out", Some(&cookie), json!({})).await;
    assert_eq!(out.status, 200);
    assert!(out.set_cookie.expect("cleared").contains("Max-Age=0"));
    assert_eq!(
        app.call("servers/list", Some(&cookie), list_body())
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn failed_sign_ins_are_rate_limited_per_email() {
    let app = spawn_app().await;
    app.user("acme", "bob@acme.test", Role::Admin).await;
    for _ in 0..crate::server::auth::rate_limit::PER_EMAIL {
        assert_eq!(app.sign_in("bob@acme.test", "guess").await.status, 422);
    }
    let locked = app.sign_in("bob@acme.test", "pw-bob@acme.test").await;
    assert_eq!(locked.status, 429, "{}", locked.body);
    assert!(locked.json()["RateLimited"]["retry_after_secs"].as_u64() > Some(0));
}

#[tokio::test]
async fn members_may_read_but_not_change() {
    let app = spawn_app().await;
    let admin_cookie = admin(&app, "acme").await;
    app.user("acme", "mia@acme.test", Role::Member).await;
    let member = app.session("mia@acme.test").await;
    let created = app
        .call(
            "servers/register",
            Some(&admin_cookie),
            register_body("Docs", "https://docs.example/mcp", None),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.json()["id"].as_i64().expect("id");

    assert_eq!(
        app.call("servers/list", Some(&member), list_body())
            .await
            .status,
        200
    );
    assert_eq!(
        app.call("servers/get", Some(&member), json!({ "id": id }))
            .await
            .status,
        200
    );
    let denied = [
        app.call(
            "servers/register",
            Some(&member),
            register_body("X", "https://x.example", None),
        )
        .await,
        app.call(
            "servers/update",
            Some(&member),
            json!({ "id": id, "patch": { "enabled": false } }),
        )
        .await,
        app.call("servers/delete", Some(&member), json!({ "id": id }))
            .await,
        app.call("servers/test", Some(&member), json!({ "id": id }))
            .await,
    ];
    for r in denied {
        assert_eq!(r.status, 403, "{}", r.body);
    }
}

#[tokio::test]
async fn another_tenants_server_is_not_found() {
    let app = spawn_app().await;
    let a = admin(&app, "alpha").await;
    let b = admin(&app, "beta").await;
    let created = app
        .call(
            "servers/register",
            Some(&a),
            register_body("Alpha Secret CRM", "https://crm.alpha.example/mcp", None),
        )
        .await;
    let id = created.json()["id"].as_i64().expect("id");
    for (endpoint, body) in [
        ("servers/get", json!({ "id": id })),
        (
            "servers/update",
            json!({ "id": id, "patch": { "enabled": false } }),
        ),
        ("servers/test", json!({ "id": id })),
        ("servers/delete", json!({ "id": id })),
    ] {
        let r = app.call(endpoint, Some(&b), body).await;
        assert_eq!(r.status, 404, "{endpoint}: {}", r.body);
        assert!(!r.body.contains("Alpha Secret CRM"));
    }
    let listed = app.call("servers/list", Some(&b), list_body()).await;
    assert!(!listed.body.contains("Alpha Secret CRM"), "{}", listed.body);
    // Still there, still enabled, for its own tenant.
    let own = app.call("servers/get", Some(&a), json!({ "id": id })).await;
    assert_eq!(own.json()["enabled"], true);
}

#[tokio::test]
async fn the_api_key_goes_to_the_vault_and_never_comes_back() {
    let app = spawn_app().await;
    let cookie = admin(&app, "acme").await;
    let key = "sk-live-NEVER-SHOW-4242";
    let created = app
        .call(
            "servers/register",
            Some(&cookie),
            register_body("Keyed", "https://keyed.example/mcp", Some(key)),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.json()["id"].as_i64().expect("id");
    assert_eq!(created.json()["has_credential"], true);
    let replies = [
        created,
        app.call("servers/get", Some(&cookie), json!({ "id": id }))
            .await,
        app.call("servers/list", Some(&cookie), list_body()).await,
        app.get("/mcp-servers", Some(&cookie)).await,
    ];
    for r in &replies {
        assert!(!r.body.contains(key), "the key leaked: {}", r.body);
        assert!(
            !r.body.contains("NEVER-SHOW"),
            "part of the key leaked: {}",
            r.body
        );
    }
    // At rest: the row holds a reference; the vault table holds ciphertext only.
    let row = app
        .state
        .store
        .server(1, id)
        .await
        .expect("q")
        .expect("row");
    let secret_ref = row.secret_ref.expect("secret_ref");
    let secret = app
        .state
        .store
        .secret(&secret_ref)
        .await
        .expect("q")
        .expect("secret");
    assert!(
        !secret
            .ciphertext
            .windows(key.len())
            .any(|w| w == key.as_bytes())
    );
    let raw = std::fs::read(app.database_url.trim_start_matches("sqlite://")).expect("db file");
    assert!(
        !raw.windows(key.len()).any(|w| w == key.as_bytes()),
        "plaintext key in the database file"
    );
}

#[tokio::test]
async fn a_failed_insert_deletes_the_secret_it_wrote() {
    let app = spawn_app().await;
    let cookie = admin(&app, "acme").await;
    let first = app
        .call(
            "servers/register",
            Some(&cookie),
            register_body("Twin", "https://a.example/mcp", Some("key-one")),
        )
        .await;
    assert_eq!(first.status, 200);
    let secrets_before = count_secrets(&app).await;
    let dup = app
        .call(
            "servers/register",
            Some(&cookie),
            register_body("twin", "https://b.example/mcp", Some("key-two")),
        )
        .await;
    assert_eq!(dup.status, 422, "{}", dup.body);
    assert!(
        dup.body
            .contains("A server with this name already exists in this tenant.")
    );
    assert_eq!(
        count_secrets(&app).await,
        secrets_before,
        "the orphaned secret was not removed"
    );
}

async fn count_secrets(app: &TestApp) -> i64 {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&app.database_url)
        .await
        .expect("connect");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM vault_secrets")
        .fetch_one(&mut conn)
        .await
        .expect("count");
    n
}

#[tokio::test]
async fn invalid_input_is_reported_per_field() {
    let app = spawn_app().await;
    let cookie = admin(&app, "acme").await;
    let r = app
        .call("servers/register", Some(&cookie), json!({ "server": {
            "name": "", "url": "ftp://x", "transport": "StreamableHttp", "auth_type": "Token", "api_key": null
        }}))
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let fields: Vec<String> = r.json()["Invalid"]
        .as_array()
        .expect("field errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(fields, ["name", "url", "api_key"]);
    let listed = app.call("servers/list", Some(&cookie), list_body()).await;
    assert_eq!(listed.json()["total"], 0, "nothing was stored");
}

#[tokio::test]
async fn cross_origin_writes_are_refused() {
    let app = spawn_app().await;
    let cookie = admin(&app, "acme").await;
    let list_with = |header: &'static str, value: String| {
        let request = app
            .http
            .post(format!("{}/api/servers/list", app.base))
            .header("cookie", &cookie)
            .header(header, value)
            .json(&list_body());
        async move { request.send().await.expect("send").status().as_u16() }
    };
    assert_eq!(list_with("sec-fetch-site", "cross-site".into()).await, 403);
    assert_eq!(list_with("origin", "http://evil.example".into()).await, 403);
    assert_eq!(list_with("sec-fetch-site", "same-origin".into()).await, 200);
    assert_eq!(list_with("origin", app.base.clone()).await, 200);
}

#[tokio::test]
async fn test_connection_stores_a_snapshot() {
    let app = spawn_app().await;
    let cookie = admin(&app, "acme").await;
    let peer = Peer::everything("streamableHttp").await;
    let created = app
        .call(
            "servers/register",
            Some(&cookie),
            register_body("Everything", &peer.url("/mcp"), None),
        )
        .await;
    let id = created.json()["id"].as_i64().expect("id");
    let tested = app
        .call("servers/test", Some(&cookie), json!({ "id": id }))
        .await;
    assert_eq!(tested.status, 200, "{}", tested.body);
    let outcome = tested.json();
    assert_eq!(outcome["ok"], true);
    let tools = outcome["tools"].as_array().expect("tools");
    assert!(tools.len() >= 13);
    let listed = app
        .call("servers/list", Some(&cookie), list_body())
        .await
        .json();
    assert_eq!(
        listed["items"][0]["tool_count"].as_u64(),
        Some(tools.len() as u64)
    );

    // A failure replaces the snapshot: the tool count is from the last test.
    drop(peer);
    let failed = app
        .call("servers/test", Some(&cookie), json!({ "id": id }))
        .await
        .json();
    assert_eq!(failed["ok"], false);
    assert_eq!(failed["error"]["class"], "Transport");
    let view = app
        .call("servers/get", Some(&cookie), json!({ "id": id }))
        .await
        .json();
    assert_eq!(view["tool_count"], serde_json::Value::Null);
    assert_eq!(view["last_test"]["error"]["class"], "Transport");
}
