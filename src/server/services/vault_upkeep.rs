//! The operator's upkeep of the credential vault (`switchboard vault …`
//! and the server's periodic sweeper): deleting orphaned secrets, and
//! re-encrypting the local vault under a new master key.
//!
//! Both answer with the vault's and the store's own errors, not a
//! `ServiceError`: their callers print them to an operator as they are.

use std::time::Duration;

use crate::server::ports::Ports;
use crate::server::store::StoreError;
use crate::server::vault::sweep::SweepReport;
use crate::server::vault::{self, VaultKey, VaultResult};

/// One sweep: orphans older than `grace` go; younger ones are counted and
/// left, since a registration in flight writes its secret before its row.
pub async fn sweep(ports: &Ports, grace: Duration) -> VaultResult<SweepReport> {
    vault::sweep::sweep(
        ports.vault.as_ref(),
        ports.store.as_ref(),
        grace,
        ports.clock.now(),
    )
    .await
}

/// Re-encrypts every local secret from `old` to `new` in one transaction;
/// returns how many were rewritten. Nothing changes unless all of them open.
pub async fn rekey(ports: &Ports, old: &VaultKey, new: &VaultKey) -> Result<u64, StoreError> {
    vault::rekey::rekey(ports.store.as_ref(), old, new, ports.clock.now()).await
}
