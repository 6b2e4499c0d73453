//! Step-up authorization at a real OpenID provider: the MCP server (npm
//! `oidc-provider`'s peer with `OIDC_LIST_SCOPE`) lets a token with
//! `mcp:tools` in but answers its tool list 403 `insufficient_scope`,
//! naming `mcp:tools mcp:admin`. Test Connection says so, the grant keeps
//! what was asked for, and the next authorization asks for both scopes;
//! once granted, the test is green and nothing more is wanted; then
//! disconnecting revokes the grant at the provider.

use super::*;
use crate::server::services::oauth_grants;
use crate::server::testing::OidcPeer;

#[tokio::test]
async fn a_403_insufficient_scope_is_kept_and_the_next_authorization_asks_for_more() {
    let peer = OidcPeer::start_with(&[("OIDC_LIST_SCOPE", "mcp:admin")]).await;
    let app = app_on(None).await;
    let (bearer, cookie) = admin(&app).await;
    let server = oauth_server(&app, &bearer, &peer.mcp_url()).await;
    let authorize = format!("/api/skills/mcp-oauth/authorize?mcpServerId={server}&tenantSlug=acme");
    let connect = |expected_scope: &'static str| {
        let (app, peer, cookie, authorize) = (&app, &peer, &cookie, &authorize);
        async move {
            let start = app.get(authorize, Some(cookie)).await;
            assert_eq!(start.status, 303, "{}", start.body);
            let to_provider = start.location.expect("to the provider");
            assert_eq!(
                query_param(&to_provider, "scope").as_deref(),
                Some(expected_scope),
                "{to_provider}"
            );
            let back = peer.sign_in_and_consent(&to_provider).await;
            let page = app
                .get(back.trim_start_matches(&app.base), Some(cookie))
                .await;
            assert_eq!(outcome_of(&page.body)["ok"], true, "{}", page.body);
        }
    };
    let test = || async {
        let (_, outcome) = app
            .rest_json(
                "POST",
                &format!("/api/skills/mcp-servers/{server}/test"),
                Some(&bearer),
                &[("x-tenant-slug", "acme")],
                None,
            )
            .await;
        outcome
    };
    let grant = || async {
        let (tenant, user) = (app.tenant_id("acme").await, app.user_id(ADMIN).await);
        app.state
            .ports
            .store
            .grant(tenant, user, server)
            .await
            .expect("q")
            .expect("a grant")
    };

    // What the metadata and the 401 ask for: mcp:tools only.
    connect("mcp:tools").await;
    let first = grant().await;
    assert_eq!(first.scopes, "mcp:tools");
    assert!(oauth_grants::view(&first).wanted_scopes.is_empty());

    let refused = test().await;
    assert_eq!(refused["ok"], false, "{refused}");
    let error = refused["error"].as_str().unwrap_or_default();
    assert!(error.starts_with("auth"), "{error}");
    assert!(
        error.contains("insufficient scope") && error.contains("mcp:admin"),
        "{error}"
    );
    assert_eq!(
        oauth_grants::view(&grant().await).wanted_scopes,
        ["mcp:admin"],
        "the grant keeps what the server asked for"
    );
    // Asked again, nothing new is wanted and nothing changes.
    assert_eq!(test().await["ok"], false);
    assert_eq!(
        grant().await.wanted_scopes.as_deref(),
        Some("mcp:tools mcp:admin")
    );

    // The next authorization keeps mcp:tools and asks for mcp:admin too.
    connect("mcp:tools mcp:admin").await;
    let widened = grant().await;
    assert_eq!(
        widened.scopes.split_whitespace().count(),
        2,
        "{}",
        widened.scopes
    );
    assert!(widened.scopes.contains("mcp:admin"), "{}", widened.scopes);
    assert_eq!(widened.wanted_scopes, None, "a new grant clears it");
    let green = test().await;
    assert_eq!(green["ok"], true, "{green}");
    assert_eq!(peer.stats().await.codes, 2);

    // Disconnecting revokes at the provider (RFC 7009, over plain HTTP on
    // loopback here: the outbound guard decides, not the URL's scheme).
    let (status, cleared) = app
        .rest_json(
            "DELETE",
            &format!("/api/skills/user-mcp-tokens/{server}"),
            Some(&bearer),
            &[],
            None,
        )
        .await;
    assert_eq!(
        (status, cleared["cleared"].clone()),
        (200, json!(true)),
        "{cleared}"
    );
    assert_eq!(peer.stats().await.revocations, 1);
}
