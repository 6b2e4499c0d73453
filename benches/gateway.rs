//! The agent gateway's cost, side by side with calling the server directly:
//! `tools/call echo` on npm server-everything (streamable HTTP, loopback),
//! by the same client (Switchboard's own rmcp client, one session each),
//! once straight to the server and once through `/mcp/agents/{agent}` with a
//! runtime token (token check, catalog, resolution, a pooled upstream
//! session, an audit row per call). Sequentially (the added latency, p50
//! and p99) and with 32 callers at once (calls per second).
//!
//! `./dev bench` (or `cargo bench --features test-support --bench gateway`).

#[path = "stats.rs"]
mod stats;

use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard::domain::{Role, Transport};
use switchboard::server::mcp::{McpClient, McpSession, McpTarget};
use switchboard::server::outbound::{Outbound, OutboundPolicy};
use switchboard::server::testing::{Peer, TestApp, spawn_app};

const SEQUENTIAL: usize = 300;
const CALLERS: usize = 32;
const PER_CALLER: usize = 40;

async fn ok(app: &TestApp, bearer: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let (status, answer) = app
        .rest_json(
            method,
            path,
            Some(bearer),
            &[("x-tenant-slug", "acme")],
            body,
        )
        .await;
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {answer}"
    );
    answer
}

/// An agent whose one server is server-everything, tested (so its tools
/// are kept); answers the agent's id.
async fn agent(app: &TestApp, everything: &Peer) -> String {
    app.user("acme", "admin@acme.test", Role::Admin).await;
    let bearer = format!("Bearer {}", app.token("acme", "admin@acme.test").await);
    let server = ok(
        app,
        &bearer,
        "POST",
        "/api/skills/mcp-servers",
        Some(json!({ "name": "Everything", "url": everything.url("/mcp") })),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    let tested = ok(
        app,
        &bearer,
        "POST",
        &format!("/api/skills/mcp-servers/{server}/test"),
        None,
    )
    .await;
    assert_eq!(tested["ok"], true, "{tested}");
    let template = ok(
        app,
        &bearer,
        "POST",
        "/api/skills/templates",
        Some(json!({ "name": "Bench" })),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    ok(
        app,
        &bearer,
        "POST",
        &format!("/api/skills/templates/{template}/mcp-servers"),
        Some(json!({ "mcpServerId": server })),
    )
    .await;
    ok(
        app,
        &bearer,
        "POST",
        &format!("/api/skills/templates/{template}/agents"),
        Some(json!({ "name": "Bench bot" })),
    )
    .await["id"]
        .as_str()
        .expect("uid")
        .to_owned()
}

async fn echo(session: &McpSession, tool: &str) -> Duration {
    let args = json!({ "message": "bench" });
    let start = Instant::now();
    let result = session
        .call_tool(tool, args.as_object().cloned())
        .await
        .expect("tools/call");
    let took = start.elapsed();
    assert_ne!(result.is_error, Some(true), "{result:?}");
    took
}

/// Latencies of `SEQUENTIAL` calls, one after another.
async fn sequential(session: &McpSession, tool: &str) -> Vec<Duration> {
    for _ in 0..20 {
        echo(session, tool).await;
    }
    let mut samples = Vec::with_capacity(SEQUENTIAL);
    for _ in 0..SEQUENTIAL {
        samples.push(echo(session, tool).await);
    }
    samples
}

/// `CALLERS` callers on one session, `PER_CALLER` calls each: calls per
/// second, and each call's latency.
async fn concurrent(session: Arc<McpSession>, tool: &'static str) -> (f64, Vec<Duration>) {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CALLERS {
        let session = session.clone();
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::with_capacity(PER_CALLER);
            for _ in 0..PER_CALLER {
                samples.push(echo(&session, tool).await);
            }
            samples
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("a caller"));
    }
    let rate = all.len() as f64 / start.elapsed().as_secs_f64();
    (rate, all)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let everything = Peer::everything("streamableHttp").await;
    let app = spawn_app().await;
    let uid = agent(&app, &everything).await;
    let runtime = app.runtime_token("acme", "admin@acme.test").await;

    let policy = OutboundPolicy::new(vec!["127.0.0.0/8".parse().expect("cidr")]);
    let client =
        McpClient::new(Outbound::new(policy, Duration::from_secs(30)).expect("outbound client"));
    let direct = client
        .connect(&McpTarget::new(
            everything.url("/mcp"),
            Transport::StreamableHttp,
            vec![],
        ))
        .await
        .expect("direct session");
    let gateway = client
        .connect(&McpTarget::new(
            format!("{}/mcp/agents/{uid}", app.base),
            Transport::StreamableHttp,
            vec![("Authorization".into(), format!("Bearer {runtime}"))],
        ))
        .await
        .expect("gateway session");

    let d = stats::summarize(sequential(&direct, "echo").await);
    let g = stats::summarize(sequential(&gateway, "everything__echo").await);
    stats::print("tools/call echo, direct (1 caller)", &d, None);
    stats::print("tools/call echo, through the gateway (1 caller)", &g, None);
    println!(
        "{:<48} p50 {:>+7.2} ms  p99 {:>+7.2} ms  (aim: p50 ≤ 0.5 ms, p99 ≤ 2 ms)",
        "added by the gateway",
        ms(g.p50) - ms(d.p50),
        ms(g.p99) - ms(d.p99)
    );

    let (direct_rate, ds) = concurrent(Arc::new(direct), "echo").await;
    let (gateway_rate, gs) = concurrent(Arc::new(gateway), "everything__echo").await;
    stats::print(
        &format!("direct ({CALLERS} callers)"),
        &stats::summarize(ds),
        None,
    );
    stats::print(
        &format!("through the gateway ({CALLERS} callers)"),
        &stats::summarize(gs),
        None,
    );
    println!(
        "{:<48} direct {direct_rate:>8.0} calls/s  gateway {gateway_rate:>8.0} calls/s  ({:.0} % of direct; aim ≥ 80 %)",
        "throughput",
        100.0 * gateway_rate / direct_rate
    );
}
