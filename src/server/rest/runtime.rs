//! Switchboard's runtime API, for agent runtimes: `POST /api/runtime/resolve`
//! answers which URL, transport and headers (credential included) a call
//! to a server must use for a user through an agent. Only runtime tokens
//! may call it, and they may call nothing else; a user's token answers 403.
//! The answer carries a secret, so it is never cached by anyone
//! (`Cache-Control: no-store`) and each one is audited (counted per kind).

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use utoipa::{IntoResponses, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body::JsonObject;
use super::caller::client_of;
use super::error::{ErrorShape, RestError};
use super::{TransportName, retry_after};
use crate::domain::oauth::authorize_path;
use crate::domain::resolution::{Resolution, Rule};
use crate::domain::{AgentUid, AppError, ServerId};
use crate::server::auth::Runtime;
use crate::server::auth::credentials::Credentials;
use crate::server::error::ServiceError;
use crate::server::services::resolution::Resolved;
use crate::server::services::{runtime, tokens};
use crate::server::state::AppState;

pub const RESOLVE_PATH: &str = "/api/runtime/resolve";

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(resolve))
        .merge(super::runtime_configs::routes())
}

/// The runtime API's contract: failures are `{error, detail}`.
pub enum RuntimeApi {}

pub type RuntimeError = RestError<RuntimeApi>;

/// Every failure: a stable code to branch on and a sentence to show.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuntimeErrorBody {
    /// `invalid`, `unauthorized`, `forbidden`, `not_found`,
    /// `needs_user_connection`, `needs_agent_connection`, `no_credential`,
    /// `server_disabled`, `rate_limited`, `unavailable` or `internal`.
    pub error: String,
    pub detail: String,
    /// The server a resolution refusal is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<i64>,
    /// For `invalid`: each bad field's messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, Vec<String>>>,
    /// For `needs_user_connection` on an OAuth server: where to send the
    /// user to connect their account (after signing in, if they must).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_url: Option<String>,
}

#[derive(IntoResponses)]
#[allow(dead_code)] // documentation of the error statuses
pub(super) enum RuntimeFailures {
    /// The body is not a JSON object, `server` is missing, or `user` or
    /// `agent` is not one of the token's tenant's.
    #[response(status = 400)]
    BadRequest(RuntimeErrorBody),
    /// No token, or a malformed, unknown or revoked one.
    #[response(status = 401)]
    Unauthorized(RuntimeErrorBody),
    /// A user's token (only runtime tokens resolve), or a runtime token
    /// whose maker is no longer an admin.
    #[response(status = 403)]
    Forbidden(RuntimeErrorBody),
    /// Neither the tenant's server nor a featured server of the global platform.
    #[response(status = 404)]
    NotFound(RuntimeErrorBody),
    /// The server cannot be called as asked: it is switched off, or it
    /// needs a connection the user (or agent) does not have. `error` says
    /// which; `server` names it.
    #[response(status = 409)]
    Conflict(RuntimeErrorBody),
    /// Too many failed token attempts from this address.
    #[response(status = 429)]
    TooManyRequests(RuntimeErrorBody),
    /// The credential vault is unavailable.
    #[response(status = 503)]
    Unavailable(RuntimeErrorBody),
}

fn code(error: &AppError) -> &'static str {
    match error {
        AppError::Unauthorized => "unauthorized",
        AppError::Forbidden => "forbidden",
        AppError::NotFound => "not_found",
        AppError::Invalid(_) => "invalid",
        AppError::RateLimited { .. } | AppError::TooManyTests { .. } => "rate_limited",
        AppError::Busy { .. } | AppError::Unavailable(_) => "unavailable",
        AppError::Internal | AppError::Network(_) => "internal",
        AppError::Upstream(_) => "upstream",
    }
}

impl ErrorShape for RuntimeApi {
    const NOT_AN_OBJECT: &'static str = "The request body must be a JSON object.";

    fn respond(error: AppError, _token_refused: bool) -> Response {
        let status = match &error {
            AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            other => StatusCode::from_u16(other.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        };
        let fields = match &error {
            AppError::Invalid(fields) => {
                let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for f in fields {
                    by_name
                        .entry(f.field.clone())
                        .or_default()
                        .push(f.message.clone());
                }
                Some(by_name)
            }
            _ => None,
        };
        let detail = match &error {
            AppError::Forbidden => {
                "Only a runtime token may resolve credentials, made by a tenant admin.".to_owned()
            }
            other => other.to_string(),
        };
        let body = Json(RuntimeErrorBody {
            error: code(&error).to_owned(),
            detail,
            server: None,
            fields,
            connect_url: None,
        });
        match error.retry_after_secs() {
            Some(secs) => (status, retry_after(secs), body).into_response(),
            None => (status, body).into_response(),
        }
    }
}

/// The verified runtime: a runtime token, never a session cookie.
pub struct RuntimeCaller(pub(crate) Runtime);

impl FromRequestParts<AppState> for RuntimeCaller {
    type Rejection = RuntimeError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let client = client_of(parts, state).await?;
        let sent = parts.headers.contains_key(header::AUTHORIZATION);
        let Credentials::Token(token) =
            Credentials::from_headers(&parts.headers, state.config.secure_cookies)
        else {
            return Err(RestError::unauthenticated(ServiceError::Unauthorized, sent));
        };
        let runtime = tokens::runtime_for_token(
            &state.ports,
            &token,
            &client,
            state.config.token_failure_limit,
        )
        .await
        .map_err(|e| RestError::unauthenticated(e, sent))?;
        Ok(RuntimeCaller(runtime))
    }
}

/// What a runtime asks.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documentation of the body; it is read field by field
pub struct ResolveBody {
    /// The server's id: the token's tenant's, or a featured server of the
    /// global platform.
    server: i64,
    /// The user the call is for (a username); omit for none.
    user: Option<String>,
    /// The agent making the call (its `unique_id`); omit for none.
    agent: Option<String>,
}

/// Which rule picked the credential, and the connection it picked.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResolvedByBody {
    #[schema(value_type = String, example = "agent_connection")]
    pub rule: Rule,
    pub connection_id: Option<i64>,
}

/// Where to connect and what to send.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResolveAnswer {
    pub url: String,
    pub transport: TransportName,
    /// Header names to values, the credential included: send them as they are.
    #[schema(value_type = Object)]
    pub headers: Map<String, Value>,
    pub resolved_by: ResolvedByBody,
}

/// Resolve the credential a call to a server uses (runtime tokens only).
#[utoipa::path(post, path = "/api/runtime/resolve", tag = "runtime",
    request_body = ResolveBody,
    responses((status = 200, description = "What to connect to, headers rendered", body = ResolveAnswer),
        RuntimeFailures))]
async fn resolve(
    RuntimeCaller(caller): RuntimeCaller,
    State(state): State<AppState>,
    headers: HeaderMap,
    mut body: JsonObject<RuntimeApi>,
) -> Result<Response, RuntimeError> {
    let server = body.integer("server");
    let user = body
        .nullable_string(runtime::USER)
        .flatten()
        .filter(|u| !u.trim().is_empty());
    let agent = match body.nullable_string(runtime::AGENT).flatten() {
        Some(raw) if !raw.trim().is_empty() => match AgentUid::parse(&raw) {
            Some(uid) => Some(uid),
            None => {
                body.refuse(runtime::AGENT, format!("“{raw}” is not a valid UUID."));
                None
            }
        },
        _ => None,
    };
    if server.is_none() && !body.has_error("server") {
        body.refuse("server", "This field is required.");
    }
    body.finish()?;
    // Not a positive id names no server: answered like another tenant's.
    let server = server
        .filter(|id| *id > 0)
        .map(ServerId::new)
        .ok_or(AppError::NotFound)?;
    let request = runtime::ResolveRequest {
        server,
        user,
        agent,
    };
    match runtime::resolve(&state.ports, &caller, &request).await? {
        Ok(resolved) => {
            let headers = header_values(&resolved);
            let answer = ResolveAnswer {
                url: resolved.target.url.clone(),
                transport: resolved.target.transport.into(),
                headers,
                resolved_by: ResolvedByBody {
                    rule: resolved.resolved_by.rule,
                    connection_id: resolved.resolved_by.connection_id.map(|id| id.get()),
                },
            };
            Ok(([(header::CACHE_CONTROL, "no-store")], Json(answer)).into_response())
        }
        Err(refusal) => Ok(refused(refusal, connect_url(&state, &headers, &refusal))),
    }
}

/// Why a resolution found nothing to send, as the runtime reads it: a
/// stable code, the server, and a sentence. `None` for a server that is
/// not available at all (answered as not found).
pub(crate) fn refusal(refusal: Resolution) -> Option<(&'static str, ServerId, &'static str)> {
    Some(match refusal {
        Resolution::NotAvailable | Resolution::Resolved(_) => return None,
        Resolution::NeedsUserConnection { server, .. } => (
            "needs_user_connection",
            server,
            "This server takes each user's own credential, and this user has not connected one.",
        ),
        Resolution::NeedsAgentConnection { server } => (
            "needs_agent_connection",
            server,
            "This server takes an agent's or a user's own credential, and neither is connected.",
        ),
        Resolution::NoCredential { server } => (
            "no_credential",
            server,
            "This server needs a credential, and none is connected at any scope.",
        ),
        Resolution::Disabled { server } => {
            ("server_disabled", server, "This server is switched off.")
        }
    })
}

/// Where a user connects the account a refusal says is missing: the
/// authorize route of an OAuth server, on the site's public origin.
pub(crate) fn connect_url(state: &AppState, headers: &HeaderMap, r: &Resolution) -> Option<String> {
    match r {
        Resolution::NeedsUserConnection {
            server,
            oauth: true,
        } => {
            let origin = super::skills::site_origin(state, headers).ok()?;
            Some(format!("{origin}{}", authorize_path(*server)))
        }
        _ => None,
    }
}

/// A refusal as `POST /resolve` answers it: 409, or 404.
fn refused(r: Resolution, connect_url: Option<String>) -> Response {
    let Some((code, server, detail)) = refusal(r) else {
        return RuntimeApi::respond(AppError::NotFound, false);
    };
    let body = RuntimeErrorBody {
        error: code.to_owned(),
        detail: detail.to_owned(),
        server: Some(server.get()),
        fields: None,
        connect_url,
    };
    (StatusCode::CONFLICT, Json(body)).into_response()
}

/// The rendered headers, as JSON strings (they carry the credential).
pub(super) fn header_values(resolved: &Resolved) -> Map<String, Value> {
    resolved
        .target
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.clone(),
                Value::String(value.expose_secret().to_owned()),
            )
        })
        .collect()
}
