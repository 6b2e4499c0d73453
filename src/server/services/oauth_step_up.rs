//! Step-up authorization (MCP authorization, "Scope challenge handling"):
//! a server that refuses a grant's token with 403 `insufficient_scope`
//! names the scopes the request needs. They are kept on the grant; the
//! user sees what more is asked, and their next authorization asks for
//! those and the ones the grant already holds, so nothing is lost.

use crate::domain::ServerId;
use crate::server::auth::Actor;
use crate::server::error::ServiceResult;
use crate::server::oauth::challenge::scope_union;
use crate::server::ports::Ports;
use crate::server::store::GrantRecord;

/// The scopes the server asked for that the grant does not hold.
pub fn lacking(grant: &GrantRecord) -> Vec<String> {
    let held: Vec<&str> = grant.scopes.split_whitespace().collect();
    grant
        .wanted_scopes
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .filter(|s| !held.contains(s))
        .map(str::to_owned)
        .collect()
}

/// What a new authorization for `grant`'s server asks for, starting from
/// the flow's own `scopes`: those, the grant's, and the wanted ones.
pub fn widened(scopes: &str, grant: Option<&GrantRecord>) -> String {
    let Some(grant) = grant else {
        return scopes.to_owned();
    };
    let held = scope_union(scopes, &grant.scopes);
    scope_union(&held, grant.wanted_scopes.as_deref().unwrap_or_default())
}

/// Keeps what the caller's grant for `server` was refused for: `needed`
/// as the server named it. Nothing happens when there is no grant or it
/// already holds them all. Answers whether the grant now wants more.
pub async fn record(
    ports: &Ports,
    actor: &Actor,
    server: ServerId,
    needed: &str,
) -> ServiceResult<bool> {
    let Some(grant) = ports
        .store
        .grant(actor.tenant_id, actor.user_id, server)
        .await?
    else {
        return Ok(false);
    };
    let wanted = scope_union(grant.wanted_scopes.as_deref().unwrap_or_default(), needed);
    let updated = GrantRecord {
        wanted_scopes: Some(wanted.clone()),
        ..grant
    };
    if lacking(&updated).is_empty() {
        return Ok(false);
    }
    ports
        .store
        .want_scopes(actor.tenant_id, updated.id, &wanted, ports.clock.now())
        .await?;
    tracing::info!(tenant = %actor.tenant_slug, server = %server, wanted = %wanted,
        "a server asked for more scopes than its grant holds");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        GrantId, GrantStatus, OAuthClientId, SecretRef, ServerId, TenantId, UserId,
    };

    fn grant(scopes: &str, wanted: Option<&str>) -> GrantRecord {
        let at = chrono::Utc::now();
        GrantRecord {
            id: GrantId::new(1),
            tenant_id: TenantId::new(1),
            user_id: UserId::new(1),
            server_id: ServerId::new(1),
            client_row_id: OAuthClientId::new(1),
            secret_ref: SecretRef::new("x"),
            resource: "https://mcp.example/mcp".into(),
            scopes: scopes.into(),
            expires_at: None,
            status: GrantStatus::Active,
            status_reason: None,
            refresh_lease_until: None,
            wanted_scopes: wanted.map(str::to_owned),
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn only_scopes_the_grant_lacks_are_wanted() {
        assert!(lacking(&grant("a b", None)).is_empty());
        assert!(lacking(&grant("a b", Some("a b"))).is_empty());
        assert_eq!(lacking(&grant("a", Some("a b c"))), ["b", "c"]);
    }

    #[test]
    fn a_new_authorization_keeps_what_is_held_and_adds_what_is_wanted() {
        assert_eq!(widened("a", None), "a");
        assert_eq!(widened("a", Some(&grant("a x", Some("a b")))), "a x b");
        assert_eq!(widened("", Some(&grant("", Some("b")))), "b");
    }
}
