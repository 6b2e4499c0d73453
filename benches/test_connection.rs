//! Test Connection latency against server-everything on loopback:
//! connect, initialize, tools/list (all pages), close.
//!
//! `./dev bench` (or `cargo bench --features test-support --bench test_connection`).

#[path = "stats.rs"]
mod stats;

use std::time::{Duration, Instant};
use switchboard::domain::Transport;
use switchboard::server::mcp::{McpClient, McpTarget};
use switchboard::server::outbound::{Outbound, OutboundPolicy};
use switchboard::server::testing::Peer;

const RUNS: usize = 50;

async fn measure(client: &McpClient, url: &str, transport: Transport) -> stats::Summary {
    let target = McpTarget::with_server_key(url, transport, &[], None);
    for _ in 0..5 {
        client.test(&target).await.expect("warm-up test connection");
    }
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let tools = client.test(&target).await.expect("test connection");
        samples.push(start.elapsed());
        assert!(tools.len() >= 13);
    }
    stats::summarize(samples)
}

#[tokio::main]
async fn main() {
    let policy = OutboundPolicy::new(vec!["127.0.0.0/8".parse().expect("cidr")]);
    let client =
        McpClient::new(Outbound::new(policy, Duration::from_secs(10)).expect("outbound client"));

    let http = Peer::everything("streamableHttp").await;
    let s = measure(&client, &http.url("/mcp"), Transport::StreamableHttp).await;
    stats::print(
        "test connection, streamable HTTP",
        &s,
        Some(("p50", Duration::from_millis(30))),
    );

    let sse = Peer::everything("sse").await;
    let s = measure(&client, &sse.url("/sse"), Transport::Sse).await;
    stats::print("test connection, legacy SSE", &s, None);
}
