//! The overview page's answer, in one call: the servers by health, old
//! keys, OAuth sign-ins that ended, or end within a week with no refresh
//! token, and (for admins) the latest audit events. It reads what the other pages read; it opens
//! no secret and calls no server.

use chrono::Duration;

use crate::domain::overview::{
    GRANT_WINDOW_DAYS, KeyDue, Overview, RECENT_EVENTS, ServerHealth, health_rank,
};
use crate::domain::{AuditQuery, Role};
use crate::server::auth::Actor;
use crate::server::error::ServiceResult;
use crate::server::ports::Ports;
use crate::server::services::{audit, servers};

/// Sign-ins listed at most (the Integrations page has each user's own).
const GRANTS_SHOWN: u32 = 50;

pub async fn overview(ports: &Ports, actor: &Actor) -> ServiceResult<Overview> {
    let now = ports.clock.now();
    let all = servers::list_all(ports, actor).await?;
    let mut health: Vec<ServerHealth> = all.iter().map(ServerHealth::of).collect();
    health.sort_by_cached_key(|s| (health_rank(s.health), s.name.to_lowercase(), s.id));
    let mut keys_due: Vec<KeyDue> = all.iter().filter_map(|s| KeyDue::of(s, now)).collect();
    keys_due.sort_by_key(|k| (k.since, k.server_id));
    let admin = actor.role == Role::Admin;
    // A member sees their own sign-ins; who else connected what is an
    // admin's to know.
    let grants_due = ports
        .store
        .grants_due(
            actor.tenant_id,
            (!admin).then_some(actor.user_id),
            now + Duration::days(GRANT_WINDOW_DAYS),
            GRANTS_SHOWN,
        )
        .await?;
    let recent = if admin {
        let query = AuditQuery {
            per_page: RECENT_EVENTS,
            ..AuditQuery::default()
        };
        Some(audit::list(ports, actor, query).await?.items)
    } else {
        None
    };
    Ok(Overview {
        servers: health,
        keys_due,
        grants_due,
        recent,
        as_of: now,
    })
}
