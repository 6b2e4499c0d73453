//! API tokens over HTTP: shown once, stored hashed, usable as Token or
//! Bearer, revocable, and failed attempts rate-limited per client address.

use serde_json::json;

use super::admin;
use crate::domain::Role;
use crate::server::testing::{spawn_app, spawn_app_configured, sqlite_url, test_config};

const LIST: &str = "/api/skills/mcp-servers";

#[tokio::test]
async fn a_token_is_shown_once_stored_hashed_and_revocable() {
    let app = spawn_app().await;
    let cookie = admin(&app, "acme").await;
    let created = app
        .call(
            "tokens/create",
            Some(&cookie),
            json!({ "token": { "name": " deploy " } }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let created = created.json();
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("sbt_") && secret.len() == 52, "{secret}");
    assert_eq!(created["token"]["name"], "deploy", "names are trimmed");
    let prefix = created["token"]["prefix"].as_str().expect("prefix");
    assert!(secret.starts_with(prefix) && prefix.len() < 16);

    let listed = app.call("tokens/list", Some(&cookie), json!({})).await;
    assert_eq!(listed.status, 200);
    assert!(
        !listed.body.contains(&secret),
        "the list never carries the token"
    );
    assert_eq!(listed.json()[0]["last_used_at"], serde_json::Value::Null);

    // Only a hash is stored.
    use sqlx::Connection;
    let mut db = sqlx::SqliteConnection::connect(&app.database_url)
        .await
        .expect("db");
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT name, prefix, token_hash FROM api_tokens")
            .fetch_all(&mut db)
            .await
            .expect("rows");
    assert_eq!(rows.len(), 1);
    let (name, prefix, hash) = &rows[0];
    assert_eq!((name.as_str(), prefix.as_str()), ("deploy", &secret[..12]));
    assert_eq!(
        hash,
        &crate::server::auth::session::token_hash(&secret),
        "the SHA-256 of the token"
    );
    let (whole_row,): (String,) = sqlx::query_as(
        "SELECT id || '|' || tenant_id || '|' || user_id || '|' || name || '|' || prefix \
         || '|' || token_hash || '|' || created_at || '|' || COALESCE(last_used_at, '') \
         || '|' || COALESCE(revoked_at, '') FROM api_tokens",
    )
    .fetch_one(&mut db)
    .await
    .expect("row");
    assert!(
        !whole_row.contains(&secret[4..]),
        "no column holds the token"
    );

    // Server functions are the browser's API: a token opens none of them.
    let minted = app
        .rest(
            "POST",
            "/api/tokens/create",
            Some(&format!("Token {secret}")),
            &[("accept", "application/json")],
            Some(json!({ "token": { "name": "from a token" } })),
        )
        .await;
    assert_eq!(
        minted.status, 401,
        "a token cannot mint tokens: {}",
        minted.body
    );

    for auth in [
        format!("Token {secret}"),
        format!("Bearer {secret}"),
        format!("token   {secret} "),
    ] {
        let r = app
            .rest("GET", LIST, Some(&auth), &[("x-tenant-slug", "acme")], None)
            .await;
        assert_eq!(r.status, 200, "{auth:?}: {}", r.body);
    }
    let listed = app
        .call("tokens/list", Some(&cookie), json!({}))
        .await
        .json();
    assert!(
        listed[0]["last_used_at"].is_string(),
        "use is recorded: {listed}"
    );

    // The same name twice is refused while the first is live.
    let again = app
        .call(
            "tokens/create",
            Some(&cookie),
            json!({ "token": { "name": "deploy" } }),
        )
        .await;
    assert_eq!(again.status, 422);
    assert!(
        again.body.contains("already have a token"),
        "{}",
        again.body
    );

    let id = created["token"]["id"].clone();
    let revoked = app
        .call("tokens/revoke", Some(&cookie), json!({ "id": id }))
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let refused = app
        .rest(
            "GET",
            LIST,
            Some(&format!("Token {secret}")),
            &[("x-tenant-slug", "acme")],
            None,
        )
        .await;
    assert_eq!(refused.status, 401);
    let listed = app
        .call("tokens/list", Some(&cookie), json!({}))
        .await
        .json();
    assert_eq!(listed, json!([]));
    let twice = app
        .call("tokens/revoke", Some(&cookie), json!({ "id": id }))
        .await;
    assert_eq!(twice.status, 404);
    let reused = app
        .call(
            "tokens/create",
            Some(&cookie),
            json!({ "token": { "name": "deploy" } }),
        )
        .await;
    assert_eq!(reused.status, 200, "a revoked token's name is free again");
}

#[tokio::test]
async fn tokens_belong_to_their_owner_and_act_with_the_owners_current_role() {
    let app = spawn_app().await;
    let admin_cookie = admin(&app, "acme").await;
    app.user("acme", "mo@acme.test", Role::Member).await;
    let member_cookie = app.session("mo@acme.test").await;
    let mine = app
        .call(
            "tokens/create",
            Some(&admin_cookie),
            json!({ "token": { "name": "mine" } }),
        )
        .await
        .json();
    // A member can hold tokens, but cannot see or revoke an admin's.
    let theirs = app
        .call("tokens/list", Some(&member_cookie), json!({}))
        .await
        .json();
    assert_eq!(theirs, json!([]));
    let stolen = app
        .call(
            "tokens/revoke",
            Some(&member_cookie),
            json!({ "id": mine["token"]["id"] }),
        )
        .await;
    assert_eq!(stolen.status, 404);
    let member_token = app
        .call(
            "tokens/create",
            Some(&member_cookie),
            json!({ "token": { "name": "ci" } }),
        )
        .await
        .json();
    let auth = format!("Token {}", member_token["secret"].as_str().expect("secret"));
    let post = |auth: String| {
        let app = &app;
        async move {
            app.rest(
                "POST",
                LIST,
                Some(&auth),
                &[("x-tenant-slug", "acme")],
                Some(json!({ "name": "X", "url": "https://x.example" })),
            )
            .await
            .status
        }
    };
    assert_eq!(post(auth.clone()).await, 403);
    // Promote the member: the same token now may write.
    let store = app.state.ports.store.as_ref();
    let user = store
        .user_by_email("mo@acme.test")
        .await
        .expect("q")
        .expect("user");
    let tenant = store
        .tenant_by_slug("acme")
        .await
        .expect("q")
        .expect("tenant");
    use sqlx::Connection;
    let mut db = sqlx::SqliteConnection::connect(&app.database_url)
        .await
        .expect("db");
    sqlx::query("UPDATE memberships SET role = 'admin' WHERE user_id = $1 AND tenant_id = $2")
        .bind(user.id)
        .bind(tenant.id)
        .execute(&mut db)
        .await
        .expect("promote");
    assert_eq!(post(auth.clone()).await, 200);
    // Removed from the tenant: the token is dead.
    sqlx::query("DELETE FROM memberships WHERE user_id = $1")
        .bind(user.id)
        .execute(&mut db)
        .await
        .expect("remove");
    assert_eq!(post(auth).await, 401);
}

#[tokio::test]
async fn failed_token_attempts_are_rate_limited_per_address() {
    let url = sqlite_url();
    let mut config = test_config(&url);
    config.token_failure_limit = 3;
    let app = spawn_app_configured(config, None).await;
    app.user("acme", "admin@acme.test", Role::Admin).await;
    let good = format!("Token {}", app.token("acme", "admin@acme.test").await);
    let cookie = app.session("admin@acme.test").await;
    let get = |auth: Option<String>, cookie: Option<String>| {
        let app = &app;
        async move {
            let mut headers = vec![("x-tenant-slug", "acme".to_owned())];
            if let Some(c) = cookie {
                headers.push(("cookie", c));
            }
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.rest("GET", LIST, auth.as_deref(), &headers, None).await
        }
    };
    assert_eq!(get(Some(good.clone()), None).await.status, 200);
    let unknown = format!("Token sbt_{}", "0".repeat(48));
    for bad in ["Token sbt_guess", "Bearer x", unknown.as_str()] {
        assert_eq!(get(Some(bad.into()), None).await.status, 401, "{bad}");
    }
    let limited = get(Some("Token another-guess".into()), None).await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert!(
        limited.json()["error"]
            .as_str()
            .unwrap_or("")
            .contains("Too many attempts")
    );
    assert_eq!(get(Some(unknown.clone()), None).await.status, 429);
    // A valid token is not refused for its neighbours' failures (clients
    // behind one proxy share an address)…
    assert_eq!(get(Some(good), None).await.status, 200);
    // …a proxy's Basic auth is not a token attempt at all…
    assert_eq!(
        get(Some("Basic dXNlcjpwdw==".into()), None).await.status,
        401
    );
    // …but a browser session is not a token attempt and still works.
    assert_eq!(get(None, Some(cookie)).await.status, 200);
}

/// A token with a lifetime works until it ends, then is refused as a
/// revoked one is, and stays listed as expired so its owner sees why.
#[tokio::test]
async fn an_expired_token_is_refused_and_listed_as_expired() {
    let app = spawn_app().await;
    app.user("acme", "ann@acme.test", Role::Admin).await;
    let cookie = app.session("ann@acme.test").await;
    let created = app
        .call(
            "tokens/create",
            Some(&cookie),
            json!({ "token": { "name": "ci", "expires_in_secs": 3600 } }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let created = created.json();
    let secret = created["secret"].as_str().expect("secret").to_owned();
    let expires = created["token"]["expires_at"].as_str().expect("expires_at");
    let at = chrono::DateTime::parse_from_rfc3339(expires).expect("time");
    let left = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    assert!(
        (3500..=3600).contains(&left.num_seconds()),
        "an hour from now: {expires}"
    );
    let list = |auth: String| {
        let app = &app;
        async move {
            app.rest("GET", LIST, Some(&auth), &[("x-tenant-slug", "acme")], None)
                .await
                .status
        }
    };
    assert_eq!(list(format!("Token {secret}")).await, 200);

    // The hour passes.
    use sqlx::Connection;
    let mut db = sqlx::SqliteConnection::connect(&app.database_url)
        .await
        .expect("db");
    sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE name = 'ci'")
        .bind(chrono::Utc::now() - chrono::Duration::seconds(1))
        .execute(&mut db)
        .await
        .expect("age");
    assert_eq!(list(format!("Token {secret}")).await, 401);
    let listed = app
        .call("tokens/list", Some(&cookie), json!({}))
        .await
        .json();
    assert_eq!(listed[0]["name"], "ci");
    assert_eq!(listed[0]["expired"], true, "{listed}");

    // A lifetime out of bounds is refused under its field; nothing is made.
    for secs in [0, 30, 400_000_000] {
        let refused = app
            .call(
                "tokens/create",
                Some(&cookie),
                json!({ "token": { "name": format!("bad {secs}"), "expires_in_secs": secs } }),
            )
            .await;
        assert_eq!(refused.status, 422, "{secs}: {}", refused.body);
        assert!(refused.body.contains("expires_in"), "{}", refused.body);
    }
    let listed = app
        .call("tokens/list", Some(&cookie), json!({}))
        .await
        .json();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
}
