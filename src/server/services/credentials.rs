//! A server's stored key as an update changes it: a first key, a key
//! replaced in place, or a key no longer needed. Each change is made in the
//! vault before the row is written, and knows how to put the vault back if
//! the row write fails, or what to finish once it succeeds.

use secrecy::SecretString;

use crate::domain::{AuditAction, AuthType, SecretRef, ServerId};
use crate::server::auth::Actor;
use crate::server::error::ServiceResult;
use crate::server::ports::Ports;
use crate::server::services::audit::{self, server_target};
use crate::server::services::servers::discard_secret;
use crate::server::store::{SecretRefChange, ServerRecord};
use crate::server::vault::{SecretKind, SecretOwner, VaultResult};

/// Writes a new secret for a server's key; returns its reference.
pub(super) async fn store_new(
    ports: &Ports,
    actor: &Actor,
    server_slug: &str,
    key: String,
) -> VaultResult<SecretRef> {
    let owner = SecretOwner {
        tenant_id: actor.tenant_id,
        tenant_slug: &actor.tenant_slug,
        kind: SecretKind::ServerCredential,
        owner: &format!("mcp-server/{server_slug}"),
    };
    ports.vault.put(&owner, &SecretString::from(key)).await
}

#[derive(Debug)]
pub(super) enum Change {
    Unchanged,
    /// A first key, in a new secret; reverting deletes it.
    Created(SecretRef),
    /// A replacement key, staged as the secret's pending version; the row
    /// write promotes it (untested), so the old key becomes the previous
    /// version that Undo rotation restores. Reverting discards it.
    Replaced(SecretRef),
    /// The server no longer uses a key; the secret goes once the row is written.
    Removed(SecretRef),
}

/// Makes the vault side of an update. `auth_type` is the server's auth type
/// after the update; the caller has checked that a key comes only with `Token`.
pub(super) async fn apply(
    ports: &Ports,
    actor: &Actor,
    current: &ServerRecord,
    auth_type: AuthType,
    key: Option<String>,
) -> ServiceResult<Change> {
    Ok(match (key, &current.secret_ref) {
        (Some(key), Some(secret_ref)) => {
            ports
                .vault
                .stage(secret_ref, &SecretString::from(key))
                .await?;
            Change::Replaced(secret_ref.clone())
        }
        (Some(key), None) => Change::Created(store_new(ports, actor, &current.slug, key).await?),
        (None, Some(secret_ref)) if auth_type != AuthType::Token => {
            Change::Removed(secret_ref.clone())
        }
        (None, _) => Change::Unchanged,
    })
}

/// Harmless if it fails: a pending version is never read, and the next
/// rotation replaces it.
async fn discard_pending(ports: &Ports, secret_ref: &str) {
    if let Err(e) = ports.vault.discard_pending(secret_ref).await {
        tracing::warn!(error = %e, secret_ref, "could not discard a pending key");
    }
}

impl Change {
    /// The row's `secret_ref` change, if any, from the value read before.
    pub(super) fn ref_change(&self, current: &ServerRecord) -> Option<SecretRefChange> {
        let to = match self {
            Change::Created(r) => Some(r.clone()),
            Change::Removed(_) => None,
            Change::Unchanged | Change::Replaced(_) => return None,
        };
        Some(SecretRefChange {
            from: current.secret_ref.clone(),
            to,
        })
    }

    /// The row write failed: put the vault back as it was.
    pub(super) async fn revert(&self, ports: &Ports) {
        match self {
            Change::Created(r) => discard_secret(ports.vault.as_ref(), r).await,
            Change::Replaced(r) => discard_pending(ports, r).await,
            Change::Unchanged | Change::Removed(_) => {}
        }
    }

    /// The row is written: promote a replacement key (recorded the way a
    /// rotation is), or delete a secret no longer referenced. True when the
    /// answer must be re-read (a replaced key marks the row rotated).
    pub(super) async fn commit(
        &self,
        ports: &Ports,
        actor: &Actor,
        id: ServerId,
    ) -> ServiceResult<bool> {
        match self {
            Change::Removed(r) => discard_secret(ports.vault.as_ref(), r).await,
            Change::Replaced(r) => {
                let target = match ports.store.server(actor.tenant_id, id).await {
                    Ok(Some(row)) => server_target(id, &row.name),
                    _ => format!("server {id}"),
                };
                if let Err(e) = ports.vault.promote(r).await {
                    // The other fields are saved; the old key is still current.
                    discard_pending(ports, r).await;
                    let detail = format!("promoting the new key: {e}");
                    audit::record(ports, actor, AuditAction::KeyRotate, &target, Err(detail)).await;
                    return Err(e.into());
                }
                // Bookkeeping after the fact: the key has changed either way.
                if let Err(e) = ports
                    .store
                    .mark_credential_rotated(actor.tenant_id, id, ports.clock.now())
                    .await
                {
                    tracing::error!(error = %e, server = %id, "could not record a replaced key");
                }
                audit::record(ports, actor, AuditAction::KeyRotate, &target, Ok(())).await;
                return Ok(true);
            }
            Change::Unchanged | Change::Created(_) => {}
        }
        Ok(false)
    }
}
