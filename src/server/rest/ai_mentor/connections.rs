//! Seed 000's connections: `…/mcp-server-connections/` and `…/{id}/`, with
//! every field of ibl.ai's `MCPServerConnection` model. Credentials are
//! write-only and secret-looking headers read masked.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::SecondsFormat;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::model::{AUTH_TYPES, MentorAuthType, MentorFailures, MentorScope, SCOPES, Scope};
use super::page::{Envelope, PageRequest};
use super::{CREDENTIALS_MASK, MentorBody, MentorCaller, MentorError};
use crate::domain::{
    AgentUid, AppError, AuthType, ConnectionId, ConnectionPatch, ConnectionView, GrantId,
    NewConnection, ServerId,
};
use crate::server::rest::item_id::ItemId;
use crate::server::rest::timestamp;
use crate::server::services::{connected_services, connections};
use crate::server::state::AppState;
use crate::server::store::ConnectionFilter;

type ConnectionItem = ItemId<super::MentorApi, ConnectionId>;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(retrieve, replace, patch, destroy))
}

/// A connection, with every field of ibl.ai's `MCPServerConnection`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MentorConnection {
    pub id: i64,
    pub server: i64,
    pub server_name: String,
    pub scope: MentorScope,
    pub auth_type: MentorAuthType,
    /// The tenant's id.
    pub platform: i64,
    pub platform_key: String,
    /// A user connection's user (a username).
    pub user: Option<String>,
    /// A mentor connection's agent (its `unique_id`).
    pub mentor: Option<String>,
    /// For `oauth2`: the connected service (a user's OAuth grant, see
    /// `/api/ai-account/connected-services/…`) whose token it sends.
    pub connected_service: Option<i64>,
    /// `{id, provider, service, user, platform_key}` of that service.
    #[schema(value_type = Option<Object>)]
    pub connected_service_summary: Option<Value>,
    /// Write-only: a mask when one is stored, else "".
    pub credentials: String,
    pub authorization_scheme: String,
    /// Header names to values; secret ones read as a mask. Null for none.
    #[schema(value_type = Option<Object>)]
    pub extra_headers: Option<Map<String, Value>>,
    pub is_active: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<ConnectionView> for MentorConnection {
    fn from(c: ConnectionView) -> Self {
        let at = |t| timestamp(t, SecondsFormat::Secs);
        let extra_headers = (!c.extra_headers.is_empty()).then(|| {
            c.extra_headers
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect()
        });
        MentorConnection {
            id: c.id.get(),
            server: c.server_id.get(),
            server_name: c.server_name,
            scope: c.scope.into(),
            auth_type: c.auth_type.into(),
            platform: c.tenant_id.get(),
            platform_key: c.tenant_slug,
            user: c.user,
            mentor: c.agent.map(String::from),
            connected_service: c.connected_service.map(|g| g.get()),
            // Filled by the handler, which reads the grant.
            connected_service_summary: None,
            credentials: if c.has_credential {
                CREDENTIALS_MASK.to_owned()
            } else {
                String::new()
            },
            authorization_scheme: c.authorization_scheme,
            extra_headers,
            is_active: c.active,
            created_at: at(c.created_at),
            updated_at: at(c.updated_at),
        }
    }
}

/// A connection as written (JSON, multipart or urlencoded). Read-only
/// fields the client sends along (`id`, `server_name`, `platform_key`,
/// `connected_service_summary`, timestamps) are ignored.
#[derive(ToSchema)]
#[allow(dead_code)] // describes the body; `Body` reads it field by field
pub struct MentorConnectionWrite {
    server: i64,
    /// Default `user`.
    scope: Option<MentorScope>,
    /// Default `none`.
    auth_type: Option<MentorAuthType>,
    /// Must be the caller's tenant's id when given.
    platform: Option<i64>,
    /// A username; default the caller. Only admins name someone else.
    user: Option<String>,
    /// An agent's `unique_id`; required for `mentor`, refused otherwise.
    mentor: Option<String>,
    /// For `oauth2` (then required): a connected service of this tenant
    /// made for this server: the connection's user's own, or at the
    /// mentor and platform scopes the caller's.
    connected_service: Option<i64>,
    /// The raw secret (write-only); sent with `authorization_scheme` in
    /// front unless it already names a scheme.
    #[schema(write_only)]
    credentials: Option<String>,
    #[schema(max_length = 50)]
    authorization_scheme: Option<String>,
    /// Secret-looking headers go to the vault with the credentials.
    #[schema(value_type = Option<Object>)]
    extra_headers: Option<Value>,
    is_active: Option<bool>,
}

/// A page of connections (`PaginatedMCPServerConnectionList`): the schema
/// of an `Envelope` of connections.
#[derive(ToSchema)]
#[allow(dead_code)] // describes the answer; `Envelope` is what is sent
pub struct PaginatedConnections {
    pub count: u64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<MentorConnection>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ConnectionListParams {
    page: Option<u32>,
    page_size: Option<u32>,
    auth_type: Option<String>,
    is_active: Option<bool>,
    /// An agent's `unique_id`.
    mentor: Option<String>,
    scope: Option<String>,
    /// A part of the server's name.
    search: Option<String>,
    /// A server id.
    server: Option<i64>,
    /// A username.
    user: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct ConnectionScope {
    org: String,
    user_id: String,
    id: i64,
}

/// Connections as read, each with its connected service's summary.
async fn present(
    state: &AppState,
    caller: &MentorCaller,
    views: Vec<ConnectionView>,
) -> Result<Vec<MentorConnection>, MentorError> {
    let mut out = Vec::with_capacity(views.len());
    for view in views {
        let grant = view.connected_service;
        let mut wire = MentorConnection::from(view);
        if let Some(id) = grant
            && let Some((connected, user)) =
                connected_services::summary(&state.ports, caller, id).await?
        {
            wire.connected_service_summary = Some(json!({
                "id": id.get(),
                "provider": connected.provider,
                "service": connected.service,
                "user": user,
                "platform_key": caller.tenant_slug,
            }));
        }
        out.push(wire);
    }
    Ok(out)
}

async fn present_one(
    state: &AppState,
    caller: &MentorCaller,
    view: ConnectionView,
) -> Result<MentorConnection, MentorError> {
    present(state, caller, vec![view])
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal.into())
}

/// The fields every write reads the same way.
fn read_common(body: &mut MentorBody, tenant_id: i64) -> Option<Option<AgentUid>> {
    if let Some(platform) = body.integer("platform")
        && platform != tenant_id
    {
        body.refuse(
            "platform",
            "Connections must be created for the current platform context.",
        );
    }
    super::agent_field(body, "mentor")
}

/// List the connections the caller may see: an admin's whole tenant, a
/// member's own user connections.
#[utoipa::path(get, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-server-connections/",
    tag = "ai-mentor", params(Scope, ConnectionListParams),
    responses((status = 200, description = "A page of connections", body = PaginatedConnections),
        MentorFailures))]
async fn list(
    caller: MentorCaller,
    State(state): State<AppState>,
    request: PageRequest,
) -> Result<Json<Envelope<MentorConnection>>, MentorError> {
    let mut q = request.reader();
    let (page, page_size) = q.page()?;
    let filter = ConnectionFilter {
        auth_type: q.choice("auth_type", &AUTH_TYPES),
        active: q.flag("is_active"),
        agent: q.uuid("mentor"),
        scope: q.choice("scope", &SCOPES),
        search: q.text("search"),
        server: q.number("server").map(ServerId::new),
        user: q.text("user"),
        owned_by: None,
    };
    q.finish()?;
    let (views, count) = connections::list(&state.ports, &caller, filter, page, page_size).await?;
    let results = present(&state, &caller, views).await?;
    Ok(Json(request.envelope(
        state.config.secure_cookies,
        results,
        count,
        page,
        page_size,
    )?))
}

/// Bind a credential to a server at one scope.
#[utoipa::path(post, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-server-connections/",
    tag = "ai-mentor", params(Scope), request_body = MentorConnectionWrite,
    responses((status = 201, description = "Created", body = MentorConnection), MentorFailures))]
async fn create(
    caller: MentorCaller,
    State(state): State<AppState>,
    mut body: MentorBody,
) -> Result<(StatusCode, Json<MentorConnection>), MentorError> {
    let agent = read_common(&mut body, caller.tenant_id.get()).flatten();
    let server = body.integer("server");
    if server.is_none() && !body.has_error("server") {
        body.refuse("server", "This field is required.");
    }
    let new = NewConnection {
        server: ServerId::new(server.unwrap_or_default()),
        scope: body
            .choice("scope", &SCOPES)
            .unwrap_or(crate::domain::Scope::User),
        auth_type: body
            .choice("auth_type", &AUTH_TYPES)
            .unwrap_or(AuthType::None),
        user: body.nullable_string("user").flatten(),
        agent,
        credentials: body.string("credentials"),
        authorization_scheme: body.string("authorization_scheme").unwrap_or_default(),
        extra_headers: body.string_map("extra_headers").unwrap_or_default(),
        active: body.boolean("is_active").unwrap_or(true),
        connected_service: super::pk_field::<GrantId>(&mut body, "connected_service").flatten(),
    };
    body.finish()?;
    let view = connections::create(&state.ports, &caller, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(present_one(&state, &caller, view).await?),
    ))
}

fn read_patch(
    mut body: MentorBody,
    tenant_id: i64,
    whole: bool,
) -> Result<ConnectionPatch, MentorError> {
    let agent = read_common(&mut body, tenant_id);
    let server = body.integer("server");
    if whole && server.is_none() && !body.has_error("server") {
        body.refuse("server", "This field is required.");
    }
    let patch = ConnectionPatch {
        server: server.map(ServerId::new),
        scope: body.choice("scope", &SCOPES),
        auth_type: body.choice("auth_type", &AUTH_TYPES),
        user: body.nullable_string("user"),
        agent,
        credentials: body.string("credentials"),
        authorization_scheme: body.string("authorization_scheme"),
        extra_headers: body.string_map("extra_headers"),
        active: body.boolean("is_active"),
        connected_service: super::pk_field::<GrantId>(&mut body, "connected_service"),
    };
    body.finish()?;
    Ok(patch)
}

/// One connection.
#[utoipa::path(get, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-server-connections/{id}/",
    tag = "ai-mentor", params(ConnectionScope),
    responses((status = 200, description = "The connection", body = MentorConnection), MentorFailures))]
async fn retrieve(
    caller: MentorCaller,
    id: ConnectionItem,
    State(state): State<AppState>,
) -> Result<Json<MentorConnection>, MentorError> {
    let view = connections::get(&state.ports, &caller, *id).await?;
    Ok(Json(present_one(&state, &caller, view).await?))
}

/// Replace a connection (`server` required; other fields as given).
#[utoipa::path(put, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-server-connections/{id}/",
    tag = "ai-mentor", params(ConnectionScope), request_body = MentorConnectionWrite,
    responses((status = 200, description = "Updated", body = MentorConnection), MentorFailures))]
async fn replace(
    caller: MentorCaller,
    id: ConnectionItem,
    State(state): State<AppState>,
    body: MentorBody,
) -> Result<Json<MentorConnection>, MentorError> {
    let patch = read_patch(body, caller.tenant_id.get(), true)?;
    let view = connections::update(&state.ports, &caller, *id, patch).await?;
    Ok(Json(present_one(&state, &caller, view).await?))
}

/// Change some fields, e.g. `{"is_active": false}`.
#[utoipa::path(patch, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-server-connections/{id}/",
    tag = "ai-mentor", params(ConnectionScope), request_body = MentorConnectionWrite,
    responses((status = 200, description = "Updated", body = MentorConnection), MentorFailures))]
async fn patch(
    caller: MentorCaller,
    id: ConnectionItem,
    State(state): State<AppState>,
    body: MentorBody,
) -> Result<Json<MentorConnection>, MentorError> {
    let patch = read_patch(body, caller.tenant_id.get(), false)?;
    let view = connections::update(&state.ports, &caller, *id, patch).await?;
    Ok(Json(present_one(&state, &caller, view).await?))
}

/// Delete a connection and its stored credential.
#[utoipa::path(delete, path = "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-server-connections/{id}/",
    tag = "ai-mentor", params(ConnectionScope),
    responses((status = 204, description = "Deleted"), MentorFailures))]
async fn destroy(
    caller: MentorCaller,
    id: ConnectionItem,
    State(state): State<AppState>,
) -> Result<StatusCode, MentorError> {
    connections::delete(&state.ports, &caller, *id).await?;
    Ok(StatusCode::NO_CONTENT)
}
