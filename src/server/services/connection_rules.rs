//! Who may bind what: the server a connection may name, the user and the
//! agent it may be for, and which connections an actor may see and change.

use crate::domain::connection::{ConnectionField, NOT_AVAILABLE};
use crate::domain::{AgentId, AgentUid, GrantId, Role, Scope, ServerId, UserId};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::store::{ConnectionRecord, ServerRecord};

/// The server a connection may bind: the tenant's own, or a featured server
/// of the global platform. Anything else (another tenant's, or none) is the
/// seed's field error.
pub(super) async fn available_server(
    ports: &Ports,
    actor: &Actor,
    id: ServerId,
) -> ServiceResult<ServerRecord> {
    if let Some(server) = ports.store.server(actor.tenant_id, id).await? {
        return Ok(server);
    }
    if let Some(global) = ports.store.tenant_by_slug(&ports.global_tenant).await?
        && let Some(server) = ports.store.server(global.id, id).await?
        && server.featured
    {
        return Ok(server);
    }
    Err(ServiceError::invalid(
        ConnectionField::SERVER,
        NOT_AVAILABLE,
    ))
}

/// The user of a user connection: the caller unless an admin names another
/// member of the tenant.
pub(super) async fn user_of(
    ports: &Ports,
    actor: &Actor,
    named: Option<&str>,
) -> ServiceResult<UserId> {
    let Some(name) = named.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(actor.user_id);
    };
    if name == actor.username {
        return Ok(actor.user_id);
    }
    actor.require_admin()?;
    let no_such = || {
        ServiceError::invalid(
            ConnectionField::USER,
            format!("“{name}” is not a user of this tenant."),
        )
    };
    let user = ports
        .store
        .user_by_username(name)
        .await?
        .ok_or_else(no_such)?;
    ports
        .store
        .membership(actor.tenant_id, user.id)
        .await?
        .ok_or_else(no_such)?;
    Ok(user.id)
}

pub(super) async fn agent_of(
    ports: &Ports,
    actor: &Actor,
    uid: &AgentUid,
) -> ServiceResult<AgentId> {
    ports
        .store
        .agent_by_uid(actor.tenant_id, uid)
        .await?
        .map(|a| a.id)
        .ok_or_else(|| {
            ServiceError::invalid(
                ConnectionField::AGENT,
                "The mentor's platform_key must match the current tenant.",
            )
        })
}

/// Whether the actor may see and change this connection: admins any of
/// their tenant's, members only their own user connections.
pub(super) fn may_manage(actor: &Actor, r: &ConnectionRecord) -> bool {
    actor.role == Role::Admin || (r.scope == Scope::User && r.user_id == Some(actor.user_id))
}

/// A member may only make connections of their own.
pub(super) fn may_create(actor: &Actor, scope: Scope, user: UserId) -> ServiceResult<()> {
    if actor.role == Role::Admin || (scope == Scope::User && user == actor.user_id) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// The grant an `oauth2` connection may send (seed 000's
/// `connected_service`): one of this tenant's, made for this very server
/// (a token goes only to the server it was issued for), and the account of
/// the connection's own user, or, at the agent and tenant scopes, the
/// actor's: an admin shares their own account, never someone else's.
pub(super) async fn connected_service(
    ports: &Ports,
    actor: &Actor,
    id: GrantId,
    server: ServerId,
    user: UserId,
) -> ServiceResult<GrantId> {
    let field = ConnectionField::CONNECTED_SERVICE;
    let grant = ports
        .store
        .grant_by_id(actor.tenant_id, id)
        .await?
        .filter(|g| g.user_id == user)
        .ok_or_else(|| {
            ServiceError::invalid(
                field,
                format!("Invalid pk \"{id}\" - object does not exist."),
            )
        })?;
    if grant.server_id != server {
        return Err(ServiceError::invalid(
            field,
            "This connected service was issued for another MCP server; its token is sent only \
             to that one.",
        ));
    }
    Ok(grant.id)
}
