//! `GET /api/runtime/agents/{agent}/mcp-configs?user=…`: everything an agent
//! runtime needs to call its servers for a user, in one request (seed 002's
//! step 9: ThinkWork's runtime builds `mcp_configs` the same way). A server
//! whose credential cannot be resolved is listed under `missing` with the
//! reason, so the runtime can tell the user to connect instead of calling
//! a server that will refuse it.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::TransportName;
use super::runtime::{
    ResolvedByBody, RuntimeCaller, RuntimeError, RuntimeFailures, connect_url, header_values,
    refusal,
};
use crate::domain::{AgentUid, AppError};
use crate::server::services::runtime;

pub(super) fn routes() -> OpenApiRouter<crate::server::state::AppState> {
    OpenApiRouter::new().routes(routes!(agent_configs))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConfigsQuery {
    /// The user the agent acts for (a username); omit for none.
    user: Option<String>,
}

/// One server to connect to, ready to use.
#[derive(Debug, Serialize, ToSchema)]
pub struct McpConfig {
    /// The server's slug, unique in the tenant.
    pub name: String,
    pub server: i64,
    pub url: String,
    pub transport: TransportName,
    /// Header names to values, the credential included: send them as they are.
    #[schema(value_type = Object)]
    pub headers: Map<String, Value>,
    /// Only these tools; absent for every tool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<String>>,
    pub resolved_by: ResolvedByBody,
}

/// A server the agent has that cannot be called for this user now.
#[derive(Debug, Serialize, ToSchema)]
pub struct MissingConfig {
    pub name: String,
    pub server: i64,
    /// `needs_user_connection`, `needs_agent_connection`, `no_credential`.
    pub error: String,
    pub detail: String,
    /// Where to send the user to connect their account, for an OAuth server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_url: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgentConfigs {
    pub agent: String,
    pub configs: Vec<McpConfig>,
    pub missing: Vec<MissingConfig>,
}

/// The servers an agent calls, resolved for a user (runtime tokens only).
/// Only assignments that are switched on, of servers that are switched on.
#[utoipa::path(get, path = "/api/runtime/agents/{agent}/mcp-configs", tag = "runtime",
    params(("agent" = String, Path, description = "The agent's UUID"), ConfigsQuery),
    responses((status = 200, description = "What to connect to, headers rendered", body = AgentConfigs),
        RuntimeFailures))]
async fn agent_configs(
    RuntimeCaller(caller): RuntimeCaller,
    State(state): State<crate::server::state::AppState>,
    headers: HeaderMap,
    Path(agent): Path<String>,
    Query(query): Query<ConfigsQuery>,
) -> Result<Response, RuntimeError> {
    let uid = AgentUid::parse(&agent).ok_or(AppError::NotFound)?;
    let user = query.user.filter(|u| !u.trim().is_empty());
    let found = runtime::agent_configs(&state.ports, &caller, &uid, user).await?;
    let mut answer = AgentConfigs {
        agent: uid.to_string(),
        configs: Vec::new(),
        missing: Vec::new(),
    };
    for c in found {
        let a = c.assignment;
        match c.outcome {
            Ok(resolved) => answer.configs.push(McpConfig {
                name: a.server_slug,
                server: a.assignment.server_id.get(),
                url: resolved.target.url.clone(),
                transport: resolved.target.transport.into(),
                headers: header_values(&resolved),
                tools: a.assignment.tool_allowlist,
                resolved_by: ResolvedByBody {
                    rule: resolved.resolved_by.rule,
                    connection_id: resolved.resolved_by.connection_id.map(|id| id.get()),
                },
            }),
            Err(r) => {
                let connect_url = connect_url(&state, &headers, &r);
                let (code, detail) = refusal(r)
                    .map(|(code, _, detail)| (code, detail))
                    .unwrap_or(("not_found", "This server is not available."));
                answer.missing.push(MissingConfig {
                    name: a.server_slug,
                    server: a.assignment.server_id.get(),
                    error: code.to_owned(),
                    detail: detail.to_owned(),
                    connect_url,
                });
            }
        }
    }
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(answer)).into_response())
}
