//! Templates over HTTP: ThinkWork's assign / list / unassign with no tenant
//! header (on both engines) and the tenant checks. Syncs are in
//! `skills_sync.rs`.

use serde_json::json;

use super::skills_upsert::ThinkWork;
use crate::domain::Role;
use crate::server::testing::{TestApp, spawn_app};

const SERVERS: &str = "/api/skills/mcp-servers";
const TEMPLATES: &str = "/api/skills/templates";

pub(super) async fn server(c: &ThinkWork<'_>, name: &str, url: &str, key: Option<&str>) -> i64 {
    let mut body = json!({ "name": name, "url": url });
    if let Some(key) = key {
        body["authType"] = json!("tenant_api_key");
        body["apiKey"] = json!(key);
    }
    c.ok("POST", SERVERS, Some(body)).await["id"]
        .as_i64()
        .expect("id")
}

async fn assign_list_and_unassign(app: TestApp) {
    let c = ThinkWork::new(&app).await;
    let crm = server(&c, "CRM", "https://crm.example/mcp", None).await;
    let docs = server(&c, "Docs", "https://docs.example/mcp", None).await;
    let t = c
        .ok(
            "POST",
            TEMPLATES,
            Some(json!({ "name": "Support", "description": "Front line" })),
        )
        .await;
    let tid = t["id"].as_i64().expect("id");
    let path = format!("{TEMPLATES}/{tid}/mcp-servers");
    assert_eq!(c.ok("GET", &path, None).await, json!({ "mcpServers": [] }));

    let first = c
        .ok("POST", &path, Some(json!({ "mcpServerId": crm })))
        .await;
    assert_eq!(first, json!({ "id": crm, "created": true }));
    // The id as text, as a UUID-keyed client would send it; again: an update.
    let again = c
        .ok(
            "POST",
            &path,
            Some(json!({ "mcpServerId": crm.to_string(), "enabled": false })),
        )
        .await;
    assert_eq!(again, json!({ "id": crm, "updated": true }));
    c.ok("POST", &path, Some(json!({ "mcpServerId": docs, "config": { "toolAllowlist": ["search", " search", "read"] } })))
        .await;
    let listed = c.ok("GET", &path, None).await;
    let rows = listed["mcpServers"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{listed}");
    assert_eq!(
        rows[0]["mcp_server_id"], crm,
        "snake_case, as the real service answers"
    );
    assert_eq!(rows[0]["enabled"], false);
    assert_eq!(rows[0]["authType"], "none");
    assert_eq!(rows[0]["slug"], "crm");
    assert_eq!(
        rows[1]["toolAllowlist"],
        json!(["read", "search"]),
        "trimmed, sorted, once each"
    );
    let listed_templates = c.ok("GET", TEMPLATES, None).await;
    assert_eq!(listed_templates["templates"][0]["servers"], 2);

    assert_eq!(
        c.ok("DELETE", &format!("{path}/{crm}"), None).await,
        json!({ "ok": true })
    );
    let (status, error) = c.bare("DELETE", &format!("{path}/{crm}"), None).await;
    assert_eq!((status, error), (404, json!({ "error": "Not found." })));

    for (body, expected) in [
        (json!({}), "mcpServerId is required"),
        (
            json!({ "mcpServerId": "x" }),
            "mcpServerId: A valid integer",
        ),
        (
            json!({ "mcpServerId": docs, "config": { "toolAllowlist": "all" } }),
            "list of tool names",
        ),
    ] {
        let (status, error) = c.bare("POST", &path, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {error}");
        assert!(
            error["error"]
                .as_str()
                .is_some_and(|e| e.contains(expected)),
            "{body}: {error}"
        );
    }
    let (status, _) = c
        .bare("POST", &path, Some(json!({ "mcpServerId": 999_999 })))
        .await;
    assert_eq!(status, 404, "a server the tenant does not have");
    let audit = app
        .call(
            "audit/list",
            Some(&app.session("admin@acme.test").await),
            json!({ "query": crate::domain::AuditQuery::default() }),
        )
        .await
        .body;
    assert!(
        audit.contains("template_assign"),
        "every assignment is audited: {audit}"
    );
}

#[tokio::test]
async fn another_tenants_things_are_not_found_and_an_agents_own_server_stays_its_own() {
    let app = spawn_app().await;
    let c = ThinkWork::new(&app).await;
    let crm = server(&c, "CRM", "https://crm.example/mcp", None).await;
    let tid = c
        .ok("POST", TEMPLATES, Some(json!({ "name": "Support" })))
        .await["id"]
        .as_i64()
        .expect("id");
    let agent = app.agent("acme", "Helper").await;

    app.user("globex", "bob@globex.test", Role::Admin).await;
    let bob = format!("Bearer {}", app.token("globex", "bob@globex.test").await);
    let their_tid = app
        .rest_json(
            "POST",
            TEMPLATES,
            Some(&bob),
            &[],
            Some(json!({ "name": "Theirs" })),
        )
        .await
        .1["id"]
        .as_i64()
        .expect("id");
    for (method, path, body) in [
        ("GET", format!("{TEMPLATES}/{tid}/mcp-servers"), None),
        (
            "POST",
            format!("{TEMPLATES}/{tid}/mcp-servers"),
            Some(json!({ "mcpServerId": crm })),
        ),
        ("GET", format!("{TEMPLATES}/{tid}/sync"), None),
        (
            "GET",
            format!("/api/skills/agents/{agent}/mcp-servers"),
            None,
        ),
        // Their own template, our server.
        (
            "POST",
            format!("{TEMPLATES}/{their_tid}/mcp-servers"),
            Some(json!({ "mcpServerId": crm })),
        ),
    ] {
        let (status, body) = app.rest_json(method, &path, Some(&bob), &[], body).await;
        assert_eq!(status, 404, "{method} {path}: {body}");
        assert!(!body.to_string().contains("Support") && !body.to_string().contains("CRM"));
    }
    // One agent's own server goes to that agent only, never to a template.
    let own = app
        .rest_json(
            "POST",
            &format!(
                "/api/ai-mentor/orgs/acme/users/{}/mcp-servers/",
                crate::server::testing::username_of("admin@acme.test")
            ),
            Some(&c.bearer),
            &[],
            Some(json!({ "name": "Own", "url": "https://own.example/mcp", "mentor": agent.to_string() })),
        )
        .await;
    assert_eq!(own.0, 201, "{}", own.1);
    let own_id = own.1["id"].as_i64().expect("id");
    let (status, refused) = c
        .bare(
            "POST",
            &format!("{TEMPLATES}/{tid}/mcp-servers"),
            Some(json!({ "mcpServerId": own_id })),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.contains("one agent's own")),
        "{refused}"
    );
    c.ok(
        "POST",
        &format!("/api/skills/agents/{agent}/mcp-servers"),
        Some(json!({ "mcpServerId": own_id })),
    )
    .await;
    // A tenant header, when sent, must name the caller's own tenant.
    let (status, _) = app
        .rest_json(
            "GET",
            TEMPLATES,
            Some(&bob),
            &[("x-tenant-slug", "acme")],
            None,
        )
        .await;
    assert_eq!(status, 404);
}

on_both_engines! {
    assign_list_and_unassign => assign_list_and_unassign_as_the_admin_client_does_on_sqlite,
        assign_list_and_unassign_as_the_admin_client_does_on_postgres;
}
