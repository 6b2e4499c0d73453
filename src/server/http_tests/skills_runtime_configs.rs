//! `GET /api/runtime/agents/{agent}/mcp-configs`: what an agent calls at
//! run time (seed 002's step 9), resolved per server for a user, with what
//! cannot be called listed and the reason.

use serde_json::json;

use super::skills_templates::server;
use super::skills_upsert::ThinkWork;
use crate::server::testing::{Peer, TestApp, username_of};

const SERVERS: &str = "/api/skills/mcp-servers";
const TEMPLATES: &str = "/api/skills/templates";

on_both_engines! {
    configs_and_missing => an_agent_runtime_gets_its_configs_and_what_is_missing_on_sqlite,
        an_agent_runtime_gets_its_configs_and_what_is_missing_on_postgres;
}

async fn configs_and_missing(app: TestApp) {
    let c = ThinkWork::new(&app).await;
    let peer = Peer::bearer("crm-runtime-key-1", false).await;
    let crm = server(&c, "CRM", &peer.url("/mcp"), Some("crm-runtime-key-1")).await;
    let off = server(&c, "Off", "https://off.example/mcp", None).await;
    let personal = c
        .ok(
            "POST",
            SERVERS,
            Some(json!({ "name": "Mail", "url": "https://mail.example/mcp", "authType": "oauth" })),
        )
        .await["id"]
        .as_i64()
        .expect("id");
    let tid = c
        .ok("POST", TEMPLATES, Some(json!({ "name": "Support" })))
        .await["id"]
        .as_i64()
        .expect("id");
    let assign = format!("{TEMPLATES}/{tid}/mcp-servers");
    c.ok(
        "POST",
        &assign,
        Some(json!({ "mcpServerId": crm, "config": { "toolAllowlist": ["echo"] } })),
    )
    .await;
    c.ok(
        "POST",
        &assign,
        Some(json!({ "mcpServerId": off, "enabled": false })),
    )
    .await;
    c.ok("POST", &assign, Some(json!({ "mcpServerId": personal })))
        .await;
    let agent = c
        .ok(
            "POST",
            &format!("{TEMPLATES}/{tid}/agents"),
            Some(json!({ "name": "Helper" })),
        )
        .await;
    let uid = agent["id"].as_str().expect("uid");

    let runtime = app.runtime_token("acme", "admin@acme.test").await;
    let user = username_of("admin@acme.test");
    let path = format!("/api/runtime/agents/{uid}/mcp-configs?user={user}");
    let (status, body) = app
        .rest_json("GET", &path, Some(&format!("Bearer {runtime}")), &[], None)
        .await;
    assert_eq!(status, 200, "{body}");
    let configs = body["configs"].as_array().expect("configs");
    assert_eq!(
        configs.len(),
        1,
        "the switched-off assignment is left out: {body}"
    );
    assert_eq!(configs[0]["name"], "crm");
    assert_eq!(configs[0]["url"], peer.url("/mcp"));
    assert_eq!(configs[0]["tools"], json!(["echo"]));
    assert_eq!(
        configs[0]["headers"]["Authorization"],
        "Bearer crm-runtime-key-1"
    );
    let missing = body["missing"].as_array().expect("missing");
    assert_eq!(missing.len(), 1, "{body}");
    assert_eq!(missing[0]["name"], "mail");
    let why = missing[0]["error"].as_str().unwrap_or_default();
    assert!(
        ["needs_user_connection", "no_credential"].contains(&why),
        "{body}"
    );
    assert!(missing[0]["detail"].as_str().is_some_and(|d| !d.is_empty()));

    // A user's token is refused, another tenant's agent is not found, an
    // unknown user is the request's error.
    let user_token = format!("Bearer {}", app.token("acme", "admin@acme.test").await);
    assert_eq!(
        app.rest_json("GET", &path, Some(&user_token), &[], None)
            .await
            .0,
        403
    );
    let ghost = format!("/api/runtime/agents/{}/mcp-configs", uuid::Uuid::new_v4());
    assert_eq!(
        app.rest_json("GET", &ghost, Some(&format!("Bearer {runtime}")), &[], None)
            .await
            .0,
        404
    );
    let nobody = format!("/api/runtime/agents/{uid}/mcp-configs?user=nobody-here");
    let (status, body) = app
        .rest_json(
            "GET",
            &nobody,
            Some(&format!("Bearer {runtime}")),
            &[],
            None,
        )
        .await;
    assert_eq!(
        (status, body["error"].clone()),
        (400, json!("invalid")),
        "{body}"
    );
}
