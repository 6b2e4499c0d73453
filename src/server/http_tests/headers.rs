//! Every response, page or API, error or not, carries the browser-facing
//! security headers (HSTS only when the site is served over HTTPS) and a
//! request id.

use crate::server::testing::{spawn_app, spawn_app_configured, sqlite_url, test_config};

const ALWAYS: [(&str, &str); 3] = [
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
];

async fn headers_of(http: &reqwest::Client, url: &str) -> reqwest::header::HeaderMap {
    http.get(url).send().await.expect("GET").headers().clone()
}

#[tokio::test]
async fn pages_apis_and_errors_carry_the_security_headers() {
    let app = spawn_app().await;
    // A page, a redirect, a REST error, a 404 and a health check.
    for path in [
        "/login",
        "/mcp-servers",
        "/api/skills/mcp-servers",
        "/no-such-page",
        "/healthz",
    ] {
        let headers = headers_of(&app.http, &format!("{}{path}", app.base)).await;
        for (name, value) in ALWAYS {
            assert_eq!(
                headers.get(name).and_then(|v| v.to_str().ok()),
                Some(value),
                "{path}: {name}"
            );
        }
        let csp = csp_of(&headers);
        for directive in [
            "frame-ancestors 'none'",
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {directive} in {csp}");
        }
        assert!(
            headers.get("strict-transport-security").is_none(),
            "{path}: no HSTS over plain HTTP"
        );
    }
}

fn csp_of(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The nonce `script-src` allows, from a CSP header.
fn nonce_in(csp: &str) -> &str {
    csp.split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_page_runs_only_the_scripts_its_csp_nonce_allows() {
    let app = spawn_app().await;
    let mut nonces = std::collections::HashSet::new();
    for path in ["/login", "/login", "/no-such-page"] {
        let response = app
            .http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("GET");
        let csp = csp_of(response.headers());
        assert!(
            csp.contains("script-src 'self' 'nonce-") && csp.contains("'wasm-unsafe-eval'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        let nonce = nonce_in(&csp).to_owned();
        assert!(nonce.len() >= 16, "{path}: a real nonce, got {nonce:?}");
        assert!(
            nonces.insert(nonce.clone()),
            "{path}: a new nonce per response"
        );
        // Every script of the page carries the header's nonce, and the
        // hydration script is one of them.
        let html = response.text().await.expect("body");
        let scripts: Vec<&str> = html.split("<script").skip(1).collect();
        assert!(
            !scripts.is_empty(),
            "{path}: the page has its hydration script"
        );
        for script in scripts {
            let tag = script.split('>').next().unwrap_or_default();
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: <script{tag}> lacks the nonce {nonce}"
            );
        }
    }
    // An API answer gets a policy too (with its own nonce), and a server
    // image keeps its stricter one (see images.rs).
    let api = headers_of(&app.http, &format!("{}/api/skills/mcp-servers", app.base)).await;
    assert!(csp_of(&api).contains("'nonce-"));
}

#[tokio::test]
async fn hsts_is_sent_when_the_site_is_served_over_https() {
    let mut config = test_config(&sqlite_url());
    config.secure_cookies = true;
    let app = spawn_app_configured(config, None).await;
    let headers = headers_of(&app.http, &format!("{}/login", app.base)).await;
    assert_eq!(
        headers
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_a_given_one_is_kept() {
    let app = spawn_app().await;
    let mut seen = std::collections::HashSet::new();
    for path in [
        "/healthz",
        "/login",
        "/api/skills/mcp-servers",
        "/no-such-page",
    ] {
        let headers = headers_of(&app.http, &format!("{}{path}", app.base)).await;
        let id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(id.len(), 36, "{path}: a UUID, got {id:?}");
        assert!(seen.insert(id), "{path}: ids differ per request");
    }
    let echoed = app
        .http
        .get(format!("{}/healthz", app.base))
        .header("x-request-id", "trace-from-the-proxy-42")
        .send()
        .await
        .expect("GET");
    assert_eq!(
        echoed
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("trace-from-the-proxy-42")
    );
}

async fn status_for_host(app: &crate::server::testing::TestApp, path: &str, host: &str) -> u16 {
    app.http
        .get(format!("{}{path}", app.base))
        .header("host", host)
        .send()
        .await
        .expect("GET")
        .status()
        .as_u16()
}

#[tokio::test]
async fn on_loopback_only_local_host_names_are_answered() {
    // The test app listens on 127.0.0.1: a rebound name is refused.
    let app = spawn_app().await;
    let port = app.base.rsplit(':').next().expect("port").to_owned();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "LOCALHOST".into(),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(status_for_host(&app, "/login", &host).await, 200, "{host}");
    }
    for host in ["evil.example", "evil.example:80", "127.0.0.1.evil.example"] {
        assert_eq!(status_for_host(&app, "/login", host).await, 421, "{host}");
        assert_eq!(
            status_for_host(&app, "/api/skills/mcp-servers", host).await,
            421,
            "{host}"
        );
    }
    assert_eq!(
        status_for_host(&app, "/healthz", "10.1.2.3:8080").await,
        200,
        "health checks by address"
    );
}

#[tokio::test]
async fn a_configured_host_list_replaces_the_default() {
    let mut config = test_config(&sqlite_url());
    config.allowed_hosts = vec!["switchboard.example.com".into()];
    let app = spawn_app_configured(config, None).await;
    assert_eq!(
        status_for_host(&app, "/login", "switchboard.example.com").await,
        200
    );
    assert_eq!(
        status_for_host(&app, "/login", "Switchboard.Example.com:443").await,
        200
    );
    assert_eq!(status_for_host(&app, "/login", "localhost").await, 421);
}

/// Server functions take JSON only (sign-in and sign-out, whose forms work
/// without JavaScript, excepted): a cross-site form's body is refused
/// before anything runs, whatever cookie it carries.
#[tokio::test]
async fn server_functions_refuse_form_and_text_bodies() {
    let app = spawn_app().await;
    app.user("acme", "ann@acme.test", crate::domain::Role::Admin)
        .await;
    let cookie = app.session("ann@acme.test").await;
    for content_type in [
        Some("application/x-www-form-urlencoded"),
        Some("text/plain"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut req = app
            .http
            .post(format!("{}/api/agents/create", app.base))
            .header("cookie", &cookie)
            .body("agent[name]=Intruder");
        if let Some(t) = content_type {
            req = req.header("content-type", t);
        }
        let status = req.send().await.expect("send").status().as_u16();
        assert_eq!(status, 415, "{content_type:?}");
    }
    let agents = app
        .call("agents/list", Some(&cookie), serde_json::json!({}))
        .await;
    assert_eq!(agents.json(), serde_json::json!([]), "nothing was made");
    let made = app
        .call(
            "agents/create",
            Some(&cookie),
            serde_json::json!({ "agent": { "name": "Helper", "slug": null } }),
        )
        .await;
    assert_eq!(made.status, 200, "JSON still works: {}", made.body);
    // Sign-in still takes its form.
    let form = app
        .http
        .post(format!("{}/api/auth/sign-in", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=ann%40acme.test&password=wrong")
        .send()
        .await
        .expect("send")
        .status()
        .as_u16();
    assert_ne!(form, 415);
}

/// Arguments that do not decode are the caller's mistake: 400, with the
/// reason as a field error, and nothing made (Leptos alone answers 500).
#[tokio::test]
async fn a_server_function_given_unreadable_arguments_answers_400() {
    let app = spawn_app().await;
    app.user("acme", "ann@acme.test", crate::domain::Role::Admin)
        .await;
    let cookie = app.session("ann@acme.test").await;
    for (body, why) in [
        (serde_json::json!({ "agent": 5 }), "invalid type"),
        (serde_json::json!({ "agent": { "slug": null } }), "name"),
        (serde_json::json!({}), "agent"),
    ] {
        let reply = app.call("agents/create", Some(&cookie), body.clone()).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
        let error = reply.json();
        let message = error["Invalid"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("The request could not be read: ") && message.contains(why),
            "{body}: {error}"
        );
    }
    let agents = app
        .call("agents/list", Some(&cookie), serde_json::json!({}))
        .await;
    assert_eq!(agents.json(), serde_json::json!([]), "nothing was made");
    // An error of the function's own keeps its status.
    let missing = app
        .call(
            "agents/rename",
            Some(&cookie),
            serde_json::json!({ "id": "00000000-0000-4000-8000-000000000000", "name": "X" }),
        )
        .await;
    assert_eq!(missing.status, 404, "{}", missing.body);
}
