//! The scheduled refresh of servers' tools: a health check of every
//! enabled server whose tools were pinned, which keeps the gateway's
//! catalog current and catches a tool that changed (`tool_pins`). Any
//! replica may run it: each server is claimed in the database first, so
//! two replicas never check one server in the same round.

use std::time::Duration;

use crate::server::error::ServiceResult;
use crate::server::ports::Ports;
use crate::server::services::audit::By;
use crate::server::services::server_test;

/// Servers taken per round; the rest wait for the next one.
const BATCH: i64 = 100;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RefreshReport {
    /// Servers checked this round.
    pub checked: usize,
    /// Of those, the ones whose check failed (their snapshot says why).
    pub failed: usize,
}

/// Checks every server not checked for `every`, as Switchboard itself:
/// with the server's own key, or none. (An OAuth server without a key is
/// reached only with a person's account, so only people test it.)
pub async fn run_due(ports: &Ports, every: Duration) -> ServiceResult<RefreshReport> {
    let now = ports.clock.now();
    let before = chrono::Duration::from_std(every)
        .ok()
        .and_then(|every| now.checked_sub_signed(every))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
    let mut report = RefreshReport::default();
    for (tenant, server) in ports.store.due_tool_checks(before, BATCH).await? {
        if !ports
            .store
            .claim_tool_check(tenant, server, before, now)
            .await?
        {
            continue;
        }
        let Some(row) = ports.store.server(tenant, server).await? else {
            continue;
        };
        if !server_test::checkable_unattended(&row) {
            continue;
        }
        // A tenant's people testing at this moment come first.
        let Ok(_slot) = ports.mcp.test_slot(tenant) else {
            tracing::debug!(tenant = %tenant, server = %server, "scheduled check skipped: no free slot");
            continue;
        };
        report.checked += 1;
        match server_test::check(ports, By::Schedule(tenant), &row).await {
            Ok(outcome) if outcome.ok => {}
            Ok(_) => report.failed += 1,
            Err(e) => {
                report.failed += 1;
                tracing::warn!(tenant = %tenant, server = %server, error = %e, "scheduled check failed");
            }
        }
    }
    Ok(report)
}
