//! `GET /metrics`: absent without a configured token, refused without it
//! (a tenant admin's API token included: metrics span every tenant), and
//! counting what the operator needs to see.

use serde_json::json;

use super::{admin, register_body};
use crate::domain::Role;
use crate::server::testing::{
    Peer, TestApp, spawn_app, spawn_app_configured, sqlite_url, test_config,
};

const TOKEN: &str = "metrics-token-3f1c";

async fn scrape(app: &TestApp, auth: Option<&str>) -> (u16, String) {
    let mut req = app.http.get(format!("{}/metrics", app.base));
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let r = req.send().await.expect("GET /metrics");
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

#[tokio::test]
async fn without_a_token_configured_there_is_no_endpoint() {
    let app = spawn_app().await;
    assert_eq!(scrape(&app, Some(&format!("Bearer {TOKEN}"))).await.0, 404);
}

#[tokio::test]
async fn only_the_metrics_token_opens_them_and_they_count_what_happened() {
    let mut config = test_config(&sqlite_url());
    config.metrics_token = Some(TOKEN.into());
    let app = spawn_app_configured(config, None).await;
    let cookie = admin(&app, "acme").await;
    app.user("acme", "ops@acme.test", Role::Admin).await;
    let api_token = app.token("acme", "ops@acme.test").await;
    for refused in [
        None,
        Some("Bearer wrong".to_owned()),
        Some(format!("Token {api_token}")),
        Some(format!("Bearer {api_token}")),
    ] {
        let (status, body) = scrape(&app, refused.as_deref()).await;
        assert_eq!(status, 401, "{refused:?}: {body}");
    }

    // Something to count: a failed sign-in, a keyed server, a test.
    assert_eq!(app.sign_in("ops@acme.test", "wrong").await.status, 422);
    let peer = Peer::bearer("metrics-peer-key", false).await;
    let created = app
        .call(
            "servers/register",
            Some(&cookie),
            register_body("Counted", &peer.url("/mcp"), Some("metrics-peer-key")),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.json()["id"].as_i64().expect("id");
    let tested = app
        .call("servers/test", Some(&cookie), json!({ "id": id }))
        .await;
    assert_eq!(tested.json()["ok"], true, "{}", tested.body);

    let (status, text) = scrape(&app, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(status, 200);
    for expected in [
        r#"switchboard_http_requests_total{route="/api/servers/test",method="POST",status="200"}"#,
        r#"switchboard_http_requests_total{route="/metrics",method="GET",status="401"}"#,
        r#"switchboard_http_request_duration_seconds_bucket{"#,
        r#"switchboard_sign_ins_total{result="bad_credentials"}"#,
        r#"switchboard_vault_calls_total{operation="put",outcome="ok"}"#,
        r#"switchboard_vault_calls_total{operation="get",outcome="ok"}"#,
        r#"switchboard_test_connections_total{outcome="ok"}"#,
        r#"switchboard_db_pool_connections{state="idle"}"#,
    ] {
        assert!(text.contains(expected), "missing {expected} in:\n{text}");
    }
    assert!(
        !text.contains("metrics-peer-key"),
        "no secret in the metrics"
    );
}
