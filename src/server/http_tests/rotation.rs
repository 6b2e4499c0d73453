//! Key rotation and the audit log, over HTTP, against a real bearer peer.

use secrecy::ExposeSecret;
use serde_json::json;

use super::{admin, register_body};
use crate::domain::{Role, ServerId, TenantId};
use crate::server::testing::{Peer, TestApp, spawn_app};

async fn current_key(app: &TestApp, id: i64) -> String {
    let row = app
        .state
        .ports
        .store
        .server(TenantId::new(1), ServerId::new(id))
        .await
        .expect("q")
        .expect("row");
    let secret_ref = row.secret_ref.expect("secret_ref");
    let key = app
        .state
        .ports
        .vault
        .get(&secret_ref)
        .await
        .expect("vault get");
    key.expose_secret().to_owned()
}

async fn rotate(app: &TestApp, cookie: &str, id: i64, key: &str) -> serde_json::Value {
    let r = app
        .call(
            "servers/rotate-key",
            Some(cookie),
            json!({ "id": id, "rotation": { "api_key": key } }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

async fn audit_actions(app: &TestApp, cookie: &str) -> Vec<(String, String)> {
    let r = app
        .call(
            "audit/list",
            Some(cookie),
            json!({ "query": crate::domain::AuditQuery::default() }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or_default().to_owned(),
                e["outcome"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_refused_key_is_not_promoted_an_accepted_one_is_and_undo_restores() {
    let app = spawn_app().await;
    let cookie = admin(&app, "acme").await;
    let peer = Peer::bearer("first-key,second-key", false).await;
    let created = app
        .call(
            "servers/register",
            Some(&cookie),
            register_body("Peer", &peer.url("/mcp"), Some("first-key")),
        )
        .await;
    let id = created.json()["id"].as_i64().expect("id");

    let refused = rotate(&app, &cookie, id, "wrong-key").await;
    assert_eq!(refused["ok"], false);
    assert_eq!(refused["error"]["class"], "Auth", "{refused}");
    assert_eq!(current_key(&app, id).await, "first-key");
    let view = app
        .call("servers/get", Some(&cookie), json!({ "id": id }))
        .await;
    assert!(view.json()["credential_rotated_at"].is_null());
    let tested = app
        .call("servers/test", Some(&cookie), json!({ "id": id }))
        .await;
    assert_eq!(tested.json()["ok"], true, "the old key still works");

    let accepted = rotate(&app, &cookie, id, "  second-key ").await;
    assert_eq!(accepted["ok"], true, "{accepted}");
    assert_eq!(current_key(&app, id).await, "second-key");
    let view = app
        .call("servers/get", Some(&cookie), json!({ "id": id }))
        .await;
    assert!(view.json()["credential_rotated_at"].is_string());

    let undone = app
        .call("servers/undo-rotation", Some(&cookie), json!({ "id": id }))
        .await;
    assert_eq!(undone.status, 200, "{}", undone.body);
    assert_eq!(current_key(&app, id).await, "first-key");

    let actions = audit_actions(&app, &cookie).await;
    let expected = [
        ("key_rotate_undo", "success"),
        ("key_rotate", "success"),
        ("secret_read", "success"),
        ("key_rotate", "failure"),
        ("server_register", "success"),
    ];
    let got: Vec<(&str, &str)> = actions
        .iter()
        .map(|(a, o)| (a.as_str(), o.as_str()))
        .collect();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn rotation_is_validated_and_admin_only() {
    let app = spawn_app().await;
    let cookie = admin(&app, "acme").await;
    let open = app
        .call(
            "servers/register",
            Some(&cookie),
            register_body("Open", "https://open.example/mcp", None),
        )
        .await;
    let open_id = open.json()["id"].as_i64().expect("id");
    let keyed = app
        .call(
            "servers/register",
            Some(&cookie),
            register_body("Keyed", "https://keyed.example/mcp", Some("k1")),
        )
        .await;
    let keyed_id = keyed.json()["id"].as_i64().expect("id");
    let body = |id: i64, key: &str| json!({ "id": id, "rotation": { "api_key": key } });

    let no_key = app
        .call("servers/rotate-key", Some(&cookie), body(open_id, "k2"))
        .await;
    assert_eq!(no_key.status, 422, "{}", no_key.body);
    assert!(no_key.body.contains("no stored API key"));
    let blank = app
        .call("servers/rotate-key", Some(&cookie), body(keyed_id, "   "))
        .await;
    assert_eq!(blank.status, 422, "{}", blank.body);
    let nothing = app
        .call(
            "servers/undo-rotation",
            Some(&cookie),
            json!({ "id": keyed_id }),
        )
        .await;
    assert_eq!(nothing.status, 422, "{}", nothing.body);
    assert!(nothing.body.contains("no earlier key"));

    app.user("acme", "member@acme.test", Role::Member).await;
    let member = app.session("member@acme.test").await;
    let r = app
        .call("servers/rotate-key", Some(&member), body(keyed_id, "k2"))
        .await;
    assert_eq!(r.status, 403);
    let r = app
        .call(
            "audit/list",
            Some(&member),
            json!({ "query": crate::domain::AuditQuery::default() }),
        )
        .await;
    assert_eq!(r.status, 403);

    let other = admin(&app, "globex").await;
    let r = app
        .call("servers/rotate-key", Some(&other), body(keyed_id, "k2"))
        .await;
    assert_eq!(r.status, 404);
    let r = app
        .call(
            "servers/undo-rotation",
            Some(&other),
            json!({ "id": keyed_id }),
        )
        .await;
    assert_eq!(r.status, 404);
    assert!(
        audit_actions(&app, &other).await.is_empty(),
        "another tenant's log is empty"
    );
}

#[tokio::test]
async fn the_audit_log_pages_newest_first_and_filters_by_action() {
    let app = spawn_app().await;
    let cookie = admin(&app, "acme").await;
    for i in 0..3 {
        let r = app
            .call(
                "servers/register",
                Some(&cookie),
                register_body(&format!("S{i}"), "https://s.example/mcp", None),
            )
            .await;
        let id = r.json()["id"].as_i64().expect("id");
        app.call(
            "servers/update",
            Some(&cookie),
            json!({ "id": id, "patch": { "enabled": false } }),
        )
        .await;
    }
    let page = |action: Option<&str>, page: u32| json!({ "query": { "page": page, "per_page": 2, "action": action } });
    let r = app
        .call("audit/list", Some(&cookie), page(None, 1))
        .await
        .json();
    assert_eq!(r["total"], 6);
    assert_eq!(r["items"][0]["action"], "server_update");
    assert_eq!(r["items"][0]["target"], "S2 (server 3)");
    assert_eq!(r["items"][0]["actor"], "admin-acme-test");
    let r = app
        .call(
            "audit/list",
            Some(&cookie),
            page(Some("server_register"), 2),
        )
        .await
        .json();
    assert_eq!(r["total"], 3);
    let targets: Vec<&str> = r["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["target"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(targets, ["S0 (server 1)"]);
}
