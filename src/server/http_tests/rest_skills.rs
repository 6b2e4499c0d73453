//! Seed 002's contract over HTTP: `/api/skills/mcp-servers…` with a token.

use serde_json::{Value, json};

use super::count_secrets;
use crate::domain::Role;
use crate::server::testing::{Peer, TestApp, spawn_app};

const BASE: &str = "/api/skills/mcp-servers";

struct Client<'a> {
    app: &'a TestApp,
    auth: String,
    tenant: &'a str,
}

impl Client<'_> {
    async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let tenant = [("x-tenant-slug", self.tenant)];
        self.app
            .rest_json(method, path, Some(&self.auth), &tenant, body)
            .await
    }
}

async fn admin_client(app: &TestApp) -> Client<'_> {
    app.user("acme", "admin@acme.test", Role::Admin).await;
    let token = app.token("acme", "admin@acme.test").await;
    Client {
        app,
        auth: format!("Token {token}"),
        tenant: "acme",
    }
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

#[tokio::test]
async fn register_list_update_test_and_delete_as_the_contract_says() {
    let app = spawn_app().await;
    let c = admin_client(&app).await;
    let peer = Peer::bearer("rest-key-1", false).await;

    let (status, body) = c.send("GET", BASE, None).await;
    assert_eq!((status, body.clone()), (200, json!({ "servers": [] })));

    let (status, server) = c
        .send(
            "POST",
            BASE,
            Some(json!({
                "name": "CRM Lookup",
                "url": peer.url("/mcp"),
                "transport": "streamable_http",
                "authType": "tenant_api_key",
                "apiKey": "rest-key-1"
            })),
        )
        .await;
    assert_eq!(status, 200, "{server}");
    assert_eq!(server["created"], true);
    assert_eq!(
        keys(&server),
        [
            "authType",
            "created",
            "createdAt",
            "enabled",
            "id",
            "lastTestedAt",
            "name",
            "slug",
            "toolCount",
            "tools",
            "transport",
            "updatedAt",
            "url"
        ]
    );
    assert_eq!(server["authType"], "tenant_api_key");
    assert_eq!(server["slug"], "crm-lookup");
    assert_eq!(server["enabled"], true);
    assert_eq!(server["toolCount"], Value::Null);
    assert_eq!(
        server["tools"],
        Value::Null,
        "null before a test, as the client shows \"---\""
    );
    assert_eq!(
        server["transport"], "streamable-http",
        "the client's spelling"
    );
    assert_eq!(server["lastTestedAt"], Value::Null);
    assert!(!server.to_string().contains("rest-key-1"));
    assert_eq!(count_secrets(&app).await, 1, "the key went to the vault");
    let id = server["id"].as_i64().expect("id");
    let item = format!("{BASE}/{id}");

    let (status, result) = c.send("POST", &format!("{item}/test"), None).await;
    assert_eq!(status, 200);
    assert_eq!(result["ok"], true, "{result}");
    assert!(result.get("error").is_none());
    let tools = result["tools"].as_array().expect("tools");
    assert!(tools.iter().any(|t| t["name"] == "echo"), "{result}");

    let (_, list) = c.send("GET", BASE, None).await;
    let list = &list["servers"];
    assert_eq!(list[0]["toolCount"], tools.len());
    assert_eq!(list[0]["tools"].as_array().map(Vec::len), Some(tools.len()));
    assert!(
        list[0]["lastTestedAt"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );

    // Partial update: only `enabled` changes.
    let (status, updated) = c
        .send("PUT", &item, Some(json!({ "enabled": false })))
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["ok"], true);
    assert_eq!(updated["id"], id);
    assert_eq!(updated["enabled"], false);
    assert_eq!(updated["name"], "CRM Lookup");
    assert_eq!(updated["url"], peer.url("/mcp"));

    // A refused key: ok false, and the error says it is an auth failure.
    let (status, _) = c
        .send("PUT", &item, Some(json!({ "apiKey": "wrong" })))
        .await;
    assert_eq!(status, 200);
    let (status, result) = c.send("POST", &format!("{item}/test"), None).await;
    assert_eq!(
        status, 502,
        "a failed test is a 502, as the real service answers"
    );
    assert_eq!(result["ok"], false);
    assert!(result.get("tools").is_none());
    let error = result["error"].as_str().expect("error");
    assert!(error.starts_with("auth: "), "{error}");
    assert!(!error.contains("wrong"), "the key is scrubbed: {error}");

    // A failed update (duplicate name) leaves the vault as it was: the key
    // it carried was staged and discarded, never promoted.
    c.send(
        "POST",
        BASE,
        Some(json!({ "name": "Other", "url": "https://o.example" })),
    )
    .await;
    let (status, _) = c
        .send(
            "PUT",
            &item,
            Some(json!({ "name": "Other", "apiKey": "rest-key-1" })),
        )
        .await;
    assert_eq!(status, 400);
    let (_, result) = c.send("POST", &format!("{item}/test"), None).await;
    assert_eq!(result["ok"], false, "still the refused key: {result}");
    let (status, _) = c
        .send("PUT", &item, Some(json!({ "apiKey": "rest-key-1" })))
        .await;
    assert_eq!(status, 200);
    let (_, result) = c.send("POST", &format!("{item}/test"), None).await;
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(
        count_secrets(&app).await,
        1,
        "replacing a key adds no secret"
    );

    let (status, body) = c.send("DELETE", &item, None).await;
    assert_eq!((status, body), (200, json!({ "ok": true, "deleted": id })));
    assert_eq!(
        count_secrets(&app).await,
        0,
        "the key left the vault with the row"
    );
    let (status, body) = c.send("DELETE", &item, None).await;
    assert_eq!((status, body), (404, json!({ "error": "Not found." })));
}

#[tokio::test]
async fn bad_input_gets_the_contract_error_and_changes_nothing() {
    let app = spawn_app().await;
    let c = admin_client(&app).await;
    let cases = [
        (
            json!({ "url": "https://a.example/mcp" }),
            "name: This field is required.",
        ),
        (
            json!({ "name": " ", "url": "https://a.example/mcp" }),
            "Name is required",
        ),
        (json!({ "name": "A", "url": "ftp://a.example" }), "http://"),
        (
            json!({ "name": "A", "url": "https://a.example", "transport": "carrier-pigeon" }),
            "\"carrier-pigeon\" is not a valid choice",
        ),
        (
            json!({ "name": "A", "url": "https://a.example", "authType": "tenant_api_key" }),
            "An API key is required",
        ),
        (
            json!({ "name": 7, "url": "https://a.example" }),
            "name: Must be a string",
        ),
        (json!(["not", "an", "object"]), "JSON object"),
    ];
    for (body, expected) in cases {
        let (status, error) = c.send("POST", BASE, Some(body.clone())).await;
        assert_eq!(status, 400, "{body} → {error}");
        assert_eq!(keys(&error), ["error"], "{error}");
        let message = error["error"].as_str().expect("message");
        assert!(message.contains(expected), "{body} → {message}");
    }
    let (_, list) = c.send("GET", BASE, None).await;
    assert_eq!(list, json!({ "servers": [] }));
    assert_eq!(count_secrets(&app).await, 0);

    let (_, server) = c
        .send(
            "POST",
            BASE,
            Some(json!({ "name": "Docs", "url": "https://docs.example/mcp" })),
        )
        .await;
    let item = format!("{BASE}/{}", server["id"]);
    let (status, error) = c.send("PUT", &item, Some(json!({ "url": "" }))).await;
    assert_eq!(status, 400, "{error}");
    let (status, _) = c
        .send("PUT", &item, Some(json!({ "enabled": "yes" })))
        .await;
    assert_eq!(status, 400);
    let (status, error) = c.send("PUT", &format!("{BASE}/abc"), Some(json!({}))).await;
    assert_eq!((status, error), (404, json!({ "error": "Not found." })));
    let (_, list) = c.send("GET", BASE, None).await;
    let list = &list["servers"];
    assert_eq!(
        list[0]["url"], "https://docs.example/mcp",
        "nothing changed"
    );
    assert_eq!(list[0]["enabled"], true);
    assert_eq!(list[0]["authType"], "none");
}

#[tokio::test]
async fn tenant_header_and_credentials_are_checked() {
    let app = spawn_app().await;
    let c = admin_client(&app).await;
    let missing = app.rest("GET", BASE, Some(&c.auth), &[], None).await;
    assert_eq!(missing.status, 400);
    assert!(
        missing.json()["error"]
            .as_str()
            .unwrap_or("")
            .contains("x-tenant-slug")
    );
    let other = app
        .rest(
            "GET",
            BASE,
            Some(&c.auth),
            &[("x-tenant-slug", "globex")],
            None,
        )
        .await;
    assert_eq!(other.status, 404);
    let anonymous = app
        .rest("GET", BASE, None, &[("x-tenant-slug", "acme")], None)
        .await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        anonymous.json(),
        json!({ "error": "Please sign in to continue." })
    );
    let bearer = c.auth.replace("Token ", "Bearer ");
    let ok = app
        .rest(
            "GET",
            BASE,
            Some(&bearer),
            &[("x-tenant-slug", "acme")],
            None,
        )
        .await;
    assert_eq!(ok.status, 200, "Bearer works as well as Token");

    app.user("acme", "mo@acme.test", Role::Member).await;
    let member = Client {
        app: &app,
        auth: format!("Token {}", app.token("acme", "mo@acme.test").await),
        tenant: "acme",
    };
    assert_eq!(member.send("GET", BASE, None).await.0, 200);
    let (status, error) = member
        .send(
            "POST",
            BASE,
            Some(json!({ "name": "X", "url": "https://x.example" })),
        )
        .await;
    assert_eq!(
        (status, error),
        (
            403,
            json!({ "error": "You do not have permission to do that." })
        )
    );
}
