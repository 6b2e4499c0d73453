//! Sync a template to its agents: first a plan per agent (what it would add,
//! remove and change, and whether the agent was edited by hand since its
//! last sync), then the plan applied in one transaction per agent. One
//! agent's failure leaves that agent as it was and the others still sync.

use serde::{Deserialize, Serialize};

use crate::domain::template::{
    AgentPlanView, Assignment, SyncPlan, SyncSummary, fingerprint, plan_sync,
};
use crate::domain::{AgentUid, AgentView, AuditAction, NewAgent, ServerId, TemplateId};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::services::{agents, audit, templates};
use crate::server::store::{Holder, SyncedAgent};

/// One agent's line of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentPlan {
    pub agent: AgentUid,
    pub name: String,
    pub plan: SyncPlan,
}

async fn template_assignments(
    ports: &Ports,
    actor: &Actor,
    id: TemplateId,
) -> ServiceResult<Vec<Assignment>> {
    let rows = ports
        .store
        .assignments(actor.tenant_id, Holder::Template(id))
        .await?;
    Ok(rows.into_iter().map(|r| r.assignment).collect())
}

async fn plan_for(
    ports: &Ports,
    actor: &Actor,
    template: &[Assignment],
    agent: &SyncedAgent,
) -> ServiceResult<AgentPlan> {
    let current: Vec<Assignment> = ports
        .store
        .assignments(actor.tenant_id, Holder::Agent(agent.id))
        .await?
        .into_iter()
        .map(|r| r.assignment)
        .collect();
    Ok(AgentPlan {
        agent: agent.unique_id.clone(),
        name: agent.name.clone(),
        plan: plan_sync(template, &current, agent.synced_fingerprint.as_deref()),
    })
}

/// What a sync would do to each of the template's agents; changes nothing.
pub async fn plan(ports: &Ports, actor: &Actor, id: TemplateId) -> ServiceResult<Vec<AgentPlan>> {
    actor.require_admin()?;
    templates::get(ports, actor, id).await?;
    let template = template_assignments(ports, actor, id).await?;
    let mut plans = Vec::new();
    for agent in ports.store.template_agents(actor.tenant_id, id).await? {
        plans.push(plan_for(ports, actor, &template, &agent).await?);
    }
    Ok(plans)
}

/// Syncs every agent of the template, each in its own transaction, and
/// reports as ThinkWork's `syncTemplateToAllAgents` does.
pub async fn apply(ports: &Ports, actor: &Actor, id: TemplateId) -> ServiceResult<SyncSummary> {
    actor.require_admin()?;
    let t = templates::get(ports, actor, id).await?;
    let template = template_assignments(ports, actor, id).await?;
    let mut summary = SyncSummary::default();
    for agent in ports.store.template_agents(actor.tenant_id, id).await? {
        match sync_one(ports, actor, id, &t.name, &template, &agent).await {
            Ok(()) => summary.agents_synced += 1,
            Err(e) => {
                tracing::warn!(tenant = %actor.tenant_slug, agent = %agent.unique_id, error = %e, "agent sync failed");
                summary.agents_failed += 1;
                summary.errors.push(format!("{}: {e}", agent.name));
            }
        }
    }
    ports.resolution_cache.forget_tenant(actor.tenant_id);
    Ok(summary)
}

async fn sync_one(
    ports: &Ports,
    actor: &Actor,
    id: TemplateId,
    template_name: &str,
    template: &[Assignment],
    agent: &SyncedAgent,
) -> ServiceResult<()> {
    let line = plan_for(ports, actor, template, agent).await?;
    let target = agents::agent_target(&agent.name, &agent.unique_id);
    let written = ports
        .store
        .sync_agent(
            actor.tenant_id,
            agent.id,
            id,
            &line.plan.result,
            &fingerprint(&line.plan.result),
            ports.clock.now(),
        )
        .await;
    let p = &line.plan;
    let detail = format!(
        "from {template_name}: +{} −{} ~{}{}",
        p.added.len(),
        p.removed.len(),
        p.changed.len(),
        if p.drifted {
            " (hand edits overwritten)"
        } else {
            ""
        }
    );
    match written {
        Ok(()) => {
            audit::record_success(
                ports,
                actor,
                AuditAction::TemplateSync,
                &target,
                Some(detail),
            )
            .await;
            Ok(())
        }
        Err(e) => {
            let e = ServiceError::from(e);
            audit::record(
                ports,
                actor,
                AuditAction::TemplateSync,
                &target,
                Err(e.to_string()),
            )
            .await;
            Err(e)
        }
    }
}

/// Makes an agent from a template: it starts with the template's servers,
/// recorded as synced to it.
pub async fn create_agent(
    ports: &Ports,
    actor: &Actor,
    id: TemplateId,
    new: NewAgent,
) -> ServiceResult<AgentView> {
    actor.require_admin()?;
    let t = templates::get(ports, actor, id).await?;
    let template = template_assignments(ports, actor, id).await?;
    let agent = agents::create(ports, actor, new).await?;
    let row = ports
        .store
        .agent_by_uid(actor.tenant_id, &agent.unique_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let synced = SyncedAgent {
        id: row.id,
        unique_id: row.unique_id,
        name: row.name,
        synced_fingerprint: None,
        synced_at: None,
    };
    if let Err(e) = sync_one(ports, actor, id, &t.name, &template, &synced).await {
        // No agent half made: it goes again, and the caller sees why.
        if let Err(undo) = ports
            .store
            .delete_agent(actor.tenant_id, &agent.unique_id)
            .await
        {
            tracing::error!(agent = %agent.unique_id, error = %undo, "could not remove a half-made agent");
        }
        return Err(e);
    }
    Ok(agent)
}

/// The plan with servers named, for the template page.
pub async fn plan_view(
    ports: &Ports,
    actor: &Actor,
    id: TemplateId,
) -> ServiceResult<Vec<AgentPlanView>> {
    let plans = plan(ports, actor, id).await?;
    let names: std::collections::HashMap<ServerId, String> =
        crate::server::services::servers::list_all(ports, actor)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
    let named = |ids: &[ServerId]| {
        ids.iter()
            .map(|id| {
                names
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| format!("server {id}"))
            })
            .collect()
    };
    Ok(plans
        .into_iter()
        .map(|p| AgentPlanView {
            agent: p.agent,
            name: p.name,
            added: named(&p.plan.added),
            removed: named(&p.plan.removed),
            changed: named(&p.plan.changed),
            drifted: p.plan.drifted,
        })
        .collect())
}
