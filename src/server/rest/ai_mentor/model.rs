//! Seed 000's wire types: the server record as read and written, the path
//! scopes, and failures in Django REST framework's shapes.

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::SecondsFormat;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, IntoResponses, ToSchema};

use super::super::caller::{Caller, TenantRule, path_param};
use super::super::error::{ErrorShape, RestError};
use super::super::{TransportName, retry_after, timestamp};
use crate::domain::{AppError, AuthType, ServerField, ServerView};
use crate::server::auth::Actor;

/// What `credentials` reads as once a key is stored: never the key itself.
pub const CREDENTIALS_MASK: &str = "••••••••";

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MentorAuthType {
    None,
    Token,
    Oauth2,
}

pub(super) const AUTH_TYPES: [(&str, AuthType); 3] = [
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
            id: v.id.get(),
            platform: v.tenant_id.get(),
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
pub(super) enum MentorFailures {
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
pub(super) struct Scope {
    /// The tenant's slug; it must be the caller's.
    org: String,
    /// The caller's username.
    user_id: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub(super) struct ItemScope {
    org: String,
    user_id: String,
    id: i64,
}

/// Seed 000's contract, as a type: how it answers failures (Django REST
/// framework's shapes) and where it names the tenant (the path).
pub enum MentorApi {}

/// Any failure, in DRF's shapes.
pub type MentorError = RestError<MentorApi>;
/// The caller, who must be `{user_id}` in `{org}`.
pub type MentorCaller = Caller<MentorApi>;

impl TenantRule for MentorApi {
    /// `{org}` must be the caller's tenant and `{user_id}` the caller's
    /// username; anyone else gets 404, as for a missing org.
    fn admit(
        actor: &Actor,
        _headers: &HeaderMap,
        path: &[(String, String)],
    ) -> Result<(), AppError> {
        if path_param(path, "org") != Some(actor.tenant_slug.as_str())
            || path_param(path, "user_id") != Some(actor.username.as_str())
        {
            return Err(AppError::NotFound);
        }
        Ok(())
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

impl ErrorShape for MentorApi {
    const NOT_AN_OBJECT: &'static str = "Invalid data. Expected a JSON object.";

    fn respond(error: AppError, token_refused: bool) -> Response {
        let detail = |status: StatusCode, text: String| {
            (status, Json(json!({ "detail": text }))).into_response()
        };
        match error {
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
                // DRF words a refused token differently from no credentials.
                let text = if token_refused {
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
            busy @ (AppError::Busy { retry_after_secs }
            | AppError::TooManyTests { retry_after_secs }) => (
                retry_after(retry_after_secs),
                detail(
                    StatusCode::from_u16(busy.status_code())
                        .unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
                    busy.to_string(),
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
