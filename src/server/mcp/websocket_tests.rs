//! The WebSocket transport against two independent third-party servers.

use std::time::Duration;

use super::McpTarget;
use super::tests::{assert_class, client, names, test};
use crate::domain::{ErrorClass, Transport};
use crate::server::testing::Peer;

#[tokio::test]
async fn python_mcp_websocket_server_lists_its_tools() {
    let peer = Peer::websocket("").await;
    let tools = test(&peer.ws_url("/ws"), Transport::WebSocket, None)
        .await
        .expect("WebSocket test");
    assert_eq!(names(&tools), ["echo", "add"]);
    // An http:// URL means the same endpoint over ws://.
    let tools = test(&peer.url("/ws"), Transport::WebSocket, None)
        .await
        .expect("http:// spelled WebSocket test");
    assert_eq!(tools.len(), 2);
}

#[tokio::test]
async fn supergateway_bridge_answers_after_its_notification() {
    // supergateway forwards server-everything's stdio, which sends a
    // notification before the initialize reply; replies are matched by id.
    let peer = Peer::supergateway().await;
    let tools = test(&peer.ws_url("/message"), Transport::WebSocket, None)
        .await
        .expect("supergateway test");
    assert!(tools.len() >= 13, "{:?}", names(&tools));
    assert!(names(&tools).contains(&"echo"));
}

#[tokio::test]
async fn a_refused_handshake_is_an_auth_error_and_the_key_is_sent() {
    let peer = Peer::websocket("ws-key-1").await;
    let refused = assert_class(
        test(&peer.ws_url("/ws"), Transport::WebSocket, Some("wrong")).await,
        ErrorClass::Auth,
    );
    assert!(refused.message.contains("403"), "{}", refused.message);
    assert!(!refused.message.contains("wrong"));
    let tools = test(&peer.ws_url("/ws"), Transport::WebSocket, Some("ws-key-1"))
        .await
        .expect("the right key");
    assert_eq!(tools.len(), 2);
}

#[tokio::test]
async fn transport_failures_are_classified() {
    // Nothing listens on port 9 (discard) on loopback.
    let closed = assert_class(
        test("ws://127.0.0.1:9/ws", Transport::WebSocket, None).await,
        ErrorClass::Transport,
    );
    assert!(
        closed.message.contains("Could not connect"),
        "{}",
        closed.message
    );

    // A streamable-HTTP server is not a WebSocket endpoint.
    let http = Peer::everything("streamableHttp").await;
    let wrong = assert_class(
        test(&http.ws_url("/mcp"), Transport::WebSocket, None).await,
        ErrorClass::Transport,
    );
    assert!(wrong.message.contains("WebSocket"), "{}", wrong.message);

    // The SSRF guard applies: loopback is refused unless allowed.
    let guarded = client(false, Duration::from_secs(5))
        .test(&McpTarget::with_server_key(
            "ws://127.0.0.1:9/ws",
            Transport::WebSocket,
            &[],
            None,
        ))
        .await;
    let e = assert_class(guarded, ErrorClass::Transport);
    assert!(
        e.message.contains("refused by the outbound policy"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn wss_builds_its_tls_client_and_reports_a_failed_handshake() {
    // A listener that accepts and hangs up: the TLS client is built (no
    // crypto-provider panic) and its failed handshake is a transport error.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            drop(socket);
        }
    });
    let e = assert_class(
        test(
            &format!("wss://127.0.0.1:{port}/ws"),
            Transport::WebSocket,
            None,
        )
        .await,
        ErrorClass::Transport,
    );
    assert!(
        e.message.contains("WebSocket connection failed"),
        "{}",
        e.message
    );
}
