//! A grant once made, as the rest of Switchboard uses it: what a runtime
//! resolves to, and a grant that can no longer be renewed.

use serde_json::json;

use super::*;

/// A runtime resolving for a user of a user-scoped OAuth server: without
/// an account, "connect first" and where; with one, the user's own token.
#[tokio::test]
async fn a_runtime_resolves_to_the_users_own_account() {
    let s = setup(None).await;
    let user = crate::server::testing::username_of(ADMIN);
    let path = format!(
        "/api/ai-mentor/orgs/acme/users/{user}/mcp-servers/{}/",
        s.server
    );
    let (status, body) = s
        .app
        .rest_json(
            "PATCH",
            &path,
            Some(&s.bearer),
            &[],
            Some(json!({ "auth_scope": "user" })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let runtime = format!("Bearer {}", s.app.runtime_token("acme", ADMIN).await);
    let ask = json!({ "server": s.server, "user": user });

    let (status, body) = s
        .app
        .rest_json(
            "POST",
            "/api/runtime/resolve",
            Some(&runtime),
            &[],
            Some(ask.clone()),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"], "needs_user_connection");
    assert_eq!(
        body["connect_url"],
        format!(
            "{}{}",
            s.app.base,
            crate::domain::oauth::authorize_path(ServerId::new(s.server))
        )
    );

    let back = s.to_callback(&s.cookie).await;
    assert_eq!(s.app.get(&back, Some(&s.cookie)).await.status, 200);
    let (status, body) = s
        .app
        .rest_json(
            "POST",
            "/api/runtime/resolve",
            Some(&runtime),
            &[],
            Some(ask.clone()),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["resolved_by"]["rule"], "user_grant");
    let auth = body["headers"]["Authorization"]
        .as_str()
        .unwrap_or_default();
    assert!(auth.starts_with("Bearer ") && auth.len() > 20, "{body}");

    // Disconnected: back to "connect first".
    let (status, _) = s
        .app
        .rest_json(
            "DELETE",
            &format!("/api/skills/user-mcp-tokens/{}", s.server),
            Some(&s.bearer),
            &[],
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = s
        .app
        .rest_json(
            "POST",
            "/api/runtime/resolve",
            Some(&runtime),
            &[],
            Some(ask),
        )
        .await;
    assert_eq!(
        (status, body["error"].clone()),
        (409, json!("needs_user_connection"))
    );
}

/// The SDK's authorization server issues no refresh token: once its access
/// token runs out, the grant cannot be renewed, so it turns `expired` with
/// the reason, the user is told to reconnect, and nothing is sent.
#[tokio::test]
async fn a_grant_that_cannot_be_renewed_turns_expired_with_its_reason() {
    use crate::server::clock::FixedClock;
    use crate::server::services::oauth_grants::{self, Fresh};

    let s = setup(None).await;
    let back = s.to_callback(&s.cookie).await;
    assert_eq!(s.app.get(&back, Some(&s.cookie)).await.status, 200);
    assert_eq!(s.auth_status().await, "active");
    // With no refresh token it cannot renew itself, so the Overview lists
    // it from the start: its token ends within the hour.
    let due = s.grants_on_overview().await;
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0]["status"], "active", "{due:?}");
    assert!(due[0]["expires_at"].is_string(), "{due:?}");

    let store = &s.app.state.ports.store;
    let tenant = store
        .tenant_by_slug("acme")
        .await
        .expect("tenant")
        .expect("acme")
        .id;
    let user = store
        .user_by_username(&crate::server::testing::username_of(ADMIN))
        .await
        .expect("user")
        .expect("admin")
        .id;
    let server = ServerId::new(s.server);
    // Now, the token is fresh; two hours on (it lasts one), it is not.
    let fresh = oauth_grants::access_token(&s.app.state.ports, tenant, user, server)
        .await
        .expect("a token");
    assert!(matches!(fresh, Fresh::Token(_)), "{fresh:?}");
    let mut later = s.app.state.ports.clone();
    later.clock = std::sync::Arc::new(FixedClock::new(
        chrono::Utc::now() + chrono::Duration::hours(2),
    ));
    let stale = oauth_grants::access_token(&later, tenant, user, server)
        .await
        .expect("an answer");
    let Fresh::NeedsConnection(reason) = stale else {
        panic!("an expired token with no refresh token was used: {stale:?}");
    };
    assert!(reason.contains("reconnect required"), "{reason}");

    // Every reader now says so, and the token is no longer sent.
    assert_eq!(s.auth_status().await, "expired");
    let due = s.grants_on_overview().await;
    assert_eq!(
        (due.len(), due[0]["status"].clone()),
        (1, json!("expired")),
        "{due:?}"
    );
    let (_, list) = s
        .app
        .rest_json(
            "GET",
            "/api/skills/user-mcp-servers",
            Some(&s.bearer),
            &[("x-tenant-slug", "acme")],
            None,
        )
        .await;
    let row = list["servers"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["id"] == s.server))
        .cloned()
        .unwrap_or_default();
    assert_eq!(row["authReason"], reason.as_str(), "{row}");
    let tested = s.test_connection().await;
    assert_eq!(
        tested["ok"], false,
        "an expired grant sends nothing: {tested}"
    );
}
