//! OAuth services from the pages: the tenant's clients at authorization
//! servers (every member may read them; nothing secret is in a view), and
//! an admin entering their own app's client, which then comes first for
//! the servers linked to it.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::{AppError, NewAdminClient, OAuthServiceView};

/// The tenant's OAuth services, oldest first.
#[server(input = Json, endpoint = "oauth-services/list")]
pub async fn list_oauth_services() -> Result<Vec<OAuthServiceView>, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::oauth_services;

    let (state, actor) = caller().await?;
    let services = oauth_services::list(&state.ports, &actor)
        .await
        .map_err(fail)?;
    Ok(services.iter().map(|s| s.view()).collect())
}

/// Enters the tenant's own app at an authorization server (admins). Its
/// redirect URI is this deployment's callback, which the admin registers
/// with the app.
#[server(input = Json, endpoint = "oauth-services/create")]
pub async fn create_oauth_client(client: NewAdminClient) -> Result<OAuthServiceView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::oauth_services;

    let (state, actor) = caller().await?;
    let headers: axum::http::HeaderMap = leptos_axum::extract().await.unwrap_or_default();
    let origin = crate::server::rest::site_origin(&state, &headers).map_err(fail)?;
    let service = oauth_services::create_admin(&state.ports, &actor, &origin, client)
        .await
        .map_err(fail)?;
    Ok(service.view())
}

/// The redirect URI an admin registers with their own app.
#[server(input = Json, endpoint = "oauth-services/redirect-uri")]
pub async fn oauth_redirect_uri() -> Result<String, AppError> {
    use super::edge::{caller, fail};

    let (state, _) = caller().await?;
    let headers: axum::http::HeaderMap = leptos_axum::extract().await.unwrap_or_default();
    let origin = crate::server::rest::site_origin(&state, &headers).map_err(fail)?;
    Ok(crate::server::services::oauth_connect::redirect_uri(
        &origin,
    ))
}
