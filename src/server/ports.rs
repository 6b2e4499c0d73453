//! What services work with: the store, the vault, the MCP client, outbound
//! HTTP and the clock, each behind a trait or a cheap handle. Services take
//! `&Ports` and nothing wider, so a test can swap any one of them (a fixed
//! clock, a failing vault) without an HTTP server or a configuration.

use std::sync::Arc;

use crate::server::clock::{Clock, SystemClock};
use crate::server::config::Config;
use crate::server::mcp::McpClient;
use crate::server::outbound::{Outbound, OutboundPolicy};
use crate::server::services::resolution_cache::ResolutionCache;
use crate::server::services::resolve_audit::ResolveTally;
use crate::server::store::{self, Store};
use crate::server::vault::{self, Vault};

#[derive(Clone)]
pub struct Ports {
    pub store: Arc<dyn Store>,
    pub vault: Arc<dyn Vault>,
    /// Goes out through `outbound`.
    pub mcp: McpClient,
    /// SSRF-guarded HTTP for every admin-supplied URL.
    pub outbound: Outbound,
    pub clock: Arc<dyn Clock>,
    /// Password checks in progress, at most one per core.
    pub password_checks: Arc<tokio::sync::Semaphore>,
    /// The global platform's slug (see `Config::global_tenant`).
    pub global_tenant: String,
    /// This replica's short-lived memory of resolution's reads.
    pub resolution_cache: Arc<ResolutionCache>,
    /// Runtime resolutions counted for the audit log.
    pub resolve_tally: Arc<ResolveTally>,
    /// A server's tool list not refreshed for this long is stale.
    pub tools_stale_after: std::time::Duration,
}

impl Ports {
    /// Connects to the configured database and opens the rest. The server
    /// and every CLI command build their ports here, so the two cannot
    /// drift apart.
    pub async fn open(config: &Config) -> anyhow::Result<Self> {
        config.validate()?;
        let store = store::connect(&config.database_url()).await?;
        Self::on_store(config, store).await
    }

    /// As [`Ports::open`], on a store already connected (a command that
    /// must use the database before it may open the vault).
    pub async fn on_store(config: &Config, store: Arc<dyn Store>) -> anyhow::Result<Self> {
        let vault = vault::MeteredVault::wrap(vault::open(config, store.clone()).await?);
        let outbound = Outbound::new(
            OutboundPolicy::new(config.outbound_allow()?),
            config.mcp_timeout,
        )?;
        Ok(Self {
            store,
            vault,
            mcp: McpClient::new(outbound.clone())
                .with_test_slots(config.max_tests, config.max_tests_per_tenant),
            outbound,
            clock: Arc::new(SystemClock),
            password_checks: Arc::new(crate::server::auth::password::check_slots()),
            global_tenant: config.global_tenant.trim().to_owned(),
            resolution_cache: Arc::new(ResolutionCache::new(config.resolve_cache_ttl)),
            resolve_tally: Arc::default(),
            tools_stale_after: stale_after(config.tool_refresh_interval),
        })
    }
}

/// Two refreshes missed; with the schedule off, a day.
fn stale_after(refresh: std::time::Duration) -> std::time::Duration {
    if refresh.is_zero() {
        std::time::Duration::from_secs(24 * 3600)
    } else {
        refresh * 2
    }
}
