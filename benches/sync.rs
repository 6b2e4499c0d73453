//! Templates at fleet size, through the REST API an admin's tooling calls:
//! a template of 20 servers with 200 agents made from it. Measured: the sync
//! plan of all 200 agents (`GET …/sync`), the sync itself (`POST …/sync`, one
//! transaction per agent, after one server was added so every agent
//! changes), and what one agent's runtime asks at each invocation
//! (`GET /api/runtime/agents/{agent}/mcp-configs`, 20 servers resolved), on
//! SQLite and, when reachable, PostgreSQL.
//!
//! ThinkWork's sync, for comparison, deletes and re-inserts every agent's
//! rows the same way (one agent at a time), and its runtime builds the same
//! list inside each invocation.
//!
//! `./dev bench` (or `cargo bench --features test-support --bench sync`).

#[path = "stats.rs"]
mod stats;

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use switchboard::domain::Role;
use switchboard::server::testing::{TestApp, postgres_url, spawn_app_with, username_of};

const SERVERS: usize = 20;
const AGENTS: usize = 200;
const ROUNDS: usize = 5;

async fn call(app: &TestApp, auth: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let (status, reply) = app
        .rest_json(
            method,
            path,
            Some(auth),
            &[("x-tenant-slug", "bench")],
            body,
        )
        .await;
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {reply}"
    );
    reply
}

async fn run(label: &str, app: TestApp) {
    app.user("bench", "admin@bench.test", Role::Admin).await;
    let auth = format!("Bearer {}", app.token("bench", "admin@bench.test").await);
    let mut servers = Vec::new();
    for i in 0..=SERVERS {
        let s = call(
            &app,
            &auth,
            "POST",
            "/api/skills/mcp-servers",
            Some(json!({ "name": format!("Server {i}"), "url": format!("https://s{i}.example/mcp") })),
        )
        .await;
        servers.push(s["id"].as_i64().expect("id"));
    }
    let tid = call(
        &app,
        &auth,
        "POST",
        "/api/skills/templates",
        Some(json!({ "name": "Fleet" })),
    )
    .await["id"]
        .as_i64()
        .expect("tid");
    let assign = format!("/api/skills/templates/{tid}/mcp-servers");
    for id in &servers[..SERVERS] {
        call(
            &app,
            &auth,
            "POST",
            &assign,
            Some(json!({ "mcpServerId": id })),
        )
        .await;
    }
    let started = Instant::now();
    let mut agents = Vec::new();
    for i in 0..AGENTS {
        let a = call(
            &app,
            &auth,
            "POST",
            &format!("/api/skills/templates/{tid}/agents"),
            Some(json!({ "name": format!("Agent {i}") })),
        )
        .await;
        agents.push(a["id"].as_str().expect("uid").to_owned());
    }
    println!(
        "{label}: {AGENTS} agents made from a {SERVERS}-server template in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let extra = servers[SERVERS];
    let (mut plans, mut syncs) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        // Each round changes every agent: the extra server comes or goes.
        if round % 2 == 0 {
            call(
                &app,
                &auth,
                "POST",
                &assign,
                Some(json!({ "mcpServerId": extra })),
            )
            .await;
        } else {
            call(&app, &auth, "DELETE", &format!("{assign}/{extra}"), None).await;
        }
        let t = Instant::now();
        let plan = call(
            &app,
            &auth,
            "GET",
            &format!("/api/skills/templates/{tid}/sync"),
            None,
        )
        .await;
        plans.push(t.elapsed());
        assert_eq!(plan["agents"].as_array().map(Vec::len), Some(AGENTS));
        let t = Instant::now();
        let summary = call(
            &app,
            &auth,
            "POST",
            &format!("/api/skills/templates/{tid}/sync"),
            None,
        )
        .await;
        syncs.push(t.elapsed());
        assert_eq!(summary["agentsSynced"], AGENTS, "{summary}");
    }
    stats::print(
        &format!("{label}: plan of {AGENTS} agents"),
        &stats::summarize(plans),
        None,
    );
    stats::print(
        &format!("{label}: sync of {AGENTS} agents"),
        &stats::summarize(syncs),
        None,
    );

    let runtime = format!(
        "Bearer {}",
        app.runtime_token("bench", "admin@bench.test").await
    );
    let path = format!(
        "/api/runtime/agents/{}/mcp-configs?user={}",
        agents[0],
        username_of("admin@bench.test")
    );
    let mut samples = Vec::new();
    for _ in 0..300 {
        let t = Instant::now();
        let (status, body) = app.rest_json("GET", &path, Some(&runtime), &[], None).await;
        samples.push(t.elapsed());
        assert_eq!(status, 200, "{body}");
    }
    samples.drain(..20); // warm-up: the resolution cache fills
    stats::print(
        &format!("{label}: one agent's configs ({SERVERS}+ servers)"),
        &stats::summarize(samples),
        None::<(&str, Duration)>,
    );
}

#[tokio::main]
async fn main() {
    run("SQLite", spawn_app_with(None).await).await;
    match postgres_url().await {
        Some(url) => run("PostgreSQL", spawn_app_with(Some(url)).await).await,
        None => println!("PostgreSQL: not reachable, skipped"),
    }
}
