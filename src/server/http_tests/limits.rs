//! Inbound limits and shutdown: test connections are capped per tenant and
//! in all (429 past either); past the in-flight cap a request is shed
//! with 503 at once (health checks spared); a shutdown refuses new
//! connections, lets the requests in flight finish, and gives up on them
//! after its grace.

use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::domain::Role;
use crate::server::testing::{
    TestApp, spawn_app_configured, spawn_app_until, sqlite_url, test_config,
};

const SKILLS: &str = "/api/skills/mcp-servers";

/// An MCP host that reads a request, waits `delay`, then answers 401: a
/// test connection against it holds its request open for `delay`.
async fn slow_host(delay: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/mcp", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let _ = socket.read(&mut buf).await;
                tokio::time::sleep(delay).await;
                let _ = socket
                    .write_all(b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n")
                    .await;
            });
        }
    });
    url
}

/// An acme admin's token, and a server registered at `url`; answers the
/// path of its test-connection endpoint.
async fn server_to_test(app: &TestApp, url: &str) -> (String, String) {
    server_to_test_in(app, "acme", url).await
}

/// [`server_to_test`] in `tenant`.
async fn server_to_test_in(app: &TestApp, tenant: &str, url: &str) -> (String, String) {
    let admin = format!("admin@{tenant}.test");
    app.user(tenant, &admin, Role::Admin).await;
    let token = app.token(tenant, &admin).await;
    let auth = format!("Token {token}");
    let (status, created) = app
        .rest_json(
            "POST",
            SKILLS,
            Some(&auth),
            &[("x-tenant-slug", tenant)],
            Some(json!({"name": "Slow", "url": url})),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_i64().expect("id");
    (auth, format!("{SKILLS}/{id}/test"))
}

/// An app that shuts down (within `grace`) when the sender fires.
async fn stoppable(
    config: crate::server::config::Config,
    grace: Duration,
) -> (
    TestApp,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let (app, served) = spawn_app_until(config, None, shutdown, grace).await;
    (app, stop, served)
}

async fn post(app: &TestApp, path: &str, auth: &str) -> (u16, serde_json::Value) {
    app.rest_json("POST", path, Some(auth), &[("x-tenant-slug", "acme")], None)
        .await
}

#[tokio::test]
async fn past_the_in_flight_cap_a_request_is_shed_with_503() {
    let mut config = test_config(&sqlite_url());
    config.max_in_flight = 2;
    let app = spawn_app_configured(config, None).await;
    let url = slow_host(Duration::from_millis(1500)).await;
    let (auth, test_path) = server_to_test(&app, &url).await;

    // Two test connections hold both places...
    let (first, second) = (app.clone(), app.clone());
    let (a1, a2, p1, p2) = (
        auth.clone(),
        auth.clone(),
        test_path.clone(),
        test_path.clone(),
    );
    let held =
        tokio::spawn(async move { tokio::join!(post(&first, &p1, &a1), post(&second, &p2, &a2)) });
    tokio::time::sleep(Duration::from_millis(400)).await;

    // ...so the next request is answered at once, and says when to retry.
    let started = Instant::now();
    let shed = app
        .rest(
            "GET",
            SKILLS,
            Some(&auth),
            &[("x-tenant-slug", "acme")],
            None,
        )
        .await;
    assert_eq!(shed.status, 503, "{}", shed.body);
    assert!(shed.body.contains("busy"), "{}", shed.body);
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "shed at once, not queued behind the slow requests"
    );
    let raw = app
        .http
        .get(format!("{}{SKILLS}", app.base))
        .header("authorization", &auth)
        .send()
        .await
        .expect("GET");
    assert_eq!(raw.status(), 503);
    assert_eq!(
        raw.headers().get("retry-after").map(|v| v.as_bytes()),
        Some(&b"1"[..])
    );
    // Health checks are never shed.
    assert_eq!(app.get("/healthz", None).await.status, 200);
    assert_eq!(app.get("/readyz", None).await.status, 200);

    // The two held requests complete normally (the host refused: an auth
    // failure, reported), and the places come back.
    // (A failed test is seed 002's 502.)
    let ((s1, t1), (s2, _)) = held.await.expect("held requests");
    assert_eq!((s1, s2), (502, 502), "{t1}");
    assert_eq!(t1["ok"], false, "{t1}");
    let after = app
        .rest(
            "GET",
            SKILLS,
            Some(&auth),
            &[("x-tenant-slug", "acme")],
            None,
        )
        .await;
    assert_eq!(after.status, 200, "{}", after.body);
}

#[tokio::test]
async fn a_shutdown_finishes_the_requests_in_flight_and_refuses_new_ones() {
    let (app, stop, served) = stoppable(test_config(&sqlite_url()), Duration::from_secs(10)).await;
    let url = slow_host(Duration::from_millis(1500)).await;
    let (auth, test_path) = server_to_test(&app, &url).await;

    let in_flight = {
        let app = app.clone();
        tokio::spawn(async move { post(&app, &test_path, &auth).await })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    stop.send(()).expect("signal");
    tokio::time::sleep(Duration::from_millis(200)).await;

    // Serving has not ended: a request is still running...
    assert!(
        !served.is_finished(),
        "the server waits for the request in flight"
    );
    // ...but no new connection is taken.
    let addr = app.base.trim_start_matches("http://").to_owned();
    assert!(
        tokio::net::TcpStream::connect(&addr).await.is_err(),
        "the listener is closed"
    );
    // The request in flight gets its whole answer.
    let (status, outcome) = in_flight.await.expect("request task");
    assert_eq!(
        status, 502,
        "a whole answer: the failed test's 502: {outcome}"
    );
    assert_eq!(outcome["ok"], false, "{outcome}");
    let error = outcome["error"].as_str().unwrap_or_default();
    assert!(error.starts_with("auth"), "{outcome}");
    // Then serving ends by itself, well inside the grace.
    tokio::time::timeout(Duration::from_secs(5), served)
        .await
        .expect("serving ended after the last request")
        .expect("join")
        .expect("served without error");
}

#[tokio::test]
async fn a_shutdown_gives_up_on_a_stuck_request_after_its_grace() {
    let mut config = test_config(&sqlite_url());
    // The host answers after 30 s; the MCP deadline would end it at 20 s.
    config.mcp_timeout = Duration::from_secs(20);
    let (app, stop, served) = stoppable(config, Duration::from_millis(500)).await;
    let url = slow_host(Duration::from_secs(30)).await;
    let (auth, test_path) = server_to_test(&app, &url).await;

    let stuck = {
        let app = app.clone();
        tokio::spawn(async move {
            app.http
                .post(format!("{}{test_path}", app.base))
                .header("authorization", auth)
                .header("x-tenant-slug", "acme")
                .send()
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    let signalled = Instant::now();
    stop.send(()).expect("signal");
    tokio::time::timeout(Duration::from_secs(10), served)
        .await
        .expect("serving ended at the grace, not after the MCP deadline")
        .expect("join")
        .expect("served without error");
    assert!(
        signalled.elapsed() < Duration::from_secs(10),
        "{:?}",
        signalled.elapsed()
    );
    stuck.abort();
}

#[tokio::test]
async fn test_connections_past_the_tenants_slots_get_429_and_others_still_run() {
    let mut config = test_config(&sqlite_url());
    config.max_tests = 3;
    config.max_tests_per_tenant = 2;
    let app = spawn_app_configured(config, None).await;
    let url = slow_host(Duration::from_millis(1500)).await;
    let (auth, test_path) = server_to_test(&app, &url).await;
    // A second tenant with a server of its own.
    let (other_auth, other_path) = server_to_test_in(&app, "other", &url).await;

    // Two tests hold acme's two slots...
    let holders: Vec<_> = (0..2)
        .map(|_| {
            let (app, path, auth) = (app.clone(), test_path.clone(), auth.clone());
            tokio::spawn(async move { post(&app, &path, &auth).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(400)).await;
    // ...so acme's third is refused at once, with a time to retry...
    let started = Instant::now();
    let refused = app
        .http
        .post(format!("{}{test_path}", app.base))
        .header("authorization", &auth)
        .header("x-tenant-slug", "acme")
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let body = refused.text().await.unwrap_or_default();
    assert!(body.contains("Too many test connections"), "{body}");
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "not queued"
    );
    // ...while another tenant still gets the last slot in all, and the one
    // after that is refused too; the service itself stays ready.
    let other_held = {
        let (app, path, auth) = (app.clone(), other_path.clone(), other_auth.clone());
        tokio::spawn(async move {
            app.rest_json(
                "POST",
                &path,
                Some(&auth),
                &[("x-tenant-slug", "other")],
                None,
            )
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _) = app
        .rest_json(
            "POST",
            &other_path,
            Some(&other_auth),
            &[("x-tenant-slug", "other")],
            None,
        )
        .await;
    assert_eq!(status, 429, "the service-wide cap");
    assert_eq!(app.get("/readyz", None).await.status, 200);

    for holder in holders {
        let (status, outcome) = holder.await.expect("holder");
        assert_eq!(status, 502, "a finished (failed) test: {outcome}");
    }
    let (status, outcome) = other_held.await.expect("other");
    assert_eq!(status, 502, "{outcome}");
    // The slots came back: a test runs (and fails, 502), not a 429.
    let (status, outcome) = post(&app, &test_path, &auth).await;
    assert_eq!(status, 502, "{outcome}");
}

/// A client that connects and sends its headers slowly (a slowloris) is cut
/// off after the header-read timeout, while other clients are served.
#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let mut config = test_config(&sqlite_url());
    config.header_read_timeout = Duration::from_secs(1);
    let app = spawn_app_configured(config, None).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .expect("write");
    let started = Instant::now();
    // Meanwhile a whole request is answered.
    assert_eq!(app.get("/healthz", None).await.status, 200);
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut answer)).await;
    let waited = started.elapsed();
    assert!(read.is_ok(), "the connection was still open after 10 s");
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "closed without serving the request: {answer:?}"
    );
    assert!(
        waited >= Duration::from_millis(800),
        "closed before the timeout: {waited:?}"
    );
}
