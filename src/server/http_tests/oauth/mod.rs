//! Connecting an OAuth account end to end against a real MCP server and
//! authorization server (npm `@modelcontextprotocol/sdk`'s example, in its
//! strict mode: it checks RFC 8707's `resource` at both ends): the popup's
//! redirect, the authorization server's redirect back, the callback page,
//! the grant in the vault, a test connection with its token, the
//! caller's server list, and clearing the grant. Then every way a
//! callback can be wrong: replayed, tampered, expired, another browser's,
//! another issuer's.

use serde_json::json;

mod clients;
mod grants;
mod refusals;
mod replicas;
mod services;
mod step_up;

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

/// Acme's admin, signed in: their bearer token and session cookie.
async fn admin(app: &TestApp) -> (String, String) {
    app.user("acme", ADMIN, Role::Admin).await;
    let bearer = format!("Bearer {}", app.token("acme", ADMIN).await);
    (bearer, app.session(ADMIN).await)
}

/// An OAuth server "Notes" at `url`, registered through seed 002.
async fn oauth_server(app: &TestApp, bearer: &str, url: &str) -> ServerId {
    let (status, made) = app
        .rest_json(
            "POST",
            "/api/skills/mcp-servers",
            Some(bearer),
            &[("x-tenant-slug", "acme")],
            Some(json!({ "name": "Notes", "url": url, "authType": "oauth" })),
        )
        .await;
    assert_eq!(status, 200, "{made}");
    ServerId::new(made["id"].as_i64().expect("id"))
}

async fn setup(database_url: Option<String>) -> Setup {
    let app = app_on(database_url).await;
    let peer = SdkOAuthPeer::start().await;
    let (bearer, cookie) = admin(&app).await;
    let server = oauth_server(&app, &bearer, &peer.mcp_url()).await.get();
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

    /// The OAuth sign-ins the Overview lists as ended or ending, as its
    /// page reads them (the signed-in admin sees everyone's).
    async fn grants_on_overview(&self) -> Vec<serde_json::Value> {
        let overview =
            crate::server::http_tests::overview::overview_of(&self.app, &self.cookie).await;
        overview["grants_due"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("grants_due: {overview}"))
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
