//! Connecting one's own OAuth accounts: where the caller stands with a
//! server, the Integrations page's list, and disconnecting. Connecting
//! itself runs in a popup on `/api/skills/mcp-oauth/authorize`, which the
//! flow's browser binding needs (see `server::rest::skills::oauth_browser`).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::{AppError, GrantView, Integration, ServerId};

/// The caller's own grant for one of the tenant's servers.
#[server(input = Json, endpoint = "oauth/grant")]
pub async fn my_grant(server: ServerId) -> Result<GrantView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::oauth_grants;

    let (state, actor) = caller().await?;
    let grant = oauth_grants::mine_for(&state.ports, &actor, server)
        .await
        .map_err(fail)?;
    Ok(grant
        .as_ref()
        .map(oauth_grants::view)
        .unwrap_or_else(|| GrantView::not_connected(server)))
}

/// The tenant's OAuth servers with the caller's standing at each.
#[server(input = Json, endpoint = "oauth/integrations")]
pub async fn my_integrations() -> Result<Vec<Integration>, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::oauth_grants;

    let (state, actor) = caller().await?;
    oauth_grants::integrations(&state.ports, &actor)
        .await
        .map_err(fail)
}

/// Clears the caller's grant for `server` (revoked at the authorization
/// server where it offers that): `false` when there was none.
#[server(input = Json, endpoint = "oauth/disconnect")]
pub async fn disconnect_account(server: ServerId) -> Result<bool, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::oauth_grants;

    let (state, actor) = caller().await?;
    oauth_grants::disconnect(&state.ports, &actor, server)
        .await
        .map_err(fail)
}
