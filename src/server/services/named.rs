//! Who a username and an agent's UUID name in a tenant, through the
//! replica's [`ResolutionCache`](super::resolution_cache): the runtime API
//! and the agent gateway ask on every call.

use crate::domain::{AgentId, AgentUid, TenantId, UserId};
use crate::server::error::ServiceResult;
use crate::server::ports::Ports;
use crate::server::services::resolution;

/// [`resolution::member_named`] through the replica's cache, which keeps only members
/// found (so a new member is one at once).
pub(crate) async fn member(
    ports: &Ports,
    tenant: TenantId,
    username: &str,
) -> ServiceResult<Option<UserId>> {
    let cache = &ports.resolution_cache;
    if let Some(id) = cache.user(tenant, username) {
        return Ok(Some(id));
    }
    let found = resolution::member_named(ports, tenant, username).await?;
    if let Some(id) = found {
        cache.keep_user(tenant, username, id);
    }
    Ok(found)
}

/// The tenant's agent with this UUID, through the replica's cache.
pub(crate) async fn agent(
    ports: &Ports,
    tenant: TenantId,
    uid: &AgentUid,
) -> ServiceResult<Option<AgentId>> {
    let cache = &ports.resolution_cache;
    if let Some(id) = cache.agent(tenant, uid) {
        return Ok(Some(id));
    }
    let generation = cache.generation();
    let found = ports.store.agent_by_uid(tenant, uid).await?.map(|a| a.id);
    if let Some(id) = found {
        cache.keep_agent(generation, tenant, uid, id);
    }
    Ok(found)
}
