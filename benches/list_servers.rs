//! The servers page's list call with 10,000 servers in the tenant, through
//! the real server function over HTTP (session lookup included), on SQLite
//! and, when reachable, PostgreSQL.
//!
//! `./dev bench` (or `cargo bench --features test-support --bench list_servers`).

#[path = "stats.rs"]
mod stats;

use chrono::Utc;
use serde_json::json;
use std::time::{Duration, Instant};
use switchboard::domain::{AuthType, ListQuery, Role, ServerSort, SortDir, Transport};
use switchboard::server::store::NewServerRecord;
use switchboard::server::testing::{TestApp, spawn_app_with};

const SERVERS: usize = 10_000;
const CALLS: usize = 300;

async fn seed(app: &TestApp) -> String {
    app.user("bench", "admin@bench.test", Role::Admin).await;
    let tenant = app
        .state
        .ports
        .store
        .tenant_by_slug("bench")
        .await
        .expect("q")
        .expect("tenant");
    let started = Instant::now();
    for i in 0..SERVERS {
        let name = format!(
            "Server {i:05} {}",
            ["crm", "jira", "drive", "search"][i % 4]
        );
        app.state
            .ports
            .store
            .insert_server(&NewServerRecord {
                tenant_id: tenant.id,
                slug: switchboard::domain::server::slugify(&name),
                url: format!("https://mcp-{i}.example/mcp"),
                url_secret: switchboard::domain::UrlSecret::None,
                url_secret_ref: None,
                description: String::new(),
                name,
                transport: if i % 3 == 0 {
                    Transport::Sse
                } else {
                    Transport::StreamableHttp
                },
                auth_type: AuthType::None,
                enabled: i % 5 != 0,
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
    println!(
        "  seeded {SERVERS} servers in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    analyze(&app.database_url).await;
    app.session("admin@bench.test").await
}

/// A live database has planner statistics (autovacuum gathers them shortly
/// after a bulk insert); give the freshly seeded one the same.
async fn analyze(url: &str) {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::query("ANALYZE mcp_servers")
            .execute(&mut conn)
            .await
            .expect("analyze");
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::query("ANALYZE")
            .execute(&mut conn)
            .await
            .expect("analyze");
    }
}

async fn measure(app: &TestApp, cookie: &str, query: &ListQuery<ServerSort>) -> stats::Summary {
    let body = json!({ "query": query });
    for _ in 0..10 {
        app.call("servers/list", Some(cookie), body.clone()).await;
    }
    let mut samples = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let start = Instant::now();
        let r = app.call("servers/list", Some(cookie), body.clone()).await;
        samples.push(start.elapsed());
        assert_eq!(r.status, 200, "{}", r.body);
    }
    stats::summarize(samples)
}

async fn run(engine: &str, app: TestApp) {
    println!("{engine}:");
    let cookie = seed(&app).await;
    let budget = Some(("p99", Duration::from_millis(20)));
    let first = ListQuery::<ServerSort>::default();
    let s = measure(&app, &cookie, &first).await;
    stats::print("  first page, by name", &s, budget);
    let by_tools = ListQuery::<ServerSort> {
        sort: ServerSort::ToolCount,
        dir: SortDir::Desc,
        ..Default::default()
    };
    let s = measure(&app, &cookie, &by_tools).await;
    stats::print("  first page, by tool count", &s, budget);
    let filtered = ListQuery::<ServerSort> {
        filter: "jira".into(),
        ..Default::default()
    };
    let s = measure(&app, &cookie, &filtered).await;
    stats::print("  first page, name filter \"jira\"", &s, budget);
    let last = ListQuery::<ServerSort> {
        page: (SERVERS / 25) as u32,
        ..Default::default()
    };
    let s = measure(&app, &cookie, &last).await;
    stats::print("  last page (offset 9,975)", &s, budget);
}

#[tokio::main]
async fn main() {
    run("SQLite", spawn_app_with(None).await).await;
    match switchboard::server::testing::postgres_url().await {
        Some(url) => run("PostgreSQL", spawn_app_with(Some(url)).await).await,
        None => println!("PostgreSQL: not reachable, skipped"),
    }
}
