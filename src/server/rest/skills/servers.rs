//! `/api/skills/mcp-servers…`: list, register (an upsert by slug, as the
//! real service does), change, delete and test.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::SecondsFormat;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    AUTH_TYPES, SkillsAuthType, SkillsBody, SkillsCaller, SkillsError, SkillsFailures, SkillsId,
    SkillsTransport, TRANSPORTS,
};
use crate::domain::{NewServer, ServerPatch, ServerView, TestOutcome, UrlSecret};
use crate::server::rest::timestamp;
use crate::server::services::server_upsert::{Upserted, register_or_update};
use crate::server::services::servers;
use crate::server::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, delete))
        .routes(routes!(test))
}

/// A registered server. The API key is never part of it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkillsServer {
    pub id: i64,
    pub name: String,
    pub slug: String,
    /// The secret part, if `urlSecret` names one, reads `••••`.
    pub url: String,
    /// Which part of `url` is kept in the vault (`query` or `path`); absent
    /// when none is, so the contract's published shape is unchanged.
    #[serde(skip_serializing_if = "UrlSecret::is_none")]
    #[schema(required = false)]
    pub url_secret: UrlSecret,
    pub transport: SkillsTransport,
    pub auth_type: SkillsAuthType,
    pub enabled: bool,
    /// The tools the server listed at its last test, if that test
    /// succeeded; null before one (ThinkWork's page then shows "---").
    pub tools: Option<Vec<SkillsTool>>,
    /// How many tools that was.
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
        let tools = v
            .last_test
            .as_ref()
            .filter(|t| t.ok)
            .map(|t| t.tools.iter().map(SkillsTool::from).collect());
        SkillsServer {
            id: v.id.get(),
            name: v.name,
            slug: v.slug,
            url: v.url,
            url_secret: v.url_secret,
            transport: v.transport.into(),
            auth_type: v.auth_type.into(),
            enabled: v.enabled,
            tools,
            tool_count: v.tool_count,
            last_tested_at: v.last_test.map(|t| at(t.tested_at)),
            created_at: at(v.created_at),
            updated_at: at(v.updated_at),
        }
    }
}

/// The list, as the client reads it: an object, not a bare array.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsServerList {
    pub servers: Vec<SkillsServer>,
}

/// A register's answer: which of the two it did, and the server.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsRegistered {
    /// Set when the name's slug was new to the tenant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<bool>,
    /// Set when a server with this slug existed and was updated instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<bool>,
    #[serde(flatten)]
    pub server: SkillsServer,
}

/// An update's answer: `ok`, and the server as it now is.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsUpdated {
    pub ok: bool,
    #[serde(flatten)]
    pub server: SkillsServer,
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
    /// Which part of `url` is a secret (the vault keeps it; reads mask it):
    /// default `none`.
    url_secret: Option<UrlSecret>,
    /// Default `streamable-http`; `streamable_http` is accepted too.
    #[schema(pattern = "^(streamable-http|streamable_http|sse|websocket)$")]
    transport: Option<String>,
    /// Default `none`; `per_user_oauth` is read as `oauth`.
    #[schema(pattern = "^(none|tenant_api_key|oauth|per_user_oauth)$")]
    auth_type: Option<String>,
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
    /// The whole new URL; the masked URL as read leaves it as it is.
    #[schema(max_length = 2048, pattern = "^(https?|wss?)://[^/?#@\\s]+")]
    url: Option<String>,
    url_secret: Option<UrlSecret>,
    #[schema(pattern = "^(streamable-http|streamable_http|sse|websocket)$")]
    transport: Option<String>,
    #[schema(pattern = "^(none|tenant_api_key|oauth|per_user_oauth)$")]
    auth_type: Option<String>,
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

impl From<&crate::domain::ToolInfo> for SkillsTool {
    fn from(t: &crate::domain::ToolInfo) -> Self {
        SkillsTool {
            name: t.name.clone(),
            description: t.description.clone(),
        }
    }
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
            tools: o.ok.then(|| o.tools.iter().map(SkillsTool::from).collect()),
            error: o.error.map(super::classed),
        }
    }
}

impl IntoResponse for SkillsTestResult {
    fn into_response(self) -> Response {
        super::ok_or_bad_gateway(self.ok, self)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsDeleted {
    pub ok: bool,
    /// The deleted server's id.
    pub deleted: i64,
}

/// List the tenant's servers, disabled ones included.
#[utoipa::path(get, path = "/api/skills/mcp-servers", tag = "skills",
    params(("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    responses((status = 200, description = "The tenant's servers", body = SkillsServerList), SkillsFailures))]
async fn list(
    caller: SkillsCaller,
    State(state): State<AppState>,
) -> Result<Json<SkillsServerList>, SkillsError> {
    let servers = servers::list_all(&state.ports, &caller).await?;
    Ok(Json(SkillsServerList {
        servers: servers.into_iter().map(Into::into).collect(),
    }))
}

/// Register a server (tenant admins). A name whose slug the tenant already
/// has updates that server instead (`updated: true`); a changed key then
/// goes through the ordinary key change, and a key never follows a changed
/// address unless it is sent again.
#[utoipa::path(post, path = "/api/skills/mcp-servers", tag = "skills",
    params(("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    request_body = SkillsServerCreate,
    responses((status = 200, description = "Registered, or updated", body = SkillsRegistered), SkillsFailures))]
async fn create(
    caller: SkillsCaller,
    State(state): State<AppState>,
    mut body: SkillsBody,
) -> Result<Json<SkillsRegistered>, SkillsError> {
    let new = NewServer {
        name: body.required_string("name"),
        url: body.required_string("url"),
        url_secret: body
            .choice("urlSecret", &UrlSecret::CHOICES)
            .unwrap_or_default(),
        transport: body.choice("transport", &TRANSPORTS).unwrap_or_default(),
        auth_type: body.choice("authType", &AUTH_TYPES).unwrap_or_default(),
        api_key: body.string("apiKey"),
        ..Default::default()
    };
    body.finish()?;
    let (view, done) = register_or_update(&state.ports, &caller, new).await?;
    let created = done == Upserted::Created;
    Ok(Json(SkillsRegistered {
        created: created.then_some(true),
        updated: (!created).then_some(true),
        server: view.into(),
    }))
}

/// Change some of a server's fields (tenant admins).
#[utoipa::path(put, path = "/api/skills/mcp-servers/{id}", tag = "skills",
    params(("id" = i64, Path), ("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    request_body = SkillsServerUpdate,
    responses((status = 200, description = "Updated", body = SkillsUpdated), SkillsFailures))]
async fn update(
    caller: SkillsCaller,
    id: SkillsId,
    State(state): State<AppState>,
    mut body: SkillsBody,
) -> Result<Json<SkillsUpdated>, SkillsError> {
    let patch = ServerPatch {
        name: body.string("name"),
        url: body.string("url"),
        url_secret: body.choice("urlSecret", &UrlSecret::CHOICES),
        transport: body.choice("transport", &TRANSPORTS),
        auth_type: body.choice("authType", &AUTH_TYPES),
        api_key: body.string("apiKey"),
        enabled: body.boolean("enabled"),
        ..Default::default()
    };
    body.finish()?;
    let view = servers::update(&state.ports, &caller, *id, patch).await?;
    Ok(Json(SkillsUpdated {
        ok: true,
        server: view.into(),
    }))
}

/// Remove a server, its stored key, and everything that refers to it: its
/// connections, template and agent assignments, and their secrets (tenant
/// admins).
#[utoipa::path(delete, path = "/api/skills/mcp-servers/{id}", tag = "skills",
    params(("id" = i64, Path), ("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    responses((status = 200, description = "Deleted", body = SkillsDeleted), SkillsFailures))]
async fn delete(
    caller: SkillsCaller,
    id: SkillsId,
    State(state): State<AppState>,
) -> Result<Json<SkillsDeleted>, SkillsError> {
    servers::delete(&state.ports, &caller, *id).await?;
    Ok(Json(SkillsDeleted {
        ok: true,
        deleted: id.get(),
    }))
}

/// Test the connection now (tenant admins): `initialize`, then `tools/list`.
/// A failed test answers 502 `{ok: false, error}`, the error starting with
/// its class (`transport`, `auth` or `downstream`).
#[utoipa::path(post, path = "/api/skills/mcp-servers/{id}/test", tag = "skills",
    params(("id" = i64, Path), ("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    responses(
        (status = 200, description = "Connected; the tools it lists", body = SkillsTestResult),
        (status = 502, description = "The test failed; `error` says how", body = SkillsTestResult),
        SkillsFailures))]
async fn test(
    caller: SkillsCaller,
    id: SkillsId,
    State(state): State<AppState>,
) -> Result<SkillsTestResult, SkillsError> {
    let outcome = servers::test(&state.ports, &caller, *id).await?;
    Ok(outcome.into())
}
