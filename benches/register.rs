//! Register-with-key: the saga's vault write plus row insert, through the
//! servers service, 1,000 registrations per vault backend: `local` (on
//! SQLite) and `aws` against moto's Secrets Manager on loopback.
//!
//! `./dev bench` (or `cargo bench --features test-support --bench register`).

#[path = "stats.rs"]
mod stats;

use std::sync::Arc;
use std::time::Instant;
use switchboard::domain::{AuthType, NewServer, Role, Transport};
use switchboard::server::auth::Actor;
use switchboard::server::services::servers;
use switchboard::server::testing::{Moto, TestApp, spawn_app_on};
use switchboard::server::vault::Vault;

const RUNS: usize = 1_000;
const WARM_UP: usize = 20;

async fn measure(label: &str, vault: Option<Arc<dyn Vault>>) {
    let app: TestApp = spawn_app_on(None, vault).await;
    app.user("bench", "admin@bench.test", Role::Admin).await;
    let tenant = app
        .state
        .ports
        .store
        .tenant_by_slug("bench")
        .await
        .expect("q")
        .expect("tenant");
    let actor = Actor {
        user_id: switchboard::domain::UserId::new(1),
        username: "admin-bench-test".into(),
        email: "admin@bench.test".into(),
        tenant_id: tenant.id,
        tenant_slug: tenant.slug.clone(),
        tenant_name: tenant.name.clone(),
        role: Role::Admin,
    };
    let mut samples = Vec::with_capacity(RUNS);
    for i in 0..WARM_UP + RUNS {
        let new = NewServer {
            name: format!("Server {i:05}"),
            url: format!("https://mcp-{i}.example/mcp"),
            transport: Transport::StreamableHttp,
            auth_type: AuthType::Token,
            api_key: Some(format!("bench-key-{i}")),
            ..Default::default()
        };
        let start = Instant::now();
        servers::register(&app.state.ports, &actor, new)
            .await
            .expect("register");
        if i >= WARM_UP {
            samples.push(start.elapsed());
        }
    }
    stats::print(label, &stats::summarize(samples), None);
}

#[tokio::main]
async fn main() {
    println!("register with a key (vault write + row insert), SQLite store:");
    measure("local vault", None).await;
    let moto = Moto::start().await;
    measure("aws vault on moto (loopback)", Some(moto.vault().await)).await;
}
