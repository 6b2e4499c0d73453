//! Seed 002's REST contract: `/api/skills/mcp-servers…`, camelCase JSON, the
//! tenant named by `x-tenant-slug` (and checked against the caller's own),
//! errors as `{ "error": "<message>" }`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::SecondsFormat;
use serde::Serialize;
use utoipa::{IntoResponses, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body::JsonObject;
use super::caller::{Caller, TenantRule};
use super::error::{ErrorShape, RestError};
use super::item_id::ItemId;
use super::{TRANSPORTS, TransportName, retry_after, timestamp};
use crate::domain::{
    AppError, AuthType, FieldError, NewServer, ServerPatch, ServerView, TestOutcome,
};
use crate::server::auth::Actor;
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
    /// Too many failed token attempts from this address, or (on `/test`) as
    /// many test connections running as the tenant or the service allows;
    /// `Retry-After` says when to try again.
    #[response(status = 429)]
    TooManyRequests(SkillsErrorBody),
    /// The credential vault is unavailable, or the server is at its limit of
    /// requests in flight (`Retry-After: 1`).
    #[response(status = 503)]
    Unavailable(SkillsErrorBody),
}

/// Seed 002's contract, as a type: how it answers failures and where it
/// names the tenant.
pub enum SkillsApi {}

/// Any failure, answered as `{ "error": … }`.
pub type SkillsError = RestError<SkillsApi>;
/// The caller, in the tenant `x-tenant-slug` names.
pub type SkillsCaller = Caller<SkillsApi>;
type SkillsId = ItemId<SkillsApi>;
type SkillsBody = JsonObject<SkillsApi>;

impl ErrorShape for SkillsApi {
    const NOT_AN_OBJECT: &'static str = "The request body must be a JSON object.";

    /// Type errors name their (camelCase) field: the contract's one message
    /// has no other place to say which field was wrong.
    fn type_errors(fields: Vec<FieldError>) -> Vec<FieldError> {
        fields
            .into_iter()
            .map(|f| FieldError::new(f.field.clone(), format!("{}: {}", f.field, f.message)))
            .collect()
    }

    fn respond(error: AppError, _token_refused: bool) -> Response {
        let status = match &error {
            AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            other => StatusCode::from_u16(other.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        };
        let body = Json(SkillsErrorBody {
            error: error.to_string(),
        });
        match error.retry_after_secs() {
            Some(secs) => (status, retry_after(secs), body).into_response(),
            None => (status, body).into_response(),
        }
    }
}

impl TenantRule for SkillsApi {
    /// The header must name the caller's own tenant: any other answers 404,
    /// exactly as a missing one does.
    fn admit(
        actor: &Actor,
        headers: &HeaderMap,
        _path: &[(String, String)],
    ) -> Result<(), AppError> {
        let named = headers
            .get(TENANT_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                AppError::invalid(TENANT_HEADER, "The x-tenant-slug header is required.")
            })?;
        if named != actor.tenant_slug {
            return Err(AppError::NotFound);
        }
        Ok(())
    }
}

/// List the tenant's servers.
#[utoipa::path(get, path = "/api/skills/mcp-servers", tag = "skills",
    params(("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    responses((status = 200, description = "The tenant's servers", body = [SkillsServer]), SkillsFailures))]
async fn list(
    caller: SkillsCaller,
    State(state): State<AppState>,
) -> Result<Json<Vec<SkillsServer>>, SkillsError> {
    let servers = servers::list_all(&state.ports, &caller).await?;
    Ok(Json(servers.into_iter().map(Into::into).collect()))
}

/// Register a server (tenant admins).
#[utoipa::path(post, path = "/api/skills/mcp-servers", tag = "skills",
    params(("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    request_body = SkillsServerCreate,
    responses((status = 201, description = "Registered", body = SkillsServer), SkillsFailures))]
async fn create(
    caller: SkillsCaller,
    State(state): State<AppState>,
    mut body: SkillsBody,
) -> Result<(StatusCode, Json<SkillsServer>), SkillsError> {
    let new = NewServer {
        name: body.required_string("name"),
        url: body.required_string("url"),
        transport: body.choice("transport", &TRANSPORTS).unwrap_or_default(),
        auth_type: body.choice("authType", &AUTH_TYPES).unwrap_or_default(),
        api_key: body.string("apiKey"),
        ..Default::default()
    };
    body.finish()?;
    let view = servers::register(&state.ports, &caller, new).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Change some of a server's fields (tenant admins).
#[utoipa::path(put, path = "/api/skills/mcp-servers/{id}", tag = "skills",
    params(("id" = i64, Path), ("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    request_body = SkillsServerUpdate,
    responses((status = 200, description = "Updated", body = SkillsServer), SkillsFailures))]
async fn update(
    caller: SkillsCaller,
    id: SkillsId,
    State(state): State<AppState>,
    mut body: SkillsBody,
) -> Result<Json<SkillsServer>, SkillsError> {
    let patch = ServerPatch {
        name: body.string("name"),
        url: body.string("url"),
        transport: body.choice("transport", &TRANSPORTS),
        auth_type: body.choice("authType", &AUTH_TYPES),
        api_key: body.string("apiKey"),
        enabled: body.boolean("enabled"),
        ..Default::default()
    };
    body.finish()?;
    Ok(Json(
        servers::update(&state.ports, &caller, *id, patch)
            .await?
            .into(),
    ))
}

/// Remove a server and its stored key (tenant admins).
#[utoipa::path(delete, path = "/api/skills/mcp-servers/{id}", tag = "skills",
    params(("id" = i64, Path), ("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    responses((status = 200, description = "Deleted", body = SkillsDeleted), SkillsFailures))]
async fn delete(
    caller: SkillsCaller,
    id: SkillsId,
    State(state): State<AppState>,
) -> Result<Json<SkillsDeleted>, SkillsError> {
    servers::delete(&state.ports, &caller, *id).await?;
    Ok(Json(SkillsDeleted { ok: true }))
}

/// Test the connection now (tenant admins). A failed test is `ok: false`
/// with status 200; the error names its class.
#[utoipa::path(post, path = "/api/skills/mcp-servers/{id}/test", tag = "skills",
    params(("id" = i64, Path), ("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    responses((status = 200, description = "The test's outcome", body = SkillsTestResult), SkillsFailures))]
async fn test(
    caller: SkillsCaller,
    id: SkillsId,
    State(state): State<AppState>,
) -> Result<Json<SkillsTestResult>, SkillsError> {
    let outcome = servers::test(&state.ports, &caller, *id).await?;
    Ok(Json(outcome.into()))
}
