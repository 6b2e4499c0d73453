//! Roles, tenancy, secret hygiene, the saga, validation and test snapshots.

use serde_json::json;

use super::{admin, count_secrets, list_body, register_body};
use crate::domain::{Role, ServerId, TenantId};
use crate::server::testing::{Peer, spawn_app};

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
        .ports
        .store
        .server(TenantId::new(1), ServerId::new(id))
        .await
        .expect("q")
        .expect("row");
    let secret_ref = row.secret_ref.expect("secret_ref");
    let secret = app
        .state
        .ports
        .store
        .secret(&secret_ref)
        .await
        .expect("q")
        .expect("secret");
    assert!(
        !secret
            .current
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

#[tokio::test]
async fn members_see_a_failed_tests_class_but_not_the_upstream_text() {
    let app = spawn_app().await;
    let admin_cookie = admin(&app, "acme").await;
    app.user("acme", "member@acme.test", Role::Member).await;
    let member = app.session("member@acme.test").await;
    // A host that answers 401 with a chatty body.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/mcp", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = vec![0u8; 16 * 1024];
            let _ = socket.read(&mut buf).await;
            let body = "denied by gateway internal-auth-7.corp.example";
            let answer = format!(
                "HTTP/1.1 401 Unauthorized\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    let created = app
        .call(
            "servers/register",
            Some(&admin_cookie),
            register_body("Chatty", &url, None),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.json()["id"].as_i64().expect("id");
    let tested = app
        .call("servers/test", Some(&admin_cookie), json!({ "id": id }))
        .await;
    assert_eq!(tested.json()["ok"], false, "{}", tested.body);

    let seen_by_admin = app
        .call("servers/get", Some(&admin_cookie), json!({ "id": id }))
        .await;
    let admin_error = &seen_by_admin.json()["last_test"]["error"];
    assert_eq!(admin_error["class"], "Auth", "{}", seen_by_admin.body);
    let seen_by_member = app
        .call("servers/get", Some(&member), json!({ "id": id }))
        .await;
    let member_error = &seen_by_member.json()["last_test"]["error"];
    assert_eq!(member_error["class"], admin_error["class"]);
    assert_ne!(member_error["message"], admin_error["message"]);
    assert!(
        member_error["message"]
            .as_str()
            .is_some_and(|m| m.contains("An admin can see the details")),
        "{}",
        seen_by_member.body
    );
    assert!(
        !seen_by_member.body.contains("corp.example"),
        "{}",
        seen_by_member.body
    );
}
