//! The audit log: written by the other services, read by tenant admins.

use crate::domain::{AuditAction, AuditEvent, AuditOutcome, AuditQuery, Page, ServerId};
use crate::server::auth::Actor;
use crate::server::error::ServiceResult;
use crate::server::ports::Ports;
use crate::server::store::NewAuditRecord;

/// Appends one event. Best effort: the action it records has already
/// happened (or failed), so a failed write is logged, not returned.
pub async fn record(
    ports: &Ports,
    actor: &Actor,
    action: AuditAction,
    target: &str,
    outcome: Result<(), String>,
) {
    match outcome {
        Ok(()) => write(ports, actor, action, target, AuditOutcome::Success, None).await,
        Err(detail) => {
            write(
                ports,
                actor,
                action,
                target,
                AuditOutcome::Failure,
                Some(detail),
            )
            .await
        }
    }
}

/// A success worth a detail, e.g. which URL a server moved from and to.
pub async fn record_success(
    ports: &Ports,
    actor: &Actor,
    action: AuditAction,
    target: &str,
    detail: Option<String>,
) {
    write(ports, actor, action, target, AuditOutcome::Success, detail).await;
}

async fn write(
    ports: &Ports,
    actor: &Actor,
    action: AuditAction,
    target: &str,
    outcome: AuditOutcome,
    detail: Option<String>,
) {
    let event = NewAuditRecord {
        tenant_id: actor.tenant_id,
        actor_id: Some(actor.user_id),
        actor: actor.username.clone(),
        action,
        target: target.to_owned(),
        outcome,
        detail,
        at: ports.clock.now(),
    };
    if let Err(e) = ports.store.record_audit(&event).await {
        tracing::error!(error = %e, action = action.as_str(), target, "could not write an audit event");
    }
}

/// The target of a server event, as the Audit page shows it.
pub fn server_target(id: ServerId, name: &str) -> String {
    format!("{name} (server {id})")
}

pub async fn list(
    ports: &Ports,
    actor: &Actor,
    query: AuditQuery,
) -> ServiceResult<Page<AuditEvent>> {
    actor.require_admin()?;
    let query = query.normalized();
    let (items, total) = ports.store.audit_events(actor.tenant_id, &query).await?;
    Ok(Page {
        items,
        total,
        page: query.page,
        per_page: query.per_page,
    })
}
