//! Seed 000's REST contract, servers half:
//! `/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/…`, snake_case JSON
//! and Django REST framework's conventions (`{"detail": …}` or
//! `{"field": ["…"]}`, 201 on create, 204 on delete, PUT whole, PATCH part).
//! `{org}` must be the caller's tenant and `{user_id}` the caller's username.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::SecondsFormat;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::net::SocketAddr;
use utoipa::{IntoParams, IntoResponses, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body::Body;
use super::{TRANSPORTS, TransportName, authenticate, path_id, retry_after, timestamp};
use crate::domain::{AppError, AuthType, KeyRule, NewServer, ServerField, ServerPatch, ServerView};
use crate::server::auth::Actor;
use crate::server::error::ServiceError;
use crate::server::services::servers;
use crate::server::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(retrieve, replace, patch, destroy))
}

/// What `credentials` reads as once a key is stored: never the key itself.
pub const CREDENTIALS_MASK: &str = "••••••••";

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MentorAuthType {
    None,
    Token,
    Oauth2,
}

const AUTH_TYPES: [(&str, AuthType); 3] = [
    ("none", AuthType::None),
    ("token", AuthType::Token),
    ("oauth2", AuthType::Oauth2),
];

impl From<AuthType> for MentorAuthType {
    fn from(a: AuthType) -> Self {
        match a {
            AuthType::None => MentorAuthType::None,
            AuthType::Token => MentorAuthType::Token,
            AuthType::Oauth2 => MentorAuthType::Oauth2,
        }
    }
}

/// An MCP server record, exactly as seed 000's response example.
#[derive(Debug, Serialize, ToSchema)]
pub struct MentorServer {
    pub id: i64,
    /// The tenant's id.
    pub platform: i64,
    pub name: String,
    pub description: String,
    pub url: String,
    pub transport: TransportName,
    pub auth_type: MentorAuthType,
    pub is_featured: bool,
    pub is_enabled: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// Present only when a key is stored, and then only as a mask.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<String>,
}

impl From<ServerView> for MentorServer {
    fn from(v: ServerView) -> Self {
        let at = |t| timestamp(t, SecondsFormat::Secs);
        MentorServer {
            id: v.id,
            platform: v.tenant_id,
            name: v.name,
            description: v.description,
            url: v.url,
            transport: v.transport.into(),
            auth_type: v.auth_type.into(),
            is_featured: v.featured,
            is_enabled: v.enabled,
            created_at: at(v.created_at),
            updated_at: at(v.updated_at),
            credentials: v.has_credential.then(|| CREDENTIALS_MASK.to_owned()),
        }
    }
}

/// A server as written. On PUT `name` and `url` are required; on PATCH
/// nothing is. `credentials` is the full header value ("Bearer abc123") or a
/// bare key, for `auth_type: token` only; it is write-only.
#[derive(ToSchema)]
#[allow(dead_code)] // describes the body; `Body` reads it field by field
pub struct MentorServerWrite {
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[schema(max_length = 1000)]
    description: Option<String>,
    #[schema(max_length = 2048, pattern = "^(https?|wss?)://[^/?#@\\s]+")]
    url: String,
    /// Default `streamable_http`.
    transport: Option<TransportName>,
    /// Default `none`.
    auth_type: Option<MentorAuthType>,
    is_featured: Option<bool>,
    is_enabled: Option<bool>,
    #[schema(write_only)]
    credentials: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MentorServerPatch {
    #[schema(min_length = 1, max_length = 100)]
    name: Option<String>,
    #[schema(max_length = 1000)]
    description: Option<String>,
    #[schema(max_length = 2048, pattern = "^(https?|wss?)://[^/?#@\\s]+")]
    url: Option<String>,
    transport: Option<TransportName>,
    auth_type: Option<MentorAuthType>,
    is_featured: Option<bool>,
    is_enabled: Option<bool>,
    #[schema(write_only)]
    credentials: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Detail {
    pub detail: String,
}

/// Field errors: each field's list of messages, DRF style
/// (`non_field_errors` for a body that is not a JSON object).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FieldErrors(std::collections::HashMap<String, Vec<String>>);

#[derive(IntoResponses)]
#[allow(dead_code)]
enum MentorFailures {
    /// Field errors (`{"name": ["…"]}`) or a malformed body (`{"detail": …}`).
    #[response(status = 400)]
    BadRequest(FieldErrors),
    #[response(status = 401)]
    Unauthorized(Detail),
    /// Not a tenant admin.
    #[response(status = 403)]
    Forbidden(Detail),
    /// No such server, or an org or user that is not the caller's.
    #[response(status = 404)]
    NotFound(Detail),
    #[response(status = 429)]
    TooManyRequests(Detail),
    #[response(status = 503)]
    Unavailable(Detail),
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct Scope {
    /// The tenant's slug; it must be the caller's.
    org: String,
    /// The caller's username.
    user_id: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct ItemScope {
    org: String,
    user_id: String,
    id: i64,
}

/// Any failure, in DRF's shapes.
#[derive(Debug)]
pub struct MentorError {
    error: AppError,
    /// A token was presented (and refused), which DRF words differently.
    token_refused: bool,
}

impl From<ServiceError> for MentorError {
    fn from(e: ServiceError) -> Self {
        MentorError {
            error: e.into(),
            token_refused: false,
        }
    }
}

impl From<AppError> for MentorError {
    fn from(error: AppError) -> Self {
        MentorError {
            error,
            token_refused: false,
        }
    }
}

/// Domain field names as seed 000 spells them.
fn contract_field(field: &str) -> &str {
    match field {
        ServerField::API_KEY => "credentials",
        "enabled" => "is_enabled",
        "featured" => "is_featured",
        "body" => "non_field_errors",
        other => other,
    }
}

impl IntoResponse for MentorError {
    fn into_response(self) -> Response {
        let detail = |status: StatusCode, text: String| {
            (status, Json(json!({ "detail": text }))).into_response()
        };
        match self.error {
            AppError::Invalid(fields) => {
                let mut body = Map::new();
                for f in fields {
                    let list = body
                        .entry(contract_field(&f.field).to_owned())
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(list) = list {
                        list.push(Value::String(f.message));
                    }
                }
                (StatusCode::BAD_REQUEST, Json(Value::Object(body))).into_response()
            }
            AppError::Unauthorized => {
                let text = if self.token_refused {
                    "Invalid token."
                } else {
                    "Authentication credentials were not provided."
                };
                let mut r = detail(StatusCode::UNAUTHORIZED, text.into());
                r.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Token"),
                );
                r
            }
            AppError::Forbidden => detail(
                StatusCode::FORBIDDEN,
                "You do not have permission to perform this action.".into(),
            ),
            AppError::NotFound => detail(StatusCode::NOT_FOUND, "Not found.".into()),
            AppError::RateLimited { retry_after_secs } => (
                retry_after(retry_after_secs),
                detail(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "Request was throttled. Expected available in {retry_after_secs} seconds."
                    ),
                ),
            )
                .into_response(),
            AppError::Internal => detail(
                StatusCode::INTERNAL_SERVER_ERROR,
                "A server error occurred.".into(),
            ),
            other => detail(
                StatusCode::from_u16(other.status_code())
                    .unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
                other.to_string(),
            ),
        }
    }
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

fn id_of(raw: &str) -> Result<i64, MentorError> {
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
