//! The overview (`/`'s one server function): servers by health with the
//! failing one's error, old keys (the clock moved on), and for an admin the
//! latest audit events; a member sees no audit log; another tenant's
//! overview holds nothing of this one's.

use chrono::Duration;
use serde_json::{Value, json};
use std::sync::Arc;

use super::{admin, register_body};
use crate::domain::overview::KEY_ROTATION_DAYS;
use crate::domain::{Role, ServerPatch};
use crate::server::clock::FixedClock;
use crate::server::services::overview;
use crate::server::testing::{TestApp, free_port};

async fn register(app: &TestApp, cookie: &str, name: &str, url: &str, key: Option<&str>) -> i64 {
    let made = app
        .call(
            "servers/register",
            Some(cookie),
            register_body(name, url, key),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    made.json()["id"].as_i64().expect("id")
}

/// The overview as its page reads it (one server function), for `cookie`.
pub(super) async fn overview_of(app: &TestApp, cookie: &str) -> Value {
    let reply = app.call("overview", Some(cookie), json!({})).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

fn names(servers: &Value, health: &str) -> Vec<String> {
    servers
        .as_array()
        .expect("servers")
        .iter()
        .filter(|s| s["health"] == health)
        .filter_map(|s| s["name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_overview_says_what_needs_a_look_and_holds_only_the_tenants_own() {
    let app = crate::server::testing::spawn_app().await;
    let cookie = admin(&app, "acme").await;
    // Nothing listens there: its test fails at the transport.
    let dead = format!("http://127.0.0.1:{}/mcp", free_port());
    let broken = register(&app, &cookie, "Broken", &dead, None).await;
    register(
        &app,
        &cookie,
        "Keyed",
        "https://keyed.example/mcp",
        Some("k-0123456789abcdef"),
    )
    .await;
    let off = register(&app, &cookie, "Off", "https://off.example/mcp", None).await;
    let tested = app
        .call("servers/test", Some(&cookie), json!({ "id": broken }))
        .await;
    assert_eq!(tested.status, 200, "{}", tested.body);
    let patch = ServerPatch {
        enabled: Some(false),
        ..ServerPatch::default()
    };
    let disabled = app
        .call(
            "servers/update",
            Some(&cookie),
            json!({ "id": off, "patch": patch }),
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.body);

    let o = overview_of(&app, &cookie).await;
    let servers = &o["servers"];
    assert_eq!(servers[0]["name"], "Broken", "failing first: {servers}");
    assert_eq!(names(servers, "failing"), ["Broken"]);
    assert_eq!(servers[0]["error"][0], "Transport", "{servers}");
    assert!(servers[0]["tested_at"].is_string());
    assert_eq!(names(servers, "never_tested"), ["Keyed"]);
    assert_eq!(names(servers, "disabled"), ["Off"]);
    assert_eq!(o["keys_due"], json!([]), "a new key is not due");
    let recent = o["recent"].as_array().expect("an admin sees recent events");
    assert!(!recent.is_empty() && recent.len() <= 10, "{recent:?}");
    assert!(
        recent
            .iter()
            .any(|e| e["target"].as_str().is_some_and(|t| t.contains("Broken"))),
        "{recent:?}"
    );
    let text = o.to_string();
    assert!(!text.contains("k-0123456789abcdef"), "no key in it");

    // Past the rotation age, the stored key is due.
    let tenant = app.tenant_id("acme").await;
    let user = app
        .state
        .ports
        .store
        .user_by_email("admin@acme.test")
        .await
        .expect("read")
        .expect("user");
    let actor = app
        .state
        .ports
        .store
        .actor(tenant, user.id)
        .await
        .expect("read")
        .expect("actor");
    let mut later = app.state.ports.clone();
    later.clock = Arc::new(FixedClock::new(
        chrono::Utc::now() + Duration::days(KEY_ROTATION_DAYS + 1),
    ));
    let due = overview::overview(&later, &actor).await.expect("overview");
    assert_eq!(due.keys_due.len(), 1, "{:?}", due.keys_due);
    assert_eq!(due.keys_due[0].name, "Keyed");
    assert!(due.keys_due[0].age_days >= KEY_ROTATION_DAYS);

    // A member: the same servers, no audit log.
    app.user("acme", "member@acme.test", Role::Member).await;
    let member = app.session("member@acme.test").await;
    let m = overview_of(&app, &member).await;
    assert_eq!(m["servers"].as_array().map(Vec::len), Some(3));
    assert_eq!(m["recent"], Value::Null, "{m}");

    // Another tenant's overview: nothing of acme's.
    let globex = admin(&app, "globex").await;
    let g = overview_of(&app, &globex).await;
    assert_eq!(g["servers"], json!([]), "{g}");
    let g_text = g.to_string();
    for name in ["Broken", "Keyed", "Off"] {
        assert!(!g_text.contains(name), "{name} leaked: {g_text}");
    }

    // Signed out: refused.
    let anon = app.call("overview", None, json!({})).await;
    assert_eq!(anon.status, 401, "{}", anon.body);
}
