//! Test connection against real third-party MCP servers on loopback.

use secrecy::SecretString;
use std::time::Duration;

use super::{McpClient, McpTarget};
use crate::domain::{ErrorClass, TestError, ToolInfo, Transport};
use crate::server::outbound::{Outbound, OutboundPolicy};
use crate::server::testing::Peer;

pub(super) fn client(allow_loopback: bool, timeout: Duration) -> McpClient {
    let allow = if allow_loopback {
        vec!["127.0.0.0/8".parse().expect("cidr")]
    } else {
        Vec::new()
    };
    McpClient::new(Outbound::new(OutboundPolicy::new(allow), timeout).expect("outbound client"))
}

pub(super) async fn test(
    url: &str,
    transport: Transport,
    key: Option<&str>,
) -> Result<Vec<ToolInfo>, TestError> {
    let key = key.map(|k| SecretString::from(k.to_owned()));
    client(true, Duration::from_secs(10))
        .test(&McpTarget::with_server_key(
            url,
            transport,
            &[],
            key.as_ref(),
        ))
        .await
        .map_err(TestError::from)
}

pub(super) fn names(tools: &[ToolInfo]) -> Vec<&str> {
    tools.iter().map(|t| t.name.as_str()).collect()
}

#[track_caller]
pub(super) fn assert_class<E: Into<TestError>>(
    result: Result<Vec<ToolInfo>, E>,
    class: ErrorClass,
) -> TestError {
    match result.map_err(Into::into) {
        Ok(tools) => panic!("expected a {class:?} error, got {} tools", tools.len()),
        Err(e) => {
            assert_eq!(e.class, class, "{}", e.message);
            e
        }
    }
}

#[tokio::test]
async fn server_everything_over_streamable_http_and_sse() {
    let http = Peer::everything("streamableHttp").await;
    let tools = test(&http.url("/mcp"), Transport::StreamableHttp, None)
        .await
        .expect("streamable HTTP test");
    assert!(tools.len() >= 13, "{:?}", names(&tools));
    assert!(names(&tools).contains(&"echo"));
    assert!(
        tools
            .iter()
            .any(|t| t.description.as_deref().is_some_and(|d| !d.is_empty()))
    );

    let sse = Peer::everything("sse").await;
    let tools = test(&sse.url("/sse"), Transport::Sse, None)
        .await
        .expect("SSE test");
    assert!(tools.len() >= 13, "{:?}", names(&tools));
    assert!(names(&tools).contains(&"echo"));
}

#[tokio::test]
async fn the_wrong_transport_is_a_transport_error() {
    let http = Peer::everything("streamableHttp").await;
    let e = assert_class(
        test(&http.url("/mcp"), Transport::Sse, None).await,
        ErrorClass::Transport,
    );
    assert!(!e.message.is_empty());
    assert_class(
        test(&http.url("/nope"), Transport::StreamableHttp, None).await,
        ErrorClass::Transport,
    );
}

#[tokio::test]
async fn bearer_peer_accepts_the_right_key_and_refuses_others() {
    let peer = Peer::bearer("good-key-1234,other-key", false).await;
    let url = peer.url("/mcp");
    let tools = test(&url, Transport::StreamableHttp, Some("good-key-1234"))
        .await
        .expect("right key");
    assert!(names(&tools).contains(&"whoami"), "{:?}", names(&tools));
    // A key that already carries its scheme is sent as it is.
    test(&url, Transport::StreamableHttp, Some("Bearer other-key"))
        .await
        .expect("explicit scheme");

    let e = assert_class(
        test(&url, Transport::StreamableHttp, Some("wrong-key")).await,
        ErrorClass::Auth,
    );
    assert!(e.message.contains("401"), "{}", e.message);
    assert_class(
        test(&url, Transport::StreamableHttp, None).await,
        ErrorClass::Auth,
    );
}

#[tokio::test]
async fn bearer_peer_over_legacy_sse() {
    let peer = Peer::bearer("sse-key-5678", true).await;
    let url = peer.url("/sse");
    let tools = test(&url, Transport::Sse, Some("sse-key-5678"))
        .await
        .expect("right key");
    assert!(names(&tools).contains(&"whoami"));
    assert_class(
        test(&url, Transport::Sse, Some("nope")).await,
        ErrorClass::Auth,
    );
}

#[tokio::test]
async fn a_closed_port_is_a_transport_error() {
    let port = crate::server::testing::free_port();
    let e = assert_class(
        test(
            &format!("http://127.0.0.1:{port}/mcp"),
            Transport::StreamableHttp,
            None,
        )
        .await,
        ErrorClass::Transport,
    );
    assert!(e.message.contains("connect"), "{}", e.message);
    assert_class(
        test(
            &format!("http://127.0.0.1:{port}/sse"),
            Transport::Sse,
            None,
        )
        .await,
        ErrorClass::Transport,
    );
}

#[tokio::test]
async fn a_json_rpc_error_is_downstream_with_the_servers_message() {
    let peer = Peer::faulty("rpc-error").await;
    let e = assert_class(
        test(&peer.url("/mcp"), Transport::StreamableHttp, None).await,
        ErrorClass::Downstream,
    );
    assert!(
        e.message.contains("upstream database is down"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn an_http_500_is_downstream() {
    let peer = Peer::faulty("http-500").await;
    let e = assert_class(
        test(&peer.url("/mcp"), Transport::StreamableHttp, None).await,
        ErrorClass::Downstream,
    );
    assert!(e.message.contains("500"), "{}", e.message);
}

#[tokio::test]
async fn loopback_is_refused_without_the_allow_list() {
    let peer = Peer::everything("streamableHttp").await;
    let strict = client(false, Duration::from_secs(5));
    for url in [
        peer.url("/mcp"),
        format!("http://localhost:{}/mcp", peer.port),
    ] {
        let e = strict
            .test(&McpTarget::with_server_key(
                &url,
                Transport::StreamableHttp,
                &[],
                None,
            ))
            .await
            .expect_err("must be refused");
        assert_eq!(e.class, ErrorClass::Transport);
        assert!(
            e.message.contains("outbound policy"),
            "{url}: {}",
            e.message
        );
    }
}

#[tokio::test]
async fn a_silent_server_times_out() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let quick = client(true, Duration::from_millis(500));
    let url = format!("http://127.0.0.1:{port}/mcp");
    let e = quick
        .test(&McpTarget::with_server_key(
            &url,
            Transport::StreamableHttp,
            &[],
            None,
        ))
        .await
        .expect_err("must time out");
    assert_eq!(e.class, ErrorClass::Transport);
    assert!(
        e.message.to_lowercase().contains("timed out"),
        "{}",
        e.message
    );
    hold.abort();
}

#[tokio::test]
async fn a_key_is_never_sent_in_plain_text_outside_the_allow_list() {
    // 203.0.113.10 is a public address (TEST-NET-3): the outbound policy lets
    // it through, but not with a key over http:// or ws://. Nothing is sent:
    // the refusal comes before any connection.
    let key = SecretString::from("plain-text-key".to_owned());
    let client = client(true, Duration::from_secs(5));
    for (url, transport) in [
        ("http://203.0.113.10/mcp", Transport::StreamableHttp),
        ("http://203.0.113.10/sse", Transport::Sse),
        ("ws://203.0.113.10/mcp", Transport::WebSocket),
    ] {
        let started = std::time::Instant::now();
        let refused = client
            .test(&McpTarget::with_server_key(url, transport, &[], Some(&key)))
            .await;
        let error = assert_class(refused, ErrorClass::Transport);
        assert!(
            error
                .message
                .contains("refusing to send the server's key over plain"),
            "{url}: {}",
            error.message
        );
        assert!(!error.message.contains("plain-text-key"));
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{url}: refused before connecting"
        );
    }
    // In the allow-list (loopback here), plain http with a key is the
    // operator's call: a real peer answers.
    let peer = Peer::bearer("loopback-key", false).await;
    let tools = test(
        &peer.url("/mcp"),
        Transport::StreamableHttp,
        Some("loopback-key"),
    )
    .await;
    assert!(tools.is_ok(), "{tools:?}");
}

#[tokio::test]
async fn a_tool_list_without_end_stops_at_the_page_limit() {
    use crate::server::mcp::session::MAX_TOOL_PAGES;
    // 40 tools a page, a next cursor on every page: the page limit (20, so
    // 800 tools, under the tool limit) is what ends it.
    let peer = Peer::faulty("endless-tools").await;
    let started = std::time::Instant::now();
    let e = assert_class(
        test(&peer.url("/mcp"), Transport::StreamableHttp, None).await,
        ErrorClass::Downstream,
    );
    assert!(
        e.message
            .contains(&format!("more than {MAX_TOOL_PAGES} pages")),
        "{}",
        e.message
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "ended by the limit, not the deadline"
    );
}

/// A "server" that answers every request with `head` and then one body that
/// never ends (64 MiB of `x`, unless the client hangs up first). Returns its
/// base URL.
async fn endless_body_server(head: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = socket.read(&mut buf).await;
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'x'; 64 * 1024];
                for _ in 0..1024 {
                    if socket.write_all(&chunk).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

/// The body is cut at its bound: a transport error naming the limit, well
/// inside the deadline (10 s in `test`).
async fn assert_cut_at_the_bound(url: &str, transport: Transport, says: &str) {
    let started = std::time::Instant::now();
    let e = assert_class(test(url, transport, None).await, ErrorClass::Transport);
    assert!(e.message.contains(says), "{url}: {}", e.message);
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "dropped at the limit, not the deadline"
    );
}

#[tokio::test]
async fn an_endless_sse_event_is_dropped_with_a_transport_error() {
    let base =
        endless_body_server("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\ndata: ")
            .await;
    assert_cut_at_the_bound(&format!("{base}/sse"), Transport::Sse, "larger than").await;
}

#[tokio::test]
async fn an_endless_streamable_http_answer_is_dropped_with_a_transport_error() {
    // A JSON answer with no length, delimited by the connection's end: rmcp
    // stops reading at 16 MiB.
    let json = endless_body_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n[\"",
    )
    .await;
    assert_cut_at_the_bound(
        &format!("{json}/mcp"),
        Transport::StreamableHttp,
        "larger than 16 MiB",
    )
    .await;
    // An event-stream answer whose one event never ends: cut at 4 MiB, as
    // on the legacy transport. rmcp ends the session on that error without
    // handing it on, so the message is its closed connection's.
    let events = endless_body_server(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\ndata: ",
    )
    .await;
    assert_cut_at_the_bound(
        &format!("{events}/mcp"),
        Transport::StreamableHttp,
        "closed the connection",
    )
    .await;
}
