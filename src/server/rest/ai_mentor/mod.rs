//! Seed 000's REST contract, servers half:
//! `/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/…`, snake_case JSON
//! and Django REST framework's conventions (`{"detail": …}` or
//! `{"field": ["…"]}`, 201 on create, 204 on delete, PUT whole, PATCH part).
//! `{org}` must be the caller's tenant and `{user_id}` the caller's username.

mod connections;
mod model;
mod page;
mod site;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) use model::MentorFailures;
use model::{AUTH_TYPES, ItemScope, MentorServerPatch, MentorServerWrite, SCOPES, Scope};
pub use model::{
    CREDENTIALS_MASK, Detail, FieldErrors, MentorApi, MentorCaller, MentorError, MentorServer,
};
pub use page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PaginatedServers};
use page::{Envelope, PageRequest, ServerListParams};
use site::Site;

use super::TRANSPORTS;
use super::ai_account::OAuthServiceWire;
use super::body::JsonObject;
use super::item_id::ItemId;
use crate::domain::{
    AgentUid, AppError, KeyRule, NewServer, OAuthServiceId, RowId, ServerPatch, ServerView,
    UrlSecret,
};
use crate::server::services::{images, oauth_services, servers};
use crate::server::state::AppState;

type MentorId = ItemId<MentorApi>;
type MentorBody = JsonObject<MentorApi>;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(retrieve, replace, patch, destroy))
        // A 2 MB image and the other fields, as multipart, fit.
        .layer(axum::extract::DefaultBodyLimit::max(
            images::MAX_IMAGE_BYTES + 512 * 1024,
        ))
        .merge(connections::routes())
}

/// Reads a body into a patch; `whole` (PUT) makes `name` and `url` required.
fn read_patch(
    mut body: MentorBody,
    whole: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(ServerPatch, ImageChange), MentorError> {
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
        url_secret: body.choice("url_secret", &UrlSecret::CHOICES),
        description: body.string("description"),
        transport: body.choice("transport", &TRANSPORTS),
        auth_type: body.choice("auth_type", &AUTH_TYPES),
        api_key: body.string("credentials"),
        enabled: body.boolean("is_enabled"),
        featured: body.boolean("is_featured"),
        auth_scope: body.choice("auth_scope", &SCOPES),
        agent: agent_field(&mut body, "mentor"),
        extra_headers: body.string_map("extra_headers"),
        oauth_service: pk_field::<OAuthServiceId>(&mut body, "oauth_service"),
    };
    let image = image_field(&mut body, now);
    body.finish()?;
    Ok((patch, image))
}

/// An agent named by its `unique_id`: `Some(None)` for null or "" (DRF's
/// way of clearing a relation), `None` when the body does not name one (or
/// names it badly: that is recorded as the field's error).
fn agent_field(body: &mut MentorBody, name: &str) -> Option<Option<AgentUid>> {
    match body.nullable_string(name)? {
        None => Some(None),
        Some(raw) if raw.trim().is_empty() => Some(None),
        Some(raw) => match AgentUid::parse(&raw) {
            Some(uid) => Some(Some(uid)),
            None => {
                body.refuse(name, format!("“{raw}” is not a valid UUID."));
                None
            }
        },
    }
}

/// What a body says about the server's image.
enum ImageChange {
    Keep,
    Set(images::CheckedImage),
    Clear,
}

/// The `image` field: a file part (checked now, so a bad image leaves no
/// server behind), null or "" to remove it, absent to keep it. Text is
/// refused as Django REST framework refuses it.
fn image_field(body: &mut MentorBody, now: chrono::DateTime<chrono::Utc>) -> ImageChange {
    if let Some(bytes) = body.take_file(images::FIELD) {
        return match images::check(&bytes, now) {
            Ok(image) => ImageChange::Set(image),
            Err(message) => {
                body.refuse(images::FIELD, message);
                ImageChange::Keep
            }
        };
    }
    match body.nullable_string(images::FIELD) {
        None => ImageChange::Keep,
        Some(None) => ImageChange::Clear,
        Some(Some(text)) if text.is_empty() => ImageChange::Clear,
        Some(Some(_)) => {
            body.refuse(
                images::FIELD,
                "The submitted data was not a file. Check the encoding type on the form.",
            );
            ImageChange::Keep
        }
    }
}

/// Applies an image change to a server just written, and to its view.
async fn apply_image(
    state: &AppState,
    caller: &MentorCaller,
    view: &mut crate::domain::ServerView,
    change: ImageChange,
) -> Result<(), MentorError> {
    match change {
        ImageChange::Keep => {}
        ImageChange::Set(image) => {
            view.image = Some(images::set(&state.ports, caller, view.id, image).await?);
        }
        ImageChange::Clear => {
            images::clear(&state.ports, caller, view.id).await?;
            view.image = None;
        }
    }
    Ok(())
}

/// A related row's id field (DRF's primary key field): `Some(None)` for
/// null or "" (no row), `None` when absent or refused (recorded as the
/// field's error, in DRF's words).
fn pk_field<I: RowId>(body: &mut MentorBody, name: &str) -> Option<Option<I>> {
    match body.nullable_pk(name)? {
        None => Some(None),
        Some(raw) => match I::parse(&raw.to_string()) {
            Some(id) => Some(Some(id)),
            None => {
                body.refuse(
                    name,
                    format!("Invalid pk \"{raw}\" - object does not exist."),
                );
                None
            }
        },
    }
}

/// Servers as seed 000 reads them, each with its OAuth service in
/// `oauth_service_data` (read once for the whole page). A featured server
/// of the global platform shows none: its service is not this tenant's.
async fn present(
    state: &AppState,
    caller: &MentorCaller,
    site: &Site,
    views: Vec<ServerView>,
) -> Result<Vec<MentorServer>, MentorError> {
    let services = if views.iter().any(|v| v.oauth_service.is_some()) {
        oauth_services::list(&state.ports, caller).await?
    } else {
        Vec::new()
    };
    Ok(views
        .into_iter()
        .map(|v| {
            let service = v
                .oauth_service
                .and_then(|id| services.iter().find(|s| s.record.id == id));
            let mut server = MentorServer::read(v, &caller.tenant_slug, site);
            if let Some(service) = service {
                server.oauth_service = Some(service.record.id.get());
                server.oauth_service_data =
                    serde_json::to_value(OAuthServiceWire::from(service)).ok();
            }
            server
        })
        .collect())
}

async fn present_one(
    state: &AppState,
    caller: &MentorCaller,
    site: &Site,
    view: ServerView,
) -> Result<MentorServer, MentorError> {
    present(state, caller, site, vec![view])
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal.into())
}

/// List the org's MCP servers, a page at a time, oldest first.
#[utoipa::path(get, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/",
    tag = "ai-mentor", params(Scope, ServerListParams),
    responses((status = 200, description = "A page of the org's servers", body = PaginatedServers),
        MentorFailures))]
async fn list(
    caller: MentorCaller,
    site: Site,
    State(state): State<AppState>,
    request: PageRequest,
) -> Result<Json<Envelope<MentorServer>>, MentorError> {
    let query = page::parse(request.pairs())?;
    let (servers, count) = servers::search(
        &state.ports,
        &caller,
        &query.filter,
        query.page,
        query.page_size,
    )
    .await?;
    let results = present(&state, &caller, &site, servers).await?;
    Ok(Json(request.envelope(
        state.config.secure_cookies,
        results,
        count,
        query.page,
        query.page_size,
    )?))
}

/// Create a server record (tenant admins). A `token` server's credentials
/// may come now or later by PATCH.
#[utoipa::path(post, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/",
    tag = "ai-mentor", params(Scope), request_body = MentorServerWrite,
    responses((status = 201, description = "Created", body = MentorServer), MentorFailures))]
async fn create(
    caller: MentorCaller,
    site: Site,
    State(state): State<AppState>,
    mut body: MentorBody,
) -> Result<(StatusCode, Json<MentorServer>), MentorError> {
    // ibl.ai's web client names the agent `mentor_unique_id` on create.
    let agent = match agent_field(&mut body, "mentor") {
        Some(agent) => agent,
        None => agent_field(&mut body, "mentor_unique_id").flatten(),
    };
    let new = NewServer {
        name: body.required_string("name"),
        description: body.string("description").unwrap_or_default(),
        url: body.required_string("url"),
        url_secret: body
            .choice("url_secret", &UrlSecret::CHOICES)
            .unwrap_or_default(),
        transport: body.choice("transport", &TRANSPORTS).unwrap_or_default(),
        auth_type: body.choice("auth_type", &AUTH_TYPES).unwrap_or_default(),
        api_key: body.string("credentials"),
        enabled: body.boolean("is_enabled"),
        featured: body.boolean("is_featured").unwrap_or(false),
        auth_scope: body.choice("auth_scope", &SCOPES).unwrap_or_default(),
        agent,
        extra_headers: body.string_map("extra_headers").unwrap_or_default(),
        oauth_service: pk_field::<OAuthServiceId>(&mut body, "oauth_service").flatten(),
    };
    let image = image_field(&mut body, state.ports.clock.now());
    body.finish()?;
    let mut view = servers::register_with(&state.ports, &caller, new, KeyRule::MayFollow).await?;
    apply_image(&state, &caller, &mut view, image).await?;
    Ok((
        StatusCode::CREATED,
        Json(present_one(&state, &caller, &site, view).await?),
    ))
}

/// One server record.
#[utoipa::path(get, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/",
    tag = "ai-mentor", params(ItemScope),
    responses((status = 200, description = "The server", body = MentorServer), MentorFailures))]
async fn retrieve(
    caller: MentorCaller,
    site: Site,
    id: MentorId,
    State(state): State<AppState>,
) -> Result<Json<MentorServer>, MentorError> {
    let view = servers::get(&state.ports, &caller, *id).await?;
    Ok(Json(present_one(&state, &caller, &site, view).await?))
}

/// Update a server record: `name` and `url` required, the rest as given.
#[utoipa::path(put, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/",
    tag = "ai-mentor", params(ItemScope), request_body = MentorServerWrite,
    responses((status = 200, description = "Updated", body = MentorServer), MentorFailures))]
async fn replace(
    caller: MentorCaller,
    site: Site,
    id: MentorId,
    State(state): State<AppState>,
    body: MentorBody,
) -> Result<Json<MentorServer>, MentorError> {
    let (patch, image) = read_patch(body, true, state.ports.clock.now())?;
    let mut view = servers::update(&state.ports, &caller, *id, patch).await?;
    apply_image(&state, &caller, &mut view, image).await?;
    Ok(Json(present_one(&state, &caller, &site, view).await?))
}

/// Update some fields of a server record, e.g. set `credentials` later.
#[utoipa::path(patch, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/",
    tag = "ai-mentor", params(ItemScope), request_body = MentorServerPatch,
    responses((status = 200, description = "Updated", body = MentorServer), MentorFailures))]
async fn patch(
    caller: MentorCaller,
    site: Site,
    id: MentorId,
    State(state): State<AppState>,
    body: MentorBody,
) -> Result<Json<MentorServer>, MentorError> {
    let (patch, image) = read_patch(body, false, state.ports.clock.now())?;
    let mut view = servers::update(&state.ports, &caller, *id, patch).await?;
    apply_image(&state, &caller, &mut view, image).await?;
    Ok(Json(present_one(&state, &caller, &site, view).await?))
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
