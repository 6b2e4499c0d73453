//! The Agents page's server functions.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::{AgentUid, AgentView, AppError, NewAgent};

#[server(input = Json, endpoint = "agents/list")]
pub async fn list_agents() -> Result<Vec<AgentView>, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::agents;

    let (state, actor) = caller().await?;
    agents::list(&state.ports, &actor).await.map_err(fail)
}

#[server(input = Json, endpoint = "agents/create")]
pub async fn create_agent(agent: NewAgent) -> Result<AgentView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::agents;

    let (state, actor) = caller().await?;
    agents::create(&state.ports, &actor, agent)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "agents/rename")]
pub async fn rename_agent(id: AgentUid, name: String) -> Result<AgentView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::agents;

    let (state, actor) = caller().await?;
    agents::rename(&state.ports, &actor, &id, name)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "agents/delete")]
pub async fn delete_agent(id: AgentUid) -> Result<(), AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::agents;

    let (state, actor) = caller().await?;
    agents::delete(&state.ports, &actor, &id)
        .await
        .map_err(fail)
}
