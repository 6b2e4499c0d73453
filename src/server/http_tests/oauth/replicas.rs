//! One grant, two replicas: an account connected at a real OpenID provider
//! (npm `oidc-provider`, signed in and consented on its own pages), whose
//! token is due, asked for ten times at once through two app instances
//! (each its own pool, cache and listener) sharing one PostgreSQL. The
//! database lease lets exactly one of them refresh at the provider; the
//! other nine wait for it and use the new token, and the provider's
//! rotating refresh token is never spent twice.

use secrecy::ExposeSecret;
use std::sync::Arc;

use super::*;
use crate::server::clock::FixedClock;
use crate::server::services::oauth_grants::{self, Fresh};
use crate::server::testing::OidcPeer;

#[tokio::test]
async fn ten_resolutions_on_two_replicas_refresh_a_due_grant_exactly_once() {
    let Some(url) = postgres_url().await else {
        return;
    };
    let peer = OidcPeer::start().await;
    let one = app_on(Some(url.clone())).await;
    let two = app_on(Some(url)).await;
    let (bearer, cookie) = admin(&one).await;
    let server = oauth_server(&one, &bearer, &peer.mcp_url()).await;

    // Connect in the "browser": our redirect, the provider's login and
    // consent pages, its redirect back, our callback.
    let start = one
        .get(
            &format!("/api/skills/mcp-oauth/authorize?mcpServerId={server}&tenantSlug=acme"),
            Some(&cookie),
        )
        .await;
    assert_eq!(start.status, 303, "{}", start.body);
    let back = peer
        .sign_in_and_consent(&start.location.expect("to the provider"))
        .await;
    assert!(
        back.starts_with(&format!("{}/api/skills/mcp-oauth/callback?", one.base)),
        "{back}"
    );
    assert!(back.contains("iss="), "RFC 9207: the provider names itself");
    let page = one
        .get(back.trim_start_matches(&one.base), Some(&cookie))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let before = peer.stats().await;
    assert_eq!((before.codes, before.refreshes), (1, 0), "{before:?}");
    // The provider gave a refresh token, so the grant renews itself: the
    // Overview does not list it, however soon its access token ends.
    let overview = crate::server::http_tests::overview::overview_of(&one, &cookie).await;
    assert_eq!(
        overview["grants_due"],
        serde_json::json!([]),
        "a grant that renews itself is not due"
    );

    let (tenant, user) = (one.tenant_id("acme").await, one.user_id(ADMIN).await);
    let Fresh::Token(first) = oauth_grants::access_token(&one.state.ports, tenant, user, server)
        .await
        .expect("a token")
    else {
        panic!("the new grant is usable");
    };
    assert_eq!(
        peer.stats().await.refreshes,
        0,
        "a fresh token is not renewed"
    );

    // 50 seconds on, the 90-second token is past half its life: due, on
    // both replicas at once.
    let later = |app: &TestApp| {
        let mut ports = app.state.ports.clone();
        ports.clock = Arc::new(FixedClock::new(
            chrono::Utc::now() + chrono::Duration::seconds(50),
        ));
        ports
    };
    let (a, b) = (later(&one), later(&two));
    let asks = (0..10).map(|i| {
        let ports = if i % 2 == 0 { &a } else { &b };
        oauth_grants::access_token(ports, tenant, user, server)
    });
    let answers = futures::future::join_all(asks).await;
    let tokens: Vec<String> = answers
        .into_iter()
        .map(|answer| match answer.expect("an answer") {
            Fresh::Token(token) => token.expose_secret().to_owned(),
            Fresh::NeedsConnection(why) => panic!("the grant was lost: {why}"),
        })
        .collect();
    let after = peer.stats().await;
    assert_eq!(
        after.refreshes,
        before.refreshes + 1,
        "exactly one refresh at the provider for ten asks on two replicas"
    );
    assert!(
        tokens.iter().all(|t| *t == tokens[0]),
        "every ask got the one new token"
    );
    assert_ne!(tokens[0], first.expose_secret(), "the token was renewed");

    // The renewed grant is what a test on the other replica sends.
    let (_, tested) = two
        .rest_json(
            "POST",
            &format!("/api/skills/mcp-servers/{server}/test"),
            Some(&bearer),
            &[("x-tenant-slug", "acme")],
            None,
        )
        .await;
    assert_eq!(tested["ok"], true, "{tested}");
    assert_eq!(peer.stats().await.refreshes, after.refreshes);
}
