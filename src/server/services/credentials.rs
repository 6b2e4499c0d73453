//! A server's stored key: the server-specific half of the secret saga in
//! `secrets.rs` (which owner, what is audited, what the row records when a
//! key is replaced).

use crate::domain::{AuditAction, AuthType, ServerId};
use crate::server::auth::Actor;
use crate::server::error::ServiceResult;
use crate::server::ports::Ports;
use crate::server::services::audit::{self, server_target};
use crate::server::services::secrets::{Finished, Owner, SecretChange};
use crate::server::store::ServerRecord;
use crate::server::vault::SecretKind;

/// The vault owner of a server's key.
pub(super) fn owner<'a>(actor: &'a Actor, server_slug: &str) -> Owner<'a> {
    Owner {
        actor,
        kind: SecretKind::ServerCredential,
        name: format!("mcp-server/{server_slug}"),
    }
}

/// Makes the vault side of an update. `auth_type` is the server's auth type
/// after the update; the caller has checked that a key comes only with
/// `Token`, and that a server whose origin or transport moves brings its key
/// again (`moves`): that key then replaces the old one outright.
pub(super) async fn apply(
    ports: &Ports,
    actor: &Actor,
    current: &ServerRecord,
    auth_type: AuthType,
    key: Option<String>,
    moves: bool,
) -> ServiceResult<SecretChange> {
    let owner = owner(actor, &current.slug);
    let still_needed = auth_type == AuthType::Token;
    Ok(SecretChange::prepare(
        ports,
        &owner,
        current.secret_ref.as_ref(),
        key,
        still_needed,
        moves,
    )
    .await?)
}

/// The row is written: finish the vault side. A replaced key is recorded the
/// way a rotation is (audited, the row marked rotated). True when the answer
/// must be re-read (a replaced key marks the row rotated).
pub(super) async fn commit(
    ports: &Ports,
    actor: &Actor,
    id: ServerId,
    change: &SecretChange,
) -> ServiceResult<bool> {
    let replacing = matches!(change, SecretChange::Replaced(..));
    let target = if replacing {
        match ports.store.server(actor.tenant_id, id).await {
            Ok(Some(row)) => server_target(id, &row.name),
            _ => format!("server {id}"),
        }
    } else {
        String::new()
    };
    match change.finish(ports).await {
        Ok(Finished::Promoted) => {
            // Bookkeeping after the fact: the key has changed either way.
            if let Err(e) = ports
                .store
                .mark_credential_rotated(actor.tenant_id, id, ports.clock.now())
                .await
            {
                tracing::error!(error = %e, server = %id, "could not record a replaced key");
            }
            audit::record(ports, actor, AuditAction::KeyRotate, &target, Ok(())).await;
            Ok(true)
        }
        Ok(Finished::Nothing) => Ok(false),
        Err(e) => {
            // The other fields are saved; the old key is still current.
            let detail = format!("promoting the new key: {e}");
            audit::record(ports, actor, AuditAction::KeyRotate, &target, Err(detail)).await;
            Err(e.into())
        }
    }
}
