//! Seed 000's REST contract, servers half:
//! `/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/…`, snake_case JSON
//! and Django REST framework's conventions (`{"detail": …}` or
//! `{"field": ["…"]}`, 201 on create, 204 on delete, PUT whole, PATCH part).
//! `{org}` must be the caller's tenant and `{user_id}` the caller's username.

mod model;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use model::{AUTH_TYPES, ItemScope, MentorFailures, MentorServerPatch, MentorServerWrite, Scope};
pub use model::{
    CREDENTIALS_MASK, Detail, FieldErrors, MentorApi, MentorCaller, MentorError, MentorServer,
};

use super::TRANSPORTS;
use super::body::JsonObject;
use super::item_id::ItemId;
use crate::domain::{KeyRule, NewServer, ServerPatch};
use crate::server::services::servers;
use crate::server::state::AppState;

type MentorId = ItemId<MentorApi>;
type MentorBody = JsonObject<MentorApi>;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(retrieve, replace, patch, destroy))
}

/// Reads a body into a patch; `whole` (PUT) makes `name` and `url` required.
fn read_patch(mut body: MentorBody, whole: bool) -> Result<ServerPatch, MentorError> {
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
    body.finish()?;
    Ok(patch)
}

/// List the org's MCP servers.
#[utoipa::path(get, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/",
    tag = "ai-mentor", params(Scope),
    responses((status = 200, description = "The org's servers", body = [MentorServer]), MentorFailures))]
async fn list(
    caller: MentorCaller,
    State(state): State<AppState>,
) -> Result<Json<Vec<MentorServer>>, MentorError> {
    let servers = servers::list_all(&state.ports, &caller).await?;
    Ok(Json(servers.into_iter().map(Into::into).collect()))
}

/// Create a server record (tenant admins). A `token` server's credentials
/// may come now or later by PATCH.
#[utoipa::path(post, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/",
    tag = "ai-mentor", params(Scope), request_body = MentorServerWrite,
    responses((status = 201, description = "Created", body = MentorServer), MentorFailures))]
async fn create(
    caller: MentorCaller,
    State(state): State<AppState>,
    mut body: MentorBody,
) -> Result<(StatusCode, Json<MentorServer>), MentorError> {
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
    body.finish()?;
    let view = servers::register_with(&state.ports, &caller, new, KeyRule::MayFollow).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// One server record.
#[utoipa::path(get, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/",
    tag = "ai-mentor", params(ItemScope),
    responses((status = 200, description = "The server", body = MentorServer), MentorFailures))]
async fn retrieve(
    caller: MentorCaller,
    id: MentorId,
    State(state): State<AppState>,
) -> Result<Json<MentorServer>, MentorError> {
    Ok(Json(servers::get(&state.ports, &caller, *id).await?.into()))
}

/// Update a server record: `name` and `url` required, the rest as given.
#[utoipa::path(put, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/",
    tag = "ai-mentor", params(ItemScope), request_body = MentorServerWrite,
    responses((status = 200, description = "Updated", body = MentorServer), MentorFailures))]
async fn replace(
    caller: MentorCaller,
    id: MentorId,
    State(state): State<AppState>,
    body: MentorBody,
) -> Result<Json<MentorServer>, MentorError> {
    let patch = read_patch(body, true)?;
    Ok(Json(
        servers::update(&state.ports, &caller, *id, patch)
            .await?
            .into(),
    ))
}

/// Update some fields of a server record, e.g. set `credentials` later.
#[utoipa::path(patch, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/",
    tag = "ai-mentor", params(ItemScope), request_body = MentorServerPatch,
    responses((status = 200, description = "Updated", body = MentorServer), MentorFailures))]
async fn patch(
    caller: MentorCaller,
    id: MentorId,
    State(state): State<AppState>,
    body: MentorBody,
) -> Result<Json<MentorServer>, MentorError> {
    let patch = read_patch(body, false)?;
    Ok(Json(
        servers::update(&state.ports, &caller, *id, patch)
            .await?
            .into(),
    ))
}

/// Delete a server record and its stored credentials (tenant admins).
#[utoipa::path(delete, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/",
    tag = "ai-mentor", params(ItemScope),
    responses((status = 204, description = "Deleted"), MentorFailures))]
async fn destroy(
    caller: MentorCaller,
    id: MentorId,
    State(state): State<AppState>,
) -> Result<StatusCode, MentorError> {
    servers::delete(&state.ports, &caller, *id).await?;
    Ok(StatusCode::NO_CONTENT)
}
