//! The sweeper: deletes secrets this deployment created whose owner row
//! never appeared (a crash between the saga's two steps) or is gone.

use chrono::{DateTime, Utc};
use std::time::Duration;

use super::{Vault, VaultResult};
use crate::server::store::Store;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Secrets listed as ours.
    pub checked: usize,
    /// Orphans deleted.
    pub deleted: usize,
    /// Orphans younger than the grace period, left for a later sweep.
    pub too_young: usize,
}

/// One pass. `grace` protects a registration in flight: its secret exists a
/// moment before its row does.
pub async fn sweep(
    vault: &dyn Vault,
    store: &dyn Store,
    grace: Duration,
    now: DateTime<Utc>,
) -> VaultResult<SweepReport> {
    let cutoff = chrono::Duration::from_std(grace)
        .ok()
        .and_then(|g| now.checked_sub_signed(g))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut report = SweepReport::default();
    for secret in vault.list_managed().await? {
        report.checked += 1;
        let in_use = store
            .secret_in_use(&secret.secret_ref)
            .await
            .map_err(|e| super::VaultError::unavailable("the database", e))?;
        if in_use {
            continue;
        }
        if secret.created_at > cutoff {
            report.too_young += 1;
            continue;
        }
        vault.delete(&secret.secret_ref).await?;
        tracing::info!(secret_ref = %secret.secret_ref, owner = %secret.owner, "swept an orphaned secret");
        report.deleted += 1;
    }
    Ok(report)
}
