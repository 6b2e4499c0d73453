//! Runtime resolution in process: `services::resolution::resolve` over a
//! tenant with 10,000 servers and 100,000 connections (ten per server: user,
//! agent and tenant scope, some inactive), on SQLite and, when reachable,
//! PostgreSQL. Each call reads the server, the server's active connections
//! and the winning connection's sealed secret from the vault, and renders
//! the headers: the work the runtime API and the agent gateway do per call.
//!
//! `./dev bench` (or `cargo bench --features test-support --bench resolve`).
//! There is no HTTP endpoint for it yet, so only the in-process figure.

#[path = "stats.rs"]
mod stats;

use serde_json::json;
use std::time::{Duration, Instant};
use switchboard::domain::{AgentId, AgentUid, Role, ServerId, TenantId, UserId};
use switchboard::server::services::resolution::{Asker, resolve};
use switchboard::server::testing::{TestApp, spawn_app_with, username_of};

const SERVERS: i64 = 10_000;
const PER_SERVER: i64 = 10;
const USERS: i64 = 50;
const CALLS: usize = 5_000;

struct World {
    tenant: TenantId,
    users: Vec<UserId>,
    agent: AgentId,
    first_server: i64,
}

/// Rows go in by plain multi-row INSERTs (numbers and constants only): the
/// store's one-row API would take minutes for 100,000 connections.
async fn seed(app: &TestApp) -> World {
    use sqlx::Connection;
    app.user("bench", "admin@bench.test", Role::Admin).await;
    let store = app.state.ports.store.as_ref();
    let tenant = store
        .tenant_by_slug("bench")
        .await
        .expect("q")
        .expect("tenant");
    let agent_uid: AgentUid = app.agent("bench", "Bench bot").await;
    let agent = store
        .agent_by_uid(tenant.id, &agent_uid)
        .await
        .expect("q")
        .expect("agent")
        .id;
    let started = Instant::now();
    let url = app.database_url.clone();
    let t = tenant.id.get();
    let now = "2026-11-30T00:00:00Z";
    let exec = |sql: String| {
        let url = url.clone();
        async move {
            if url.starts_with("postgres") {
                let mut c = sqlx::PgConnection::connect(&url).await.expect("connect");
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut c)
                    .await
                    .expect("insert");
            } else {
                let mut c = sqlx::SqliteConnection::connect(&url)
                    .await
                    .expect("connect");
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut c)
                    .await
                    .expect("insert");
            }
        }
    };
    let mut users = Vec::new();
    for i in 0..USERS {
        let email = format!("user{i}@bench.test");
        app.user("bench", &email, Role::Member).await;
        users.push(
            store
                .user_by_email(&email)
                .await
                .expect("q")
                .expect("user")
                .id,
        );
    }
    let before = store
        .search_servers(tenant.id, &Default::default(), 1, 0)
        .await
        .expect("q")
        .1;
    for chunk in (0..SERVERS).collect::<Vec<_>>().chunks(1_000) {
        let values: Vec<String> = chunk
            .iter()
            .map(|i| {
                format!(
                    "({t}, 'Server {i}', 'server-{i}', 'https://mcp-{i}.example/mcp', \
                     'streamable_http', 'token', TRUE, '{now}', '{now}')"
                )
            })
            .collect();
        exec(format!(
            "INSERT INTO mcp_servers (tenant_id, name, slug, url, transport, auth_type, enabled, \
             created_at, updated_at) VALUES {}",
            values.join(", ")
        ))
        .await;
    }
    let (rows, _) = store
        .search_servers(tenant.id, &Default::default(), 1, before)
        .await
        .expect("q");
    let first_server = rows[0].id.get();
    // Ten per server: three users', two of the agent, the tenant's, and four
    // inactive ones of every scope.
    let mut values = Vec::new();
    for s in first_server..first_server + SERVERS {
        for k in 0..PER_SERVER {
            let user = users[((s + k) % USERS) as usize].get();
            let (scope, user_id, agent_id, active) = match k {
                0..=2 => ("user", user.to_string(), "NULL".to_owned(), "TRUE"),
                3..=4 => ("agent", "NULL".to_owned(), agent.get().to_string(), "TRUE"),
                5 => ("tenant", "NULL".to_owned(), "NULL".to_owned(), "TRUE"),
                6 => ("user", user.to_string(), "NULL".to_owned(), "FALSE"),
                7 => ("agent", "NULL".to_owned(), agent.get().to_string(), "FALSE"),
                _ => ("tenant", "NULL".to_owned(), "NULL".to_owned(), "FALSE"),
            };
            values.push(format!(
                "({t}, {s}, '{scope}', 'none', {user_id}, {agent_id}, '', {active}, '{now}', '{now}')"
            ));
        }
        if values.len() >= 2_000 {
            insert_connections(&exec, &mut values).await;
        }
    }
    insert_connections(&exec, &mut values).await;
    println!(
        "  seeded {SERVERS} servers and {} connections in {:.1} s",
        SERVERS * PER_SERVER,
        started.elapsed().as_secs_f64()
    );
    World {
        tenant: tenant.id,
        users,
        agent,
        first_server,
    }
}

async fn insert_connections<F, Fut>(exec: &F, values: &mut Vec<String>)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    if values.is_empty() {
        return;
    }
    exec(format!(
        "INSERT INTO connections (tenant_id, server_id, scope, auth_type, user_id, agent_id, \
         authorization_scheme, is_active, created_at, updated_at) VALUES {}",
        values.join(", ")
    ))
    .await;
    values.clear();
}

/// One server gets real vaulted credentials at every scope, through the
/// service, so its resolutions read and decrypt a sealed secret.
async fn vaulted(app: &TestApp, server: i64, agent: &AgentUid) {
    let token = app.token("bench", "admin@bench.test").await;
    let base = format!(
        "/api/ai-mentor/orgs/bench/users/{}/mcp-server-connections/",
        username_of("admin@bench.test")
    );
    for body in [
        json!({ "server": server, "scope": "platform", "auth_type": "token", "credentials": "t-key",
            "authorization_scheme": "Bearer", "extra_headers": { "X-Api-Key": "h" } }),
        json!({ "server": server, "scope": "mentor", "mentor": agent.to_string(), "auth_type": "token",
            "credentials": "a-key", "authorization_scheme": "Bearer" }),
    ] {
        let (status, c) = app
            .rest_json(
                "POST",
                &base,
                Some(&format!("Token {token}")),
                &[],
                Some(body),
            )
            .await;
        assert_eq!(status, 201, "{c}");
    }
}

async fn measure(app: &TestApp, asker: Asker, servers: &[i64]) -> (stats::Summary, f64) {
    for s in servers.iter().take(50) {
        let _ = resolve(&app.state.ports, &asker, ServerId::new(*s)).await;
    }
    let mut samples = Vec::with_capacity(CALLS);
    let all = Instant::now();
    for i in 0..CALLS {
        let server = ServerId::new(servers[i % servers.len()]);
        let start = Instant::now();
        let outcome = resolve(&app.state.ports, &asker, server)
            .await
            .expect("resolve");
        samples.push(start.elapsed());
        assert!(outcome.is_ok(), "every server resolves");
    }
    let per_second = CALLS as f64 / all.elapsed().as_secs_f64();
    (stats::summarize(samples), per_second)
}

async fn run(engine: &str, app: TestApp) {
    println!("{engine}:");
    let world = seed(&app).await;
    let uid = {
        let store = app.state.ports.store.as_ref();
        let agents = store.list_agents(world.tenant).await.expect("agents");
        agents[0].unique_id.clone()
    };
    vaulted(&app, world.first_server, &uid).await;
    let spread: Vec<i64> = (0..1_000)
        .map(|i| world.first_server + (i * 7_919) % SERVERS)
        .collect();
    let user = Asker {
        tenant_id: world.tenant,
        user: Some(world.users[0]),
        agent: Some(world.agent),
    };
    let budget = Some(("p99", Duration::from_millis(2)));
    let (s, rate) = measure(&app, user, &spread).await;
    stats::print("  1,000 servers, a user via the agent", &s, budget);
    println!("    {rate:.0} resolutions/s, one at a time");
    let tenant_only = Asker {
        tenant_id: world.tenant,
        user: None,
        agent: None,
    };
    let (s, rate) = measure(&app, tenant_only, &spread).await;
    stats::print("  1,000 servers, the tenant", &s, budget);
    println!("    {rate:.0} resolutions/s, one at a time");
    // The agent's newest connection there is the vaulted one.
    let agent_only = Asker {
        tenant_id: world.tenant,
        user: None,
        agent: Some(world.agent),
    };
    let (s, rate) = measure(&app, agent_only, &[world.first_server]).await;
    stats::print("  one server, vaulted agent credential", &s, budget);
    println!("    {rate:.0} resolutions/s, one at a time");
}

#[tokio::main]
async fn main() {
    run("SQLite", spawn_app_with(None).await).await;
    match switchboard::server::testing::postgres_url().await {
        Some(url) => run("PostgreSQL", spawn_app_with(Some(url)).await).await,
        None => println!("PostgreSQL: not reachable, skipped"),
    }
}
