//! Templates over HTTP: ThinkWork's assign / list / unassign with no tenant
//! header, the tenant checks, a sync's plan and drift, a sync with one agent
//! failing (on both engines).

use serde_json::{Value, json};

use super::skills_upsert::ThinkWork;
use crate::domain::Role;
use crate::server::testing::{TestApp, postgres_url, spawn_app, spawn_app_with};

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

/// A tenant with CRM and Docs, a template "Support" with CRM assigned, and
/// agents made from it (their UUIDs, in the order named).
struct Fleet {
    crm: i64,
    docs: i64,
    tid: i64,
    assign: String,
    agents: Vec<String>,
}

async fn fleet(c: &ThinkWork<'_>, names: &[&str]) -> Fleet {
    let crm = server(c, "CRM", "https://crm.example/mcp", None).await;
    let docs = server(c, "Docs", "https://docs.example/mcp", None).await;
    let tid = c
        .ok("POST", TEMPLATES, Some(json!({ "name": "Support" })))
        .await["id"]
        .as_i64()
        .expect("id");
    let assign = format!("{TEMPLATES}/{tid}/mcp-servers");
    c.ok("POST", &assign, Some(json!({ "mcpServerId": crm })))
        .await;
    let mut agents = Vec::new();
    for name in names {
        let a = c
            .ok(
                "POST",
                &format!("{TEMPLATES}/{tid}/agents"),
                Some(json!({ "name": name })),
            )
            .await;
        agents.push(a["id"].as_str().expect("uid").to_owned());
    }
    Fleet {
        crm,
        docs,
        tid,
        assign,
        agents,
    }
}

async fn sync_plans_keeps_own_allowlists_and_reports_drift(app: TestApp) {
    let c = ThinkWork::new(&app).await;
    let Fleet {
        crm,
        docs,
        tid,
        assign,
        agents,
    } = fleet(&c, &["Ada", "Bo"]).await;
    let plan = c.ok("GET", &format!("{TEMPLATES}/{tid}/sync"), None).await;
    for line in plan["agents"].as_array().expect("agents") {
        assert_eq!(
            (line["added"].clone(), line["drifted"].clone()),
            (json!([]), json!(false)),
            "{plan}"
        );
    }

    // Ada narrows CRM to one tool by hand; Bo is left alone.
    let ada = format!("/api/skills/agents/{}/mcp-servers", agents[0]);
    c.ok(
        "POST",
        &ada,
        Some(json!({ "mcpServerId": crm, "config": { "toolAllowlist": ["lookup"] } })),
    )
    .await;
    c.ok("POST", &assign, Some(json!({ "mcpServerId": docs })))
        .await;
    let plan = c.ok("GET", &format!("{TEMPLATES}/{tid}/sync"), None).await;
    let lines = plan["agents"].as_array().expect("agents");
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["name"], "Ada");
    assert_eq!(lines[0]["added"], json!([docs]), "+1 server: {plan}");
    assert_eq!(lines[0]["drifted"], true, "Ada was edited by hand");
    assert_eq!(lines[1]["added"], json!([docs]));
    assert_eq!(lines[1]["drifted"], false);
    let summary = c.ok("POST", &format!("{TEMPLATES}/{tid}/sync"), None).await;
    assert_eq!(
        summary,
        json!({ "agentsSynced": 2, "agentsFailed": 0, "errors": [] })
    );
    let after = c.ok("GET", &ada, None).await;
    let rows = after["servers"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{after}");
    assert_eq!(
        rows[0]["toolAllowlist"],
        json!(["lookup"]),
        "the agent's own allow-list is kept"
    );
    let plan = c.ok("GET", &format!("{TEMPLATES}/{tid}/sync"), None).await;
    assert!(
        plan["agents"]
            .as_array()
            .expect("agents")
            .iter()
            .all(|l| l["added"] == json!([])
                && l["removed"] == json!([])
                && l["changed"] == json!([])
                && l["drifted"] == false),
        "{plan}"
    );
}

/// Makes the database refuse any write of `agent_servers` for one agent,
/// the way a constraint or a dying connection would refuse it.
async fn break_agent(app: &TestApp, agent_name: &str) {
    let sql: Vec<String> = if app.database_url.starts_with("sqlite") {
        vec![format!(
            "CREATE TRIGGER break_sync BEFORE INSERT ON agent_servers \
             WHEN NEW.agent_id = (SELECT id FROM agents WHERE name = '{agent_name}') \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )]
    } else {
        vec![
            format!(
                "CREATE FUNCTION break_sync() RETURNS trigger AS $$ BEGIN \
                 IF NEW.agent_id = (SELECT id FROM agents WHERE name = '{agent_name}') THEN \
                 RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            ),
            "CREATE TRIGGER break_sync BEFORE INSERT ON agent_servers \
             FOR EACH ROW EXECUTE FUNCTION break_sync()"
                .to_owned(),
        ]
    };
    use sqlx::Connection;
    for statement in sql {
        let statement = sqlx::AssertSqlSafe(statement);
        if app.database_url.starts_with("sqlite") {
            let mut db = sqlx::SqliteConnection::connect(&app.database_url)
                .await
                .expect("db");
            sqlx::query(statement)
                .execute(&mut db)
                .await
                .expect("trigger");
        } else {
            let mut db = sqlx::PgConnection::connect(&app.database_url)
                .await
                .expect("db");
            sqlx::query(statement)
                .execute(&mut db)
                .await
                .expect("trigger");
        }
    }
}

async fn one_agent_failing_leaves_it_unchanged_and_the_others_synced(app: TestApp) {
    let c = ThinkWork::new(&app).await;
    let Fleet {
        docs,
        tid,
        assign,
        agents: uids,
        ..
    } = fleet(&c, &["Ada", "Bo", "Cy"]).await;
    c.ok("POST", &assign, Some(json!({ "mcpServerId": docs })))
        .await;
    break_agent(&app, "Bo").await;
    let summary = c.ok("POST", &format!("{TEMPLATES}/{tid}/sync"), None).await;
    assert_eq!(summary["agentsSynced"], 2, "{summary}");
    assert_eq!(summary["agentsFailed"], 1, "{summary}");
    let errors = summary["errors"].as_array().expect("errors");
    assert!(
        errors[0].as_str().is_some_and(|e| e.starts_with("Bo: ")),
        "{summary}"
    );
    let count = |v: Value| v["servers"].as_array().map(Vec::len);
    for (uid, want) in uids.iter().zip([2, 1, 2]) {
        let on = c
            .ok(
                "GET",
                &format!("/api/skills/agents/{uid}/mcp-servers"),
                None,
            )
            .await;
        assert_eq!(count(on), Some(want), "agent {uid}");
    }
}

/// Each flow on both engines: the same SQL text runs on each.
macro_rules! on_both_engines {
    ($($flow:ident => $sqlite:ident, $postgres:ident;)+) => {$(
        #[tokio::test]
        async fn $sqlite() {
            $flow(spawn_app().await).await;
        }

        #[tokio::test]
        async fn $postgres() {
            let Some(url) = postgres_url().await else {
                return;
            };
            $flow(spawn_app_with(Some(url)).await).await;
        }
    )+};
}

on_both_engines! {
    assign_list_and_unassign => assign_list_and_unassign_as_the_admin_client_does_on_sqlite,
        assign_list_and_unassign_as_the_admin_client_does_on_postgres;
    sync_plans_keeps_own_allowlists_and_reports_drift => sync_plans_and_drift_on_sqlite,
        sync_plans_and_drift_on_postgres;
    one_agent_failing_leaves_it_unchanged_and_the_others_synced =>
        a_failed_agent_sync_is_rolled_back_alone_on_sqlite,
        a_failed_agent_sync_is_rolled_back_alone_on_postgres;
}
