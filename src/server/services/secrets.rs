//! The vault half of every record that owns a secret: a server's key today,
//! a connection's credential and an OAuth grant's tokens next. The rules are
//! the same for each owner, so they live here once:
//! - a new secret is written before the row that refers to it, and deleted
//!   again if that row cannot be written (the sweeper catches a crash in
//!   between);
//! - a replacement is staged as the secret's pending version, promoted only
//!   once the row is written, and discarded if it is not;
//! - a secret the row no longer needs is deleted only after the row is written.
//!
//! The owner's service decides when and records what happened (audit, row
//! bookkeeping); nothing here knows which table the row lives in.

use secrecy::SecretString;

use crate::domain::SecretRef;
use crate::server::auth::Actor;
use crate::server::ports::Ports;
use crate::server::store::SecretRefChange;
use crate::server::vault::{SecretKind, SecretOwner, Staged, VaultResult};

/// Who a new secret belongs to: the caller's tenant, a kind, and the owning
/// object's name (e.g. `mcp-server/github`), written into the secret's name
/// and tags so an operator can tell what it is for without our database.
pub(super) struct Owner<'a> {
    pub actor: &'a Actor,
    pub kind: SecretKind,
    pub name: String,
}

/// Writes a new secret; returns its reference for the row to keep.
pub(super) async fn create(
    ports: &Ports,
    owner: &Owner<'_>,
    value: String,
) -> VaultResult<SecretRef> {
    let vault_owner = SecretOwner {
        tenant_id: owner.actor.tenant_id,
        tenant_slug: &owner.actor.tenant_slug,
        kind: owner.kind,
        owner: &owner.name,
    };
    ports
        .vault
        .put(&vault_owner, &SecretString::from(value))
        .await
}

/// Best-effort compensation; a failure here leaves an orphan for the sweeper.
pub(super) async fn discard(ports: &Ports, secret_ref: &str) {
    if let Err(e) = ports.vault.delete(secret_ref).await {
        tracing::error!(secret_ref, error = %e, "could not delete an orphaned secret");
    }
}

/// Harmless if it fails: a pending version is never read, and the next
/// staging replaces it. Only `staged` goes: another change's pending
/// version stays.
pub(super) async fn discard_pending(ports: &Ports, secret_ref: &str, staged: &Staged) {
    if let Err(e) = ports.vault.discard_pending(secret_ref, staged).await {
        tracing::warn!(error = %e, secret_ref, "could not discard a pending secret");
    }
}

/// A change to the secret a record owns, made in the vault before the row
/// is written. `revert` undoes it if the row write fails; `finish` completes
/// it once the row is written.
#[derive(Debug)]
pub(super) enum SecretChange {
    Unchanged,
    /// A first secret; reverting deletes it.
    Created(SecretRef),
    /// A replacement, staged as the pending version; finishing promotes it
    /// (the old value becomes the previous version, which Undo restores),
    /// if it is still the pending version then.
    Replaced(SecretRef, Staged),
    /// The record no longer needs a secret; it goes once the row is written.
    Removed(SecretRef),
    /// A new value in a new secret, replacing `old` outright: the old value
    /// is deleted once the row is written, with no previous version kept,
    /// so nothing (not even Undo) can pair it with what the record became.
    Superseded {
        new: SecretRef,
        old: SecretRef,
    },
}

/// What finishing did, for the owner's own bookkeeping.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Finished {
    Nothing,
    /// A staged replacement is now the current version.
    Promoted,
}

impl SecretChange {
    /// Makes the vault side of a change from `current` (the row's reference
    /// as read) given a new value, if any, and whether the record still
    /// needs a secret afterwards. `fresh` replaces the old secret outright
    /// instead of keeping it as the previous version (the record is moving
    /// somewhere the old value was never meant to go).
    pub(super) async fn prepare(
        ports: &Ports,
        owner: &Owner<'_>,
        current: Option<&SecretRef>,
        value: Option<String>,
        still_needed: bool,
        fresh: bool,
    ) -> VaultResult<Self> {
        Ok(match (value, current) {
            (Some(value), Some(old)) if fresh => SecretChange::Superseded {
                new: create(ports, owner, value).await?,
                old: old.clone(),
            },
            (Some(value), Some(secret_ref)) => {
                let staged = ports
                    .vault
                    .stage(secret_ref, &SecretString::from(value))
                    .await?;
                SecretChange::Replaced(secret_ref.clone(), staged)
            }
            (Some(value), None) => SecretChange::Created(create(ports, owner, value).await?),
            (None, Some(secret_ref)) if !still_needed => SecretChange::Removed(secret_ref.clone()),
            (None, _) => SecretChange::Unchanged,
        })
    }

    /// The row's reference change, if any, as a compare-and-set from the
    /// value read before: of two concurrent changes, the later finds no row.
    pub(super) fn ref_change(&self, current: Option<&SecretRef>) -> Option<SecretRefChange> {
        let to = match self {
            SecretChange::Created(r) | SecretChange::Superseded { new: r, .. } => Some(r.clone()),
            SecretChange::Removed(_) => None,
            SecretChange::Unchanged | SecretChange::Replaced(..) => return None,
        };
        Some(SecretRefChange {
            from: current.cloned(),
            to,
        })
    }

    /// The row write failed: put the vault back as it was.
    pub(super) async fn revert(&self, ports: &Ports) {
        match self {
            SecretChange::Created(r) | SecretChange::Superseded { new: r, .. } => {
                discard(ports, r).await
            }
            SecretChange::Replaced(r, staged) => discard_pending(ports, r, staged).await,
            SecretChange::Unchanged | SecretChange::Removed(_) => {}
        }
    }

    /// The row is written: promote a staged replacement, or delete a secret
    /// no longer referenced. A failed promotion discards the staged value
    /// (the old one stays current) and is returned for the owner to report.
    pub(super) async fn finish(&self, ports: &Ports) -> VaultResult<Finished> {
        match self {
            SecretChange::Removed(r) | SecretChange::Superseded { old: r, .. } => {
                discard(ports, r).await
            }
            SecretChange::Replaced(r, staged) => {
                if let Err(e) = ports.vault.promote(r, staged).await {
                    discard_pending(ports, r, staged).await;
                    return Err(e);
                }
                return Ok(Finished::Promoted);
            }
            SecretChange::Unchanged | SecretChange::Created(_) => {}
        }
        Ok(Finished::Nothing)
    }
}
