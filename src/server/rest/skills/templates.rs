//! Templates and what is assigned to them, as ThinkWork's admin client and
//! CLI call them: `/api/skills/templates/{id}/mcp-servers…` and the agent
//! twin in `agents.rs`. The client sends no
//! tenant header here: the tenant is the token's (a header, if sent, must
//! still name it). Template CRUD and sync are ours, in the same style.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{SkillsAuthType, SkillsFailures, SkillsTransport};
use crate::domain::template::{NewTemplate, TemplateView};
use crate::domain::{AppError, ServerId, TemplateId};
use crate::server::rest::body::JsonObject;
use crate::server::rest::caller::Caller;
use crate::server::rest::error::RestError;
use crate::server::rest::item_id::ItemId;
use crate::server::rest::timestamp;
use crate::server::services::templates::{self, AssignmentChange, Of};
use crate::server::state::AppState;
use crate::server::store::AssignmentRecord;

use super::SkillsByToken as Api;
pub(super) type TCaller = Caller<Api>;
pub(super) type TError = RestError<Api>;
pub(super) type TBody = JsonObject<Api>;
pub(super) type TemplatePath = ItemId<Api, TemplateId>;

const SERVER_REQUIRED: &str = "mcpServerId is required";

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_templates, create_template))
        .routes(routes!(update_template, delete_template))
        .routes(routes!(template_servers, assign_to_template))
        .routes(routes!(unassign_from_template))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkillsTemplate {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// How many servers are assigned.
    pub servers: u32,
    /// How many agents were made from it or synced to it.
    pub agents: u32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<TemplateView> for SkillsTemplate {
    fn from(t: TemplateView) -> Self {
        let at = |x| timestamp(x, chrono::SecondsFormat::Millis);
        SkillsTemplate {
            id: t.id.get(),
            name: t.name,
            description: t.description,
            servers: t.servers,
            agents: t.agents,
            created_at: at(t.created_at),
            updated_at: at(t.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsTemplateList {
    pub templates: Vec<SkillsTemplate>,
}

/// A template's name and description.
#[derive(ToSchema)]
#[allow(dead_code)] // describes the body; `Body` reads it field by field
pub struct SkillsTemplateInput {
    #[schema(min_length = 1, max_length = 100)]
    name: Option<String>,
    #[schema(max_length = 1000)]
    description: Option<String>,
}

/// One assigned server. `mcp_server_id` is snake_case, as the real service
/// answers it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkillsAssignment {
    #[serde(rename = "mcp_server_id")]
    pub mcp_server_id: i64,
    pub enabled: bool,
    pub name: String,
    pub slug: String,
    pub url: String,
    pub transport: SkillsTransport,
    pub auth_type: SkillsAuthType,
    /// Whether the server itself is switched on.
    pub server_enabled: bool,
    /// Only these tools; null for every tool.
    pub tool_allowlist: Option<Vec<String>>,
}

impl From<AssignmentRecord> for SkillsAssignment {
    fn from(r: AssignmentRecord) -> Self {
        SkillsAssignment {
            mcp_server_id: r.assignment.server_id.get(),
            enabled: r.assignment.enabled,
            name: r.server_name,
            slug: r.server_slug,
            url: r.server_url,
            transport: r.server_transport.into(),
            auth_type: r.server_auth_type.into(),
            server_enabled: r.server_enabled,
            tool_allowlist: r.assignment.tool_allowlist,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkillsTemplateServers {
    pub mcp_servers: Vec<SkillsAssignment>,
}

/// Assign a server, or change its assignment.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SkillsAssign {
    /// The tenant's server (a number, or its text).
    mcp_server_id: i64,
    /// Default: as it was, or `true` for a new assignment.
    enabled: Option<bool>,
    /// `{"toolAllowlist": ["echo"]}`; null or absent keeps what is there.
    config: Option<SkillsAssignConfig>,
}

#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SkillsAssignConfig {
    tool_allowlist: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsAssigned {
    /// The assigned server's id (an assignment is named by its holder and
    /// its server).
    pub id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsOk {
    pub ok: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsTemplateDeleted {
    pub ok: bool,
    pub deleted: i64,
}

/// The body's `mcpServerId`: a server id, or the contract's 400.
fn server_of(body: &mut TBody) -> Result<ServerId, TError> {
    let raw = body.integer("mcpServerId");
    let given = raw.is_some() || body.has_error("mcpServerId");
    if !given {
        body.refuse("mcpServerId", SERVER_REQUIRED);
    }
    // A number that names no row is a missing server, as the path's is.
    Ok(raw
        .map(|n| ServerId::parse(&n.to_string()).ok_or(AppError::NotFound))
        .transpose()?
        .unwrap_or(ServerId::new(0)))
}

pub(super) fn server_id(raw: &str) -> Result<ServerId, TError> {
    ServerId::parse(raw).ok_or_else(|| AppError::NotFound.into())
}

pub(super) async fn assign(
    state: &AppState,
    caller: &TCaller,
    of: Of,
    mut body: TBody,
) -> Result<Json<SkillsAssigned>, TError> {
    let server = server_of(&mut body)?;
    let change = AssignmentChange {
        enabled: body.boolean("enabled"),
        tool_allowlist: body.nested_string_list("config", "toolAllowlist"),
    };
    body.finish()?;
    let created = templates::assign(&state.ports, caller, &of, server, change).await?;
    Ok(Json(SkillsAssigned {
        id: server.get(),
        created: created.then_some(true),
        updated: (!created).then_some(true),
    }))
}

pub(super) async fn unassign(
    state: &AppState,
    caller: &TCaller,
    of: Of,
    server: ServerId,
) -> Result<Json<SkillsOk>, TError> {
    // Not assigned answers 404, as a missing template or server does.
    templates::unassign(&state.ports, caller, &of, server).await?;
    Ok(Json(SkillsOk { ok: true }))
}

/// The tenant's templates, by name.
#[utoipa::path(get, path = "/api/skills/templates", tag = "skills",
    responses((status = 200, description = "The tenant's templates", body = SkillsTemplateList), SkillsFailures))]
async fn list_templates(
    caller: TCaller,
    State(state): State<AppState>,
) -> Result<Json<SkillsTemplateList>, TError> {
    let list = templates::list(&state.ports, &caller).await?;
    Ok(Json(SkillsTemplateList {
        templates: list.into_iter().map(Into::into).collect(),
    }))
}

/// Create a template (tenant admins).
#[utoipa::path(post, path = "/api/skills/templates", tag = "skills",
    request_body = SkillsTemplateInput,
    responses((status = 201, description = "Created", body = SkillsTemplate), SkillsFailures))]
async fn create_template(
    caller: TCaller,
    State(state): State<AppState>,
    mut body: TBody,
) -> Result<(StatusCode, Json<SkillsTemplate>), TError> {
    let new = NewTemplate {
        name: body.required_string("name"),
        description: body.string("description").unwrap_or_default(),
    };
    body.finish()?;
    let t = templates::create(&state.ports, &caller, new).await?;
    Ok((StatusCode::CREATED, Json(t.into())))
}

/// Rename or re-describe a template (tenant admins).
#[utoipa::path(put, path = "/api/skills/templates/{id}", tag = "skills",
    params(("id" = i64, Path)),
    request_body = SkillsTemplateInput,
    responses((status = 200, description = "Changed", body = SkillsTemplate), SkillsFailures))]
async fn update_template(
    caller: TCaller,
    id: TemplatePath,
    State(state): State<AppState>,
    mut body: TBody,
) -> Result<Json<SkillsTemplate>, TError> {
    let name = body.string("name");
    let description = body.string("description");
    body.finish()?;
    let t = templates::update(&state.ports, &caller, *id, name, description).await?;
    Ok(Json(t.into()))
}

/// Delete a template and its assignments; its agents keep their servers
/// (tenant admins).
#[utoipa::path(delete, path = "/api/skills/templates/{id}", tag = "skills",
    params(("id" = i64, Path)),
    responses((status = 200, description = "Deleted", body = SkillsTemplateDeleted), SkillsFailures))]
async fn delete_template(
    caller: TCaller,
    id: TemplatePath,
    State(state): State<AppState>,
) -> Result<Json<SkillsTemplateDeleted>, TError> {
    templates::delete(&state.ports, &caller, *id).await?;
    Ok(Json(SkillsTemplateDeleted {
        ok: true,
        deleted: id.get(),
    }))
}

/// The servers assigned to a template.
#[utoipa::path(get, path = "/api/skills/templates/{id}/mcp-servers", tag = "skills",
    params(("id" = i64, Path)),
    responses((status = 200, description = "Its servers", body = SkillsTemplateServers), SkillsFailures))]
async fn template_servers(
    caller: TCaller,
    id: TemplatePath,
    State(state): State<AppState>,
) -> Result<Json<SkillsTemplateServers>, TError> {
    let rows = templates::assignments(&state.ports, &caller, &Of::Template(*id)).await?;
    Ok(Json(SkillsTemplateServers {
        mcp_servers: rows.into_iter().map(Into::into).collect(),
    }))
}

/// Assign one of the tenant's servers to a template, or change its
/// assignment (tenant admins). Another tenant's server answers 404.
#[utoipa::path(post, path = "/api/skills/templates/{id}/mcp-servers", tag = "skills",
    params(("id" = i64, Path)),
    request_body = SkillsAssign,
    responses((status = 200, description = "Assigned", body = SkillsAssigned), SkillsFailures))]
async fn assign_to_template(
    caller: TCaller,
    id: TemplatePath,
    State(state): State<AppState>,
    body: TBody,
) -> Result<Json<SkillsAssigned>, TError> {
    assign(&state, &caller, Of::Template(*id), body).await
}

/// Remove a server from a template (tenant admins).
#[utoipa::path(delete, path = "/api/skills/templates/{id}/mcp-servers/{sid}", tag = "skills",
    params(("id" = i64, Path), ("sid" = i64, Path)),
    responses((status = 200, description = "Removed", body = SkillsOk), SkillsFailures))]
async fn unassign_from_template(
    caller: TCaller,
    id: TemplatePath,
    State(state): State<AppState>,
    Path((_, sid)): Path<(String, String)>,
) -> Result<Json<SkillsOk>, TError> {
    unassign(&state, &caller, Of::Template(*id), server_id(&sid)?).await
}
