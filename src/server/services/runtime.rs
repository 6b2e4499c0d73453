//! The runtime API's service: an agent runtime, holding a runtime token,
//! asks which credential a user, through an agent, uses for a server, and
//! gets back what to connect to with the headers rendered. The user and the
//! agent are named as the wire names them (a username, an agent's UUID) and
//! must be the token's tenant's; resolution itself is
//! [`resolution::resolve`], the one function "Test as…" and the gateway use.

use crate::domain::resolution::Resolution;
use crate::domain::{AgentUid, FieldError, ServerId};
use crate::server::auth::Runtime;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::services::named;
use crate::server::services::resolution::{self, Asker, Resolved};
use crate::server::services::resolve_audit::{self, ResolvedFor};
use crate::server::store::{AssignmentRecord, Holder};

/// What the runtime asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveRequest {
    pub server: ServerId,
    /// A username; none for a call made for no user (a scheduled agent).
    pub user: Option<String>,
    pub agent: Option<AgentUid>,
}

pub const USER: &str = "user";
pub const AGENT: &str = "agent";

/// Resolves for `runtime`'s tenant. A user or agent that is not the
/// tenant's is the request's error (named under its field, as a missing
/// one would be: another tenant's is never told apart). Every answer that
/// carries a stored credential is audited through the tally.
pub async fn resolve(
    ports: &Ports,
    runtime: &Runtime,
    request: &ResolveRequest,
) -> ServiceResult<Result<Resolved, Resolution>> {
    let tenant = runtime.tenant_id;
    let mut errors = Vec::new();
    let mut user = None;
    if let Some(name) = &request.user {
        match named::member(ports, tenant, name).await? {
            Some(id) => user = Some((id, name.as_str())),
            None => errors.push(FieldError::new(
                USER,
                format!("There is no user “{name}” in this tenant."),
            )),
        }
    }
    let mut agent = None;
    if let Some(uid) = &request.agent {
        match named::agent(ports, tenant, uid).await? {
            Some(id) => agent = Some(id),
            None => errors.push(FieldError::new(
                AGENT,
                format!("There is no agent “{uid}” in this tenant."),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let asker = Asker {
        tenant_id: tenant,
        user: user.map(|(id, _)| id),
        agent,
    };
    let outcome = resolution::resolve(ports, &asker, request.server).await?;
    if let Ok(resolved) = &outcome
        && resolved.carries_secret()
    {
        let agent_text = request.agent.as_ref().map(ToString::to_string);
        let who = ResolvedFor {
            user,
            agent: agent.zip(agent_text.as_deref()),
        };
        resolve_audit::record(ports, runtime, resolved, who).await;
    }
    Ok(outcome)
}

/// One server an agent calls: its assignment, and what resolution said.
pub struct AgentConfig {
    pub assignment: AssignmentRecord,
    pub outcome: Result<Resolved, Resolution>,
}

/// What an agent calls at run time, for a user (seed 002's step 9): each
/// enabled server assigned to it and enabled itself, resolved for (user,
/// agent, tenant). Servers whose credential cannot be resolved come back
/// with the reason, never silently left out. Another tenant's agent is
/// `NotFound`; an unknown user is the request's error.
pub async fn agent_configs(
    ports: &Ports,
    runtime: &Runtime,
    agent: &AgentUid,
    user: Option<String>,
) -> ServiceResult<Vec<AgentConfig>> {
    let row = ports
        .store
        .agent_by_uid(runtime.tenant_id, agent)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if let Some(name) = &user
        && resolution::member_named(ports, runtime.tenant_id, name)
            .await?
            .is_none()
    {
        return Err(ServiceError::invalid(
            USER,
            format!("There is no user “{name}” in this tenant."),
        ));
    }
    let assignments = ports
        .store
        .assignments(runtime.tenant_id, Holder::Agent(row.id))
        .await?;
    let mut configs = Vec::new();
    for assignment in assignments {
        if !assignment.assignment.enabled || !assignment.server_enabled {
            continue;
        }
        let request = ResolveRequest {
            server: assignment.assignment.server_id,
            user: user.clone(),
            agent: Some(agent.clone()),
        };
        let outcome = resolve(ports, runtime, &request).await?;
        configs.push(AgentConfig {
            assignment,
            outcome,
        });
    }
    Ok(configs)
}
