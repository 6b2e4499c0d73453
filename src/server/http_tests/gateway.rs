//! The agent gateway (`/mcp/agents/{agent}`) with real MCP clients (PyPI
//! `mcp` 2.x, `end2end/clients/gateway_client.py`, and the TypeScript SDK,
//! `gateway_client.mjs`) holding only a runtime token: one endpoint lists
//! the tools of the agent's servers (npm server-everything over streamable
//! HTTP, a bearer-key peer over SSE and PyPI `mcp` 1.x over WebSocket, both
//! with keys only Switchboard holds), after the allow-list, and calls them;
//! a tool outside the allow-list is neither listed nor callable; a user's
//! OAuth server they have not connected answers with the URL to connect
//! at. Who may ask is checked before any MCP is spoken.

use serde_json::{Value, json};

use super::skills_templates::server;
use super::skills_upsert::ThinkWork;
use crate::domain::{AuditAction, AuditQuery};
use crate::server::testing::{Peer, TestApp, repo_root, spawn_app, username_of};

const TEMPLATES: &str = "/api/skills/templates";
const CRM_KEY: &str = "crm-gateway-key-5150";
const SOCKET_KEY: &str = "socket-gateway-key-6160";

/// Runs the Python client; answers what it printed.
pub(super) async fn client(url: &str, token: &str, user: Option<&str>, calls: Value) -> Value {
    let python = crate::server::testing::peer_python();
    let mut cmd = tokio::process::Command::new(python);
    cmd.arg(repo_root().join("end2end/clients/gateway_client.py"));
    run_client(cmd, url, token, user, calls).await
}

/// Runs the TypeScript SDK's client (the same contract as the Python one).
pub(super) async fn ts_client(url: &str, token: &str, user: Option<&str>, calls: Value) -> Value {
    let mut cmd = tokio::process::Command::new("node");
    cmd.arg(repo_root().join("end2end/clients/gateway_client.mjs"));
    run_client(cmd, url, token, user, calls).await
}

async fn run_client(
    mut cmd: tokio::process::Command,
    url: &str,
    token: &str,
    user: Option<&str>,
    calls: Value,
) -> Value {
    let out = cmd
        .arg(url)
        .arg(user.unwrap_or("-"))
        .arg(calls.to_string())
        .env("SWITCHBOARD_RUNTIME_TOKEN", token)
        .output()
        .await
        .expect("run the gateway client");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the client failed:\n{stdout}\n{stderr}"
    );
    for key in [CRM_KEY, SOCKET_KEY] {
        assert!(
            !stdout.contains(key) && !stderr.contains(key),
            "an upstream key never reaches the agent"
        );
    }
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// A server of this transport whose key only Switchboard holds: its id.
pub(super) async fn keyed_server(
    c: &ThinkWork<'_>,
    name: &str,
    url: &str,
    transport: &str,
    key: &str,
) -> i64 {
    c.ok(
        "POST",
        "/api/skills/mcp-servers",
        Some(json!({
            "name": name, "url": url, "transport": transport,
            "authType": "tenant_api_key", "apiKey": key,
        })),
    )
    .await["id"]
        .as_i64()
        .expect("id")
}

pub(super) async fn test_server(c: &ThinkWork<'_>, id: i64) {
    let (status, outcome) = c
        .servers("POST", &format!("/api/skills/mcp-servers/{id}/test"), None)
        .await;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!(outcome["ok"], true, "{outcome}");
}

pub(super) struct Agent {
    pub(super) url: String,
    pub(super) uid: String,
    pub(super) mail: i64,
}

/// An agent made from a template of four servers: server-everything (every
/// tool), the CRM peer (`echo` only), the WebSocket peer and an OAuth mail
/// server no one has connected.
async fn agent(app: &TestApp, c: &ThinkWork<'_>, peers: &(Peer, Peer, Peer)) -> Agent {
    let (everything, crm, socket) = peers;
    let ev = server(c, "Everything", &everything.url("/mcp"), None).await;
    let crm_id = keyed_server(c, "CRM", &crm.url("/sse"), "sse", CRM_KEY).await;
    let socket_id = keyed_server(c, "Socket", &socket.ws_url("/ws"), "websocket", SOCKET_KEY).await;
    let mail = c
        .ok(
            "POST",
            "/api/skills/mcp-servers",
            Some(json!({ "name": "Mail", "url": "https://mail.example/mcp", "authType": "oauth" })),
        )
        .await["id"]
        .as_i64()
        .expect("id");
    test_server(c, ev).await;
    test_server(c, crm_id).await;
    test_server(c, socket_id).await;
    let uid = agent_from_template(
        c,
        &[
            (ev, None),
            (crm_id, Some(json!({ "toolAllowlist": ["echo"] }))),
            (socket_id, None),
            (mail, None),
        ],
        "Concierge",
    )
    .await;
    Agent {
        url: format!("{}/mcp/agents/{uid}", app.base),
        uid,
        mail,
    }
}

/// A template of `servers` (each with its assignment's `config`, if any)
/// and an agent made from it: the agent's id.
pub(super) async fn agent_from_template(
    c: &ThinkWork<'_>,
    servers: &[(i64, Option<Value>)],
    agent: &str,
) -> String {
    let tid = c
        .ok(
            "POST",
            TEMPLATES,
            Some(json!({ "name": format!("{agent}'s template") })),
        )
        .await["id"]
        .as_i64()
        .expect("id");
    let assign = format!("{TEMPLATES}/{tid}/mcp-servers");
    for (server, config) in servers {
        let mut body = json!({ "mcpServerId": server });
        if let Some(config) = config {
            body["config"] = config.clone();
        }
        c.ok("POST", &assign, Some(body)).await;
    }
    c.ok(
        "POST",
        &format!("{TEMPLATES}/{tid}/agents"),
        Some(json!({ "name": agent })),
    )
    .await["id"]
        .as_str()
        .expect("uid")
        .to_owned()
}

/// Acme with that agent, its peers running, and a runtime token. (Bind
/// `_peers` when taking it apart: a field left to `..` is dropped at once.)
pub(super) struct World {
    pub(super) app: TestApp,
    pub(super) agent: Agent,
    pub(super) token: String,
    /// Acme's admin, by username.
    pub(super) user: String,
    pub(super) _peers: (Peer, Peer, Peer),
}

pub(super) async fn world() -> World {
    let app = spawn_app().await;
    let everything = Peer::everything("streamableHttp").await;
    let crm = Peer::bearer(CRM_KEY, true).await;
    let socket = Peer::websocket(SOCKET_KEY).await;
    let peers = (everything, crm, socket);
    let agent = {
        let c = ThinkWork::new(&app).await;
        agent(&app, &c, &peers).await
    };
    let token = app.runtime_token("acme", "admin@acme.test").await;
    World {
        agent,
        token,
        user: username_of("admin@acme.test"),
        app,
        _peers: peers,
    }
}

pub(super) fn names(listed: &Value) -> Vec<String> {
    listed["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|t| t["name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn one_endpoint_lists_and_calls_the_agents_tools_with_credentials_it_never_sees() {
    let World {
        app,
        agent: a,
        token,
        user,
        _peers,
    } = world().await;
    let out = client(
        &a.url,
        &token,
        Some(&user),
        json!([
            ["everything__echo", { "message": "through the gateway" }],
            ["crm__echo", { "message": "with a key it never saw" }],
            ["socket__add", { "a": 2, "b": 3 }],
            ["crm__whoami", {}],
            ["everything__no-such-tool", {}],
            ["mail__send", {}],
        ]),
    )
    .await;
    assert_eq!(out["server"], "switchboard-agent-gateway");
    let listed = names(&out);
    assert!(
        listed.contains(&"everything__echo".to_owned()),
        "{listed:?}"
    );
    assert!(
        listed
            .iter()
            .filter(|n| n.starts_with("everything__"))
            .count()
            > 3
    );
    let crm_tools: Vec<_> = listed.iter().filter(|n| n.starts_with("crm__")).collect();
    assert_eq!(crm_tools, ["crm__echo"], "the allow-list holds");
    for over_a_socket in ["socket__echo", "socket__add"] {
        assert!(listed.iter().any(|n| n == over_a_socket), "{listed:?}");
    }
    assert!(
        !listed.iter().any(|n| n.starts_with("mail__")),
        "a server never tested has no tools to list"
    );
    let echo = out["tools"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["name"] == "everything__echo"))
        .expect("echo");
    assert_eq!(
        echo["schema"]["properties"]["message"]["type"], "string",
        "schemas as the server gave them: {echo}"
    );

    let calls = out["calls"].as_array().expect("calls");
    assert_eq!(calls[0]["isError"], false, "{}", calls[0]);
    assert!(
        calls[0]["text"][0]
            .as_str()
            .is_some_and(|t| t.contains("through the gateway")),
        "{}",
        calls[0]
    );
    assert_eq!(calls[1]["isError"], false, "{}", calls[1]);
    assert!(
        calls[1]["text"][0]
            .as_str()
            .is_some_and(|t| t.contains("with a key it never saw")),
        "{}",
        calls[1]
    );
    assert_eq!(calls[2]["isError"], false, "{}", calls[2]);
    assert_eq!(calls[2]["text"][0], "5", "over a WebSocket: {}", calls[2]);
    // Outside the allow-list, unknown, or of a server with no tools: refused.
    for refused in &calls[3..] {
        assert_eq!(refused["code"], -32602, "{refused}");
    }

    // The calls share pooled sessions: one per server and credential.
    assert_eq!(app.state.ports.mcp.pooled_sessions(), (3, 3));
    let again = client(
        &a.url,
        &token,
        Some(&user),
        json!([["everything__echo", { "message": "again" }]]),
    )
    .await;
    assert_eq!(again["calls"][0]["isError"], false, "{again}");
    assert_eq!(
        app.state.ports.mcp.pooled_sessions(),
        (3, 3),
        "a new client's call reuses the open session"
    );

    // One audit event per call made, saying who, which tool, by which rule.
    let query = AuditQuery {
        action: Some(AuditAction::GatewayCall),
        ..AuditQuery::default()
    };
    let tenant = app.tenant_id("acme").await;
    let (events, _) = app
        .state
        .ports
        .store
        .audit_events(tenant, &query.normalized())
        .await
        .expect("audit");
    let mut details: Vec<String> = events.into_iter().filter_map(|e| e.detail).collect();
    details.sort();
    assert_eq!(details.len(), 4, "{details:?}");
    assert!(
        details[0].starts_with("tool crm__echo; by server's own key; user "),
        "{details:?}"
    );
    assert!(
        details[1].starts_with("tool everything__echo; by no credential needed; user "),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .all(|d| d.contains("; ok; ") && d.contains(&format!("agent {}", a.uid)))
    );

    // The TypeScript SDK's client, on the same endpoint, sees the same.
    let ts = ts_client(
        &a.url,
        &token,
        Some(&user),
        json!([
            ["everything__echo", { "message": "from TypeScript" }],
            ["crm__echo", { "message": "with a key it never saw" }],
            ["crm__whoami", {}],
        ]),
    )
    .await;
    assert_eq!(ts["server"], "switchboard-agent-gateway", "{ts}");
    assert_eq!(names(&ts), listed, "the same list for either SDK");
    let ts_calls = ts["calls"].as_array().expect("calls");
    assert!(
        ts_calls[0]["text"][0]
            .as_str()
            .is_some_and(|t| t.contains("from TypeScript")),
        "{ts}"
    );
    assert_eq!(ts_calls[1]["text"], calls[1]["text"], "{ts}");
    assert_eq!(ts_calls[2]["code"], -32602, "{ts}");
}
