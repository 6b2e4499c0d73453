//! The servers page's server functions.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::{
    AppError, KeyRotation, ListQuery, NewServer, Page, ServerId, ServerPatch, ServerSort,
    ServerSummary, ServerView, TestAs, TestAsOutcome, TestOutcome,
};

#[server(input = Json, endpoint = "servers/list")]
pub async fn list_servers(query: ListQuery<ServerSort>) -> Result<Page<ServerSummary>, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::servers;

    let (state, actor) = caller().await?;
    servers::list(&state.ports, &actor, query)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "servers/get")]
pub async fn get_server(id: ServerId) -> Result<ServerView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::servers;

    let (state, actor) = caller().await?;
    servers::get(&state.ports, &actor, id).await.map_err(fail)
}

#[server(input = Json, endpoint = "servers/register")]
pub async fn register_server(server: NewServer) -> Result<ServerView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::servers;

    let (state, actor) = caller().await?;
    servers::register(&state.ports, &actor, server)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "servers/update")]
pub async fn update_server(id: ServerId, patch: ServerPatch) -> Result<ServerView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::servers;

    let (state, actor) = caller().await?;
    servers::update(&state.ports, &actor, id, patch)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "servers/delete")]
pub async fn delete_server(id: ServerId) -> Result<(), AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::servers;

    let (state, actor) = caller().await?;
    servers::delete(&state.ports, &actor, id)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "servers/test")]
pub async fn test_server(id: ServerId) -> Result<TestOutcome, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::servers;

    let (state, actor) = caller().await?;
    servers::test(&state.ports, &actor, id).await.map_err(fail)
}

/// Stages the new key, tests it, and makes it current only if the test passes.
#[server(input = Json, endpoint = "servers/rotate-key")]
pub async fn rotate_key(id: ServerId, rotation: KeyRotation) -> Result<TestOutcome, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::rotation;

    let (state, actor) = caller().await?;
    rotation::rotate(&state.ports, &actor, id, rotation)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "servers/undo-rotation")]
pub async fn undo_rotation(id: ServerId) -> Result<ServerView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::rotation;

    let (state, actor) = caller().await?;
    rotation::undo(&state.ports, &actor, id).await.map_err(fail)
}

/// Test Connection with the credential resolution picks for `who`.
#[server(input = Json, endpoint = "servers/test-as")]
pub async fn test_server_as(id: ServerId, who: TestAs) -> Result<TestAsOutcome, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::test_as;

    let (state, actor) = caller().await?;
    test_as::test_as(&state.ports, &actor, id, who)
        .await
        .map_err(fail)
}
