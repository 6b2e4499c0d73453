//! Agents: any member may list them (connections and templates name them);
//! tenant admins create, rename and delete. The CLI creates and lists by
//! tenant, without a signed-in actor.

use crate::domain::agent::validate_agent_name;
use crate::domain::{AgentUid, AgentView, AuditAction, NewAgent, TenantId};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::services::audit;
use crate::server::store::{AgentRecord, NewAgentRecord, StoreError};

pub fn view(r: AgentRecord) -> AgentView {
    AgentView {
        unique_id: r.unique_id,
        name: r.name,
        slug: r.slug,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn target(a: &AgentView) -> String {
    agent_target(&a.name, &a.unique_id)
}

/// How the audit log names an agent; shared with templates and sync.
pub(super) fn agent_target(name: &str, uid: &AgentUid) -> String {
    format!("{name} (agent {uid})")
}

/// Creates an agent in a tenant; shared by the Agents page and
/// `agents create`, whose callers check who may.
pub async fn create_in(
    ports: &Ports,
    tenant_id: TenantId,
    mut new: NewAgent,
) -> ServiceResult<AgentView> {
    new.validate()?;
    let slug = new.slug.unwrap_or_default();
    let record = ports
        .store
        .create_agent(&NewAgentRecord {
            tenant_id,
            unique_id: new_uid(),
            name: new.name,
            slug: slug.clone(),
            now: ports.clock.now(),
        })
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::invalid(
                NewAgent::SLUG,
                format!("Another agent already has the slug “{slug}”. Choose another slug."),
            ),
            other => other.into(),
        })?;
    Ok(view(record))
}

fn new_uid() -> AgentUid {
    // A v4 UUID's hyphenated form always parses; the fallback is unreachable
    // but keeps this free of `unwrap`.
    let raw = uuid::Uuid::new_v4().hyphenated().to_string();
    AgentUid::parse(&raw).unwrap_or_else(|| unreachable!("uuid crate produced {raw}"))
}

pub async fn list_in(ports: &Ports, tenant_id: TenantId) -> ServiceResult<Vec<AgentView>> {
    let rows = ports.store.list_agents(tenant_id).await?;
    Ok(rows.into_iter().map(view).collect())
}

pub async fn list(ports: &Ports, actor: &Actor) -> ServiceResult<Vec<AgentView>> {
    list_in(ports, actor.tenant_id).await
}

/// One of the caller's tenant's agents; another tenant's UUID is `NotFound`.
pub async fn get(ports: &Ports, actor: &Actor, uid: &AgentUid) -> ServiceResult<AgentView> {
    let row = ports
        .store
        .agent_by_uid(actor.tenant_id, uid)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(view(row))
}

pub async fn create(ports: &Ports, actor: &Actor, new: NewAgent) -> ServiceResult<AgentView> {
    actor.require_admin()?;
    let agent = create_in(ports, actor.tenant_id, new).await?;
    audit::record(
        ports,
        actor,
        AuditAction::AgentCreate,
        &target(&agent),
        Ok(()),
    )
    .await;
    tracing::info!(tenant = %actor.tenant_slug, agent = %agent.unique_id, "agent created");
    Ok(agent)
}

pub async fn rename(
    ports: &Ports,
    actor: &Actor,
    uid: &AgentUid,
    mut name: String,
) -> ServiceResult<AgentView> {
    actor.require_admin()?;
    validate_agent_name(&mut name).map_err(|e| ServiceError::Invalid(vec![e]))?;
    let before = get(ports, actor, uid).await?;
    let row = ports
        .store
        .rename_agent(actor.tenant_id, uid, &name, ports.clock.now())
        .await?
        .ok_or(ServiceError::NotFound)?;
    let agent = view(row);
    audit::record_success(
        ports,
        actor,
        AuditAction::AgentRename,
        &target(&agent),
        Some(format!("from “{}”", before.name)),
    )
    .await;
    Ok(agent)
}

pub async fn delete(ports: &Ports, actor: &Actor, uid: &AgentUid) -> ServiceResult<()> {
    actor.require_admin()?;
    let row = ports
        .store
        .delete_agent(actor.tenant_id, uid)
        .await
        .map_err(|e| match e {
            StoreError::InUse(_) => ServiceError::invalid(
                "agent",
                "This agent has MCP servers of its own. Delete them, or share them with \
                 the whole tenant, before deleting the agent.",
            ),
            other => other.into(),
        })?
        .ok_or(ServiceError::NotFound)?;
    // Its connections went with it.
    ports.resolution_cache.forget_tenant(actor.tenant_id);
    let agent = view(row);
    audit::record(
        ports,
        actor,
        AuditAction::AgentDelete,
        &target(&agent),
        Ok(()),
    )
    .await;
    tracing::info!(tenant = %actor.tenant_slug, agent = %agent.unique_id, "agent deleted");
    Ok(())
}
