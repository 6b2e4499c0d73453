//! An upstream that restarts between two gateway calls: the pooled session
//! to it died with the old process, so the next call opens a new one
//! instead of failing; and while the server is down, the call fails as a
//! transport error and keeps nothing. The peer is PyPI `mcp` 1.x over a
//! WebSocket (a connection that ends when its server does).

use serde_json::{Value, json};
use std::time::Duration;

use super::gateway::{agent_from_template, client, keyed_server, test_server};
use super::skills_upsert::ThinkWork;
use crate::server::testing::{Peer, TestApp, spawn_app};

const KEY: &str = "socket-restart-key-7170";

async fn add(url: &str, token: &str) -> Value {
    let out = client(
        url,
        token,
        None,
        json!([["socket__add", { "a": 20, "b": 22 }]]),
    )
    .await;
    out["calls"][0].clone()
}

/// Waits until the pool has seen its one session's connection end.
async fn session_ended(app: &TestApp) {
    let mcp = &app.state.ports.mcp;
    for _ in 0..200 {
        if mcp.live_pooled_sessions() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the pooled session outlived its server by 10 s");
}

#[tokio::test]
async fn a_server_that_restarted_between_calls_gets_a_new_session() {
    let app = spawn_app().await;
    let peer = Peer::websocket(KEY).await;
    let port = peer.port;
    let uid = {
        let c = ThinkWork::new(&app).await;
        let server = keyed_server(&c, "Socket", &peer.ws_url("/ws"), "websocket", KEY).await;
        test_server(&c, server).await;
        agent_from_template(&c, &[(server, None)], "Restarter").await
    };
    let url = format!("{}/mcp/agents/{uid}", app.base);
    let token = app.runtime_token("acme", "admin@acme.test").await;
    let mcp = &app.state.ports.mcp;

    let first = add(&url, &token).await;
    assert_eq!(first["text"][0], "42", "{first}");
    assert_eq!(mcp.pooled_sessions(), (1, 1));

    // The server restarts: the kept session died with the old process.
    drop(peer);
    session_ended(&app).await;
    let peer = Peer::websocket_on(KEY, port).await;
    let again = add(&url, &token).await;
    assert_eq!(again["isError"], false, "{again}");
    assert_eq!(again["text"][0], "42", "{again}");
    assert_eq!(mcp.pooled_sessions(), (1, 2), "one new session, kept");

    // The server is down: a transport error, and nothing kept.
    drop(peer);
    session_ended(&app).await;
    let down = add(&url, &token).await;
    assert_eq!(down["code"], -32603, "{down}");
    assert_eq!(down["data"]["class"], "transport", "{down}");
    assert_eq!(
        mcp.pooled_sessions(),
        (0, 2),
        "a failed session is not kept"
    );
}
