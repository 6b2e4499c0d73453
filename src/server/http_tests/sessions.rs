//! Health, page redirects, sign-in and sign-out, rate limits, origin checks.

use serde_json::json;

use super::{admin, list_body};
use crate::domain::Role;
use crate::server::testing::spawn_app;

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz", None).await.status, 200);
    assert_eq!(app.get("/readyz", None).await.status, 200);
}

#[tokio::test]
async fn pages_redirect_by_session() {
    let app = spawn_app().await;
    let r = app.get("/mcp-servers", None).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/login?next=%2Fmcp-servers"));
    assert_eq!(
        app.get("/", None).await.location.as_deref(),
        Some("/login?next=%2F")
    );
    let login = app.get("/login", None).await;
    assert_eq!(login.status, 200);
    assert!(login.body.contains("Sign in"));

    let cookie = admin(&app, "acme").await;
    assert_eq!(
        app.get("/login", Some(&cookie)).await.location.as_deref(),
        Some("/"),
        "sign-in lands on the overview"
    );
    let page = app.get("/mcp-servers", Some(&cookie)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("MCP Servers"));
    let overview = app.get("/", Some(&cookie)).await;
    assert_eq!(overview.status, 200);
    assert!(overview.body.contains("Overview"), "{}", overview.body);
    assert_eq!(app.get("/no-such-page", Some(&cookie)).await.status, 404);
}

/// A page added to the app but not to the guard's list would render its
/// shell to anyone; every routed page but the sign-in page must be guarded.
#[tokio::test]
async fn every_page_but_sign_in_needs_a_session() {
    let app = spawn_app().await;
    let routed = leptos_axum::generate_route_list(crate::app::App);
    let mut checked = 0;
    for route in routed {
        let path = route.path();
        if path == "/login" {
            continue;
        }
        assert!(
            crate::server::http::PROTECTED_PAGES.contains(&path),
            "{path} is routed but not in PROTECTED_PAGES"
        );
        let r = app.get(path, None).await;
        assert_eq!(r.status, 303, "{path}: {}", r.body);
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} pages routed?");
}

#[tokio::test]
async fn the_sign_in_redirect_keeps_the_query() {
    let app = spawn_app().await;
    let r = app.get("/mcp-servers?page=2&q=git", None).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.location.expect("Location");
    assert_eq!(location, "/login?next=%2Fmcp-servers%3Fpage%3D2%26q%3Dgit");
    // What the login page reads back is the page the visitor asked for.
    let url = url::Url::parse(&format!("http://h{location}")).expect("url");
    let next = url
        .query_pairs()
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v.into_owned());
    assert_eq!(next.as_deref(), Some("/mcp-servers?page=2&q=git"));
    assert_eq!(
        crate::domain::redirect::safe_next(next.as_deref()),
        "/mcp-servers?page=2&q=git"
    );
    // A query the login page would refuse (here: too long) is dropped, the page kept.
    let odd = app
        .get(&format!("/audit?q={}", "a".repeat(5000)), None)
        .await;
    assert_eq!(odd.location.as_deref(), Some("/login?next=%2Faudit"));
}

#[tokio::test]
async fn server_functions_need_a_session() {
    let app = spawn_app().await;
    assert_eq!(
        app.call("servers/list", None, list_body()).await.status,
        401
    );
    let forged = "sb_session=0000000000000000000000000000000000000000000000000000000000000000";
    assert_eq!(
        app.call("servers/list", Some(forged), list_body())
            .await
            .status,
        401
    );
    let me = app.call("auth/me", None, json!({})).await;
    assert_eq!((me.status, me.body.as_str()), (200, "null"));
}

#[tokio::test]
async fn sign_in_sets_a_strict_cookie_and_sign_out_ends_it() {
    let app = spawn_app().await;
    app.user("acme", "ann@acme.test", Role::Admin).await;
    let wrong = app.sign_in("ann@acme.test", "nope").await;
    let unknown = app.sign_in("nobody@acme.test", "nope").await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("Incorrect email or password."));
    assert_eq!(
        wrong.body, unknown.body,
        "the answer must not reveal which emails exist"
    );
    assert!(wrong.set_cookie.is_none());

    let ok = app.sign_in("ANN@acme.test", "pw-ann@acme.test").await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json()["tenant_slug"], "acme");
    let set_cookie = ok.set_cookie.expect("cookie");
    assert!(set_cookie.contains("HttpOnly"));
    assert!(set_cookie.contains("SameSite=Lax"));
    let cookie = set_cookie.split(';').next().expect("pair").to_owned();
    assert_eq!(
        app.call("servers/list", Some(&cookie), list_body())
            .await
            .status,
        200
    );

    let out = app.call("auth/sign-out", Some(&cookie), json!({})).await;
    assert_eq!(out.status, 200);
    assert!(out.set_cookie.expect("cleared").contains("Max-Age=0"));
    assert_eq!(
        app.call("servers/list", Some(&cookie), list_body())
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn failed_sign_ins_are_rate_limited_per_email_and_client() {
    let app = spawn_app().await;
    app.user("acme", "bob@acme.test", Role::Admin).await;
    for _ in 0..crate::server::auth::rate_limit::PER_EMAIL_CLIENT {
        assert_eq!(app.sign_in("bob@acme.test", "guess").await.status, 422);
    }
    let locked = app.sign_in("bob@acme.test", "pw-bob@acme.test").await;
    assert_eq!(locked.status, 429, "{}", locked.body);
    assert!(locked.json()["RateLimited"]["retry_after_secs"].as_u64() > Some(0));
}

#[tokio::test]
async fn an_overlong_email_is_refused_before_it_is_counted() {
    let app = spawn_app().await;
    app.user("acme", "cat@acme.test", Role::Admin).await;
    let generic = app.sign_in("cat@acme.test", "guess").await;
    let long = format!("{}@acme.test", "a".repeat(10_000));
    let r = app.sign_in(&long, "guess").await;
    assert_eq!((r.status, &r.body), (422, &generic.body));
    let store = app.state.ports.store.as_ref();
    let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    let key = crate::server::auth::rate_limit::email_key(&long);
    assert_eq!(
        store.count_auth_failures(&key, epoch).await.expect("count"),
        0
    );
    // 254 characters is still an email that may be tried (and counted).
    let longest = format!("{}@acme.test", "b".repeat(254 - "@acme.test".len()));
    assert_eq!(longest.len(), 254);
    assert_eq!(app.sign_in(&longest, "guess").await.status, 422);
    let key = crate::server::auth::rate_limit::email_key(&longest);
    assert_eq!(
        store.count_auth_failures(&key, epoch).await.expect("count"),
        1
    );
}

#[tokio::test]
async fn cross_origin_writes_are_refused() {
    let app = spawn_app().await;
    let cookie = admin(&app, "acme").await;
    let list_with = |header: &'static str, value: String| {
        let request = app
            .http
            .post(format!("{}/api/servers/list", app.base))
            .header("cookie", &cookie)
            .header(header, value)
            .json(&list_body());
        async move { request.send().await.expect("send").status().as_u16() }
    };
    assert_eq!(list_with("sec-fetch-site", "cross-site".into()).await, 403);
    assert_eq!(list_with("origin", "http://evil.example".into()).await, 403);
    assert_eq!(list_with("sec-fetch-site", "same-origin".into()).await, 200);
    assert_eq!(list_with("origin", app.base.clone()).await, 200);
}

/// `GET /api/skills/mcp-servers` with this `Cookie` header.
async fn list_with_cookie(app: &crate::server::testing::TestApp, cookie: &str) -> u16 {
    app.rest(
        "GET",
        "/api/skills/mcp-servers",
        None,
        &[("cookie", cookie), ("x-tenant-slug", "acme")],
        None,
    )
    .await
    .status
}

#[tokio::test]
async fn a_request_with_two_session_cookies_is_refused() {
    let app = spawn_app().await;
    app.user("acme", "dan@acme.test", Role::Admin).await;
    let cookie = app.session("dan@acme.test").await;
    assert_eq!(list_with_cookie(&app, &cookie).await, 200);
    // The same valid session twice, or beside another: neither is used.
    let twice = format!("{cookie}; {cookie}");
    assert_eq!(list_with_cookie(&app, &twice).await, 401);
    let planted = format!("sb_session=planted; {cookie}");
    assert_eq!(list_with_cookie(&app, &planted).await, 401);
    let page = app.get("/mcp-servers", Some(&planted)).await;
    assert_eq!(page.status, 303, "sent to sign in");
    assert!(
        page.location
            .as_deref()
            .is_some_and(|l| l.starts_with("/login")),
        "{:?}",
        page.location
    );
    let me = app
        .call("auth/me", Some(&planted), serde_json::json!({}))
        .await;
    assert_eq!(
        (me.status, me.body.as_str()),
        (200, "null"),
        "not signed in"
    );
}

#[tokio::test]
async fn a_new_sign_in_ends_the_session_its_cookie_named() {
    let app = spawn_app().await;
    app.user("acme", "eve@acme.test", Role::Admin).await;
    app.user("acme", "fay@acme.test", Role::Member).await;
    let first = app.session("eve@acme.test").await;
    // Someone else signs in on the same browser: it sends the old cookie.
    let r = app
        .sign_in_with("fay@acme.test", "pw-fay@acme.test", &[("cookie", &first)])
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let second = r.set_cookie.expect("Set-Cookie");
    let second = second.split(';').next().expect("pair").to_owned();
    assert_eq!(
        list_with_cookie(&app, &first).await,
        401,
        "the old session ended"
    );
    assert_eq!(list_with_cookie(&app, &second).await, 200);
}

#[tokio::test]
async fn over_https_the_cookie_is_host_prefixed_and_only_that_name_counts() {
    let mut config = crate::server::testing::test_config(&crate::server::testing::sqlite_url());
    config.secure_cookies = true;
    let app = crate::server::testing::spawn_app_configured(config, None).await;
    app.user("acme", "gil@acme.test", Role::Admin).await;
    let r = app.sign_in("gil@acme.test", "pw-gil@acme.test").await;
    let set = r.set_cookie.expect("Set-Cookie");
    assert!(set.starts_with("__Host-sb_session="), "{set}");
    assert!(
        set.contains("; Path=/;") && set.ends_with("; Secure"),
        "{set}"
    );
    assert!(!set.contains("Domain"), "{set}");
    let pair = set.split(';').next().expect("pair").to_owned();
    assert_eq!(list_with_cookie(&app, &pair).await, 200);
    let token = pair.split_once('=').expect("value").1;
    assert_eq!(
        list_with_cookie(&app, &format!("sb_session={token}")).await,
        401,
        "the unprefixed name is not read over HTTPS"
    );
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_that_user_only() {
    let app = spawn_app().await;
    app.user("acme", "hal@acme.test", Role::Admin).await;
    app.user("acme", "ivy@acme.test", Role::Admin).await;
    let laptop = app.session("hal@acme.test").await;
    let phone = app.session("hal@acme.test").await;
    let someone_else = app.session("ivy@acme.test").await;
    // Nobody signed in cannot do it.
    let anonymous = app.call("auth/sign-out-everywhere", None, json!({})).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);

    let r = app
        .call("auth/sign-out-everywhere", Some(&phone), json!({}))
        .await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (200, "2"),
        "two sessions ended"
    );
    assert!(
        r.set_cookie
            .as_deref()
            .is_some_and(|c| c.contains("Max-Age=0")),
        "this browser's cookie is cleared: {:?}",
        r.set_cookie
    );
    for ended in [&laptop, &phone] {
        assert_eq!(list_with_cookie(&app, ended).await, 401);
    }
    assert_eq!(
        list_with_cookie(&app, &someone_else).await,
        200,
        "others stay signed in"
    );
}
