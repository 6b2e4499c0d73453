//! The agent gateway on the 2026-07-28 protocol, by raw JSON-RPC: no
//! `initialize` and no session, the method (and a call's tool name) in
//! `Mcp-Method`/`Mcp-Name` headers that must agree with the body, and the
//! client's context in `_meta`.

use serde_json::{Value, json};

use super::gateway::{World, world};

/// One agent endpoint, asked as one runtime for one user.
struct Raw<'a> {
    world: &'a World,
}

impl Raw<'_> {
    async fn post(
        &self,
        headers: &[(&str, &str)],
        id: u32,
        method: &str,
        params: Value,
    ) -> (u16, Value) {
        let mut params = params;
        params["_meta"] = json!({
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": { "name": "raw-2026", "version": "1.0.0" },
        });
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        let w = self.world;
        let mut request = w
            .app
            .http
            .post(&w.agent.url)
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .header("mcp-protocol-version", "2026-07-28")
            .header("authorization", format!("Bearer {}", w.token))
            .header("x-switchboard-user", &w.user)
            .body(body.to_string());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let reply = request.send().await.expect("send");
        let status = reply.status().as_u16();
        let text = reply.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {status} {text}")),
        )
    }
}

#[tokio::test]
async fn speaks_2026_07_28_without_initialize_or_a_session() {
    let world = world().await;
    let raw = Raw { world: &world };
    let (status, found) = raw
        .post(
            &[("mcp-method", "server/discover")],
            1,
            "server/discover",
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{found}");
    let versions = found["result"]["supportedVersions"]
        .as_array()
        .unwrap_or_else(|| panic!("{found}"));
    assert!(versions.contains(&json!("2026-07-28")), "{found}");
    assert!(versions.contains(&json!("2025-11-25")), "{found}");
    assert!(
        found["result"]["capabilities"]["tools"].is_object(),
        "{found}"
    );

    let (status, listed) = raw
        .post(&[("mcp-method", "tools/list")], 2, "tools/list", json!({}))
        .await;
    assert_eq!(status, 200, "{listed}");
    let tools = listed["result"]["tools"].as_array().expect("tools");
    assert!(
        tools.iter().any(|t| t["name"] == "everything__echo"),
        "{listed}"
    );
    assert!(
        !tools.iter().any(|t| t["name"] == "crm__whoami"),
        "the allow-list holds"
    );

    let call = json!({ "name": "everything__echo", "arguments": { "message": "no session" } });
    let (status, called) = raw
        .post(
            &[
                ("mcp-method", "tools/call"),
                ("mcp-name", "everything__echo"),
            ],
            3,
            "tools/call",
            call.clone(),
        )
        .await;
    assert_eq!(status, 200, "{called}");
    assert!(
        called["result"]["content"][0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("no session")),
        "{called}"
    );
    // The headers must say what the body does.
    let (status, refused) = raw
        .post(
            &[("mcp-method", "tools/call"), ("mcp-name", "crm__echo")],
            4,
            "tools/call",
            call,
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"]["code"], -32020, "{refused}");
}
