//! Process start: configuration, stores, first-run bootstrap, serving.

use clap::Parser;
use leptos::config::{LeptosOptions, get_configuration};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

use crate::server::config::{Cli, Command, Config};
use crate::server::files;
use crate::server::ports::Ports;
use crate::server::services::{accounts, resolve_audit, tool_refresh, vault_upkeep};
use crate::server::state::AppState;
use crate::server::store;

pub async fn main() -> anyhow::Result<()> {
    let telemetry = crate::server::telemetry::init();
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.config).await,
        Command::Vault { command } => crate::server::cli::vault(cli.config, command).await,
        Command::Tenants { command } => crate::server::cli::tenants(cli.config, command).await,
        Command::Users { command } => crate::server::cli::users(cli.config, command).await,
        Command::Tokens { command } => crate::server::cli::tokens(cli.config, command).await,
        Command::Agents { command } => crate::server::cli::agents(cli.config, command).await,
        Command::Oauth { command } => crate::server::cli::oauth(cli.config, command).await,
    };
    // The spans of the last requests are still batched.
    telemetry.shutdown().await;
    result
}

/// Site options: `Leptos.toml` when present (a deployed binary), else the
/// `LEPTOS_*` variables cargo-leptos sets.
fn leptos_options(config: &Config) -> anyhow::Result<LeptosOptions> {
    let file = std::path::Path::new("Leptos.toml")
        .exists()
        .then_some("Leptos.toml");
    let mut options = get_configuration(file)?.leptos_options;
    options.site_addr = config.addr;
    Ok(options)
}

/// Builds the state: connects, migrates, opens the vault (the same
/// [`Ports`] every CLI command builds).
pub async fn build_state(
    config: Config,
    leptos_options: LeptosOptions,
) -> anyhow::Result<AppState> {
    config.validate()?;
    // Serving makes its SQLite directory (0700) and database file (0600) on
    // first start; the CLI commands never have, and still do not.
    let database_url = config.database_url();
    if let Some(path) = database_url.strip_prefix("sqlite://") {
        let file = std::path::Path::new(path.split('?').next().unwrap_or(path));
        if let Some(dir) = file.parent()
            && !dir.as_os_str().is_empty()
        {
            files::create_private_dir(dir)?;
        }
        if !path.starts_with(':') {
            files::create_private_file(file)?;
        }
    }
    let ports = Ports::open(&config).await?;
    Ok(AppState {
        trusted_proxies: Arc::new(config.trusted_proxies()),
        ports,
        config: Arc::new(config),
        leptos_options,
    })
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let options = leptos_options(&config)?;
    let state = build_state(config, options).await?;
    let boot = accounts::bootstrap(
        &state.ports,
        &state.config.default_tenant,
        state.config.admin_email.as_deref(),
        state.config.admin_password.as_deref(),
    )
    .await?;
    let listener = TcpListener::bind(state.config.addr).await?;
    let addr = listener.local_addr()?;
    print_banner(&state, &boot, addr);
    let mut upkeep = tokio::task::JoinSet::new();
    upkeep.spawn(janitor(state.ports.clone()));
    upkeep.spawn(resolve_auditor(
        state.ports.clone(),
        state.config.resolve_audit_window,
    ));
    if !state.config.vault_sweep_interval.is_zero() {
        upkeep.spawn(sweeper(
            state.ports.clone(),
            state.config.vault_sweep_interval,
            state.config.vault_sweep_grace,
        ));
    }
    if !state.config.tool_refresh_interval.is_zero() {
        upkeep.spawn(tool_refresher(
            state.ports.clone(),
            state.config.tool_refresh_interval,
        ));
    }
    let ports = state.ports.clone();
    let grace = state.config.shutdown_grace;
    let served = launch_until(listener, state, shutdown_signal(), grace).await;
    // No sweep may start against a closing pool; a sweep cut short is
    // harmless (it deletes only orphans, one at a time).
    upkeep.shutdown().await;
    // The window cut short still gets its counts written.
    resolve_audit::flush(&ports).await;
    ports.store.close().await;
    tracing::info!("stopped");
    served
}

/// SIGTERM (what an orchestrator sends) or Ctrl-C. If the handlers cannot be
/// installed the server still runs; it just cannot stop gracefully.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: no new connections; finishing requests in flight");
}

/// Prunes expired sessions and sign-in failures that no longer count.
/// Safe to run on every replica at once: both are idempotent deletes.
async fn janitor(ports: Ports) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let now = ports.clock.now();
        let sessions = ports
            .store
            .delete_expired_sessions(now, now - crate::server::auth::session::SESSION_IDLE)
            .await;
        let failures = ports
            .store
            .prune_auth_failures(now - crate::server::auth::rate_limit::WINDOW)
            .await;
        match (sessions, failures) {
            (Ok(s), Ok(f)) if s + f > 0 => {
                tracing::debug!(sessions = s, failures = f, "pruned expired rows")
            }
            (Ok(_), Ok(_)) => {}
            (Err(e), _) | (_, Err(e)) => tracing::warn!(error = %e, "janitor failed"),
        }
    }
}

/// Writes the counted runtime resolutions once per window (see
/// `services::resolve_audit`). A zero window writes every second.
async fn resolve_auditor(ports: Ports, window: std::time::Duration) {
    let mut tick = tokio::time::interval(window.max(std::time::Duration::from_secs(1)));
    tick.tick().await;
    loop {
        tick.tick().await;
        let rows = resolve_audit::flush(&ports).await;
        if rows > 0 {
            tracing::debug!(rows, "runtime resolutions written to the audit log");
        }
    }
}

/// Deletes orphaned secrets now and then. Replicas may overlap: deleting a
/// secret twice is harmless, and the grace period spares registrations in flight.
async fn sweeper(ports: Ports, every: std::time::Duration, grace: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        match vault_upkeep::sweep(&ports, grace).await {
            Ok(r) if r.deleted > 0 => tracing::info!(
                checked = r.checked,
                deleted = r.deleted,
                "vault sweep removed orphaned secrets"
            ),
            Ok(r) => tracing::debug!(checked = r.checked, "vault sweep found no orphans"),
            Err(e) => tracing::warn!(error = %e, "vault sweep failed"),
        }
    }
}

/// Refreshes servers' tools when due. Each round looks for due servers
/// every tenth of the interval (at least a second), so a server is
/// checked at most that much later than due.
async fn tool_refresher(ports: Ports, every: std::time::Duration) {
    let mut tick = tokio::time::interval((every / 10).max(std::time::Duration::from_secs(1)));
    loop {
        tick.tick().await;
        match tool_refresh::run_due(&ports, every).await {
            Ok(r) if r.checked > 0 => tracing::info!(
                checked = r.checked,
                failed = r.failed,
                "scheduled tool refresh"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "scheduled tool refresh failed"),
        }
    }
}

/// Serves on an already-bound listener, so tests can bind port 0.
pub async fn launch(listener: TcpListener, state: AppState) -> anyhow::Result<()> {
    launch_until(listener, state, std::future::pending(), Duration::ZERO).await
}

/// Serves until `shutdown` resolves, then stops accepting connections and
/// lets the requests in flight finish, for at most `grace`: a stuck request
/// (an MCP server that never answers, past its own deadline) cannot hold the
/// process up forever.
pub async fn launch_until(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> anyhow::Result<()> {
    let header_read_timeout = state.config.header_read_timeout;
    let lease = Lease::take(state.ports.clone()).await;
    let app = crate::server::http::router(state);
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = crate::server::serve::serve(
        listener,
        app,
        async move {
            shutdown.await;
            let _ = stopping.send(());
        },
        header_read_timeout,
    );
    let deadline = async move {
        // Only a fired signal starts the clock; a dropped sender (the server
        // ended on its own) must not.
        if stopped.await.is_err() {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        () = server => {}
        () = deadline => {
            tracing::warn!(grace = ?grace, "requests still in flight after the shutdown grace: exiting anyway");
        }
    }
    lease.release().await;
    Ok(())
}

/// How often a serving process renews its lease on the database, and how
/// old a lease may be before its process counts as gone (a crash leaves
/// one behind; it goes stale).
pub const LEASE_EVERY: Duration = Duration::from_secs(5);
pub const LEASE_STALE: Duration = Duration::from_secs(20);

/// This process's lease: `vault rekey` refuses to run while any is fresh.
struct Lease {
    ports: Ports,
    instance: String,
    renewer: tokio::task::JoinHandle<()>,
}

impl Lease {
    async fn take(ports: Ports) -> Self {
        let instance = uuid::Uuid::new_v4().to_string();
        // Taken before the first request is served, so a maintenance
        // command started after that sees it.
        Self::renew(&ports, &instance).await;
        let renewer = tokio::spawn({
            let ports = ports.clone();
            let instance = instance.clone();
            async move {
                loop {
                    tokio::time::sleep(LEASE_EVERY).await;
                    Self::renew(&ports, &instance).await;
                }
            }
        });
        Lease {
            ports,
            instance,
            renewer,
        }
    }

    async fn renew(ports: &Ports, instance: &str) {
        if let Err(e) = ports.store.renew_lease(instance, ports.clock.now()).await {
            tracing::warn!(error = %e, "could not renew this process's lease");
        }
    }

    async fn release(self) {
        self.renewer.abort();
        // Wait for the task to end, so a renewal in flight cannot land
        // after the delete.
        let _ = self.renewer.await;
        if let Err(e) = self.ports.store.drop_lease(&self.instance).await {
            tracing::warn!(error = %e, "could not drop this process's lease (it goes stale)");
        }
    }
}

fn print_banner(state: &AppState, boot: &accounts::Bootstrap, addr: SocketAddr) {
    let db = store::redact_url(&state.config.database_url());
    println!();
    println!("  Switchboard is running at http://{addr}/");
    println!(
        "  database: {db} ({}) · vault: {}",
        state.ports.store.engine(),
        state.ports.vault.backend()
    );
    println!("  tenant:   {}", boot.tenant_slug);
    match (&boot.admin_email, &boot.generated_password) {
        (Some(email), Some(password)) => {
            println!("  sign in:  {email} / {password}");
            println!(
                "            (generated now and shown only once; set SWITCHBOARD_ADMIN_PASSWORD to choose it)"
            );
        }
        (Some(email), None) => println!("  sign in:  {email} with SWITCHBOARD_ADMIN_PASSWORD"),
        (None, _) => println!("  sign in:  with an existing account"),
    }
    println!();
}
