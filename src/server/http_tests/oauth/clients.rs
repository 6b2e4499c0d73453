//! Seed 000's OAuth with the two clients that are not Switchboard's own:
//! an admin's app, entered by hand (it comes first: no discovery, no
//! registration), and ibl.ai's published Python client driving the
//! connectors.

use serde_json::{Value, json};

use super::services::Seed000;
use super::*;

/// An admin's own app comes first: no discovery, no registration; the
/// flow goes out with the admin's client id and back through its secret.
#[tokio::test]
async fn an_admin_entered_client_connects_without_registering() {
    use crate::domain::NewAdminClient;
    use crate::server::services::oauth_services;

    let t = Seed000::new(None).await;
    let s = &t.s;
    // The admin's app, registered at the authorization server by hand.
    let registered: Value = s
        .app
        .http
        .post(format!("{}register", s.peer.issuer()))
        .json(&json!({
            "client_name": "Acme's own app",
            "redirect_uris": [format!("{}/api/skills/mcp-oauth/callback", s.app.base)],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            // The SDK's authorization server reads client credentials
            // from the form body only.
            "token_endpoint_auth_method": "client_secret_post",
        }))
        .send()
        .await
        .expect("register")
        .json()
        .await
        .expect("json");
    let client_id = registered["client_id"]
        .as_str()
        .expect("client_id")
        .to_owned();
    let store = &s.app.state.ports.store;
    let tenant = store
        .tenant_by_slug("acme")
        .await
        .expect("q")
        .expect("acme");
    let admin = store
        .user_by_username(&t.user)
        .await
        .expect("q")
        .expect("admin");
    let actor = store
        .actor(tenant.id, admin.id)
        .await
        .expect("q")
        .expect("actor");
    let service = oauth_services::create_admin(
        &s.app.state.ports,
        &actor,
        &s.app.base,
        NewAdminClient {
            name: "acme-notes".into(),
            display_name: "Acme Notes".into(),
            issuer: s.peer.issuer(),
            authorization_endpoint: format!("{}authorize", s.peer.issuer()),
            token_endpoint: format!("{}token", s.peer.issuer()),
            client_id: client_id.clone(),
            client_secret: registered["client_secret"].as_str().map(str::to_owned),
            use_basic_auth: false,
            ..NewAdminClient::default()
        },
    )
    .await
    .expect("an admin's client");
    let view = service.view();
    assert_eq!(view.provider, "acme-notes");
    assert!(
        view.redirect_uri
            .ends_with("/api/skills/mcp-oauth/callback")
    );
    assert_eq!(
        view.has_client_secret,
        registered["client_secret"].is_string()
    );

    // The same name again is refused, and leaves nothing behind.
    let secrets = secrets_in_vault(&s.app).await;
    let again = oauth_services::create_admin(
        &s.app.state.ports,
        &actor,
        &s.app.base,
        NewAdminClient {
            name: "acme-notes".into(),
            authorization_endpoint: format!("{}authorize", s.peer.issuer()),
            token_endpoint: format!("{}token", s.peer.issuer()),
            client_id: "x".into(),
            client_secret: Some("will-not-stay".into()),
            ..NewAdminClient::default()
        },
    )
    .await;
    assert!(again.is_err(), "a duplicate name");
    assert_eq!(secrets_in_vault(&s.app).await, secrets, "no orphan secret");

    let (status, linked) = t
        .send(
            "PATCH",
            &t.mentor(&format!("mcp-servers/{}/", s.server)),
            Some(json!({ "oauth_service": view.id })),
        )
        .await;
    assert_eq!(status, 200, "{linked}");
    let start = s.app.get(&s.authorize_path(), Some(&s.cookie)).await;
    assert_eq!(start.status, 303, "{}", start.body);
    let to_as = start.location.expect("to the authorization server");
    assert_eq!(query_param(&to_as, "client_id"), Some(client_id));
    let back = s.to_callback(&s.cookie).await;
    let page = s.app.get(&back, Some(&s.cookie)).await;
    assert_eq!(outcome_of(&page.body)["ok"], true, "{}", page.body);
    assert_eq!(s.auth_status().await, "active");
    assert_eq!(s.test_connection().await["ok"], true);
}

/// The same connectors through ibl.ai's published Python client, every
/// answer validated by its own models (`end2end/clients/iblai_oauth.py`):
/// find, link, providers, scopes, start; then, once the account is
/// connected in the browser, list, retrieve and delete.
#[tokio::test]
async fn the_published_iblai_client_drives_the_oauth_connectors() {
    let t = Seed000::new(None).await;
    let s = &t.s;
    let python = crate::server::http_tests::iblai_client::iblai_python();
    assert!(
        python.exists(),
        "ibl.ai's client venv not found at {}: run `./dev test`, which installs it",
        python.display()
    );
    let token = s.app.token("acme", ADMIN).await;
    let user = &t.user;
    let run = |phase: &'static str| {
        let python = python.clone();
        let token = token.clone();
        async move {
            let out = tokio::process::Command::new(python)
                .arg(crate::server::testing::repo_root().join("end2end/clients/iblai_oauth.py"))
                .env("SB_HOST", &s.app.base)
                .env("SB_TOKEN", &token)
                .env("SB_ORG", "acme")
                .env("SB_USER", user)
                .env("SB_MCP_URL", s.peer.mcp_url())
                .env("SB_SERVER", s.server.to_string())
                .env("SB_PHASE", phase)
                .output()
                .await
                .expect("run the iblai client script");
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{phase}: {stdout}\n{stderr}");
            assert!(!stdout.contains(&token) && !stderr.contains(&token));
            stdout
        }
    };
    let found = run("find").await;
    assert!(found.contains("iblai oauth 6 checks passed"), "{found}");
    let auth_url = found
        .lines()
        .find_map(|l| l.strip_prefix("AUTH_URL "))
        .expect("the start route's auth_url");
    assert_eq!(auth_url, format!("{}{}", s.app.base, s.authorize_path()));
    let back = s.to_callback(&s.cookie).await;
    assert_eq!(s.app.get(&back, Some(&s.cookie)).await.status, 200);
    let connected = run("connected").await;
    assert!(
        connected.contains("iblai oauth 3 checks passed"),
        "{connected}"
    );
    assert_eq!(s.auth_status().await, "not_connected");
}
