//! `POST /api/runtime/resolve` over HTTP: runtime tokens only, the answer's
//! shape, every refusal, this replica's writes showing at once through the
//! cache, and the counted audit rows.

use serde_json::{Value, json};

use super::rest_ai_mentor_connections::{Who, agent};
use crate::domain::{AuditAction, AuditQuery, Role};
use crate::server::services::resolve_audit;
use crate::server::testing::{TestApp, spawn_app, username_of};

const PATH: &str = "/api/runtime/resolve";

async fn resolve(app: &TestApp, token: &str, body: Value) -> (u16, Value, Option<String>) {
    let reply = app
        .http
        .post(format!("{}{PATH}", app.base))
        .header("authorization", format!("Bearer {token}"))
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = reply.status().as_u16();
    let cache = reply
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = reply.json().await.unwrap_or(Value::Null);
    (status, body, cache)
}

async fn runtime_resolves(app: &TestApp) -> Vec<(String, Option<String>)> {
    let acme = app
        .state
        .ports
        .store
        .tenant_by_slug("acme")
        .await
        .expect("q")
        .expect("acme");
    let query = AuditQuery {
        action: Some(AuditAction::RuntimeResolve),
        ..AuditQuery::default()
    };
    let (events, _) = app
        .state
        .ports
        .store
        .audit_events(acme.id, &query.normalized())
        .await
        .expect("audit");
    events.into_iter().map(|e| (e.actor, e.detail)).collect()
}

#[tokio::test]
async fn a_runtime_token_resolves_and_nothing_else_does() {
    let app = spawn_app().await;
    let ann = Who::new(&app, "acme", "ann@acme.test", Role::Admin).await;
    Who::new(&app, "acme", "max@acme.test", Role::Member).await;
    let (status, s) = ann
        .send(
            "POST",
            &ann.servers_path(),
            Some(json!({ "name": "Docs", "url": "https://docs.example/mcp",
                "auth_type": "token", "credentials": "server-key",
                "extra_headers": { "X-Client": "sb" } })),
        )
        .await;
    assert_eq!(status, 201, "{s}");
    let server = s["id"].as_i64().expect("id");
    let runtime = app.runtime_token("acme", "ann@acme.test").await;

    let (status, body, cache) = resolve(&app, &runtime, json!({ "server": server })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({ "url": "https://docs.example/mcp", "transport": "streamable_http",
            "headers": { "X-Client": "sb", "Authorization": "Bearer server-key" },
            "resolved_by": { "rule": "server_credential", "connection_id": null } })
    );
    assert_eq!(
        cache.as_deref(),
        Some("no-store"),
        "a secret is never cached"
    );

    // A user's token, even an admin's, is not a runtime's.
    let user_token = app.token("acme", "ann@acme.test").await;
    let (status, body, _) = resolve(&app, &user_token, json!({ "server": server })).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"], "forbidden");
    // And a runtime token opens nothing else.
    let list = app
        .rest(
            "GET",
            &ann.servers_path(),
            Some(&format!("Token {runtime}")),
            &[],
            None,
        )
        .await;
    assert_eq!(list.status, 403, "{}", list.body);
    assert!(!list.body.contains("server-key"));
    // A runtime token's maker must still be an admin.
    let max_runtime = app.runtime_token("acme", "max@acme.test").await;
    let (status, _, _) = resolve(&app, &max_runtime, json!({ "server": server })).await;
    assert_eq!(
        status, 403,
        "a member's runtime token acts with a member's role"
    );

    // Remembered for a few seconds, but a revocation here counts at once.
    let store = app.state.ports.store.as_ref();
    let row = store
        .token_by_hash(&crate::server::auth::session::token_hash(&runtime))
        .await
        .expect("q")
        .expect("row");
    let ann_actor = store
        .actor(row.tenant_id, row.user_id)
        .await
        .expect("q")
        .expect("actor");
    crate::server::services::tokens::revoke(&app.state.ports, &ann_actor, row.id)
        .await
        .expect("revoke");
    let (status, body, _) = resolve(&app, &runtime, json!({ "server": server })).await;
    assert_eq!(status, 401, "{body}");
}

#[tokio::test]
async fn bad_requests_and_refusals_say_what_is_wrong() {
    let app = spawn_app().await;
    let ann = Who::new(&app, "acme", "ann@acme.test", Role::Admin).await;
    Who::new(&app, "globex", "bob@globex.test", Role::Admin).await;
    let theirs = agent(&app, "globex", "Their bot").await;
    let runtime = app.runtime_token("acme", "ann@acme.test").await;
    let (status, s) = ann
        .send(
            "POST",
            &ann.servers_path(),
            Some(json!({ "name": "Mail", "url": "https://mail.example/mcp",
                "auth_type": "token", "auth_scope": "user" })),
        )
        .await;
    assert_eq!(status, 201, "{s}");
    let server = s["id"].as_i64().expect("id");

    let (status, body, _) = resolve(&app, &runtime, json!({})).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["fields"]["server"][0], "This field is required.");
    let (status, body, _) = resolve(
        &app,
        &runtime,
        json!({ "server": server, "agent": "not-a-uuid", "user": "nobody" }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["fields"]["agent"][0],
        "“not-a-uuid” is not a valid UUID."
    );
    let (status, body, _) = resolve(
        &app,
        &runtime,
        json!({ "server": server, "agent": theirs, "user": "nobody" }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["fields"]["agent"][0].as_str().is_some(), "{body}");
    assert!(body["fields"]["user"][0].as_str().is_some(), "{body}");
    assert!(
        !body.to_string().contains("Their bot"),
        "another tenant's agent is not described"
    );

    let (status, body, _) = resolve(&app, &runtime, json!({ "server": server })).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"], "needs_user_connection");
    assert_eq!(body["server"], server);
    let (status, body, _) = resolve(&app, &runtime, json!({ "server": 999_999 })).await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
    let (status, body, _) = resolve(&app, &runtime, json!({ "server": "x" })).await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn this_replicas_writes_show_at_once_and_resolutions_are_counted_on_sqlite() {
    writes_show_at_once_and_resolutions_are_counted(spawn_app().await).await;
}

#[tokio::test]
async fn this_replicas_writes_show_at_once_and_resolutions_are_counted_on_postgres() {
    let Some(url) = crate::server::testing::postgres_url().await else {
        return;
    };
    writes_show_at_once_and_resolutions_are_counted(
        crate::server::testing::spawn_app_with(Some(url)).await,
    )
    .await;
}

async fn writes_show_at_once_and_resolutions_are_counted(app: TestApp) {
    let ann = Who::new(&app, "acme", "ann@acme.test", Role::Admin).await;
    let bot = agent(&app, "acme", "Bot").await;
    let (status, s) = ann
        .send(
            "POST",
            &ann.servers_path(),
            Some(json!({ "name": "Docs", "url": "https://docs.example/mcp",
                "auth_type": "token", "credentials": "server-key" })),
        )
        .await;
    assert_eq!(status, 201, "{s}");
    let server = s["id"].as_i64().expect("id");
    let runtime = app.runtime_token("acme", "ann@acme.test").await;
    let ask = json!({ "server": server, "user": username_of("ann@acme.test"), "agent": bot });
    let rule = |body: &Value| body["resolved_by"]["rule"].as_str().map(str::to_owned);

    let (_, body, _) = resolve(&app, &runtime, ask.clone()).await;
    assert_eq!(rule(&body).as_deref(), Some("server_credential"), "{body}");
    // Cached now; an agent connection made here shows on the next call.
    let (status, c) = ann
        .send(
            "POST",
            &ann.base,
            Some(json!({ "server": server, "scope": "mentor", "mentor": bot,
                "auth_type": "token", "credentials": "agent-secret",
                "authorization_scheme": "Bearer" })),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    let (_, body, _) = resolve(&app, &runtime, ask.clone()).await;
    assert_eq!(rule(&body).as_deref(), Some("agent_connection"), "{body}");
    assert_eq!(body["headers"]["Authorization"], "Bearer agent-secret");
    // Deactivated here: the server's own key again, at once.
    let (status, _) = ann
        .send(
            "PATCH",
            &ann.item(&c["id"]),
            Some(json!({ "is_active": false })),
        )
        .await;
    assert_eq!(status, 200);
    for _ in 0..4 {
        let (_, body, _) = resolve(&app, &runtime, ask.clone()).await;
        assert_eq!(rule(&body).as_deref(), Some("server_credential"), "{body}");
    }
    // A key replaced here: the new one, at once.
    let (status, _) = ann
        .send(
            "PATCH",
            &format!("{}{server}/", ann.servers_path()),
            Some(json!({ "credentials": "server-key-2" })),
        )
        .await;
    assert_eq!(status, 200);
    let (_, body, _) = resolve(&app, &runtime, ask.clone()).await;
    assert_eq!(body["headers"]["Authorization"], "Bearer server-key-2");

    // Written at once: the first of each kind (server key, agent
    // connection, the new key under the same rule is the same kind).
    let rows = runtime_resolves(&app).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows.iter()
            .all(|(actor, _)| actor.starts_with("runtime token "))
    );
    assert!(
        rows.iter()
            .any(|(_, d)| d.as_deref().is_some_and(|d| d.contains("agent connection")))
    );
    // The window closes: one row for the repeats, with their count.
    assert_eq!(resolve_audit::flush(&app.state.ports).await, 1);
    let rows = runtime_resolves(&app).await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        rows.iter().any(|(_, d)| d
            .as_deref()
            .is_some_and(|d| d.starts_with("5 more, by server's own key"))),
        "{rows:?}"
    );
    for (_, detail) in &rows {
        let d = detail.as_deref().unwrap_or_default();
        assert!(!d.contains("secret") && !d.contains("server-key"), "{d}");
    }
}

#[tokio::test]
async fn a_masked_header_sent_back_keeps_its_stored_value() {
    let app = spawn_app().await;
    let ann = Who::new(&app, "acme", "ann@acme.test", Role::Admin).await;
    let server = ann.server("Drive", false).await;
    let runtime = app.runtime_token("acme", "ann@acme.test").await;
    let (status, c) = ann
        .send(
            "POST",
            &ann.base,
            Some(
                json!({ "server": server, "scope": "platform", "auth_type": "token",
                "credentials": "conn-secret", "authorization_scheme": "Token",
                "extra_headers": { "X-Api-Key": "hdr-secret", "X-Client": "sb" } }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    // A client PATCHes back the headers as it read them, with one changed.
    let mut headers = c["extra_headers"].clone();
    headers["X-Client"] = json!("sb2");
    let (status, patched) = ann
        .send(
            "PATCH",
            &ann.item(&c["id"]),
            Some(json!({ "extra_headers": headers })),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    let (status, body, _) = resolve(&app, &runtime, json!({ "server": server })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["headers"]["X-Api-Key"], "hdr-secret", "{body}");
    assert_eq!(body["headers"]["X-Client"], "sb2");
    assert_eq!(body["headers"]["Authorization"], "Token conn-secret");
    // A mask for a header that has no stored value is refused, nothing changed.
    let mask = c["extra_headers"]["X-Api-Key"].clone();
    let (status, errors) = ann
        .send(
            "PATCH",
            &ann.item(&c["id"]),
            Some(json!({ "extra_headers": { "X-Other-Token": mask } })),
        )
        .await;
    assert_eq!(status, 400, "{errors}");
    let (_, body, _) = resolve(&app, &runtime, json!({ "server": server })).await;
    assert_eq!(body["headers"]["X-Api-Key"], "hdr-secret", "{body}");
}
