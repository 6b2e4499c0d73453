//! Seed 000's contract over HTTP: the servers half of
//! `/api/ai-mentor/orgs/{org}/users/{user_id}/…`, Django REST framework style.

use serde_json::{Value, json};

use super::count_secrets;
use crate::domain::Role;
use crate::server::rest::ai_mentor::CREDENTIALS_MASK;
use crate::server::testing::{Peer, TestApp, spawn_app, username_of};

struct Caller<'a> {
    app: &'a TestApp,
    auth: String,
    base: String,
}

impl<'a> Caller<'a> {
    async fn new(app: &'a TestApp, email: &str, role: Role) -> Caller<'a> {
        app.user("acme", email, role).await;
        let token = app.token("acme", email).await;
        Caller {
            app,
            auth: format!("Token {token}"),
            base: format!(
                "/api/ai-mentor/orgs/acme/users/{}/mcp-servers/",
                username_of(email)
            ),
        }
    }

    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.app
            .rest_json(method, path, Some(&self.auth), &[], body)
            .await
    }
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

/// Every field of ibl.ai's `MCPServer` model (PyPI `iblai` 4.202.2).
const SEED_FIELDS: [&str; 21] = [
    "auth_scope",
    "auth_type",
    "created_at",
    "credentials",
    "description",
    "extra_headers",
    "id",
    "image",
    "is_enabled",
    "is_featured",
    "mcp_server_connections",
    "mentor",
    "name",
    "oauth_service",
    "oauth_service_data",
    "owner",
    "platform",
    "platform_key",
    "transport",
    "updated_at",
    "url",
];

fn is_seed_timestamp(v: &Value) -> bool {
    // "2025-11-12T12:14:50Z", as in the seed's example.
    v.as_str().is_some_and(|s| {
        s.len() == 20 && s.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(s).is_ok()
    })
}

#[tokio::test]
async fn the_seed_example_round_trips() {
    let app = spawn_app().await;
    let alice = Caller::new(&app, "alice@acme.test", Role::Admin).await;
    let (status, server) = alice
        .send(
            "POST",
            &alice.base,
            Some(json!({
                "name": "Google Drive MCP",
                "description": "Search and index Drive documents",
                "url": "https://drive-mcp.example.com",
                "transport": "sse",
                "auth_type": "oauth2",
                "is_featured": false,
                "is_enabled": true
            })),
        )
        .await;
    assert_eq!(status, 201, "{server}");
    assert_eq!(keys(&server), SEED_FIELDS);
    let tenant = app
        .state
        .ports
        .store
        .tenant_by_slug("acme")
        .await
        .expect("q")
        .expect("tenant");
    assert_eq!(server["platform"], tenant.id.get());
    assert_eq!(server["name"], "Google Drive MCP");
    assert_eq!(server["description"], "Search and index Drive documents");
    assert_eq!(server["transport"], "sse");
    assert_eq!(server["auth_type"], "oauth2");
    assert_eq!(server["is_featured"], false);
    assert_eq!(server["is_enabled"], true);
    assert_eq!(server["platform_key"], "acme");
    assert_eq!(server["owner"], "alice-acme-test");
    assert_eq!(server["auth_scope"], "platform");
    assert_eq!(server["credentials"], "");
    for null in [
        "mentor",
        "image",
        "extra_headers",
        "oauth_service",
        "oauth_service_data",
    ] {
        assert_eq!(server[null], Value::Null, "{null}: {server}");
    }
    assert_eq!(server["mcp_server_connections"], "");
    assert!(is_seed_timestamp(&server["created_at"]), "{server}");
    assert!(is_seed_timestamp(&server["updated_at"]), "{server}");

    let item = format!("{}{}/", alice.base, server["id"]);
    let (status, read) = alice.send("GET", &item, None).await;
    assert_eq!((status, &read), (200, &server));
    let (status, list) = alice.send("GET", &alice.base, None).await;
    assert_eq!(
        (status, list),
        (
            200,
            json!({ "count": 1, "next": null, "previous": null, "results": [server] })
        )
    );

    let (status, _) = alice.send("DELETE", &item, None).await;
    assert_eq!(status, 204);
    let (status, gone) = alice.send("GET", &item, None).await;
    assert_eq!((status, gone), (404, json!({ "detail": "Not found." })));
}

#[tokio::test]
async fn token_credentials_are_write_only_and_can_follow_by_patch() {
    let app = spawn_app().await;
    let alice = Caller::new(&app, "alice@acme.test", Role::Admin).await;
    let peer = Peer::bearer("seed-zero-key", false).await;
    let (status, server) = alice
        .send(
            "POST",
            &alice.base,
            Some(json!({ "name": "Tickets", "url": peer.url("/mcp"), "auth_type": "token" })),
        )
        .await;
    assert_eq!(
        status, 201,
        "a token server may be created before its credentials"
    );
    assert_eq!(server["credentials"], "", "{server}");
    assert_eq!(
        server["transport"], "streamable_http",
        "the default transport"
    );
    assert_eq!(count_secrets(&app).await, 0);
    let item = format!("{}{}/", alice.base, server["id"]);

    let (status, patched) = alice
        .send(
            "PATCH",
            &item,
            Some(json!({ "credentials": "Bearer seed-zero-key" })),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["credentials"], CREDENTIALS_MASK);
    assert_eq!(
        patched["name"], "Tickets",
        "PATCH leaves other fields alone"
    );
    assert_eq!(count_secrets(&app).await, 1);
    let (_, read) = alice.send("GET", &item, None).await;
    assert_eq!(read["credentials"], CREDENTIALS_MASK);
    assert!(!read.to_string().contains("seed-zero-key"));

    // The stored "full header value" is what the server receives.
    let id = server["id"].as_i64().expect("id");
    let tested = app
        .rest(
            "POST",
            &format!("/api/skills/mcp-servers/{id}/test"),
            Some(&alice.auth),
            &[("x-tenant-slug", "acme")],
            None,
        )
        .await;
    assert_eq!(tested.json()["ok"], true, "{}", tested.body);

    // Switching to no auth drops the stored key.
    let (status, none) = alice
        .send("PATCH", &item, Some(json!({ "auth_type": "none" })))
        .await;
    assert_eq!(status, 200, "{none}");
    assert_eq!(none["credentials"], "");
    assert_eq!(count_secrets(&app).await, 0);
}

#[tokio::test]
async fn errors_come_in_rest_framework_shapes() {
    let app = spawn_app().await;
    let alice = Caller::new(&app, "alice@acme.test", Role::Admin).await;
    let (_, server) = alice
        .send(
            "POST",
            &alice.base,
            Some(json!({ "name": "Docs", "url": "https://docs.example" })),
        )
        .await;
    let item = format!("{}{}/", alice.base, server["id"]);

    let (status, errors) = alice
        .send(
            "PUT",
            &item,
            Some(json!({ "transport": "pigeon", "is_enabled": "yes" })),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        errors["name"],
        json!(["This field is required."]),
        "PUT is a whole update"
    );
    assert_eq!(errors["url"], json!(["This field is required."]));
    assert!(
        errors["transport"][0]
            .as_str()
            .unwrap_or("")
            .contains("not a valid choice")
    );
    assert_eq!(errors["is_enabled"], json!(["Must be a boolean."]));

    let (status, errors) = alice
        .send(
            "PATCH",
            &item,
            Some(json!({ "auth_type": "none", "credentials": "k" })),
        )
        .await;
    assert_eq!(status, 400);
    assert!(errors["credentials"].is_array(), "{errors}");

    let (status, errors) = alice
        .send(
            "POST",
            &alice.base,
            Some(json!({ "name": "Docs", "url": "https://d2.example" })),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        errors["name"][0]
            .as_str()
            .unwrap_or("")
            .contains("already exists"),
        "{errors}"
    );

    let (_, unchanged) = alice.send("GET", &item, None).await;
    assert_eq!(unchanged, server, "failed writes change nothing");

    // {org} and {user_id} must be the caller's own.
    let elsewhere = alice.base.replace("/orgs/acme/", "/orgs/globex/");
    assert_eq!(
        alice.send("GET", &elsewhere, None).await,
        (404, json!({ "detail": "Not found." }))
    );
    let as_bob = alice.base.replace("/users/alice-acme-test/", "/users/bob/");
    assert_eq!(alice.send("GET", &as_bob, None).await.0, 404);

    let anonymous = app.rest("GET", &alice.base, None, &[], None).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        anonymous.json(),
        json!({ "detail": "Authentication credentials were not provided." })
    );
    let bad = app
        .rest("GET", &alice.base, Some("Token nope"), &[], None)
        .await;
    assert_eq!(
        (bad.status, bad.json()),
        (401, json!({ "detail": "Invalid token." }))
    );

    let member = Caller::new(&app, "mo@acme.test", Role::Member).await;
    assert_eq!(member.send("GET", &member.base, None).await.0, 200);
    let member_item = format!("{}{}/", member.base, server["id"]);
    for (method, body) in [
        (
            "POST",
            Some(json!({ "name": "X", "url": "https://x.example" })),
        ),
        ("DELETE", None),
    ] {
        let path = if method == "POST" {
            &member.base
        } else {
            &member_item
        };
        let (status, body) = member.send(method, path, body).await;
        assert_eq!(
            (status, body),
            (
                403,
                json!({ "detail": "You do not have permission to perform this action." })
            )
        );
    }
}
