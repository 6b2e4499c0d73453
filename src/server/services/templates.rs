//! Agent templates and the servers assigned to them (or to one agent): any
//! member may read them; tenant admins change them. Every change is audited.

use crate::domain::template::{
    Assignment, NewTemplate, TemplateAgent, TemplateDetail, TemplateServerRow, TemplateView,
    normalize_allowlist, validate_template_description, validate_template_name,
};
use crate::domain::{AgentUid, AuditAction, ServerId, TemplateId};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::services::{agents, audit, servers};
use crate::server::store::{AssignmentRecord, Holder, StoreError, TemplateRecord};

const DUPLICATE: &str = "Another template already has this name.";
const AGENT_OWN: &str = "This server is one agent's own. Share it with the whole tenant \
     before assigning it elsewhere.";

fn view(r: TemplateRecord) -> TemplateView {
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    TemplateView {
        id: r.id,
        name: r.name,
        description: r.description,
        servers: count(r.server_count),
        agents: count(r.agent_count),
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn target(id: TemplateId, name: &str) -> String {
    format!("{name} (template {id})")
}

fn duplicate_or(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict { .. } => ServiceError::invalid(NewTemplate::NAME, DUPLICATE),
        other => other.into(),
    }
}

pub async fn list(ports: &Ports, actor: &Actor) -> ServiceResult<Vec<TemplateView>> {
    let rows = ports.store.list_templates(actor.tenant_id).await?;
    Ok(rows.into_iter().map(view).collect())
}

/// The tenant's template; another tenant's id is `NotFound`.
pub async fn get(ports: &Ports, actor: &Actor, id: TemplateId) -> ServiceResult<TemplateView> {
    ports
        .store
        .template(actor.tenant_id, id)
        .await?
        .map(view)
        .ok_or(ServiceError::NotFound)
}

pub async fn create(
    ports: &Ports,
    actor: &Actor,
    mut new: NewTemplate,
) -> ServiceResult<TemplateView> {
    actor.require_admin()?;
    new.validate()?;
    let row = ports
        .store
        .create_template(
            actor.tenant_id,
            &new.name,
            &new.description,
            ports.clock.now(),
        )
        .await
        .map_err(duplicate_or)?;
    let t = view(row);
    audit::record(
        ports,
        actor,
        AuditAction::TemplateCreate,
        &target(t.id, &t.name),
        Ok(()),
    )
    .await;
    Ok(t)
}

/// Renames or re-describes; `None` leaves a field as it is.
pub async fn update(
    ports: &Ports,
    actor: &Actor,
    id: TemplateId,
    mut name: Option<String>,
    mut description: Option<String>,
) -> ServiceResult<TemplateView> {
    actor.require_admin()?;
    let errors: Vec<_> = [
        name.as_mut().and_then(|n| validate_template_name(n).err()),
        description
            .as_mut()
            .and_then(|d| validate_template_description(d).err()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let before = get(ports, actor, id).await?;
    let row = ports
        .store
        .update_template(
            actor.tenant_id,
            id,
            name.as_deref(),
            description.as_deref(),
            ports.clock.now(),
        )
        .await
        .map_err(duplicate_or)?
        .ok_or(ServiceError::NotFound)?;
    let t = view(row);
    let detail = (before.name != t.name).then(|| format!("from “{}”", before.name));
    audit::record_success(
        ports,
        actor,
        AuditAction::TemplateUpdate,
        &target(id, &t.name),
        detail,
    )
    .await;
    Ok(t)
}

/// Its assignments go with it; agents made from it keep their servers.
pub async fn delete(ports: &Ports, actor: &Actor, id: TemplateId) -> ServiceResult<()> {
    actor.require_admin()?;
    let before = get(ports, actor, id).await?;
    if !ports.store.delete_template(actor.tenant_id, id).await? {
        return Err(ServiceError::NotFound);
    }
    audit::record(
        ports,
        actor,
        AuditAction::TemplateDelete,
        &target(id, &before.name),
        Ok(()),
    )
    .await;
    Ok(())
}

/// Whose assignments a call is about, checked to be the caller's tenant's.
#[derive(Debug, Clone)]
pub enum Of {
    Template(TemplateId),
    Agent(AgentUid),
}

/// The holder, if the tenant has it, and how the audit log names it.
async fn holder(ports: &Ports, actor: &Actor, of: &Of) -> ServiceResult<(Holder, String)> {
    match of {
        Of::Template(id) => {
            let t = get(ports, actor, *id).await?;
            Ok((Holder::Template(t.id), target(t.id, &t.name)))
        }
        Of::Agent(uid) => {
            let a = ports
                .store
                .agent_by_uid(actor.tenant_id, uid)
                .await?
                .ok_or(ServiceError::NotFound)?;
            Ok((
                Holder::Agent(a.id),
                agents::agent_target(&a.name, &a.unique_id),
            ))
        }
    }
}

pub async fn assignments(
    ports: &Ports,
    actor: &Actor,
    of: &Of,
) -> ServiceResult<Vec<AssignmentRecord>> {
    let (holder, _) = holder(ports, actor, of).await?;
    Ok(ports.store.assignments(actor.tenant_id, holder).await?)
}

/// A change to one assignment: `None` keeps what is there (or the default,
/// enabled with every tool, for a new one).
#[derive(Debug, Clone, Default)]
pub struct AssignmentChange {
    pub enabled: Option<bool>,
    /// `Some(None)` clears the allow-list: every tool.
    pub tool_allowlist: Option<Option<Vec<String>>>,
}

/// Assigns the tenant's server (or changes its assignment); `true` when it
/// was new. Another tenant's server is `NotFound`, as a missing one is.
pub async fn assign(
    ports: &Ports,
    actor: &Actor,
    of: &Of,
    server: ServerId,
    change: AssignmentChange,
) -> ServiceResult<bool> {
    actor.require_admin()?;
    let tool_allowlist = match change.tool_allowlist {
        Some(Some(list)) => Some(Some(
            normalize_allowlist(list).map_err(|e| ServiceError::Invalid(vec![e]))?,
        )),
        other => other,
    };
    let (holder, holder_name) = holder(ports, actor, of).await?;
    let row = servers::row(ports, actor, server).await?;
    // One agent's own server is not the tenant's to hand out.
    let owner_ok = match (row.agent_id, holder) {
        (None, _) => true,
        (Some(owner), Holder::Agent(agent)) => owner == agent,
        (Some(_), Holder::Template(_)) => false,
    };
    if !owner_ok {
        return Err(ServiceError::invalid("mcpServerId", AGENT_OWN));
    }
    let current = ports
        .store
        .assignments(actor.tenant_id, holder)
        .await?
        .into_iter()
        .find(|a| a.assignment.server_id == server)
        .map(|a| a.assignment);
    let next = Assignment {
        server_id: server,
        enabled: change
            .enabled
            .or(current.as_ref().map(|c| c.enabled))
            .unwrap_or(true),
        tool_allowlist: tool_allowlist.unwrap_or_else(|| current.and_then(|c| c.tool_allowlist)),
    };
    let created = ports
        .store
        .put_assignment(actor.tenant_id, holder, &next, ports.clock.now())
        .await?;
    if matches!(holder, Holder::Agent(_)) {
        ports.resolution_cache.forget_tenant(actor.tenant_id);
    }
    let action = match holder {
        Holder::Template(_) => AuditAction::TemplateAssign,
        Holder::Agent(_) => AuditAction::AgentAssign,
    };
    let detail = format!(
        "{}: {}{}",
        holder_name,
        if next.enabled {
            "enabled"
        } else {
            "switched off"
        },
        match &next.tool_allowlist {
            None => ", every tool".to_owned(),
            Some(list) => format!(", {} tools allowed", list.len()),
        }
    );
    audit::record_success(
        ports,
        actor,
        action,
        &audit::server_target(row.id, &row.name),
        Some(detail),
    )
    .await;
    Ok(created)
}

pub async fn unassign(
    ports: &Ports,
    actor: &Actor,
    of: &Of,
    server: ServerId,
) -> ServiceResult<()> {
    actor.require_admin()?;
    let (holder, holder_name) = holder(ports, actor, of).await?;
    let row = servers::row(ports, actor, server).await?;
    if !ports
        .store
        .remove_assignment(actor.tenant_id, holder, server)
        .await?
    {
        return Err(ServiceError::NotFound);
    }
    if matches!(holder, Holder::Agent(_)) {
        ports.resolution_cache.forget_tenant(actor.tenant_id);
    }
    let action = match holder {
        Holder::Template(_) => AuditAction::TemplateUnassign,
        Holder::Agent(_) => AuditAction::AgentUnassign,
    };
    audit::record_success(
        ports,
        actor,
        action,
        &audit::server_target(row.id, &row.name),
        Some(holder_name),
    )
    .await;
    Ok(())
}

/// The template page in one read: the template, every server of the tenant
/// with its assignment here, and the template's agents.
pub async fn detail(ports: &Ports, actor: &Actor, id: TemplateId) -> ServiceResult<TemplateDetail> {
    let template = get(ports, actor, id).await?;
    let assigned = ports
        .store
        .assignments(actor.tenant_id, Holder::Template(id))
        .await?;
    let servers = servers::list_all(ports, actor)
        .await?
        .into_iter()
        // An agent's own servers are not the tenant's to hand out.
        .filter(|s| s.agent.is_none())
        .map(|s| TemplateServerRow {
            assignment: assigned
                .iter()
                .find(|a| a.assignment.server_id == s.id)
                .map(|a| a.assignment.clone()),
            tools: s
                .last_test
                .as_ref()
                .filter(|t| t.ok)
                .map(|t| t.tools.iter().map(|tool| tool.name.clone()).collect())
                .unwrap_or_default(),
            server_id: s.id,
            name: s.name,
            auth_type: s.auth_type,
            server_enabled: s.enabled,
        })
        .collect();
    let agents = ports
        .store
        .template_agents(actor.tenant_id, id)
        .await?
        .into_iter()
        .map(|a| TemplateAgent {
            id: a.unique_id,
            name: a.name,
            synced_at: a.synced_at,
        })
        .collect();
    Ok(TemplateDetail {
        template,
        servers,
        agents,
    })
}
