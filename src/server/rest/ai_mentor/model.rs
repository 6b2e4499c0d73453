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
use crate::domain::{AppError, AuthType, Scope as AuthScope, ServerField, ServerView, UrlSecret};
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

/// Seed 000's `auth_scope` (and a connection's `scope`).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MentorScope {
    Platform,
    Mentor,
    User,
}

pub(super) const SCOPES: [(&str, AuthScope); 3] = [
    ("platform", AuthScope::Tenant),
    ("mentor", AuthScope::Agent),
    ("user", AuthScope::User),
];

impl From<AuthScope> for MentorScope {
    fn from(s: AuthScope) -> Self {
        match s {
            AuthScope::Tenant => MentorScope::Platform,
            AuthScope::Agent => MentorScope::Mentor,
            AuthScope::User => MentorScope::User,
        }
    }
}

/// An MCP server record, with every field of ibl.ai's `MCPServer` model.
#[derive(Debug, Serialize, ToSchema)]
pub struct MentorServer {
    pub id: i64,
    /// The tenant's id.
    pub platform: i64,
    /// The agent's `unique_id` when the server is that agent's own; null
    /// when the whole tenant shares it.
    pub mentor: Option<String>,
    /// The username of whoever registered it.
    pub owner: Option<String>,
    #[schema(max_length = 100)]
    pub name: String,
    pub description: String,
    /// The secret part, if `url_secret` names one, reads `••••`.
    #[schema(max_length = 2048)]
    pub url: String,
    /// Which part of `url` is kept in the vault (`query` or `path`); absent
    /// when none is, so the contract's published shape is unchanged.
    #[serde(skip_serializing_if = "UrlSecret::is_none")]
    #[schema(required = false)]
    pub url_secret: UrlSecret,
    /// Image uploads are not kept yet: always null.
    pub image: Option<String>,
    pub transport: TransportName,
    /// Write-only: reads as a mask when a key is stored, else "".
    pub credentials: String,
    /// Headers sent on every call; null when there are none.
    #[schema(value_type = Option<Object>)]
    pub extra_headers: Option<Map<String, Value>>,
    /// The tenant's slug (the path's `{org}`).
    pub platform_key: String,
    pub is_featured: bool,
    pub auth_type: MentorAuthType,
    pub auth_scope: MentorScope,
    /// The OAuth service its users' accounts connect through (see
    /// `oauth-find` and `/api/ai-account/orgs/{org}/oauth-services/`);
    /// null: discovered from the server when a user connects.
    pub oauth_service: Option<i64>,
    /// The linked OAuth service (`OAuthService`); null while there is none
    /// (ibl.ai's own Python client rejects null here; see the README).
    #[schema(value_type = Option<Object>)]
    pub oauth_service_data: Option<Value>,
    /// Declared a string by ibl.ai's schema, content unpublished: "".
    pub mcp_server_connections: String,
    pub is_enabled: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl MentorServer {
    /// `platform_key` is the slug of the server's tenant.
    /// `site`: where image URLs start (`http://host`), when the request
    /// named its host; otherwise they are paths.
    pub fn read(v: ServerView, platform_key: &str, site: &super::Site) -> Self {
        let at = |t| timestamp(t, SecondsFormat::Secs);
        let extra_headers = (!v.extra_headers.is_empty()).then(|| {
            v.extra_headers
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect()
        });
        MentorServer {
            id: v.id.get(),
            platform: v.tenant_id.get(),
            mentor: v.agent.map(String::from),
            owner: v.owner,
            name: v.name,
            description: v.description,
            url: v.url,
            url_secret: v.url_secret,
            image: v.image.map(|name| site.media_url(&name)),
            transport: v.transport.into(),
            credentials: if v.has_credential {
                CREDENTIALS_MASK.to_owned()
            } else {
                String::new()
            },
            extra_headers,
            platform_key: platform_key.to_owned(),
            is_featured: v.featured,
            auth_type: v.auth_type.into(),
            auth_scope: v.auth_scope.into(),
            // Filled by the handler, which reads the services.
            oauth_service: None,
            oauth_service_data: None,
            mcp_server_connections: String::new(),
            is_enabled: v.enabled,
            created_at: at(v.created_at),
            updated_at: at(v.updated_at),
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
    /// Which part of `url` is a secret (the vault keeps it; reads mask it):
    /// default `none`.
    url_secret: Option<UrlSecret>,
    /// Default `streamable_http`.
    transport: Option<TransportName>,
    /// Default `none`.
    auth_type: Option<MentorAuthType>,
    is_featured: Option<bool>,
    is_enabled: Option<bool>,
    #[schema(write_only)]
    credentials: Option<String>,
    /// Default `platform`.
    auth_scope: Option<MentorScope>,
    /// An agent's `unique_id`: the server becomes that agent's own.
    mentor: Option<String>,
    /// Same as `mentor`, as ibl.ai's web client sends it on create.
    mentor_unique_id: Option<String>,
    /// Header names to values, sent on every call (in a form: JSON text).
    /// Nothing that looks like a credential: those go in `credentials`.
    #[schema(value_type = Option<Object>)]
    extra_headers: Option<Value>,
    /// In `multipart/form-data`, a file: PNG, JPEG or WebP, at most 2 MB.
    /// Null or "" removes the image. Reads back as the image's URL.
    image: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MentorServerPatch {
    #[schema(min_length = 1, max_length = 100)]
    name: Option<String>,
    #[schema(max_length = 1000)]
    description: Option<String>,
    /// The whole new URL; the masked URL as read leaves it as it is.
    #[schema(max_length = 2048, pattern = "^(https?|wss?)://[^/?#@\\s]+")]
    url: Option<String>,
    url_secret: Option<UrlSecret>,
    transport: Option<TransportName>,
    auth_type: Option<MentorAuthType>,
    is_featured: Option<bool>,
    is_enabled: Option<bool>,
    #[schema(write_only)]
    credentials: Option<String>,
    auth_scope: Option<MentorScope>,
    /// An agent's `unique_id`, or null (or "") to share the server with the
    /// whole tenant again.
    mentor: Option<String>,
    #[schema(value_type = Option<Object>)]
    extra_headers: Option<Value>,
    /// In `multipart/form-data`, a file: PNG, JPEG or WebP, at most 2 MB.
    /// Null or "" removes the image. Reads back as the image's URL.
    image: Option<String>,
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
pub(in crate::server::rest) enum MentorFailures {
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
    /// `{org}` must be the caller's tenant and `{user_id}`, on the routes
    /// that have one, the caller's username; anyone else gets 404, as for a
    /// missing org.
    fn admit(
        actor: &Actor,
        _headers: &HeaderMap,
        path: &[(String, String)],
    ) -> Result<(), AppError> {
        if path_param(path, "org") != Some(actor.tenant_slug.as_str())
            || path_param(path, "user_id").is_some_and(|u| u != actor.username)
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
        ServerField::AGENT => "mentor",
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
