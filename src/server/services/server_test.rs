//! Test connection: connect with the server's stored key (or, for an OAuth
//! server, the tester's own connected account), list its tools,
//! and keep the outcome as the server's snapshot.

use crate::domain::{AuditAction, AuthType, ServerId, TestOutcome};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::mcp::{McpTarget, info_of};
use crate::server::ports::Ports;
use crate::server::services::audit::{self, By, server_target};
use crate::server::services::oauth_grants::Fresh;
use crate::server::services::server_view::{outcome_of, snapshot_of};
use crate::server::services::servers::row;
use crate::server::store::ServerRecord;

/// Holds one of the tenant's test-connection slots, or answers 429.
pub(super) fn test_slot(
    ports: &Ports,
    actor: &Actor,
) -> ServiceResult<crate::server::mcp::TestSlot> {
    ports.mcp.test_slot(actor.tenant_id).map_err(|_| {
        tracing::warn!(tenant = %actor.tenant_slug, "test connection refused: no free slot");
        ServiceError::TooManyTests(5)
    })
}

/// Connects, lists the tools, and stores the outcome as the server's snapshot.
/// A vault failure is an error of its own and leaves the snapshot alone.
pub async fn test(ports: &Ports, actor: &Actor, id: ServerId) -> ServiceResult<TestOutcome> {
    actor.require_admin()?;
    let row = row(ports, actor, id).await?;
    let _slot = test_slot(ports, actor)?;
    check(ports, By::Actor(actor), &row).await
}

/// Whether a scheduled check can reach the server on its own: with the
/// server's key, or with none. An OAuth server without a key of its own is
/// only ever reached with somebody's account, so only people test it.
pub fn checkable_unattended(row: &ServerRecord) -> bool {
    row.secret_ref.is_some() || row.auth_type != AuthType::Oauth2
}

/// One check of `row` as `by`: a person (whose own OAuth account is used
/// at an OAuth server without a key) or the scheduler.
pub(super) async fn check(
    ports: &Ports,
    by: By<'_>,
    row: &ServerRecord,
) -> ServiceResult<TestOutcome> {
    let credential = match (&row.secret_ref, by) {
        (Some(secret_ref), _) => {
            let target = server_target(row.id, &row.name);
            let read = ports.vault.get(secret_ref).await;
            let outcome = match &read {
                Ok(_) => Ok(()),
                Err(e) => Err(format!("for a test connection: {e}")),
            };
            audit::record_by(ports, by, AuditAction::SecretRead, &target, outcome, None).await;
            Some(read?)
        }
        // An OAuth server is tested as the admin testing it: with their own
        // connected account's token (refreshed if due), else without one.
        (None, By::Actor(actor)) if row.auth_type == AuthType::Oauth2 => {
            match super::oauth_grants::access_token(ports, actor.tenant_id, actor.user_id, row.id)
                .await?
            {
                Fresh::Token(token) => Some(token),
                Fresh::NeedsConnection(_) => None,
            }
        }
        (None, _) => None,
    };
    let url = super::server_url::full(ports, row).await?;
    let result = ports
        .mcp
        .catalog(
            &McpTarget::with_server_key(
                url.url,
                row.transport,
                &row.extra_headers,
                credential.as_ref(),
            )
            .with_url_secret(url.secret.as_ref()),
        )
        .await;
    // A token from the tester's grant that the server finds too narrow:
    // kept on the grant, so that their next authorization asks for more.
    if let By::Actor(actor) = by
        && row.auth_type == AuthType::Oauth2
        && let Err(needed) = result.as_ref().map_err(|e| e.needed_scopes())
        && let Some(needed) = needed
    {
        super::oauth_step_up::record(ports, actor, row.id, needed).await?;
    }
    // What the agent gateway lists: kept from every successful check.
    if let Ok(tools) = &result {
        super::tool_catalog::refresh(ports, by, row.id, &row.name, tools).await?;
    }
    let result = result.map(|tools| tools.iter().map(info_of).collect());
    // Stamped when the test ends, as the snapshot's point in time.
    let outcome = outcome_of(result, ports.clock.now());
    // A concurrent delete makes this a no-op; the caller still sees the outcome.
    ports
        .store
        .save_test_snapshot(by.tenant(), row.id, &snapshot_of(&outcome))
        .await?;
    crate::server::metrics::test_connection(
        outcome.error.as_ref().map_or("ok", |e| e.class.as_str()),
    );
    tracing::info!(
        tenant = %by.tenant(), server = %row.id, ok = outcome.ok,
        scheduled = matches!(by, By::Schedule(_)),
        class = outcome.error.as_ref().map(|e| e.class.as_str()), "test connection"
    );
    Ok(outcome)
}
