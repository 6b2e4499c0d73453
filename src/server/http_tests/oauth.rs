//! Connecting an OAuth account end to end against a real MCP server and
//! authorization server (npm `@modelcontextprotocol/sdk`'s example, in its
//! strict mode: it checks RFC 8707's `resource` at both ends): the popup's
//! redirect, the authorization server's redirect back, the callback page,
//! the grant in the vault, a test connection with its token, the
//! caller's server list, and clearing the grant. Then every way a
//! callback can be wrong: replayed, tampered, expired, another browser's,
//! another issuer's.

use serde_json::json;

use crate::domain::{Role, ServerId};
use crate::server::oauth::flow_secret::{self, FlowSecrets};
use crate::server::store::OAuthStateRecord;
use crate::server::testing::{
    SdkOAuthPeer, TestApp, postgres_url, spawn_app_configured, sqlite_url, test_config,
};

const ADMIN: &str = "admin@acme.test";

/// The vault's own count, on either engine.
async fn secrets_in_vault(app: &TestApp) -> usize {
    app.state
        .ports
        .vault
        .list_managed()
        .await
        .expect("list the vault")
        .len()
}

/// The SDK's URLs say `localhost`, which resolves to `::1` as well.
async fn app_on(database_url: Option<String>) -> TestApp {
    let url = database_url.unwrap_or_else(sqlite_url);
    let mut config = test_config(&url);
    config.outbound_allow.push("::1/128".into());
    spawn_app_configured(config, None).await
}

struct Setup {
    app: TestApp,
    peer: SdkOAuthPeer,
    bearer: String,
    cookie: String,
    server: i64,
}

async fn setup(database_url: Option<String>) -> Setup {
    let app = app_on(database_url).await;
    let peer = SdkOAuthPeer::start().await;
    app.user("acme", ADMIN, Role::Admin).await;
    let bearer = format!("Bearer {}", app.token("acme", ADMIN).await);
    let cookie = app.session(ADMIN).await;
    let (status, made) = app
        .rest_json(
            "POST",
            "/api/skills/mcp-servers",
            Some(&bearer),
            &[("x-tenant-slug", "acme")],
            Some(json!({ "name": "Notes", "url": peer.mcp_url(), "authType": "oauth" })),
        )
        .await;
    assert_eq!(status, 200, "{made}");
    let server = made["id"].as_i64().expect("id");
    Setup {
        app,
        peer,
        bearer,
        cookie,
        server,
    }
}

fn query_param(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

impl Setup {
    fn authorize_path(&self) -> String {
        format!(
            "/api/skills/mcp-oauth/authorize?mcpServerId={}&tenantSlug=acme",
            self.server
        )
    }

    /// The popup's first two hops: our redirect to the authorization
    /// server, and its (auto-approving) redirect back to our callback.
    async fn to_callback(&self, cookie: &str) -> String {
        let start = self.app.get(&self.authorize_path(), Some(cookie)).await;
        assert_eq!(start.status, 303, "{}", start.body);
        let to_as = start
            .location
            .expect("a redirect to the authorization server");
        assert!(
            to_as.starts_with(&format!("{}authorize?", self.peer.issuer())),
            "{to_as}"
        );
        assert_eq!(
            query_param(&to_as, "code_challenge_method").as_deref(),
            Some("S256")
        );
        assert_eq!(query_param(&to_as, "resource"), Some(self.peer.mcp_url()));
        assert_eq!(
            query_param(&to_as, "response_type").as_deref(),
            Some("code")
        );
        assert!(query_param(&to_as, "code_challenge").is_some_and(|c| c.len() == 43));
        assert!(
            query_param(&to_as, "code_verifier").is_none(),
            "the verifier never leaves the server"
        );
        let approved = self
            .app
            .http
            .get(&to_as)
            .send()
            .await
            .expect("the authorization server");
        assert_eq!(approved.status().as_u16(), 302);
        let back = approved
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .expect("redirect back")
            .to_owned();
        let ours = format!("{}/api/skills/mcp-oauth/callback?", self.app.base);
        assert!(back.starts_with(&ours), "{back}");
        back.trim_start_matches(&self.app.base).to_owned()
    }

    async fn auth_status(&self) -> String {
        let (status, list) = self
            .app
            .rest_json(
                "GET",
                "/api/skills/user-mcp-servers",
                Some(&self.bearer),
                &[],
                None,
            )
            .await;
        assert_eq!(status, 200, "{list}");
        let row = list["servers"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["id"] == self.server))
            .cloned()
            .unwrap_or_else(|| panic!("the server is listed: {list}"));
        row["authStatus"].as_str().unwrap_or_default().to_owned()
    }

    async fn test_connection(&self) -> serde_json::Value {
        let (_, outcome) = self
            .app
            .rest_json(
                "POST",
                &format!("/api/skills/mcp-servers/{}/test", self.server),
                Some(&self.bearer),
                &[("x-tenant-slug", "acme")],
                None,
            )
            .await;
        outcome
    }
}

fn outcome_of(page: &str) -> serde_json::Value {
    let start = page
        .find(r#"id="sb-oauth-outcome">"#)
        .expect("the page carries its outcome")
        + r#"id="sb-oauth-outcome">"#.len();
    let end = start + page[start..].find("</script>").expect("end");
    serde_json::from_str(&page[start..end]).expect("outcome JSON")
}

async fn connect_test_and_disconnect(s: Setup) {
    assert_eq!(s.auth_status().await, "not_connected");
    let before = s.test_connection().await;
    assert_eq!(before["ok"], false, "without a grant: {before}");
    let secrets = secrets_in_vault(&s.app).await;

    let back = s.to_callback(&s.cookie).await;
    let page = s.app.get(&back, Some(&s.cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let outcome = outcome_of(&page.body);
    assert_eq!(outcome["ok"], true, "{outcome}");
    assert_eq!(outcome["serverId"], s.server);
    assert_eq!(outcome["source"], "switchboard:oauth");
    assert!(
        page.body
            .contains("window.opener.postMessage(outcome, window.location.origin)")
    );
    assert_eq!(
        secrets_in_vault(&s.app).await,
        secrets + 1,
        "the token set is one vault secret"
    );
    assert_eq!(s.auth_status().await, "active");

    let tested = s.test_connection().await;
    assert_eq!(
        tested["ok"], true,
        "the grant's token opens the server: {tested}"
    );
    assert!(
        tested["tools"].as_array().is_some_and(|t| !t.is_empty()),
        "{tested}"
    );

    // The same callback again: the state was used.
    let replay = s.app.get(&back, Some(&s.cookie)).await;
    assert_eq!(replay.status, 400);
    assert_eq!(outcome_of(&replay.body)["reason"], "invalid_state");

    let path = format!("/api/skills/user-mcp-tokens/{}", s.server);
    let (status, cleared) = s
        .app
        .rest_json("DELETE", &path, Some(&s.bearer), &[], None)
        .await;
    assert_eq!(
        (status, cleared.clone()),
        (200, json!({ "ok": true, "cleared": true }))
    );
    let (_, again) = s
        .app
        .rest_json("DELETE", &path, Some(&s.bearer), &[], None)
        .await;
    assert_eq!(again, json!({ "ok": true, "message": "No token found" }));
    assert_eq!(s.auth_status().await, "not_connected");
    assert_eq!(
        secrets_in_vault(&s.app).await,
        secrets,
        "the token set left the vault"
    );
    let after = s.test_connection().await;
    assert_eq!(after["ok"], false, "{after}");
}

#[tokio::test]
async fn an_account_connects_tests_green_and_disconnects_on_sqlite() {
    connect_test_and_disconnect(setup(None).await).await;
}

#[tokio::test]
async fn an_account_connects_tests_green_and_disconnects_on_postgres() {
    let Some(url) = postgres_url().await else {
        return;
    };
    connect_test_and_disconnect(setup(Some(url)).await).await;
}

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
