//! The server dialog's Connections tab: a server's connections, and
//! "Test as…" (in `servers`).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::domain::{
    AppError, ConnectionId, ConnectionPatch, ConnectionView, NewConnection, ServerId,
};

/// The tab shows at most this many; `total` says how many there are.
pub const SHOWN: u32 = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerConnections {
    pub items: Vec<ConnectionView>,
    pub total: u64,
}

#[server(input = Json, endpoint = "connections/list")]
pub async fn list_connections(server: ServerId) -> Result<ServerConnections, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::connections;

    let (state, actor) = caller().await?;
    let (items, total) = connections::for_server(&state.ports, &actor, server, SHOWN)
        .await
        .map_err(fail)?;
    Ok(ServerConnections { items, total })
}

#[server(input = Json, endpoint = "connections/create")]
pub async fn create_connection(connection: NewConnection) -> Result<ConnectionView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::connections;

    let (state, actor) = caller().await?;
    connections::create(&state.ports, &actor, connection)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "connections/update")]
pub async fn update_connection(
    id: ConnectionId,
    patch: ConnectionPatch,
) -> Result<ConnectionView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::connections;

    let (state, actor) = caller().await?;
    connections::update(&state.ports, &actor, id, patch)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "connections/delete")]
pub async fn delete_connection(id: ConnectionId) -> Result<(), AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::connections;

    let (state, actor) = caller().await?;
    connections::delete(&state.ports, &actor, id)
        .await
        .map_err(fail)
}
