//! One tool call through the agent gateway: the credential resolved for
//! (user, agent, tenant) at that moment, the call over the server's own
//! transport (on a pooled session per server and credential), and a record
//! of it (an audit event per call, and metrics per
//! server and outcome). The gateway's MCP edge only translates.

use rmcp::model::{CallToolResult, JsonObject};
use std::time::Instant;

use crate::domain::resolution::{Resolution, Rule};
use crate::domain::{AgentId, AgentUid, AuditAction, AuditOutcome, ServerId};
use crate::server::auth::Runtime;
use crate::server::error::ServiceResult;
use crate::server::mcp::McpError;
use crate::server::ports::Ports;
use crate::server::services::audit::server_target;
use crate::server::services::runtime::{self, ResolveRequest};
use crate::server::store::NewAuditRecord;

/// Who is asking, verified: a runtime token of the agent's tenant, the
/// agent, and the end user (a member, by username).
#[derive(Debug, Clone)]
pub struct AgentCaller {
    pub runtime: Runtime,
    pub agent_id: AgentId,
    pub agent: AgentUid,
    pub user: Option<String>,
}

/// The tool, as the catalog placed it.
pub struct ToolAt<'a> {
    pub server: ServerId,
    pub server_name: &'a str,
    /// Its name at the server.
    pub upstream: &'a str,
    /// Its name as the agent sees it.
    pub exposed: &'a str,
}

pub enum Called {
    /// The server's answer (a tool that failed is still an answer).
    Done(CallToolResult),
    /// Nothing applies for this caller: why.
    Refused(Resolution),
    /// The server could not be reached or refused the call.
    Failed(McpError),
}

impl Called {
    fn outcome(&self) -> &'static str {
        match self {
            Called::Done(r) if r.is_error == Some(true) => "tool_error",
            Called::Done(_) => "ok",
            Called::Refused(_) => "refused",
            Called::Failed(e) => e.class.as_str(),
        }
    }
}

pub async fn call(
    ports: &Ports,
    caller: &AgentCaller,
    tool: &ToolAt<'_>,
    arguments: Option<JsonObject>,
) -> ServiceResult<Called> {
    let started = Instant::now();
    let resolved = runtime::resolve(
        ports,
        &caller.runtime,
        &ResolveRequest {
            server: tool.server,
            user: caller.user.clone(),
            agent: Some(caller.agent.clone()),
        },
    )
    .await?;
    let (called, rule) = match resolved {
        Err(refused) => (Called::Refused(refused), None),
        Ok(resolved) => {
            let rule = resolved.resolved_by.rule;
            let called = match ports
                .mcp
                .call_pooled(&resolved.target, tool.upstream, arguments)
                .await
            {
                Ok(result) => Called::Done(result),
                Err(e) => Called::Failed(e),
            };
            (called, Some(rule))
        }
    };
    record(ports, caller, tool, &called, rule, started).await;
    Ok(called)
}

async fn record(
    ports: &Ports,
    caller: &AgentCaller,
    tool: &ToolAt<'_>,
    called: &Called,
    rule: Option<Rule>,
    started: Instant,
) {
    let outcome = called.outcome();
    crate::server::metrics::gateway_call(tool.server, outcome, started);
    let mut detail = format!("tool {}", tool.exposed);
    if let Some(rule) = rule {
        detail.push_str(&format!("; by {}", rule.label()));
    }
    if let Some(user) = &caller.user {
        detail.push_str(&format!("; user {user}"));
    }
    detail.push_str(&format!(
        "; agent {}; {outcome}; {} ms",
        caller.agent,
        started.elapsed().as_millis()
    ));
    let event = NewAuditRecord {
        tenant_id: caller.runtime.tenant_id,
        actor_id: Some(caller.runtime.maker),
        actor: caller.runtime.label.clone(),
        action: AuditAction::GatewayCall,
        target: server_target(tool.server, tool.server_name),
        outcome: if matches!(called, Called::Done(_)) {
            AuditOutcome::Success
        } else {
            AuditOutcome::Failure
        },
        detail: Some(detail),
        at: ports.clock.now(),
    };
    if let Err(e) = ports.store.record_audit(&event).await {
        tracing::error!(error = %e, "could not write a gateway call's audit event");
    }
    tracing::info!(tenant = %caller.runtime.tenant_slug, server = %tool.server,
        tool = %tool.exposed, outcome, "gateway call");
}
