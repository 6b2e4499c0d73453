//! Seed 000's OAuth connectors (tag `ai-account`): the tenant's OAuth
//! services by provider, a user's connected services (their OAuth grants:
//! list, retrieve, delete), the route that starts connecting one, and its
//! callback; plus the servers half's `mcp-servers/oauth-find/`. The same
//! tenant rule and failure shapes as `ai-mentor`: `{org}` is the caller's
//! tenant and `{user_id}` the caller's username, else 404.

mod model;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ai_mentor::{MentorCaller, MentorError};
use super::body::JsonObject;
use super::item_id::ItemId;
use crate::domain::oauth::AUTHORIZE_PATH;
use crate::domain::{AppError, GrantId};
use crate::server::services::connected_services::{self, Connected};
use crate::server::services::oauth_services::{self, Service};
use crate::server::state::AppState;
pub use model::{ConnectedServiceWire, FindError, OAuthProviderWire, OAuthServiceWire, OAuthStart};

/// The path the authorization server sends seed 000's flows back to; the
/// flows Switchboard starts come back to seed 002's (one redirect URI per
/// client), and this one answers the same.
pub const CALLBACK_PATH: &str = "/api/ai-account/connected-services/callback/";

type GrantItem = ItemId<super::ai_mentor::MentorApi, GrantId>;
type Body = JsonObject<super::ai_mentor::MentorApi>;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(providers))
        .routes(routes!(service_scopes))
        .routes(routes!(list_connected))
        .routes(routes!(retrieve_connected, delete_connected))
        .routes(routes!(start))
        .routes(routes!(oauth_find))
}

/// The callback, a browser page outside the API document (as seed 002's).
pub(super) fn browser_routes() -> axum::Router<AppState> {
    axum::Router::new().route(CALLBACK_PATH, get(super::skills::oauth_callback))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct OrgScope {
    /// The tenant's slug; it must be the caller's.
    org: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ProviderQuery {
    /// A provider's name, exactly (any case).
    name: Option<String>,
    /// Accepted; no service is ever disabled.
    #[allow(dead_code)]
    include_disabled: Option<String>,
}

/// The tenant's OAuth providers (one per client registration) and the
/// services that use each. A plain array, as ibl.ai answers.
#[utoipa::path(get, path = "/api/ai-account/orgs/{org}/oauth-services/",
    tag = "ai-account", params(OrgScope, ProviderQuery),
    responses((status = 200, description = "Providers and their services",
        body = Vec<OAuthProviderWire>), super::ai_mentor::MentorFailures))]
async fn providers(
    caller: MentorCaller,
    State(state): State<AppState>,
    Query(query): Query<ProviderQuery>,
) -> Result<Json<Vec<OAuthProviderWire>>, MentorError> {
    let services = oauth_services::list(&state.ports, &caller).await?;
    let mut clients: Vec<_> = services.iter().map(|s| s.client.id).collect();
    clients.sort();
    clients.dedup();
    let wanted = query.name.as_deref().map(str::to_lowercase);
    let providers = clients
        .into_iter()
        .filter_map(|client| {
            let of: Vec<&Service> = services.iter().filter(|s| s.client.id == client).collect();
            OAuthProviderWire::of(&of)
        })
        .filter(|p| wanted.as_deref().is_none_or(|w| p.name.to_lowercase() == w))
        .collect();
    Ok(Json(providers))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct ServiceScope {
    org: String,
    /// The service's name.
    service_name: String,
}

/// The services of that name (at most one: names are unique per tenant).
#[utoipa::path(get, path = "/api/ai-account/orgs/{org}/oauth-services/{service_name}/scopes/",
    tag = "ai-account", params(ServiceScope, ProviderQuery),
    responses((status = 200, description = "The service, with its scopes",
        body = Vec<OAuthServiceWire>), super::ai_mentor::MentorFailures))]
async fn service_scopes(
    caller: MentorCaller,
    State(state): State<AppState>,
    Path(path): Path<Vec<(String, String)>>,
) -> Result<Json<Vec<OAuthServiceWire>>, MentorError> {
    let name = super::caller::path_param(&path, "service_name").unwrap_or_default();
    let found = oauth_services::named(&state.ports, &caller, name).await?;
    Ok(Json(found.iter().map(OAuthServiceWire::from).collect()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct UserScope {
    org: String,
    /// The caller's username.
    user_id: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ConnectedQuery {
    provider: Option<String>,
    service: Option<String>,
    /// A part of the provider's, the service's or the server's name.
    search: Option<String>,
    /// `id`, `provider`, `service` or `expires_at`, `-` first for
    /// descending; anything else is ignored.
    ordering: Option<String>,
}

impl ConnectedQuery {
    fn apply(&self, mut all: Vec<Connected>) -> Vec<Connected> {
        let same = |want: &Option<String>, have: &str| {
            want.as_deref()
                .is_none_or(|w| w.is_empty() || w.eq_ignore_ascii_case(have))
        };
        let search = self.search.as_deref().map(str::to_lowercase);
        all.retain(|c| {
            same(&self.provider, &c.provider)
                && same(&self.service, &c.service)
                && search.as_deref().is_none_or(|s| {
                    [&c.provider, &c.service, &c.display_name]
                        .iter()
                        .any(|f| f.to_lowercase().contains(s))
                })
        });
        let ordering = self.ordering.as_deref().unwrap_or("id");
        let (descending, field) = match ordering.strip_prefix('-') {
            Some(field) => (true, field),
            None => (false, ordering),
        };
        match field {
            "provider" => all.sort_by(|a, b| a.provider.cmp(&b.provider)),
            "service" => all.sort_by(|a, b| a.service.cmp(&b.service)),
            "expires_at" => all.sort_by_key(|c| c.grant.expires_at),
            _ => all.sort_by_key(|c| c.grant.id),
        }
        if descending {
            all.reverse();
        }
        all
    }
}

/// The caller's connected services. A plain array, as ibl.ai answers.
#[utoipa::path(get, path = "/api/ai-account/connected-services/orgs/{org}/users/{user_id}/",
    tag = "ai-account", params(UserScope, ConnectedQuery),
    responses((status = 200, description = "The caller's connected services",
        body = Vec<ConnectedServiceWire>), super::ai_mentor::MentorFailures))]
async fn list_connected(
    caller: MentorCaller,
    State(state): State<AppState>,
    Query(query): Query<ConnectedQuery>,
) -> Result<Json<Vec<ConnectedServiceWire>>, MentorError> {
    let all = connected_services::mine(&state.ports, &caller).await?;
    Ok(Json(
        query
            .apply(all)
            .iter()
            .map(|c| ConnectedServiceWire::read(c, &caller.username))
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct ConnectedItem {
    org: String,
    user_id: String,
    id: i64,
}

/// One of the caller's connected services.
#[utoipa::path(get, path = "/api/ai-account/connected-services/orgs/{org}/users/{user_id}/{id}/",
    tag = "ai-account", params(ConnectedItem),
    responses((status = 200, description = "The connected service", body = ConnectedServiceWire),
        super::ai_mentor::MentorFailures))]
async fn retrieve_connected(
    caller: MentorCaller,
    id: GrantItem,
    State(state): State<AppState>,
) -> Result<Json<ConnectedServiceWire>, MentorError> {
    let one = connected_services::one(&state.ports, &caller, *id).await?;
    Ok(Json(ConnectedServiceWire::read(&one, &caller.username)))
}

/// Disconnect: the tokens are revoked at the authorization server when it
/// offers that (RFC 7009), then forgotten.
#[utoipa::path(delete, path = "/api/ai-account/connected-services/orgs/{org}/users/{user_id}/{id}/",
    tag = "ai-account", params(ConnectedItem),
    responses((status = 204, description = "Disconnected"), super::ai_mentor::MentorFailures))]
async fn delete_connected(
    caller: MentorCaller,
    id: GrantItem,
    State(state): State<AppState>,
) -> Result<StatusCode, MentorError> {
    connected_services::remove(&state.ports, &caller, *id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct StartScope {
    org: String,
    user_id: String,
    /// The provider's name (`oauth_provider` of the service).
    provider: String,
    /// The service's name.
    service: String,
}

/// Where to send the user's browser to connect their account at the
/// service: Switchboard's authorize page for the server that uses it
/// (which signs the browser in if needed, binds the flow to that browser
/// session and goes on to the authorization server).
#[utoipa::path(get,
    path = "/api/ai-account/connected-services/orgs/{org}/users/{user_id}/{provider}/{service}/",
    tag = "ai-account", params(StartScope),
    responses((status = 200, description = "Where to send the browser", body = OAuthStart),
        super::ai_mentor::MentorFailures))]
async fn start(
    caller: MentorCaller,
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(path): Path<Vec<(String, String)>>,
) -> Result<Json<OAuthStart>, MentorError> {
    let param = |name| super::caller::path_param(&path, name).unwrap_or_default();
    let server =
        connected_services::start(&state.ports, &caller, param("provider"), param("service"))
            .await?;
    let origin = super::skills::site_origin(&state, &headers)?;
    let auth_url = url::Url::parse_with_params(
        &format!("{origin}{AUTHORIZE_PATH}"),
        [
            ("mcpServerId", server.to_string()),
            ("tenantSlug", caller.tenant_slug.clone()),
        ],
    )
    .map_err(|_| AppError::Internal)?;
    Ok(Json(OAuthStart {
        auth_url: auth_url.into(),
    }))
}

/// The OAuth service of an MCP server's URL (tenant admins): one the
/// tenant already has for it, else one found by discovery, with
/// Switchboard registered at its authorization server. `callback_url` is
/// accepted and not used: the redirect URI is always Switchboard's own.
/// A server that cannot be discovered or registered at is a 400
/// `{"error": …}`.
#[utoipa::path(post, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/oauth-find/",
    tag = "ai-mentor", params(UserScope), request_body = FindBody,
    responses((status = 200, description = "The OAuth service", body = OAuthServiceWire),
        model::FindFailures))]
async fn oauth_find(
    caller: MentorCaller,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Body, MentorError>,
) -> Result<Response, MentorError> {
    // Every 400 of this route is `{"error": …}`, a body that is not an
    // object's too.
    let mut body = match body {
        Ok(body) => body,
        Err(e) => {
            let words = e.to_string();
            let answer = e.into_response();
            return Ok(if answer.status() == StatusCode::BAD_REQUEST {
                find_error(words)
            } else {
                answer
            });
        }
    };
    let url = body.required_string("url");
    let name = body.string("name");
    let _callback = body.string("callback_url");
    if let Err(fields) = body.field_errors() {
        let words: Vec<String> = fields.iter().map(ToString::to_string).collect();
        return Ok(find_error(words.join(" ")));
    }
    let origin = super::skills::site_origin(&state, &headers)?;
    match oauth_services::find(&state.ports, &caller, &origin, &url, name.as_deref()).await {
        Ok(service) => Ok(Json(OAuthServiceWire::from(&service)).into_response()),
        Err(e) => match AppError::from(e) {
            e @ (AppError::Invalid(_) | AppError::Upstream(_)) => Ok(find_error(e.to_string())),
            other => Err(other.into()),
        },
    }
}

fn find_error(error: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(FindError { error })).into_response()
}

/// `MCPServerOauthFind`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes the body; `Body` reads it field by field
struct FindBody {
    /// The MCP server's URL.
    url: String,
    callback_url: Option<String>,
    /// A name for a new service (default: the URL's host).
    name: Option<String>,
}
