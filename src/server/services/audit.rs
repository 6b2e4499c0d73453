//! The audit log: written by the other services, read by tenant admins.

use crate::domain::{AuditAction, AuditEvent, AuditOutcome, AuditQuery, Page, ServerId, TenantId};
use crate::server::auth::Actor;
use crate::server::error::ServiceResult;
use crate::server::ports::Ports;
use crate::server::store::NewAuditRecord;

/// Whom an event is written for: a signed-in user, or Switchboard itself
/// (a scheduled job) acting in a tenant.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    Actor(&'a Actor),
    Schedule(TenantId),
}

impl By<'_> {
    pub fn tenant(&self) -> TenantId {
        match self {
            By::Actor(a) => a.tenant_id,
            By::Schedule(t) => *t,
        }
    }
}

/// The Audit page's actor for what Switchboard did on its own.
pub const SCHEDULE_ACTOR: &str = "switchboard (scheduled)";

/// Appends one event. Best effort: the action it records has already
/// happened (or failed), so a failed write is logged, not returned.
pub async fn record(
    ports: &Ports,
    actor: &Actor,
    action: AuditAction,
    target: &str,
    outcome: Result<(), String>,
) {
    record_by(ports, By::Actor(actor), action, target, outcome, None).await;
}

/// A success worth a detail, e.g. which URL a server moved from and to.
pub async fn record_success(
    ports: &Ports,
    actor: &Actor,
    action: AuditAction,
    target: &str,
    detail: Option<String>,
) {
    write(
        ports,
        By::Actor(actor),
        action,
        target,
        AuditOutcome::Success,
        detail,
    )
    .await;
}

/// An event for a user or for Switchboard itself; a failure's reason
/// follows the detail, if any.
pub async fn record_by(
    ports: &Ports,
    by: By<'_>,
    action: AuditAction,
    target: &str,
    outcome: Result<(), String>,
    detail: Option<String>,
) {
    match outcome {
        Ok(()) => write(ports, by, action, target, AuditOutcome::Success, detail).await,
        Err(reason) => {
            let detail = Some(match detail {
                Some(d) => format!("{d}: {reason}"),
                None => reason,
            });
            write(ports, by, action, target, AuditOutcome::Failure, detail).await
        }
    }
}

async fn write(
    ports: &Ports,
    by: By<'_>,
    action: AuditAction,
    target: &str,
    outcome: AuditOutcome,
    detail: Option<String>,
) {
    let (actor_id, actor) = match by {
        By::Actor(a) => (Some(a.user_id), a.username.clone()),
        By::Schedule(_) => (None, SCHEDULE_ACTOR.to_owned()),
    };
    let event = NewAuditRecord {
        tenant_id: by.tenant(),
        actor_id,
        actor,
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
