//! Seed 002's register-as-upsert, its key routes, and delete of an assigned
//! server, as ThinkWork's client calls them: JSON bodies, a Bearer token,
//! `x-tenant-slug` on server routes only, and a throw on any non-2xx.

use serde_json::{Value, json};

use super::count_secrets;
use crate::domain::Role;
use crate::server::testing::{Peer, TestApp, spawn_app};

const BASE: &str = "/api/skills/mcp-servers";

/// ThinkWork's `apiFetch`: Bearer, and the tenant header where it sends one.
pub(super) struct ThinkWork<'a> {
    pub(super) app: &'a TestApp,
    pub(super) bearer: String,
}

impl ThinkWork<'_> {
    pub(super) async fn new(app: &TestApp) -> ThinkWork<'_> {
        app.user("acme", "admin@acme.test", Role::Admin).await;
        let token = app.token("acme", "admin@acme.test").await;
        ThinkWork {
            app,
            bearer: format!("Bearer {token}"),
        }
    }

    /// A server route: with the tenant header.
    pub(super) async fn servers(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.app
            .rest_json(
                method,
                path,
                Some(&self.bearer),
                &[("x-tenant-slug", "acme")],
                body,
            )
            .await
    }

    /// A template or agent route: no tenant header, as the client sends none.
    pub(super) async fn bare(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.app
            .rest_json(method, path, Some(&self.bearer), &[], body)
            .await
    }

    /// As the client does: a non-2xx throws with `body.error`.
    pub(super) async fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, reply) = if path.starts_with(BASE) {
            self.servers(method, path, body).await
        } else {
            self.bare(method, path, body).await
        };
        assert!(
            (200..300).contains(&status),
            "{method} {path}: HTTP {status}: {}",
            reply["error"].as_str().unwrap_or("(no error field)")
        );
        reply
    }
}

#[tokio::test]
async fn registering_a_taken_name_updates_that_server_and_the_key_follows_the_staged_path() {
    let app = spawn_app().await;
    let c = ThinkWork::new(&app).await;
    let peer = Peer::bearer("first-key-0001,second-key-0002", false).await;
    let body = |key: &str| {
        json!({ "name": "Lastmile CRM", "url": peer.url("/mcp"),
            "transport": "streamable-http", "authType": "tenant_api_key", "apiKey": key })
    };
    let first = c.ok("POST", BASE, Some(body("first-key-0001"))).await;
    assert_eq!(
        (first["created"].clone(), first["slug"].clone()),
        (json!(true), json!("lastmile-crm"))
    );
    assert!(first.get("updated").is_none());
    let id = first["id"].as_i64().expect("id");

    // Same name: the same server, updated, and still one secret.
    let again = c.ok("POST", BASE, Some(body("second-key-0002"))).await;
    assert_eq!(again["id"], id);
    assert_eq!(again["updated"], true);
    assert!(again.get("created").is_none());
    assert_eq!(count_secrets(&app).await, 1);
    let list = c.ok("GET", BASE, None).await;
    assert_eq!(list["servers"].as_array().map(Vec::len), Some(1), "{list}");
    let tested = c.ok("POST", &format!("{BASE}/{id}/test"), None).await;
    assert_eq!(
        tested["ok"], true,
        "the new key is the one in use: {tested}"
    );

    // Re-registering at another host without the key is refused: a key
    // never follows a moved URL.
    let (status, refused) = c
        .servers(
            "POST",
            BASE,
            Some(
                json!({ "name": "Lastmile CRM", "url": "https://elsewhere.example/mcp",
                "authType": "tenant_api_key" }),
            ),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.contains("API key")),
        "{refused}"
    );
    let list = c.ok("GET", BASE, None).await;
    assert_eq!(
        list["servers"][0]["url"],
        peer.url("/mcp"),
        "nothing changed"
    );

    // `authType` omitted means none; both transport spellings are read.
    let plain = c
        .ok(
            "POST",
            BASE,
            Some(json!({ "name": "Docs", "url": "https://docs.example/mcp",
            "transport": "streamable_http" })),
        )
        .await;
    assert_eq!(plain["authType"], "none");
    assert_eq!(plain["transport"], "streamable-http");
}

#[tokio::test]
async fn key_status_and_a_tested_key_change() {
    let app = spawn_app().await;
    let c = ThinkWork::new(&app).await;
    let peer = Peer::bearer("sk-live-aaaa-1111,sk-live-bbbb-2222", false).await;
    let created = c
        .ok(
            "POST",
            BASE,
            Some(json!({ "name": "Keyed", "url": peer.url("/mcp"),
            "authType": "tenant_api_key", "apiKey": "sk-live-aaaa-1111" })),
        )
        .await;
    let id = created["id"].as_i64().expect("id");
    let status = c.ok("GET", &format!("{BASE}/{id}/key-status"), None).await;
    assert_eq!(
        status,
        json!({ "authType": "tenant_api_key", "hasKey": true, "lastFour": "1111" })
    );

    // A member learns that there is a key, not its tail.
    app.user("acme", "mo@acme.test", Role::Member).await;
    let member = format!("Bearer {}", app.token("acme", "mo@acme.test").await);
    let (code, seen) = app
        .rest_json(
            "GET",
            &format!("{BASE}/{id}/key-status"),
            Some(&member),
            &[("x-tenant-slug", "acme")],
            None,
        )
        .await;
    assert_eq!(
        (code, seen["lastFour"].clone()),
        (200, Value::Null),
        "{seen}"
    );

    // A key the server refuses: 502, and the old key stays current.
    let key_path = format!("{BASE}/{id}/api-key");
    let (code, refused) = c
        .servers(
            "PUT",
            &key_path,
            Some(json!({ "apiKey": "sk-live-wrong-9999" })),
        )
        .await;
    assert_eq!(code, 502, "{refused}");
    assert_eq!(refused["ok"], false);
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("auth: ")),
        "{refused}"
    );
    assert!(!refused.to_string().contains("wrong-9999"));
    let status = c.ok("GET", &format!("{BASE}/{id}/key-status"), None).await;
    assert_eq!(status["lastFour"], "1111");

    let changed = c
        .ok(
            "PUT",
            &key_path,
            Some(json!({ "apiKey": "sk-live-bbbb-2222" })),
        )
        .await;
    assert_eq!(changed, json!({ "ok": true, "lastFour": "2222" }));
    let status = c.ok("GET", &format!("{BASE}/{id}/key-status"), None).await;
    assert_eq!(status["lastFour"], "2222");

    for (body, expected) in [
        (json!({}), "Either apiKey"),
        (json!({ "mintNew": true }), "does not mint"),
        (json!({ "apiKey": 5 }), "apiKey: Must be a string"),
    ] {
        let (code, error) = c.servers("PUT", &key_path, Some(body.clone())).await;
        assert_eq!(code, 400, "{body}: {error}");
        assert!(
            error["error"]
                .as_str()
                .is_some_and(|e| e.contains(expected)),
            "{body}: {error}"
        );
    }
    // A server without a key has nothing to change.
    let open = c
        .ok(
            "POST",
            BASE,
            Some(json!({ "name": "Open", "url": peer.url("/mcp") })),
        )
        .await;
    let (code, _) = c
        .servers(
            "PUT",
            &format!("{BASE}/{}/api-key", open["id"]),
            Some(json!({ "apiKey": "sk-live-bbbb-2222" })),
        )
        .await;
    assert_eq!(code, 400);
    let status = c
        .ok("GET", &format!("{BASE}/{}/key-status", open["id"]), None)
        .await;
    assert_eq!(
        status,
        json!({ "authType": "none", "hasKey": false, "lastFour": null })
    );
}

#[tokio::test]
async fn a_server_assigned_to_templates_and_agents_deletes_with_everything_on_it() {
    let app = spawn_app().await;
    let c = ThinkWork::new(&app).await;
    let created = c
        .ok(
            "POST",
            BASE,
            Some(json!({ "name": "Assigned", "url": "https://a.example/mcp",
            "authType": "tenant_api_key", "apiKey": "assigned-key-1" })),
        )
        .await;
    let id = created["id"].as_i64().expect("id");
    let template = c
        .ok(
            "POST",
            "/api/skills/templates",
            Some(json!({ "name": "Support" })),
        )
        .await;
    let tid = template["id"].as_i64().expect("tid");
    c.ok(
        "POST",
        &format!("/api/skills/templates/{tid}/mcp-servers"),
        Some(json!({ "mcpServerId": id })),
    )
    .await;
    let agent = c
        .ok(
            "POST",
            &format!("/api/skills/templates/{tid}/agents"),
            Some(json!({ "name": "Helper" })),
        )
        .await;
    let agent_path = format!(
        "/api/skills/agents/{}/mcp-servers",
        agent["id"].as_str().expect("uid")
    );
    let on_agent = c.ok("GET", &agent_path, None).await;
    assert_eq!(
        on_agent["servers"].as_array().map(Vec::len),
        Some(1),
        "{on_agent}"
    );

    let deleted = c.ok("DELETE", &format!("{BASE}/{id}"), None).await;
    assert_eq!(deleted, json!({ "ok": true, "deleted": id }));
    let on_template = c
        .ok(
            "GET",
            &format!("/api/skills/templates/{tid}/mcp-servers"),
            None,
        )
        .await;
    assert_eq!(on_template, json!({ "mcpServers": [] }));
    assert_eq!(
        c.ok("GET", &agent_path, None).await,
        json!({ "servers": [] })
    );
    assert_eq!(count_secrets(&app).await, 0, "its key went with it");
}

/// ThinkWork's admin client, call by call as `mcp-api.ts` makes them:
/// list, register, test, update, template assign / list / unassign, delete.
/// Every call must be a 2xx (the client throws otherwise) and answer the
/// fields the client reads.
#[tokio::test]
async fn thinkworks_admin_client_journey() {
    let app = spawn_app().await;
    let c = ThinkWork::new(&app).await;
    let peer = Peer::bearer("journey-key-0001", false).await;
    // listMcpServers → {servers}
    assert_eq!(c.ok("GET", BASE, None).await["servers"], json!([]));
    // registerMcpServer → {id, slug}; the form sends authType only when set.
    let registered = c
        .ok(
            "POST",
            BASE,
            Some(json!({ "name": "Journey CRM", "url": peer.url("/mcp"),
                "transport": "streamable-http", "authType": "tenant_api_key",
                "apiKey": "journey-key-0001" })),
        )
        .await;
    let id = registered["id"].as_i64().expect("id");
    assert_eq!(registered["slug"], "journey-crm");
    // testMcpServer → {ok, tools}: the toast reads "Connected — N tools".
    let tested = c.ok("POST", &format!("{BASE}/{id}/test"), None).await;
    assert_eq!(tested["ok"], true, "{tested}");
    let tools = tested["tools"].as_array().expect("tools");
    assert!(tools.iter().all(|t| t["name"].is_string()), "{tested}");
    // The table shows `tools?.length`.
    let listed = c.ok("GET", BASE, None).await;
    assert_eq!(
        listed["servers"][0]["tools"].as_array().map(Vec::len),
        Some(tools.len())
    );
    // updateMcpServer({enabled}) → {ok}
    let updated = c
        .ok(
            "PUT",
            &format!("{BASE}/{id}"),
            Some(json!({ "enabled": false })),
        )
        .await;
    assert_eq!(updated["ok"], true);
    // assignMcpToTemplate / list / unassignMcpFromTemplate: no tenant header.
    let tid = c
        .ok(
            "POST",
            "/api/skills/templates",
            Some(json!({ "name": "Journey" })),
        )
        .await["id"]
        .as_i64()
        .expect("tid");
    let assigned = format!("/api/skills/templates/{tid}/mcp-servers");
    c.ok("POST", &assigned, Some(json!({ "mcpServerId": id })))
        .await;
    let rows = c.ok("GET", &assigned, None).await;
    assert_eq!(rows["mcpServers"][0]["mcp_server_id"], id, "{rows}");
    assert_eq!(rows["mcpServers"][0]["authType"], "tenant_api_key");
    c.ok("DELETE", &format!("{assigned}/{id}"), None).await;
    // deleteMcpServer → {ok}
    assert_eq!(
        c.ok("DELETE", &format!("{BASE}/{id}"), None).await["ok"],
        true
    );
    assert_eq!(c.ok("GET", BASE, None).await["servers"], json!([]));
    // A non-2xx carries `error`, which the client shows.
    let (status, body) = c.servers("DELETE", &format!("{BASE}/{id}"), None).await;
    assert_eq!(status, 404);
    assert!(body["error"].is_string(), "{body}");
}
