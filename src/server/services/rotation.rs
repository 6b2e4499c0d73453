//! In-place key rotation: stage the new key beside the current one, prove it
//! with a test connection, and only then make it current. Undo swaps the
//! previous key back.

use secrecy::SecretString;

use crate::domain::{AuditAction, KeyRotation, ServerField, ServerId, ServerView, TestOutcome};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::mcp::McpTarget;
use crate::server::ports::Ports;
use crate::server::services::audit::{self, server_target};
use crate::server::services::secrets;
use crate::server::services::servers::{self, outcome_of, snapshot_of, view};
use crate::server::store::ServerRecord;
use crate::server::vault::VaultError;

const SUPERSEDED: &str = "Another change to this server's key started while the new key was \
     being tested, so it was not made current. Check the key and try again.";

const NO_KEY: &str =
    "This server has no stored API key to rotate (it does not use Tenant API Key authentication).";

fn secret_ref_of(row: &ServerRecord) -> ServiceResult<&str> {
    row.secret_ref
        .as_deref()
        .ok_or_else(|| ServiceError::invalid(ServerField::API_KEY, NO_KEY))
}

/// Returns the test of the new key. `ok: false` means the old key is still
/// current and the outcome says why the new one was refused.
pub async fn rotate(
    ports: &Ports,
    actor: &Actor,
    id: ServerId,
    mut rotation: KeyRotation,
) -> ServiceResult<TestOutcome> {
    actor.require_admin()?;
    rotation.validate()?;
    let row = servers::row(ports, actor, id).await?;
    let secret_ref = secret_ref_of(&row)?;
    // Before the key is staged: a refused rotation leaves nothing behind.
    let _slot = servers::test_slot(ports, actor)?;
    let url = super::server_url::full(ports, &row).await?;
    let target = server_target(row.id, &row.name);
    let fail =
        |detail: String| audit::record(ports, actor, AuditAction::KeyRotate, &target, Err(detail));

    let key = SecretString::from(std::mem::take(&mut rotation.api_key));
    let staged = match ports.vault.stage(secret_ref, &key).await {
        Ok(staged) => staged,
        Err(e) => {
            fail(format!("staging the new key: {e}")).await;
            return Err(e.into());
        }
    };
    let result = ports
        .mcp
        .test(
            &McpTarget::with_server_key(url.url, row.transport, &row.extra_headers, Some(&key))
                .with_url_secret(url.secret.as_ref()),
        )
        .await;
    // Stamped when the test ends, as the snapshot's point in time.
    let outcome = outcome_of(result, ports.clock.now());
    if let Some(error) = &outcome.error {
        secrets::discard_pending(ports, secret_ref, &staged).await;
        fail(format!(
            "the new key failed its test ({}): {}",
            error.class.as_str(),
            error.message
        ))
        .await;
        return Ok(outcome);
    }
    match ports.vault.promote(secret_ref, &staged).await {
        Ok(()) => {}
        Err(VaultError::Superseded(_)) => {
            // Another rotation (or key change) staged its key over this one
            // while this one was tested: this tested key is not promoted,
            // and neither is the other's untested one.
            secrets::discard_pending(ports, secret_ref, &staged).await;
            fail(
                "another key change started while this key was tested; nothing was promoted".into(),
            )
            .await;
            return Err(ServiceError::invalid(ServerField::API_KEY, SUPERSEDED));
        }
        Err(e) => {
            fail(format!("promoting the new key: {e}")).await;
            return Err(e.into());
        }
    }
    ports.resolution_cache.forget_tenant(actor.tenant_id);
    let now = ports.clock.now();
    ports
        .store
        .mark_credential_rotated(actor.tenant_id, id, now)
        .await?;
    ports
        .store
        .save_test_snapshot(actor.tenant_id, id, &snapshot_of(&outcome))
        .await?;
    tracing::info!(tenant = %actor.tenant_slug, server = %id, actor = %actor.username, "key rotated");
    audit::record(ports, actor, AuditAction::KeyRotate, &target, Ok(())).await;
    Ok(outcome)
}

/// Makes the previous key current again (and the rotated-away key previous).
pub async fn undo(ports: &Ports, actor: &Actor, id: ServerId) -> ServiceResult<ServerView> {
    actor.require_admin()?;
    let row = servers::row(ports, actor, id).await?;
    let secret_ref = secret_ref_of(&row)?;
    let target = server_target(row.id, &row.name);
    let nothing_to_undo = || {
        ServiceError::invalid(
            ServerField::API_KEY,
            "There is no earlier key to go back to.",
        )
    };
    if row.credential_rotated_at.is_none() {
        return Err(nothing_to_undo());
    }
    match ports.vault.restore_previous(secret_ref).await {
        Ok(()) => {}
        Err(VaultError::NoVersion { .. }) => return Err(nothing_to_undo()),
        Err(e) => {
            let detail = format!("restoring the previous key: {e}");
            audit::record(
                ports,
                actor,
                AuditAction::KeyRotateUndo,
                &target,
                Err(detail),
            )
            .await;
            return Err(e.into());
        }
    }
    ports.resolution_cache.forget_tenant(actor.tenant_id);
    ports
        .store
        .mark_credential_rotated(actor.tenant_id, id, ports.clock.now())
        .await?;
    tracing::info!(tenant = %actor.tenant_slug, server = %id, actor = %actor.username, "key rotation undone");
    audit::record(ports, actor, AuditAction::KeyRotateUndo, &target, Ok(())).await;
    Ok(view(&servers::row(ports, actor, id).await?))
}
