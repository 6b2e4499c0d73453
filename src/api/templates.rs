//! The Agent Templates pages' server functions.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::template::{
    AgentPlanView, NewTemplate, SyncSummary, TemplateDetail, TemplateView,
};
use crate::domain::{AgentView, AppError, NewAgent, ServerId, TemplateId};

#[server(input = Json, endpoint = "templates/list")]
pub async fn list_templates() -> Result<Vec<TemplateView>, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::templates;

    let (state, actor) = caller().await?;
    templates::list(&state.ports, &actor).await.map_err(fail)
}

#[server(input = Json, endpoint = "templates/create")]
pub async fn create_template(template: NewTemplate) -> Result<TemplateView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::templates;

    let (state, actor) = caller().await?;
    templates::create(&state.ports, &actor, template)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "templates/get")]
pub async fn get_template(id: TemplateId) -> Result<TemplateDetail, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::templates;

    let (state, actor) = caller().await?;
    templates::detail(&state.ports, &actor, id)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "templates/update")]
pub async fn update_template(
    id: TemplateId,
    name: Option<String>,
    description: Option<String>,
) -> Result<TemplateView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::templates;

    let (state, actor) = caller().await?;
    templates::update(&state.ports, &actor, id, name, description)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "templates/delete")]
pub async fn delete_template(id: TemplateId) -> Result<(), AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::templates;

    let (state, actor) = caller().await?;
    templates::delete(&state.ports, &actor, id)
        .await
        .map_err(fail)
}

/// Assigns a server to the template, or changes its switch or allow-list.
/// `every_tool: true` allows every tool again: in JSON, `tool_allowlist:
/// null` reads as "leave it", so the list cannot say "no list" itself.
#[server(input = Json, endpoint = "templates/assign")]
pub async fn assign_server(
    id: TemplateId,
    server: ServerId,
    enabled: Option<bool>,
    tool_allowlist: Option<Option<Vec<String>>>,
    #[server(default)] every_tool: Option<bool>,
) -> Result<(), AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::templates::{self, AssignmentChange, Of};

    let (state, actor) = caller().await?;
    let change = AssignmentChange {
        enabled,
        tool_allowlist: if every_tool == Some(true) {
            Some(None)
        } else {
            tool_allowlist
        },
    };
    templates::assign(&state.ports, &actor, &Of::Template(id), server, change)
        .await
        .map(|_| ())
        .map_err(fail)
}

#[server(input = Json, endpoint = "templates/unassign")]
pub async fn unassign_server(id: TemplateId, server: ServerId) -> Result<(), AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::templates::{self, Of};

    let (state, actor) = caller().await?;
    templates::unassign(&state.ports, &actor, &Of::Template(id), server)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "templates/sync-plan")]
pub async fn sync_plan(id: TemplateId) -> Result<Vec<AgentPlanView>, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::template_sync;

    let (state, actor) = caller().await?;
    template_sync::plan_view(&state.ports, &actor, id)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "templates/sync")]
pub async fn sync_template(id: TemplateId) -> Result<SyncSummary, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::template_sync;

    let (state, actor) = caller().await?;
    template_sync::apply(&state.ports, &actor, id)
        .await
        .map(SyncSummary::with_problem)
        .map_err(fail)
}

#[server(input = Json, endpoint = "templates/create-agent")]
pub async fn create_agent_from_template(
    id: TemplateId,
    agent: NewAgent,
) -> Result<AgentView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::template_sync;

    let (state, actor) = caller().await?;
    template_sync::create_agent(&state.ports, &actor, id, agent)
        .await
        .map_err(fail)
}
