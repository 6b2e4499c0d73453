//! The REST surfaces as a script calls them: one request with an API token
//! (hash lookup, role re-read, rate-limit check, last-use bookkeeping) against
//! the same request with a session cookie, and both contracts' list of 100
//! servers. 1,000 requests each over loopback HTTP, SQLite store.
//!
//! `./dev bench` (or `cargo bench --features test-support --bench rest`).

#[path = "stats.rs"]
mod stats;

use chrono::Utc;
use std::time::Instant;
use switchboard::domain::{AuthType, Role, Transport};
use switchboard::server::store::NewServerRecord;
use switchboard::server::testing::{TestApp, spawn_app, username_of};

const RUNS: usize = 1_000;
const WARM_UP: usize = 50;
const SERVERS: usize = 100;

async fn measure(app: &TestApp, label: &str, path: &str, headers: &[(&str, &str)]) {
    let mut samples = Vec::with_capacity(RUNS);
    for i in 0..WARM_UP + RUNS {
        let start = Instant::now();
        let reply = app.rest("GET", path, None, headers, None).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        if i >= WARM_UP {
            samples.push(start.elapsed());
        }
    }
    stats::print(label, &stats::summarize(samples), None);
}

#[tokio::main]
async fn main() {
    let app = spawn_app().await;
    app.user("bench", "admin@bench.test", Role::Admin).await;
    let tenant = app
        .state
        .ports
        .store
        .tenant_by_slug("bench")
        .await
        .expect("q")
        .expect("tenant");
    for i in 0..SERVERS {
        let name = format!("Server {i:03}");
        app.state
            .ports
            .store
            .insert_server(&NewServerRecord {
                tenant_id: tenant.id,
                slug: switchboard::domain::server::slugify(&name),
                name,
                description: String::new(),
                url: format!("https://mcp-{i}.example/mcp"),
                url_secret: switchboard::domain::UrlSecret::None,
                url_secret_ref: None,
                transport: Transport::StreamableHttp,
                auth_type: AuthType::None,
                enabled: true,
                featured: false,
                secret_ref: None,
                owner: None,
                auth_scope: switchboard::domain::Scope::Tenant,
                agent_id: None,
                extra_headers: Vec::new(),
                oauth_service_id: None,
                now: Utc::now(),
            })
            .await
            .expect("insert");
    }
    let token = format!("Token {}", app.token("bench", "admin@bench.test").await);
    let cookie = app.session("admin@bench.test").await;
    let skills = "/api/skills/mcp-servers";
    let mentor = format!(
        "/api/ai-mentor/orgs/bench/users/{}/mcp-servers/",
        username_of("admin@bench.test")
    );
    println!("REST list of {SERVERS} servers over loopback HTTP, SQLite store:");
    let tenant_header = ("x-tenant-slug", "bench");
    measure(
        &app,
        "skills, API token",
        skills,
        &[("authorization", &token), tenant_header],
    )
    .await;
    measure(
        &app,
        "skills, session cookie",
        skills,
        &[("cookie", &cookie), tenant_header],
    )
    .await;
    measure(
        &app,
        "ai-mentor, API token",
        &mentor,
        &[("authorization", &token)],
    )
    .await;
}
