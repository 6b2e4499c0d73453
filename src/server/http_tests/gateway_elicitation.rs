//! Just in time: a user's OAuth server they have not connected answers a
//! gateway call with the URL to connect at (-32042), read alike by PyPI
//! `mcp` and the TypeScript SDK; the Integrations page lists that server
//! with the agent that calls it.

use serde_json::json;

use super::gateway::{World, client, names, ts_client, world};

#[tokio::test]
async fn a_users_unconnected_oauth_server_answers_with_the_url_to_connect_at() {
    let World {
        app,
        agent: a,
        token,
        user,
        _peers,
    } = world().await;
    // The mail server's catalog, as a test by someone connected would keep it.
    let tenant = app.tenant_id("acme").await;
    let tool: rmcp::model::Tool = serde_json::from_value(json!({
        "name": "send", "description": "Send a mail",
        "inputSchema": { "type": "object", "properties": { "to": { "type": "string" } } },
    }))
    .expect("a tool");
    crate::server::services::tool_catalog::refresh(
        &app.state.ports,
        crate::server::services::audit::By::Schedule(tenant),
        crate::domain::ServerId::new(a.mail),
        "Mail",
        &[tool],
    )
    .await
    .expect("refresh");
    let out = client(
        &a.url,
        &token,
        Some(&user),
        json!([["mail__send", { "to": "x" }]]),
    )
    .await;
    assert!(names(&out).contains(&"mail__send".to_owned()));
    let call = &out["calls"][0];
    assert_eq!(call["code"], -32042, "{call}");
    let urls = call["urls"].as_array().expect("urls");
    assert_eq!(
        urls[0].as_str(),
        Some(
            format!(
                "{}/api/skills/mcp-oauth/authorize?mcpServerId={}",
                app.base, a.mail
            )
            .as_str()
        ),
        "{call}"
    );
    // The TypeScript SDK reads the same elicitation with its own model.
    let ts = ts_client(
        &a.url,
        &token,
        Some(&user),
        json!([["mail__send", { "to": "x" }]]),
    )
    .await;
    assert_eq!(ts["calls"][0]["code"], -32042, "{ts}");
    assert_eq!(ts["calls"][0]["urls"], call["urls"], "{ts}");

    // The link's page lists the server with the agent that calls it.
    let cookie = app.session("admin@acme.test").await;
    let listed = app
        .call("oauth/integrations", Some(&cookie), json!({}))
        .await
        .json();
    let mail = listed
        .as_array()
        .and_then(|l| l.iter().find(|i| i["server_id"] == a.mail))
        .unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(mail["agents"], json!(["Concierge"]), "{mail}");
}
