//! The official MCP conformance suite's server scenarios (npm
//! `@modelcontextprotocol/conformance server`, its active suite) against
//! one agent's gateway endpoint, with npm server-everything behind it. The
//! suite's CLI takes only a URL, and the gateway answers only a runtime
//! token, so a small proxy in front adds the token, as an agent runtime
//! would; everything else passes through untouched (`Host` included, for
//! the DNS-rebinding scenario). A scenario still failing is listed, with
//! its reason, in `end2end/conformance/gateway-baseline.yml`; the run fails
//! on a failure not listed there and on a listed scenario that passes.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

use super::gateway::{agent_from_template, test_server};
use super::skills_templates::server;
use super::skills_upsert::ThinkWork;
use crate::server::testing::{Peer, repo_root, spawn_app};

/// The largest request a scenario sends is far below this.
const MAX_BODY: usize = 4 * 1024 * 1024;

struct Upstream {
    client: reqwest::Client,
    url: String,
    bearer: HeaderValue,
}

/// Serves on a free loopback port; answers its URL.
async fn token_proxy(url: String, token: &str) -> String {
    let upstream = Arc::new(Upstream {
        client: reqwest::Client::new(),
        url,
        bearer: HeaderValue::from_str(&format!("Bearer {token}")).expect("a header value"),
    });
    let router = axum::Router::new().fallback(move |request: Request| {
        let upstream = upstream.clone();
        async move { forward(&upstream, request).await }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the proxy");
    let at = listener.local_addr().expect("the proxy's address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{at}/mcp")
}

async fn forward(upstream: &Upstream, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let mut headers = parts.headers;
    headers.insert(header::AUTHORIZATION, upstream.bearer.clone());
    let sent = upstream
        .client
        .request(parts.method, &upstream.url)
        .headers(headers)
        .body(body)
        .send()
        .await;
    let answer = match sent {
        Ok(answer) => answer,
        Err(e) => return (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    };
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        response = response.header(name, value);
    }
    // Streamed, so that an SSE answer reaches the suite as it comes.
    response
        .body(Body::from_stream(answer.bytes_stream()))
        .unwrap_or_else(|_| StatusCode::BAD_GATEWAY.into_response())
}

#[tokio::test]
async fn the_conformance_suites_server_scenarios_pass_or_are_baselined() {
    let root = repo_root();
    let suite = root.join("end2end/node_modules/@modelcontextprotocol/conformance/dist/index.js");
    assert!(
        suite.exists(),
        "the conformance suite is not installed at {}: run `./dev setup`",
        suite.display()
    );
    let app = spawn_app().await;
    let everything = Peer::everything("streamableHttp").await;
    let uid = {
        let c = ThinkWork::new(&app).await;
        let id = server(&c, "Everything", &everything.url("/mcp"), None).await;
        test_server(&c, id).await;
        agent_from_template(&c, &[(id, None)], "Conformance").await
    };
    let token = app.runtime_token("acme", "admin@acme.test").await;
    let url = token_proxy(format!("{}/mcp/agents/{uid}", app.base), &token).await;
    let out = tokio::process::Command::new("node")
        .arg(&suite)
        .args(["server", "--url", &url, "--expected-failures"])
        .arg(root.join("end2end/conformance/gateway-baseline.yml"))
        .current_dir(std::env::temp_dir())
        .output()
        .await
        .expect("run the conformance suite");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The matrix, for the CI log.
    eprintln!("{stdout}");
    assert!(
        !stdout.contains(&token) && !stderr.contains(&token),
        "the token stays between the proxy and the gateway"
    );
    assert!(
        out.status.success(),
        "a server scenario regressed, or a baselined one now passes (remove it):\n{stdout}\n{stderr}"
    );
}
