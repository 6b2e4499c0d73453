//! "Test as…": the admin page's Test Connection, sent with exactly the
//! credential resolution picks for a user, an agent or the tenant, so an
//! admin sees what an agent would get, and which rule gave it. It is a
//! what-if: the server's own last-test snapshot is left alone.

use crate::domain::{AuditAction, FieldError, ServerId, TestAs, TestAsOutcome, TestAsState};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::services::audit::{self, server_target};
use crate::server::services::resolution::{self, Asker};
use crate::server::services::server_test::test_slot;
use crate::server::services::server_view::outcome_of;
use crate::server::services::servers::row;

pub async fn test_as(
    ports: &Ports,
    actor: &Actor,
    id: ServerId,
    who: TestAs,
) -> ServiceResult<TestAsOutcome> {
    actor.require_admin()?;
    let server = row(ports, actor, id).await?;
    let (user, agent, label) = match &who {
        TestAs::Tenant => (None, None, "the tenant".to_owned()),
        TestAs::User(name) => {
            let user = resolution::member_named(ports, actor.tenant_id, name)
                .await?
                .ok_or_else(|| {
                    ServiceError::Invalid(vec![FieldError::new(
                        "user",
                        format!("There is no user “{name}” in this tenant."),
                    )])
                })?;
            (Some(user), None, format!("user {name}"))
        }
        TestAs::Agent(uid) => {
            let agent = ports
                .store
                .agent_by_uid(actor.tenant_id, uid)
                .await?
                .ok_or_else(|| ServiceError::invalid("agent", "There is no such agent."))?;
            (None, Some(agent.id), format!("agent {}", agent.name))
        }
    };
    let asker = Asker {
        tenant_id: actor.tenant_id,
        user,
        agent,
    };
    let resolved = match resolution::resolve(ports, &asker, id).await? {
        Ok(resolved) => resolved,
        Err(refusal) => {
            let (state, message) = TestAsState::refused(&refusal);
            return Ok(TestAsOutcome {
                state,
                rule: None,
                connection_id: None,
                message: message.to_owned(),
                test: None,
            });
        }
    };
    let _slot = test_slot(ports, actor)?;
    let by = resolved.resolved_by;
    if resolved.carries_secret() {
        let target = format!("{} as {label}", server_target(server.id, &server.name));
        let detail = format!("for a test connection, by {}", by.rule.label());
        audit::record_success(ports, actor, AuditAction::SecretRead, &target, Some(detail)).await;
    }
    let result = ports.mcp.test(&resolved.target).await;
    let outcome = outcome_of(result, ports.clock.now());
    let state = TestAsState::of(&outcome);
    let message = match &outcome.error {
        None => format!("Connected as {label}, with the {}.", by.rule.label()),
        Some(e) => e.message.clone(),
    };
    tracing::info!(
        tenant = %actor.tenant_slug, server = %id, state = state.label(),
        rule = by.rule.label(), "test as"
    );
    Ok(TestAsOutcome {
        state,
        rule: Some(by.rule),
        connection_id: by.connection_id,
        message,
        test: Some(outcome),
    })
}
