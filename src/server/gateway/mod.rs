//! The agent gateway: one MCP endpoint per agent, `/mcp/agents/{agent}`
//! (streamable HTTP, stateless: any replica answers any request). It lists
//! the tools of the agent's enabled servers, as their last successful test
//! kept them, after the allow-lists, each named `<server>__<tool>`; and it
//! routes each call to its server with the credential resolution picks for
//! (user, agent, tenant) at that moment, so no credential ever leaves
//! Switchboard.
//!
//! A runtime token of the agent's tenant authenticates (never a session
//! cookie: a page cannot make these calls for a signed-in user); the end
//! user is named per request in [`USER_HEADER`].

mod handler;

use axum::Router;
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use std::sync::Arc;

use crate::domain::{AgentUid, FieldError};
use crate::server::error::ServiceError;
use crate::server::rest::runtime::{RuntimeCaller, RuntimeError};
use crate::server::services::gateway_calls::AgentCaller;
use crate::server::services::named;
use crate::server::state::AppState;

pub use crate::server::services::agent_catalog::{NAME_SEPARATOR, exposed_name};

pub const PATH: &str = "/mcp/agents/{agent}";
/// The end user a request is for (a username of the token's tenant);
/// without it, calls are made for no user (the agent's or the tenant's
/// credentials only).
pub const USER_HEADER: &str = "x-switchboard-user";
/// A request body past this is refused before it is read whole.
const MAX_BODY: usize = 1024 * 1024;

/// Who is asking, verified before the MCP service sees the request.
pub type GatewayCaller = AgentCaller;

pub fn routes(state: &AppState) -> Router<AppState> {
    let gateway = handler::Gateway::new(state.clone());
    let service = StreamableHttpService::new(
        move || Ok(gateway.clone()),
        Arc::new(NeverSessionManager::default()),
        StreamableHttpServerConfig::default()
            .with_legacy_session_mode(false)
            .with_json_response(true)
            .with_sse_keep_alive(None)
            .with_max_request_body_bytes(MAX_BODY)
            // The app checks `Host` for every route already (`known_host`);
            // and a DNS-rebound page would hold no runtime token anyway.
            .disable_allowed_hosts(),
    );
    Router::new()
        .route_service(PATH, service)
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate))
}

/// Verifies the runtime token, the agent (the token's tenant's, else 404)
/// and the user (a member, else 400), in the runtime API's error shape.
async fn authenticate(
    State(state): State<AppState>,
    Path(agent): Path<String>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let caller = match caller(&state, &mut parts, &agent).await {
        Ok(caller) => caller,
        Err(refused) => return refused,
    };
    parts.extensions.insert(caller);
    next.run(Request::from_parts(parts, body)).await
}

async fn caller(
    state: &AppState,
    parts: &mut axum::http::request::Parts,
    agent: &str,
) -> Result<GatewayCaller, Response> {
    let RuntimeCaller(runtime) = RuntimeCaller::from_request_parts(parts, state)
        .await
        .map_err(IntoResponse::into_response)?;
    let refuse = |e: ServiceError| RuntimeError::from(e).into_response();
    let uid = AgentUid::parse(agent).ok_or_else(|| refuse(ServiceError::NotFound))?;
    let agent_id = named::agent(&state.ports, runtime.tenant_id, &uid)
        .await
        .map_err(refuse)?
        .ok_or_else(|| refuse(ServiceError::NotFound))?;
    let user = match parts.headers.get(USER_HEADER) {
        None => None,
        Some(value) => {
            let name = value.to_str().unwrap_or_default().trim().to_owned();
            let member = named::member(&state.ports, runtime.tenant_id, &name)
                .await
                .map_err(refuse)?;
            if name.is_empty() || member.is_none() {
                return Err(refuse(ServiceError::Invalid(vec![FieldError::new(
                    USER_HEADER,
                    format!("There is no user “{name}” in this tenant."),
                )])));
            }
            Some(name)
        }
    };
    Ok(GatewayCaller {
        runtime,
        agent_id,
        agent: uid,
        user,
    })
}
