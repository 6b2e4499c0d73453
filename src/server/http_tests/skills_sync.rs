//! A template's sync over HTTP: the plan and drift, an agent's own
//! allow-list kept, and one agent failing to sync (a trigger refuses its
//! rows) while the others sync, on SQLite and PostgreSQL.

use serde_json::{Value, json};

use super::skills_templates::server;
use super::skills_upsert::ThinkWork;
use crate::server::testing::TestApp;

const TEMPLATES: &str = "/api/skills/templates";

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

on_both_engines! {
    sync_plans_keeps_own_allowlists_and_reports_drift => sync_plans_and_drift_on_sqlite,
        sync_plans_and_drift_on_postgres;
    one_agent_failing_leaves_it_unchanged_and_the_others_synced =>
        a_failed_agent_sync_is_rolled_back_alone_on_sqlite,
        a_failed_agent_sync_is_rolled_back_alone_on_postgres;
}
