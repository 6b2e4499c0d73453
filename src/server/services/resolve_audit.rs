//! Auditing runtime resolutions without putting the audit log on the hot
//! path. Every resolution that hands out a stored credential is counted
//! under what it was: (tenant, runtime token, server, rule, connection,
//! user, agent). The first of each in a window is written at once, so an
//! admin sees as soon as a token starts reading a credential; the rest only
//! bump a counter in memory, and when the window closes each counter
//! becomes one row ("412 more in this window"). The log grows by at most
//! two rows per distinct resolution per window, whatever the rate. A crash
//! loses the current window's count, never the fact that a credential was
//! read.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::domain::resolution::ResolvedBy;
use crate::domain::{AgentId, AuditAction, AuditOutcome, ServerId, TenantId, TokenId, UserId};
use crate::server::auth::Runtime;
use crate::server::ports::Ports;
use crate::server::services::audit::server_target;
use crate::server::services::resolution::Resolved;
use crate::server::store::NewAuditRecord;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct TallyKey {
    tenant: TenantId,
    token: TokenId,
    server: ServerId,
    by: ResolvedBy,
    user: Option<UserId>,
    agent: Option<AgentId>,
}

/// One kind of resolution in this window, and how to write it.
#[derive(Debug, Clone)]
struct Tally {
    /// Resolutions past the first (which was written when it happened).
    more: u64,
    tenant: TenantId,
    maker: UserId,
    actor: String,
    target: String,
    detail: String,
}

#[derive(Debug, Default)]
pub struct ResolveTally {
    window: Mutex<HashMap<TallyKey, Tally>>,
}

/// Who the resolution was for, as the audit row names them.
pub struct ResolvedFor<'a> {
    pub user: Option<(UserId, &'a str)>,
    pub agent: Option<(AgentId, &'a str)>,
}

impl ResolveTally {
    /// Counts one; `Some(row)` when it is the first of its kind in this
    /// window and must be written now.
    fn count(&self, key: TallyKey, make: impl FnOnce() -> Tally) -> Option<Tally> {
        // A poisoned lock only means another thread panicked mid-count;
        // the map is still a map.
        let mut window = self.window.lock().unwrap_or_else(|p| p.into_inner());
        match window.get_mut(&key) {
            Some(tally) => {
                tally.more += 1;
                None
            }
            None => {
                let tally = make();
                window.insert(key, tally.clone());
                Some(tally)
            }
        }
    }

    /// Closes the window: the kinds that happened more than once, to be
    /// written as one row each.
    fn drain(&self) -> Vec<Tally> {
        let mut window = self.window.lock().unwrap_or_else(|p| p.into_inner());
        window
            .drain()
            .map(|(_, tally)| tally)
            .filter(|tally| tally.more > 0)
            .collect()
    }
}

/// Records one resolution that carried a stored credential.
pub async fn record(ports: &Ports, runtime: &Runtime, resolved: &Resolved, who: ResolvedFor<'_>) {
    let key = TallyKey {
        tenant: runtime.tenant_id,
        token: runtime.token_id,
        server: resolved.server_id,
        by: resolved.resolved_by,
        user: who.user.map(|(id, _)| id),
        agent: who.agent.map(|(id, _)| id),
    };
    let first = ports.resolve_tally.count(key, || {
        let by = resolved.resolved_by;
        let mut detail = match by.connection_id {
            Some(id) => format!("by {} {id}", by.rule.label()),
            None => format!("by {}", by.rule.label()),
        };
        if let Some((_, user)) = who.user {
            detail.push_str(&format!("; user {user}"));
        }
        if let Some((_, agent)) = who.agent {
            detail.push_str(&format!("; agent {agent}"));
        }
        Tally {
            more: 0,
            tenant: runtime.tenant_id,
            maker: runtime.maker,
            actor: runtime.label.clone(),
            target: server_target(resolved.server_id, &resolved.server_name),
            detail,
        }
    });
    if let Some(tally) = first {
        write(ports, &tally, tally.detail.clone()).await;
    }
}

/// Writes this window's counts and starts a new window. Run every
/// `SWITCHBOARD_RESOLVE_AUDIT_WINDOW` and once at shutdown.
pub async fn flush(ports: &Ports) -> usize {
    let rows = ports.resolve_tally.drain();
    for tally in &rows {
        let detail = format!("{} more, {}", tally.more, tally.detail);
        write(ports, tally, detail).await;
    }
    rows.len()
}

async fn write(ports: &Ports, tally: &Tally, detail: String) {
    let event = NewAuditRecord {
        tenant_id: tally.tenant,
        actor_id: Some(tally.maker),
        actor: tally.actor.clone(),
        action: AuditAction::RuntimeResolve,
        target: tally.target.clone(),
        outcome: AuditOutcome::Success,
        detail: Some(detail),
        at: ports.clock.now(),
    };
    if let Err(e) = ports.store.record_audit(&event).await {
        tracing::error!(error = %e, "could not write a runtime resolution audit event");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::resolution::Rule;

    fn key(server: i64) -> TallyKey {
        TallyKey {
            tenant: TenantId::new(1),
            token: TokenId::new(1),
            server: ServerId::new(server),
            by: ResolvedBy {
                rule: Rule::TenantConnection,
                connection_id: None,
            },
            user: None,
            agent: None,
        }
    }

    fn tally() -> Tally {
        Tally {
            more: 0,
            tenant: TenantId::new(1),
            maker: UserId::new(1),
            actor: "runtime token t".into(),
            target: "s".into(),
            detail: "by tenant connection".into(),
        }
    }

    #[test]
    fn the_first_of_a_kind_is_written_and_the_rest_are_counted() {
        let t = ResolveTally::default();
        assert!(t.count(key(1), tally).is_some());
        for _ in 0..41 {
            assert!(t.count(key(1), tally).is_none());
        }
        assert!(t.count(key(2), tally).is_some(), "another server");
        let drained = t.drain();
        assert_eq!(drained.len(), 1, "only kinds seen more than once");
        assert_eq!(drained[0].more, 41);
        assert!(t.drain().is_empty());
        assert!(
            t.count(key(1), tally).is_some(),
            "a new window writes the first again"
        );
    }
}
