//! Seed 002's REST contract: `/api/skills/mcp-servers…`, camelCase JSON, the
//! tenant named by `x-tenant-slug` (and checked against the caller's own),
//! errors as `{ "error": "<message>" }`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::SecondsFormat;
use serde::Serialize;
use std::net::SocketAddr;
use utoipa::{IntoResponses, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body::Body;
use super::{TRANSPORTS, TransportName, authenticate, path_id, retry_after, timestamp};
use crate::domain::{
    AppError, AuthType, FieldError, NewServer, ServerId, ServerPatch, ServerView, TestOutcome,
};
use crate::server::auth::Actor;
use crate::server::error::ServiceError;
use crate::server::services::servers;
use crate::server::state::AppState;

pub const TENANT_HEADER: &str = "x-tenant-slug";

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, delete))
        .routes(routes!(test))
}

/// How seed 002 spells the auth types.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkillsAuthType {
    None,
    TenantApiKey,
    Oauth,
}

const AUTH_TYPES: [(&str, AuthType); 3] = [
    ("none", AuthType::None),
    ("tenant_api_key", AuthType::Token),
    ("oauth", AuthType::Oauth2),
];

impl From<AuthType> for SkillsAuthType {
    fn from(a: AuthType) -> Self {
        match a {
            AuthType::None => SkillsAuthType::None,
            AuthType::Token => SkillsAuthType::TenantApiKey,
            AuthType::Oauth2 => SkillsAuthType::Oauth,
        }
    }
}

/// A registered server. The API key is never part of it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkillsServer {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub url: String,
    pub transport: TransportName,
    pub auth_type: SkillsAuthType,
    pub enabled: bool,
    /// Tools the server listed at its last successful test; null before one.
    pub tool_count: Option<u32>,
    #[schema(format = DateTime)]
    pub last_tested_at: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<ServerView> for SkillsServer {
    fn from(v: ServerView) -> Self {
        let at = |t| timestamp(t, SecondsFormat::Millis);
        SkillsServer {
            id: v.id.get(),
            name: v.name,
            slug: v.slug,
            url: v.url,
            transport: v.transport.into(),
            auth_type: v.auth_type.into(),
            enabled: v.enabled,
            tool_count: v.tool_count,
            last_tested_at: v.last_test.map(|t| at(t.tested_at)),
            created_at: at(v.created_at),
            updated_at: at(v.updated_at),
        }
    }
}

/// Register a server. `apiKey` is required with `tenant_api_key` and goes
/// straight to the credential vault.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes the body; `Body` reads it field by field
pub struct SkillsServerCreate {
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    /// `http(s)://`, or `ws(s)://` with the `websocket` transport.
    #[schema(max_length = 2048, pattern = "^(https?|wss?)://[^/?#@\\s]+")]
    url: String,
    /// Default `streamable_http`.
    transport: Option<TransportName>,
    /// Default `none`.
    auth_type: Option<SkillsAuthType>,
    #[schema(write_only, min_length = 1, max_length = 4096)]
    api_key: Option<String>,
}

/// A partial update: only the fields present change.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SkillsServerUpdate {
    #[schema(min_length = 1, max_length = 100)]
    name: Option<String>,
    #[schema(max_length = 2048, pattern = "^(https?|wss?)://[^/?#@\\s]+")]
    url: Option<String>,
    transport: Option<TransportName>,
    auth_type: Option<SkillsAuthType>,
    /// Replaces the stored key (Tenant API Key servers only).
    #[schema(write_only)]
    api_key: Option<String>,
    enabled: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsTool {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A point-in-time test: connect, negotiate, list the tools.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsTestResult {
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<SkillsTool>>,
    /// Starts with the failure's class: `transport`, `auth` or `downstream`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl From<TestOutcome> for SkillsTestResult {
    fn from(o: TestOutcome) -> Self {
        SkillsTestResult {
            ok: o.ok,
            tools: o.ok.then(|| {
                o.tools
                    .into_iter()
                    .map(|t| SkillsTool {
                        name: t.name,
                        description: t.description,
                    })
                    .collect()
            }),
            error: o
                .error
                .map(|e| format!("{}: {}", e.class.as_str(), e.message)),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsDeleted {
    pub ok: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsErrorBody {
    pub error: String,
}

#[derive(IntoResponses)]
#[allow(dead_code)] // documentation of the error statuses
enum SkillsFailures {
    /// Invalid input, or no `x-tenant-slug` header.
    #[response(status = 400)]
    BadRequest(SkillsErrorBody),
    /// No credentials, or a malformed, unknown or revoked token.
    #[response(status = 401)]
    Unauthorized(SkillsErrorBody),
    /// The caller is not an admin of the tenant.
    #[response(status = 403)]
    Forbidden(SkillsErrorBody),
    /// No such server in the tenant, or a tenant that is not the caller's.
    #[response(status = 404)]
    NotFound(SkillsErrorBody),
    /// Too many failed token attempts from this address.
    #[response(status = 429)]
    TooManyRequests(SkillsErrorBody),
    /// The credential vault is unavailable.
    #[response(status = 503)]
    Unavailable(SkillsErrorBody),
}

/// Any failure, answered as `{ "error": … }`.
#[derive(Debug)]
pub struct SkillsError(AppError);

impl From<ServiceError> for SkillsError {
    fn from(e: ServiceError) -> Self {
        SkillsError(e.into())
    }
}

impl IntoResponse for SkillsError {
    fn into_response(self) -> Response {
        let status = match &self.0 {
            AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            other => StatusCode::from_u16(other.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        };
        let body = Json(SkillsErrorBody {
            error: self.0.to_string(),
        });
        match self.0 {
            AppError::RateLimited { retry_after_secs } => {
                (status, retry_after(retry_after_secs), body).into_response()
            }
            _ => (status, body).into_response(),
        }
    }
}

fn bad_request(message: &str) -> SkillsError {
    SkillsError(AppError::invalid("body", message))
}

/// The caller, in the tenant the header names: a tenant that is not the
/// caller's answers 404, exactly as a missing one does.
async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Result<Actor, SkillsError> {
    let actor = authenticate(state, headers, peer).await?;
    let named = headers
        .get(TENANT_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad_request("The x-tenant-slug header is required."))?;
    if named != actor.tenant_slug {
        return Err(ServiceError::NotFound.into());
    }
    Ok(actor)
}

fn id_of(raw: &str) -> Result<ServerId, SkillsError> {
    path_id(raw).ok_or_else(|| ServiceError::NotFound.into())
}

fn parse(bytes: &[u8]) -> Result<Body, SkillsError> {
    Body::parse(bytes).map_err(|_| bad_request("The request body must be a JSON object."))
}

/// Type errors name their (camelCase) field: the contract's one message has
/// no other place to say which field was wrong.
fn type_errors(body: Body) -> Result<(), SkillsError> {
    body.finish().map_err(|fields| {
        let named = fields
            .into_iter()
            .map(|f| FieldError::new(f.field.clone(), format!("{}: {}", f.field, f.message)))
            .collect();
        SkillsError(AppError::Invalid(named))
    })
}

/// List the tenant's servers.
#[utoipa::path(get, path = "/api/skills/mcp-servers", tag = "skills",
    params(("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    responses((status = 200, description = "The tenant's servers", body = [SkillsServer]), SkillsFailures))]
async fn list(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Json<Vec<SkillsServer>>, SkillsError> {
    let actor = caller(&state, &headers, peer).await?;
    let servers = servers::list_all(&state, &actor).await?;
    Ok(Json(servers.into_iter().map(Into::into).collect()))
}

/// Register a server (tenant admins).
#[utoipa::path(post, path = "/api/skills/mcp-servers", tag = "skills",
    params(("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    request_body = SkillsServerCreate,
    responses((status = 201, description = "Registered", body = SkillsServer), SkillsFailures))]
async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<(StatusCode, Json<SkillsServer>), SkillsError> {
    let actor = caller(&state, &headers, peer).await?;
    let mut body = parse(&bytes)?;
    let new = NewServer {
        name: body.required_string("name"),
        url: body.required_string("url"),
        transport: body.choice("transport", &TRANSPORTS).unwrap_or_default(),
        auth_type: body.choice("authType", &AUTH_TYPES).unwrap_or_default(),
        api_key: body.string("apiKey"),
        ..Default::default()
    };
    type_errors(body)?;
    let view = servers::register(&state, &actor, new).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Change some of a server's fields (tenant admins).
#[utoipa::path(put, path = "/api/skills/mcp-servers/{id}", tag = "skills",
    params(("id" = i64, Path), ("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    request_body = SkillsServerUpdate,
    responses((status = 200, description = "Updated", body = SkillsServer), SkillsFailures))]
async fn update(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Json<SkillsServer>, SkillsError> {
    let actor = caller(&state, &headers, peer).await?;
    let id = id_of(&id)?;
    let mut body = parse(&bytes)?;
    let patch = ServerPatch {
        name: body.string("name"),
        url: body.string("url"),
        transport: body.choice("transport", &TRANSPORTS),
        auth_type: body.choice("authType", &AUTH_TYPES),
        api_key: body.string("apiKey"),
        enabled: body.boolean("enabled"),
        ..Default::default()
    };
    type_errors(body)?;
    Ok(Json(
        servers::update(&state, &actor, id, patch).await?.into(),
    ))
}

/// Remove a server and its stored key (tenant admins).
#[utoipa::path(delete, path = "/api/skills/mcp-servers/{id}", tag = "skills",
    params(("id" = i64, Path), ("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    responses((status = 200, description = "Deleted", body = SkillsDeleted), SkillsFailures))]
async fn delete(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<SkillsDeleted>, SkillsError> {
    let actor = caller(&state, &headers, peer).await?;
    servers::delete(&state, &actor, id_of(&id)?).await?;
    Ok(Json(SkillsDeleted { ok: true }))
}

/// Test the connection now (tenant admins). A failed test is `ok: false`
/// with status 200; the error names its class.
#[utoipa::path(post, path = "/api/skills/mcp-servers/{id}/test", tag = "skills",
    params(("id" = i64, Path), ("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    responses((status = 200, description = "The test's outcome", body = SkillsTestResult), SkillsFailures))]
async fn test(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<SkillsTestResult>, SkillsError> {
    let actor = caller(&state, &headers, peer).await?;
    let outcome = servers::test(&state, &actor, id_of(&id)?).await?;
    Ok(Json(outcome.into()))
}
