//! Agents and templates: a template's sync (its plan first, then one
//! transaction per agent), an agent made from a template, and the servers
//! assigned to one agent (`/api/skills/agents/{agent_id}/mcp-servers…`, the
//! twin ThinkWork's CLI calls). The tenant is the caller's, as on the
//! template routes.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::SkillsFailures;
use super::templates::{
    SkillsAssign, SkillsAssigned, SkillsAssignment, SkillsOk, TBody, TCaller, TError, TemplatePath,
    assign, server_id, unassign,
};
use crate::domain::{AgentUid, AppError, NewAgent, ServerId};
use crate::server::services::template_sync;
use crate::server::services::templates::{self, Of};
use crate::server::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sync_plan, sync_apply))
        .routes(routes!(create_agent))
        .routes(routes!(agent_servers, assign_to_agent))
        .routes(routes!(unassign_from_agent))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsAgentServers {
    pub servers: Vec<SkillsAssignment>,
}

/// What a sync would do to one agent.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkillsAgentPlan {
    pub agent_id: String,
    pub name: String,
    pub added: Vec<i64>,
    pub removed: Vec<i64>,
    /// Servers kept whose switch or allow-list changes.
    pub changed: Vec<i64>,
    /// Changed by hand since its last sync; the sync overwrites that.
    pub drifted: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsSyncPlan {
    pub agents: Vec<SkillsAgentPlan>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkillsSyncSummary {
    pub agents_synced: u32,
    pub agents_failed: u32,
    /// "Agent name: reason", one per failed agent.
    pub errors: Vec<String>,
}

/// An agent made from a template.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkillsAgent {
    pub id: String,
    pub name: String,
    pub slug: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SkillsAgentInput {
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    slug: Option<String>,
}

fn ids(list: &[ServerId]) -> Vec<i64> {
    list.iter().map(|id| id.get()).collect()
}

fn agent_uid(raw: &str) -> Result<AgentUid, TError> {
    AgentUid::parse(raw).ok_or_else(|| AppError::NotFound.into())
}

/// What syncing the template would do to each of its agents; changes
/// nothing (tenant admins).
#[utoipa::path(get, path = "/api/skills/templates/{id}/sync", tag = "skills",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The plan", body = SkillsSyncPlan), SkillsFailures))]
async fn sync_plan(
    caller: TCaller,
    id: TemplatePath,
    State(state): State<AppState>,
) -> Result<Json<SkillsSyncPlan>, TError> {
    let plans = template_sync::plan(&state.ports, &caller, *id).await?;
    Ok(Json(SkillsSyncPlan {
        agents: plans
            .into_iter()
            .map(|p| SkillsAgentPlan {
                agent_id: p.agent.to_string(),
                name: p.name,
                added: ids(&p.plan.added),
                removed: ids(&p.plan.removed),
                changed: ids(&p.plan.changed),
                drifted: p.plan.drifted,
            })
            .collect(),
    }))
}

/// Sync the template to its agents, one transaction each; a failed agent
/// is left as it was and reported (tenant admins).
#[utoipa::path(post, path = "/api/skills/templates/{id}/sync", tag = "skills",
    params(("id" = i64, Path)),
    responses((status = 200, description = "What was synced", body = SkillsSyncSummary), SkillsFailures))]
async fn sync_apply(
    caller: TCaller,
    id: TemplatePath,
    State(state): State<AppState>,
) -> Result<Json<SkillsSyncSummary>, TError> {
    let s = template_sync::apply(&state.ports, &caller, *id).await?;
    Ok(Json(SkillsSyncSummary {
        agents_synced: s.agents_synced,
        agents_failed: s.agents_failed,
        errors: s.errors,
    }))
}

/// Make an agent from the template: it starts with the template's servers
/// (tenant admins).
#[utoipa::path(post, path = "/api/skills/templates/{id}/agents", tag = "skills",
    params(("id" = i64, Path)),
    request_body = SkillsAgentInput,
    responses((status = 201, description = "Created", body = SkillsAgent), SkillsFailures))]
async fn create_agent(
    caller: TCaller,
    id: TemplatePath,
    State(state): State<AppState>,
    mut body: TBody,
) -> Result<(StatusCode, Json<SkillsAgent>), TError> {
    let new = NewAgent {
        name: body.required_string("name"),
        slug: body.string("slug"),
    };
    body.finish()?;
    let a = template_sync::create_agent(&state.ports, &caller, *id, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(SkillsAgent {
            id: a.unique_id.to_string(),
            name: a.name,
            slug: a.slug,
        }),
    ))
}

/// The servers assigned to one agent.
#[utoipa::path(get, path = "/api/skills/agents/{agent_id}/mcp-servers", tag = "skills",
    params(("agent_id" = String, Path, description = "The agent's UUID")),
    responses((status = 200, description = "Its servers", body = SkillsAgentServers), SkillsFailures))]
async fn agent_servers(
    caller: TCaller,
    State(state): State<AppState>,
    Path(agent_id): Path<String>,
) -> Result<Json<SkillsAgentServers>, TError> {
    let of = Of::Agent(agent_uid(&agent_id)?);
    let rows = templates::assignments(&state.ports, &caller, &of).await?;
    Ok(Json(SkillsAgentServers {
        servers: rows.into_iter().map(Into::into).collect(),
    }))
}

/// Assign one of the tenant's servers to one agent (tenant admins); a
/// hand edit a later sync reports as drift.
#[utoipa::path(post, path = "/api/skills/agents/{agent_id}/mcp-servers", tag = "skills",
    params(("agent_id" = String, Path, description = "The agent's UUID")),
    request_body = SkillsAssign,
    responses((status = 200, description = "Assigned", body = SkillsAssigned), SkillsFailures))]
async fn assign_to_agent(
    caller: TCaller,
    State(state): State<AppState>,
    Path(agent_id): Path<String>,
    body: TBody,
) -> Result<Json<SkillsAssigned>, TError> {
    let of = Of::Agent(agent_uid(&agent_id)?);
    assign(&state, &caller, of, body).await
}

/// Remove a server from one agent (tenant admins).
#[utoipa::path(delete, path = "/api/skills/agents/{agent_id}/mcp-servers/{sid}", tag = "skills",
    params(("agent_id" = String, Path, description = "The agent's UUID"), ("sid" = i64, Path)),
    responses((status = 200, description = "Removed", body = SkillsOk), SkillsFailures))]
async fn unassign_from_agent(
    caller: TCaller,
    State(state): State<AppState>,
    Path((agent_id, sid)): Path<(String, String)>,
) -> Result<Json<SkillsOk>, TError> {
    let of = Of::Agent(agent_uid(&agent_id)?);
    unassign(&state, &caller, of, server_id(&sid)?).await
}
