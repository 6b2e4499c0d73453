//! Seed 002's REST contract, as ThinkWork's own admin client calls it:
//! `/api/skills/mcp-servers…` and the template and agent assignments,
//! camelCase JSON, the tenant named by `x-tenant-slug` on server routes (and
//! checked against the caller's own), errors as `{ "error": "<message>" }`.

mod agents;
mod keys;
mod oauth;
mod oauth_browser;
mod servers;
mod templates;

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{IntoResponses, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use super::body::JsonObject;
use super::caller::{Caller, TenantRule};
use super::error::{ErrorShape, RestError};
use super::item_id::ItemId;
use super::retry_after;
use crate::domain::{AppError, AuthType, FieldError, Transport};
use crate::server::auth::Actor;
use crate::server::state::AppState;

pub use servers::{SkillsServer, SkillsTestResult, SkillsTool};

pub const TENANT_HEADER: &str = "x-tenant-slug";

pub use oauth_browser::AUTHORIZE_PATH;
pub(crate) use oauth_browser::site_origin;

/// The OAuth popup's pages, which are not API (not in the OpenAPI document).
pub(super) use oauth_browser::callback as oauth_callback;

pub(super) fn browser_routes() -> axum::Router<AppState> {
    oauth_browser::routes()
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    servers::routes()
        .merge(keys::routes())
        .merge(templates::routes())
        .merge(agents::routes())
        .merge(oauth::routes())
}

/// How this contract spells the transports: ThinkWork's client says
/// `streamable-http`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SkillsTransport {
    StreamableHttp,
    Sse,
    Websocket,
}

impl From<Transport> for SkillsTransport {
    fn from(t: Transport) -> Self {
        match t {
            Transport::StreamableHttp => SkillsTransport::StreamableHttp,
            Transport::Sse => SkillsTransport::Sse,
            Transport::WebSocket => SkillsTransport::Websocket,
        }
    }
}

/// The choices a body's `transport` may take: the client's spelling and
/// the one seed 000 and our own pages use.
const TRANSPORTS: [(&str, Transport); 4] = [
    ("streamable-http", Transport::StreamableHttp),
    ("streamable_http", Transport::StreamableHttp),
    ("sse", Transport::Sse),
    ("websocket", Transport::WebSocket),
];

/// How seed 002 spells the auth types.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkillsAuthType {
    None,
    TenantApiKey,
    Oauth,
}

/// ThinkWork's CLI and runtime also say `per_user_oauth`.
const AUTH_TYPES: [(&str, AuthType); 4] = [
    ("none", AuthType::None),
    ("tenant_api_key", AuthType::Token),
    ("oauth", AuthType::Oauth2),
    ("per_user_oauth", AuthType::Oauth2),
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

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsErrorBody {
    pub error: String,
}

#[derive(IntoResponses)]
#[allow(dead_code)] // documentation of the error statuses
enum SkillsFailures {
    /// Invalid input, or no `x-tenant-slug` header on a server route.
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
pub type SkillsId = ItemId<SkillsApi>;
pub type SkillsBody = JsonObject<SkillsApi>;

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
        let named = named_tenant(headers).ok_or_else(|| {
            AppError::invalid(TENANT_HEADER, "The x-tenant-slug header is required.")
        })?;
        if named != actor.tenant_slug {
            return Err(AppError::NotFound);
        }
        Ok(())
    }
}

/// The template and agent routes: ThinkWork's client sends no tenant header
/// there, so the tenant is the caller's own; a header, if sent, must still
/// name it. Failures are answered as on the server routes.
pub enum SkillsByToken {}

impl ErrorShape for SkillsByToken {
    const NOT_AN_OBJECT: &'static str = SkillsApi::NOT_AN_OBJECT;

    fn type_errors(fields: Vec<FieldError>) -> Vec<FieldError> {
        SkillsApi::type_errors(fields)
    }

    fn respond(error: AppError, token_refused: bool) -> Response {
        SkillsApi::respond(error, token_refused)
    }
}

impl TenantRule for SkillsByToken {
    fn admit(
        actor: &Actor,
        headers: &HeaderMap,
        _path: &[(String, String)],
    ) -> Result<(), AppError> {
        match named_tenant(headers) {
            Some(slug) if slug != actor.tenant_slug => Err(AppError::NotFound),
            _ => Ok(()),
        }
    }
}

/// Seed 002's answer to an outbound call that failed: the body as it is,
/// with 502 (its client throws on any non-2xx and shows `error`).
fn ok_or_bad_gateway(ok: bool, body: impl Serialize) -> Response {
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::BAD_GATEWAY
    };
    (status, Json(body)).into_response()
}

/// A failed test's error as this contract words it: its class first
/// (`transport: …`, `auth: …`, `downstream: …`), which the client shows.
fn classed(e: crate::domain::TestError) -> String {
    format!("{}: {}", e.class.as_str(), e.message)
}

/// The tenant the request names in `x-tenant-slug`, if it names one.
fn named_tenant(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(TENANT_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}
