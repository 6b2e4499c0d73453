//! Runtime resolution in process: `services::resolution::resolve` over a
//! tenant with 10,000 servers and 100,000 connections (ten per server: user,
//! agent and tenant scope, some inactive), on SQLite and, when reachable,
//! PostgreSQL. Each call reads the server, the server's active connections
//! and the winning connection's sealed secret from the vault, and renders
//! the headers: the work the runtime API and the agent gateway do per call.
//!
//! Measured three ways: in process with the replica's resolution cache off
//! (every call reads the database and the vault), in process with it on
//! (the steady state: a server resolved in the last 5 s), and through
//! `POST /api/runtime/resolve` over loopback HTTP with a runtime token
//! (token check, user and agent lookups, JSON both ways).
//!
//! `./dev bench` (or `cargo bench --features test-support --bench resolve`).

#[path = "stats.rs"]
mod stats;

use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard::domain::{AgentId, AgentUid, Role, ServerId, TenantId, UserId};
use switchboard::server::ports::Ports;
use switchboard::server::services::resolution::{Asker, resolve};
use switchboard::server::services::resolution_cache::ResolutionCache;
use switchboard::server::testing::{TestApp, spawn_app_with, username_of};

const SERVERS: i64 = 10_000;
const PER_SERVER: i64 = 10;
const USERS: i64 = 50;

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

async fn measure(
    ports: &Ports,
    asker: Asker,
    servers: &[i64],
    calls: usize,
) -> (stats::Summary, f64) {
    // Every server once first: the cached figure is the steady state, and
    // the uncached one does not pay for a cold page cache.
    for s in servers {
        let _ = resolve(ports, &asker, ServerId::new(*s)).await;
    }
    let mut samples = Vec::with_capacity(calls);
    let all = Instant::now();
    for i in 0..calls {
        let server = ServerId::new(servers[i % servers.len()]);
        let start = Instant::now();
        let outcome = resolve(ports, &asker, server).await.expect("resolve");
        samples.push(start.elapsed());
        assert!(outcome.is_ok(), "every server resolves");
    }
    let per_second = calls as f64 / all.elapsed().as_secs_f64();
    (stats::summarize(samples), per_second)
}

/// `workers` tasks resolving at once on the runtime's threads (one per core).
async fn throughput(
    ports: &Ports,
    asker: Asker,
    servers: &[i64],
    calls: usize,
    workers: usize,
) -> f64 {
    let servers: Arc<Vec<i64>> = Arc::new(servers.to_vec());
    let all = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..workers {
        let (ports, servers) = (ports.clone(), servers.clone());
        tasks.spawn(async move {
            for i in 0..calls / workers {
                let server = ServerId::new(servers[(i * workers + w) % servers.len()]);
                let outcome = resolve(&ports, &asker, server).await.expect("resolve");
                assert!(outcome.is_ok());
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("worker");
    }
    calls as f64 / all.elapsed().as_secs_f64()
}

/// Through the runtime API: `in_flight` requests at once over loopback.
async fn over_http(
    app: &TestApp,
    token: &str,
    bodies: &[serde_json::Value],
    calls: usize,
    in_flight: usize,
) -> (stats::Summary, f64) {
    let url = format!("{}/api/runtime/resolve", app.base);
    let auth = format!("Bearer {token}");
    let bodies = Arc::new(bodies.to_vec());
    for body in bodies.iter() {
        let reply = app
            .http
            .post(&url)
            .header("authorization", &auth)
            .json(body)
            .send()
            .await
            .expect("send");
        assert_eq!(
            reply.status().as_u16(),
            200,
            "{}",
            reply.text().await.unwrap_or_default()
        );
    }
    let all = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..in_flight {
        let (http, url, auth, bodies) =
            (app.http.clone(), url.clone(), auth.clone(), bodies.clone());
        tasks.spawn(async move {
            let mut samples = Vec::with_capacity(calls / in_flight);
            for i in 0..calls / in_flight {
                let body = &bodies[(i * in_flight + w) % bodies.len()];
                let start = Instant::now();
                let reply = http
                    .post(&url)
                    .header("authorization", &auth)
                    .json(body)
                    .send()
                    .await
                    .expect("send");
                let ok = reply.status().is_success();
                let _ = reply.bytes().await;
                samples.push(start.elapsed());
                assert!(ok);
            }
            samples
        });
    }
    let mut samples = Vec::with_capacity(calls);
    while let Some(done) = tasks.join_next().await {
        samples.extend(done.expect("worker"));
    }
    let per_second = samples.len() as f64 / all.elapsed().as_secs_f64();
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
    let tenant_only = Asker {
        tenant_id: world.tenant,
        user: None,
        agent: None,
    };
    // The agent's newest connection there is the vaulted one.
    let agent_only = Asker {
        tenant_id: world.tenant,
        user: None,
        agent: Some(world.agent),
    };
    let budget = Some(("p99", Duration::from_millis(2)));
    let mut uncached = app.state.ports.clone();
    uncached.resolution_cache = Arc::new(ResolutionCache::new(Duration::ZERO));
    let cached = app.state.ports.clone();
    for (label, ports, calls) in [
        ("cache off", &uncached, 5_000),
        ("cache on", &cached, 200_000),
    ] {
        println!("  in process, {label}:");
        let (s, rate) = measure(ports, user, &spread, calls).await;
        stats::print("    1,000 servers, a user via the agent", &s, budget);
        println!("      {rate:.0} resolutions/s, one at a time");
        let (s, rate) = measure(ports, tenant_only, &spread, calls).await;
        stats::print("    1,000 servers, the tenant", &s, budget);
        println!("      {rate:.0} resolutions/s, one at a time");
        let (s, rate) = measure(ports, agent_only, &[world.first_server], calls).await;
        stats::print("    one server, vaulted agent credential", &s, budget);
        println!("      {rate:.0} resolutions/s, one at a time");
        let rate = throughput(ports, user, &spread, calls, 2).await;
        println!("      {rate:.0} resolutions/s, two at a time (aim: ≥ 50,000/s)");
    }
    let token = app.runtime_token("bench", "admin@bench.test").await;
    let user_name = {
        let store = app.state.ports.store.as_ref();
        let u = store
            .user_by_id(world.users[0])
            .await
            .expect("q")
            .expect("user");
        u.username
    };
    let bodies: Vec<serde_json::Value> = spread
        .iter()
        .map(|s| json!({ "server": s, "user": user_name, "agent": uid.to_string() }))
        .collect();
    println!("  POST /api/runtime/resolve over loopback HTTP (cache on):");
    let (s, rate) = over_http(&app, &token, &bodies, 5_000, 1).await;
    stats::print("    one at a time", &s, budget);
    println!("      {rate:.0} resolutions/s");
    let (s, rate) = over_http(&app, &token, &bodies, 20_000, 8).await;
    stats::print("    eight in flight", &s, None);
    println!("      {rate:.0} resolutions/s");
}

#[tokio::main]
async fn main() {
    run("SQLite", spawn_app_with(None).await).await;
    match switchboard::server::testing::postgres_url().await {
        Some(url) => run("PostgreSQL", spawn_app_with(Some(url)).await).await,
        None => println!("PostgreSQL: not reachable, skipped"),
    }
}
