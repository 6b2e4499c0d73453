//! Every way a flow can be wrong: a callback replayed, tampered, from
//! another browser or issuer, refused at the authorization server or too
//! late; and who may begin one at all.

use serde_json::json;

use super::*;

#[tokio::test]
async fn a_callback_is_refused_when_tampered_from_another_session_or_another_issuer() {
    let s = setup(None).await;

    // Tampered: a state Switchboard never issued.
    let back = s.to_callback(&s.cookie).await;
    let state = query_param(&format!("http://x{back}"), "state").expect("state");
    let tampered = back.replace(&state, &format!("{state}x"));
    let page = s.app.get(&tampered, Some(&s.cookie)).await;
    assert_eq!(outcome_of(&page.body)["reason"], "invalid_state");

    // Another session of the same user: the flow is bound to the browser
    // that began it, and it is used up by the attempt.
    let other = s.app.session(ADMIN).await;
    let page = s.app.get(&back, Some(&other)).await;
    assert_eq!(outcome_of(&page.body)["reason"], "wrong_session");
    let page = s.app.get(&back, Some(&s.cookie)).await;
    assert_eq!(outcome_of(&page.body)["reason"], "invalid_state");

    // No session at all.
    let back = s.to_callback(&s.cookie).await;
    let page = s.app.get(&back, None).await;
    assert_eq!(outcome_of(&page.body)["reason"], "wrong_session");

    // RFC 9207: an answer naming another issuer is not redeemed.
    let back = s.to_callback(&s.cookie).await;
    let page = s
        .app
        .get(
            &format!("{back}&iss=https%3A%2F%2Fevil.example"),
            Some(&s.cookie),
        )
        .await;
    let outcome = outcome_of(&page.body);
    assert_eq!(outcome["reason"], "issuer_mismatch", "{outcome}");
    // …and naming the right one is.
    let back = s.to_callback(&s.cookie).await;
    let iss: String = url::form_urlencoded::byte_serialize(s.peer.issuer().as_bytes()).collect();
    let page = s
        .app
        .get(&format!("{back}&iss={iss}"), Some(&s.cookie))
        .await;
    assert_eq!(outcome_of(&page.body)["ok"], true, "{}", page.body);

    // The authorization server's refusal is passed on.
    let back = s.to_callback(&s.cookie).await;
    let state = query_param(&format!("http://x{back}"), "state").expect("state");
    let page = s
        .app
        .get(
            &format!(
                "/api/skills/mcp-oauth/callback?state={state}&error=access_denied&error_description=No%20thanks"
            ),
            Some(&s.cookie),
        )
        .await;
    let outcome = outcome_of(&page.body);
    assert_eq!(outcome["reason"], "access_denied");
    assert!(
        outcome["message"]
            .as_str()
            .unwrap_or_default()
            .contains("No thanks")
    );

    let page = s
        .app
        .get("/api/skills/mcp-oauth/callback?code=abc", Some(&s.cookie))
        .await;
    assert_eq!(outcome_of(&page.body)["reason"], "missing_code_or_state");
}

#[tokio::test]
async fn an_expired_flow_is_refused() {
    let s = setup(None).await;
    let store = &s.app.state.ports.store;
    // A flow as `begin` keeps it, but begun eleven minutes ago.
    let tenant = store
        .tenant_by_slug("acme")
        .await
        .expect("q")
        .expect("acme");
    let user = store.user_by_email(ADMIN).await.expect("q").expect("admin");
    let client = {
        // A real registration, made by beginning one flow.
        let _ = s.to_callback(&s.cookie).await;
        store
            .latest_oauth_client(
                tenant.id,
                &s.peer.issuer(),
                &format!("{}/api/skills/mcp-oauth/callback", s.app.base),
            )
            .await
            .expect("q")
            .expect("registered")
    };
    let flow = FlowSecrets::generate();
    let session = s
        .cookie
        .split_once('=')
        .map(|(_, v)| v)
        .expect("cookie value");
    let now = chrono::Utc::now();
    use secrecy::ExposeSecret;
    store
        .insert_oauth_state(
            &OAuthStateRecord {
                state_hash: flow_secret::state_hash(flow.state.expose_secret()),
                tenant_id: tenant.id,
                user_id: user.id,
                server_id: ServerId::new(s.server),
                client_row_id: client.id,
                session_hash: flow_secret::session_hash(session),
                sealed_verifier: flow_secret::seal(&flow.state, &flow.verifier),
                resource: s.peer.mcp_url(),
                scopes: String::new(),
                created_at: now - chrono::Duration::minutes(11),
                expires_at: now - chrono::Duration::minutes(1),
            },
            now - chrono::Duration::minutes(11),
        )
        .await
        .expect("stored");
    let page = s
        .app
        .get(
            &format!(
                "/api/skills/mcp-oauth/callback?code=abc&state={}",
                flow.state.expose_secret()
            ),
            Some(&s.cookie),
        )
        .await;
    assert_eq!(outcome_of(&page.body)["reason"], "expired_state");
}

#[tokio::test]
async fn authorize_is_for_the_signed_in_user_of_their_own_tenant() {
    let s = setup(None).await;
    s.app.user("globex", "admin@globex.test", Role::Admin).await;
    let stranger = s.app.session("admin@globex.test").await;

    // Not signed in: sign in first, then back to this very request.
    let page = s.app.get(&s.authorize_path(), None).await;
    assert_eq!(page.status, 303);
    let next: String =
        url::form_urlencoded::byte_serialize(s.authorize_path().as_bytes()).collect();
    assert_eq!(page.location, Some(format!("/login?next={next}")));
    // The JSON form has no page to go back to: 401.
    let json_path = format!("{}&response=json", s.authorize_path());
    assert_eq!(s.app.get(&json_path, None).await.status, 401);

    // Another tenant's admin, naming the first tenant's server: 404 either
    // way it names the tenant, and for its own tenant too.
    let page = s.app.get(&s.authorize_path(), Some(&stranger)).await;
    assert_eq!(page.status, 404, "{}", page.body);
    let own = format!(
        "/api/skills/mcp-oauth/authorize?mcpServerId={}&tenantSlug=globex",
        s.server
    );
    assert_eq!(s.app.get(&own, Some(&stranger)).await.status, 404);

    // Another user's id: 403, never a flow for someone else.
    let other_user = format!("{}&userId=someone-else", s.authorize_path());
    let page = s.app.get(&other_user, Some(&s.cookie)).await;
    assert_eq!(page.status, 403);
    assert_eq!(outcome_of(&page.body)["reason"], "forbidden");

    // The JSON form, for clients that open the browser themselves.
    let json_path = format!("{}&response=json", s.authorize_path());
    let r = s.app.get(&json_path, Some(&s.cookie)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.json()["authorizeUrl"]
            .as_str()
            .is_some_and(|u| u.starts_with(&s.peer.issuer()))
    );
    let r = s
        .app
        .get(
            "/api/skills/mcp-oauth/authorize?response=json",
            Some(&s.cookie),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["error"], "mcpServerId is required");

    // A server that does not use OAuth.
    let (_, plain) = s
        .app
        .rest_json(
            "POST",
            "/api/skills/mcp-servers",
            Some(&s.bearer),
            &[("x-tenant-slug", "acme")],
            Some(json!({ "name": "Plain", "url": s.peer.mcp_url() })),
        )
        .await;
    let path = format!(
        "/api/skills/mcp-oauth/authorize?mcpServerId={}&response=json",
        plain["id"]
    );
    let r = s.app.get(&path, Some(&s.cookie)).await;
    assert_eq!(r.status, 422, "{}", r.body);

    // The caller's own grant routes: another tenant's server is not found.
    let stranger_token = format!(
        "Bearer {}",
        s.app.token("globex", "admin@globex.test").await
    );
    let (status, _) = s
        .app
        .rest_json(
            "DELETE",
            &format!("/api/skills/user-mcp-tokens/{}", s.server),
            Some(&stranger_token),
            &[],
            None,
        )
        .await;
    assert_eq!(status, 404);
}
