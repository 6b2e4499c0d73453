//! A session step by step: connect, call a tool, close.

use rmcp::model::JsonObject;
use std::time::Duration;

use super::tests::client;
use super::{McpSession, McpTarget};
use crate::domain::{ErrorClass, Transport};
use crate::server::testing::Peer;

/// A session with a fresh server-everything peer; keep the peer alive as
/// long as the session (dropping it stops the server).
async fn everything_session(deadline: Duration) -> (Peer, McpSession) {
    let peer = Peer::everything("streamableHttp").await;
    let target = McpTarget::new(peer.url("/mcp"), Transport::StreamableHttp, Vec::new());
    let session = client(true, deadline)
        .connect(&target)
        .await
        .expect("connect");
    (peer, session)
}

fn arguments(value: serde_json::Value) -> Option<JsonObject> {
    value.as_object().cloned()
}

#[tokio::test]
async fn call_tool_echoes_through_server_everything() {
    let (_peer, session) = everything_session(Duration::from_secs(10)).await;

    let result = session
        .call_tool(
            "echo",
            arguments(serde_json::json!({ "message": "hello, switchboard" })),
        )
        .await
        .expect("echo");
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let text: Vec<&str> = result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.as_str()))
        .collect();
    assert!(
        text.iter().any(|t| t.contains("hello, switchboard")),
        "{text:?}"
    );

    // The session stays usable after a call.
    let tools = session.list_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "echo"));
    session.close().await;
}

#[tokio::test]
async fn an_unknown_tool_is_the_tools_own_error() {
    // server-everything answers an unknown tool with a failed tool result,
    // not a JSON-RPC error; it is returned for the caller to pass on.
    let (_peer, session) = everything_session(Duration::from_secs(10)).await;
    let result = session
        .call_tool("no-such-tool", None)
        .await
        .expect("a tool result");
    assert_eq!(result.is_error, Some(true), "{result:?}");
    session.close().await;
}

#[tokio::test]
async fn a_call_that_outlives_the_deadline_is_a_transport_error() {
    let (_peer, session) = everything_session(Duration::from_secs(3)).await;
    let e = session
        .call_tool(
            "trigger-long-running-operation",
            arguments(serde_json::json!({ "duration": 30, "steps": 1 })),
        )
        .await
        .expect_err("must time out");
    assert_eq!(e.class, ErrorClass::Transport, "{}", e.message);
    session.close().await;
}
