//! Seed 000's REST contract, servers half:
//! `/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/…`, snake_case JSON
//! and Django REST framework's conventions (`{"detail": …}` or
//! `{"field": ["…"]}`, 201 on create, 204 on delete, PUT whole, PATCH part).
//! `{org}` must be the caller's tenant and `{user_id}` the caller's username.

mod model;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use std::net::SocketAddr;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use model::{AUTH_TYPES, ItemScope, MentorFailures, MentorServerPatch, MentorServerWrite, Scope};
pub use model::{CREDENTIALS_MASK, Detail, FieldErrors, MentorError, MentorServer};

use super::body::Body;
use super::{TRANSPORTS, authenticate, path_id};
use crate::domain::{AppError, KeyRule, NewServer, ServerId, ServerPatch};
use crate::server::auth::Actor;
use crate::server::error::ServiceError;
use crate::server::services::servers;
use crate::server::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(retrieve, replace, patch, destroy))
}

/// The caller, who must be `{user_id}` in `{org}`; anyone else gets 404.
async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    org: &str,
    user_id: &str,
) -> Result<Actor, MentorError> {
    let actor = authenticate(state, headers, peer)
        .await
        .map_err(|e| MentorError {
            token_refused: matches!(e, ServiceError::Unauthorized)
                && headers.contains_key(header::AUTHORIZATION),
            error: e.into(),
        })?;
    if org != actor.tenant_slug || user_id != actor.username {
        return Err(ServiceError::NotFound.into());
    }
    Ok(actor)
}

fn parse(bytes: &[u8]) -> Result<Body, MentorError> {
    Body::parse(bytes)
        .map_err(|_| AppError::invalid("body", "Invalid data. Expected a JSON object.").into())
}

fn id_of(raw: &str) -> Result<ServerId, MentorError> {
    path_id(raw).ok_or_else(|| ServiceError::NotFound.into())
}

/// Reads a body into a patch; `whole` (PUT) makes `name` and `url` required.
fn read_patch(bytes: &[u8], whole: bool) -> Result<ServerPatch, MentorError> {
    let mut body = parse(bytes)?;
    let (name, url) = if whole {
        (
            Some(body.required_string("name")),
            Some(body.required_string("url")),
        )
    } else {
        (body.string("name"), body.string("url"))
    };
    let patch = ServerPatch {
        name,
        url,
        description: body.string("description"),
        transport: body.choice("transport", &TRANSPORTS),
        auth_type: body.choice("auth_type", &AUTH_TYPES),
        api_key: body.string("credentials"),
        enabled: body.boolean("is_enabled"),
        featured: body.boolean("is_featured"),
    };
    body.finish().map_err(AppError::Invalid)?;
    Ok(patch)
}

/// List the org's MCP servers.
#[utoipa::path(get, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/",
    tag = "ai-mentor", params(Scope),
    responses((status = 200, description = "The org's servers", body = [MentorServer]), MentorFailures))]
async fn list(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((org, user_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Vec<MentorServer>>, MentorError> {
    let actor = caller(&state, &headers, peer, &org, &user_id).await?;
    let servers = servers::list_all(&state, &actor).await?;
    Ok(Json(servers.into_iter().map(Into::into).collect()))
}

/// Create a server record (tenant admins). A `token` server's credentials
/// may come now or later by PATCH.
#[utoipa::path(post, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/",
    tag = "ai-mentor", params(Scope), request_body = MentorServerWrite,
    responses((status = 201, description = "Created", body = MentorServer), MentorFailures))]
async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((org, user_id)): Path<(String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<(StatusCode, Json<MentorServer>), MentorError> {
    let actor = caller(&state, &headers, peer, &org, &user_id).await?;
    let mut body = parse(&bytes)?;
    let new = NewServer {
        name: body.required_string("name"),
        description: body.string("description").unwrap_or_default(),
        url: body.required_string("url"),
        transport: body.choice("transport", &TRANSPORTS).unwrap_or_default(),
        auth_type: body.choice("auth_type", &AUTH_TYPES).unwrap_or_default(),
        api_key: body.string("credentials"),
        enabled: body.boolean("is_enabled"),
        featured: body.boolean("is_featured").unwrap_or(false),
    };
    body.finish().map_err(AppError::Invalid)?;
    let view = servers::register_with(&state, &actor, new, KeyRule::MayFollow).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// One server record.
#[utoipa::path(get, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/",
    tag = "ai-mentor", params(ItemScope),
    responses((status = 200, description = "The server", body = MentorServer), MentorFailures))]
async fn retrieve(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((org, user_id, id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Json<MentorServer>, MentorError> {
    let actor = caller(&state, &headers, peer, &org, &user_id).await?;
    Ok(Json(
        servers::get(&state, &actor, id_of(&id)?).await?.into(),
    ))
}

/// Update a server record: `name` and `url` required, the rest as given.
#[utoipa::path(put, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/",
    tag = "ai-mentor", params(ItemScope), request_body = MentorServerWrite,
    responses((status = 200, description = "Updated", body = MentorServer), MentorFailures))]
async fn replace(
    state: State<AppState>,
    peer: ConnectInfo<SocketAddr>,
    path: Path<(String, String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Json<MentorServer>, MentorError> {
    write(state, peer, path, headers, bytes, true).await
}

/// Update some fields of a server record, e.g. set `credentials` later.
#[utoipa::path(patch, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/",
    tag = "ai-mentor", params(ItemScope), request_body = MentorServerPatch,
    responses((status = 200, description = "Updated", body = MentorServer), MentorFailures))]
async fn patch(
    state: State<AppState>,
    peer: ConnectInfo<SocketAddr>,
    path: Path<(String, String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Json<MentorServer>, MentorError> {
    write(state, peer, path, headers, bytes, false).await
}

/// PUT (`whole`) and PATCH differ only in which fields are required.
async fn write(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((org, user_id, id)): Path<(String, String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
    whole: bool,
) -> Result<Json<MentorServer>, MentorError> {
    let actor = caller(&state, &headers, peer, &org, &user_id).await?;
    let id = id_of(&id)?;
    let patch = read_patch(&bytes, whole)?;
    Ok(Json(
        servers::update(&state, &actor, id, patch).await?.into(),
    ))
}

/// Delete a server record and its stored credentials (tenant admins).
#[utoipa::path(delete, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/",
    tag = "ai-mentor", params(ItemScope),
    responses((status = 204, description = "Deleted"), MentorFailures))]
async fn destroy(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((org, user_id, id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, MentorError> {
    let actor = caller(&state, &headers, peer, &org, &user_id).await?;
    servers::delete(&state, &actor, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
