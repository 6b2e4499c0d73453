//! The gateway's MCP server: `tools/list` from the agent's catalog, and
//! `tools/call` routed to the tool's server with the credential resolved
//! for this call. Each request carries its verified [`GatewayCaller`]
//! (put there by `authenticate`), so nothing is kept between requests.

use axum::http::request::Parts;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ErrorCode, ErrorData, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, ServerHandler};
use serde_json::json;

use super::GatewayCaller;
use crate::domain::resolution::Resolution;
use crate::server::error::ServiceError;
use crate::server::mcp::McpError;
use crate::server::rest::runtime::{connect_url, refusal};
use crate::server::services::agent_catalog::{self, Catalog, Entry};
use crate::server::services::gateway_calls::{self, Called, ToolAt};
use crate::server::state::AppState;

/// MCP's "URL elicitation required" (2025-11-25): the user must visit a
/// URL (here, to connect their account) before the call can succeed.
const URL_ELICITATION_REQUIRED: i32 = -32042;

#[derive(Clone)]
pub struct Gateway {
    state: AppState,
}

impl Gateway {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    async fn catalog(&self, caller: &GatewayCaller) -> Result<Catalog, ErrorData> {
        agent_catalog::of_agent(&self.state.ports, caller.runtime.tenant_id, caller.agent_id)
            .await
            .map_err(internal)
    }
}

/// The request's HTTP parts and its caller; both are always there behind
/// `authenticate`, so their absence is a server bug, not the client's.
fn caller_of(ctx: &RequestContext<RoleServer>) -> Result<(&Parts, &GatewayCaller), ErrorData> {
    let parts = ctx
        .extensions
        .get::<Parts>()
        .ok_or_else(|| ErrorData::internal_error("the request's HTTP parts are missing", None))?;
    let caller = parts
        .extensions
        .get::<GatewayCaller>()
        .ok_or_else(|| ErrorData::internal_error("the request was not authenticated", None))?;
    Ok((parts, caller))
}

fn internal(e: ServiceError) -> ErrorData {
    tracing::error!(error = %e, "agent gateway");
    ErrorData::internal_error("Switchboard could not answer this request.", None)
}

/// An upstream failure, with its class (transport, auth, downstream).
fn upstream(e: McpError) -> ErrorData {
    ErrorData::internal_error(
        format!(
            "The tool's server failed ({}): {}",
            e.class.as_str(),
            e.message
        ),
        Some(json!({ "class": e.class.as_str() })),
    )
}

impl ServerHandler for Gateway {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                "switchboard-agent-gateway",
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(
                "One agent's tools, each named <server>__<tool>. Switchboard calls the server \
                 with the credential that applies to this user and agent.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let (_, caller) = caller_of(&ctx)?;
        let tools = self
            .catalog(caller)
            .await?
            .iter()
            .filter(|e| !e.held)
            .map(|e| e.tool.clone())
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let (parts, caller) = caller_of(&ctx)?;
        let catalog = self.catalog(caller).await?;
        let entry = catalog
            .iter()
            .find(|e| e.tool.name == request.name)
            .ok_or_else(|| {
                ErrorData::invalid_params(
                    format!("This agent has no tool {:?}.", request.name),
                    None,
                )
            })?;
        if entry.held {
            // Said plainly, so that whoever runs the agent knows to ask an
            // admin rather than look for a typo.
            return Err(ErrorData::invalid_params(
                format!(
                    "The tool {:?} changed at its server since an admin approved it; it waits \
                     for approval in Switchboard.",
                    request.name
                ),
                Some(json!({ "error": "tool_held", "server": entry.server.get() })),
            ));
        }
        let tool = ToolAt {
            server: entry.server,
            server_name: &entry.server_name,
            upstream: &entry.upstream,
            exposed: &entry.tool.name,
        };
        match gateway_calls::call(&self.state.ports, caller, &tool, request.arguments)
            .await
            .map_err(internal)?
        {
            Called::Done(result) => Ok(result.into()),
            Called::Refused(refused) => Err(self.refused(parts, caller, entry, refused)),
            Called::Failed(e) => Err(upstream(e)),
        }
    }
}

impl Gateway {
    /// Why the call cannot be made for this user: a missing OAuth account
    /// is a URL to send them to (connect, then call again); anything else
    /// says what is missing.
    fn refused(
        &self,
        parts: &Parts,
        caller: &GatewayCaller,
        entry: &Entry,
        refused: Resolution,
    ) -> ErrorData {
        // At an OAuth server, a user with nothing that applies can always
        // connect their own account, whatever scope the server names.
        let refused = match refused {
            Resolution::NoCredential { server } if entry.oauth && caller.user.is_some() => {
                Resolution::NeedsUserConnection {
                    server,
                    oauth: true,
                }
            }
            other => other,
        };
        if let Some(url) = connect_url(&self.state, &parts.headers, &refused) {
            let message = "Connect your account for this tool's server, then try again.";
            return ErrorData::new(
                ErrorCode(URL_ELICITATION_REQUIRED),
                message,
                Some(json!({
                    "elicitations": [{
                        "mode": "url",
                        "message": message,
                        "url": url,
                        "elicitationId": uuid::Uuid::new_v4().to_string(),
                    }]
                })),
            );
        }
        match refusal(refused) {
            Some((code, server, detail)) => ErrorData::invalid_request(
                detail.to_owned(),
                Some(json!({ "error": code, "server": server.get() })),
            ),
            None => ErrorData::invalid_request("This tool's server is not available.", None),
        }
    }
}
