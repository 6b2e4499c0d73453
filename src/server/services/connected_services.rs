//! Seed 000's connected services are users' OAuth grants, named as that
//! contract names them: by the provider (the client's name) and the
//! service (the server's OAuth service, else the server). A user reads and
//! removes only their own; an account is connected only in the browser
//! (the start route answers where to send it), never by an API call.

use crate::domain::{GrantId, ServerId};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::services::oauth_grants;
use crate::server::services::oauth_services::{self, provider_name};
use crate::server::store::GrantRecord;

/// One grant with the names it is shown under.
pub struct Connected {
    pub grant: GrantRecord,
    pub provider: String,
    pub service: String,
    /// The server's name (the service's display name).
    pub display_name: String,
}

async fn named(ports: &Ports, actor: &Actor, grant: GrantRecord) -> ServiceResult<Connected> {
    let client = ports
        .store
        .oauth_client(actor.tenant_id, grant.client_row_id)
        .await?;
    let server = ports.store.server(actor.tenant_id, grant.server_id).await?;
    let linked = match server.as_ref().and_then(|s| s.oauth_service_id) {
        Some(id) => ports.store.oauth_service(actor.tenant_id, id).await?,
        None => None,
    };
    Ok(Connected {
        provider: client.as_ref().map(provider_name).unwrap_or_default(),
        service: linked
            .map(|s| s.name)
            .unwrap_or_else(|| server.as_ref().map(|s| s.slug.clone()).unwrap_or_default()),
        display_name: server.map(|s| s.name).unwrap_or_default(),
        grant,
    })
}

/// The caller's grants, oldest first.
pub async fn mine(ports: &Ports, actor: &Actor) -> ServiceResult<Vec<Connected>> {
    let mut all = Vec::new();
    for grant in oauth_grants::mine(ports, actor).await? {
        all.push(named(ports, actor, grant).await?);
    }
    Ok(all)
}

/// One of the caller's grants; anyone else's answers 404.
pub async fn one(ports: &Ports, actor: &Actor, id: GrantId) -> ServiceResult<Connected> {
    let grant = ports
        .store
        .grant_by_id(actor.tenant_id, id)
        .await?
        .filter(|g| g.user_id == actor.user_id)
        .ok_or(ServiceError::NotFound)?;
    named(ports, actor, grant).await
}

/// Disconnects one of the caller's grants (revoked at the authorization
/// server when it offers that).
pub async fn remove(ports: &Ports, actor: &Actor, id: GrantId) -> ServiceResult<()> {
    let connected = one(ports, actor, id).await?;
    oauth_grants::disconnect(ports, actor, connected.grant.server_id).await?;
    Ok(())
}

/// The server a flow for `provider`/`service` connects: the oldest enabled
/// OAuth server linked to that service. A name that is not the tenant's
/// answers 404; a service no server uses yet is the caller's mistake.
pub async fn start(
    ports: &Ports,
    actor: &Actor,
    provider: &str,
    service: &str,
) -> ServiceResult<ServerId> {
    let found = oauth_services::named(ports, actor, service)
        .await?
        .filter(|s| provider_name(&s.client) == provider)
        .ok_or(ServiceError::NotFound)?;
    ports
        .store
        .servers_using(actor.tenant_id, found.record.id)
        .await?
        .first()
        .copied()
        .ok_or_else(|| {
            ServiceError::invalid(
                "body",
                format!(
                    "No enabled OAuth MCP server of this platform uses the service {service:?} \
                     yet; link one to it first."
                ),
            )
        })
}

/// What a connection shows of the grant it sends (seed 000's
/// `connected_service_summary`): any of the tenant's grants, by the names
/// it is listed under and its user's username. `None` once it is gone.
pub async fn summary(
    ports: &Ports,
    actor: &Actor,
    id: GrantId,
) -> ServiceResult<Option<(Connected, String)>> {
    let Some(grant) = ports.store.grant_by_id(actor.tenant_id, id).await? else {
        return Ok(None);
    };
    let user = ports
        .store
        .user_by_id(grant.user_id)
        .await?
        .map(|u| u.username)
        .unwrap_or_default();
    Ok(Some((named(ports, actor, grant).await?, user)))
}
