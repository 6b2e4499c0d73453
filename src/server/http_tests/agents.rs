//! Agents over the page's server functions: admins create, rename and
//! delete; members only list; every change is audited.

use serde_json::json;

use super::admin;
use crate::domain::Role;
use crate::server::testing::spawn_app;

#[tokio::test]
async fn admins_manage_agents_and_members_read_them() {
    let app = spawn_app().await;
    let cookie = admin(&app, "acme").await;
    app.user("acme", "max@acme.test", Role::Member).await;
    let member = app.session("max@acme.test").await;

    let empty = app.call("agents/list", Some(&cookie), json!({})).await;
    assert_eq!((empty.status, empty.json()), (200, json!([])));

    let made = app
        .call(
            "agents/create",
            Some(&cookie),
            json!({ "agent": { "name": "  Support Bot ", "slug": null } }),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let made = made.json();
    assert_eq!(
        (made["name"].as_str(), made["slug"].as_str()),
        (Some("Support Bot"), Some("support-bot"))
    );
    let uid = made["unique_id"].as_str().expect("uid").to_owned();
    assert!(crate::domain::AgentUid::parse(&uid).is_some_and(|u| u.as_str() == uid));

    // Field errors come back per field, and nothing is created.
    let bad = app
        .call(
            "agents/create",
            Some(&cookie),
            json!({ "agent": { "name": "", "slug": "No Good" } }),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        bad.body.contains("Name is required.") && bad.body.contains("Slug must be"),
        "{}",
        bad.body
    );
    let clash = app
        .call(
            "agents/create",
            Some(&cookie),
            json!({ "agent": { "name": "support bot", "slug": null } }),
        )
        .await;
    assert_eq!(clash.status, 422, "{}", clash.body);
    assert!(
        clash.body.contains("already has the slug"),
        "{}",
        clash.body
    );

    // A member lists, but may not change anything.
    let seen = app.call("agents/list", Some(&member), json!({})).await;
    assert_eq!(seen.json().as_array().map(Vec::len), Some(1));
    for (endpoint, body) in [
        (
            "agents/create",
            json!({ "agent": { "name": "Mine", "slug": null } }),
        ),
        ("agents/rename", json!({ "id": uid, "name": "Mine" })),
        ("agents/delete", json!({ "id": uid })),
    ] {
        let r = app.call(endpoint, Some(&member), body).await;
        assert_eq!(r.status, 403, "{endpoint}: {}", r.body);
    }

    // A rename keeps the slug; a malformed id names nothing.
    let renamed = app
        .call(
            "agents/rename",
            Some(&cookie),
            json!({ "id": uid, "name": "Helpdesk" }),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.json()["slug"], "support-bot");
    let blank = app
        .call(
            "agents/rename",
            Some(&cookie),
            json!({ "id": uid, "name": " " }),
        )
        .await;
    assert_eq!(blank.status, 422, "{}", blank.body);
    let malformed = app
        .call("agents/delete", Some(&cookie), json!({ "id": "123" }))
        .await;
    // Refused before the function runs (Leptos answers its own 500 for an
    // argument that does not decode), with the reason, and nothing deleted.
    assert!(malformed.status >= 400, "{}", malformed.body);
    assert!(
        malformed.body.contains("not a valid UUID"),
        "{}",
        malformed.body
    );
    let unknown = app
        .call(
            "agents/delete",
            Some(&cookie),
            json!({ "id": "00000000-0000-4000-8000-000000000000" }),
        )
        .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);

    let deleted = app
        .call("agents/delete", Some(&cookie), json!({ "id": uid }))
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    let after = app.call("agents/list", Some(&cookie), json!({})).await;
    assert_eq!(after.json(), json!([]));

    let events = app
        .call(
            "audit/list",
            Some(&cookie),
            json!({ "query": crate::domain::AuditQuery::default() }),
        )
        .await;
    let actions: Vec<String> = events.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["action"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        actions,
        ["agent_delete", "agent_rename", "agent_create"],
        "newest first"
    );
}
