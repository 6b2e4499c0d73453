//! MCP server registrations: register (vault, then row), list, change,
//! delete, and test. Every call is scoped to the actor's tenant.

use chrono::Utc;
use secrecy::SecretString;

use crate::domain::server::slugify;
use crate::domain::{
    AuditAction, AuthType, ListQuery, NewServer, Page, ServerField, ServerPatch, ServerSort,
    ServerSummary, ServerView, TestError, TestOutcome, ToolInfo,
};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::mcp::TestTarget;
use crate::server::services::audit::{self, server_target};
use crate::server::state::AppState;
use crate::server::store::{NewServerRecord, ServerRecord, ServerUpdate, StoreError, TestSnapshot};
use crate::server::vault::{SecretKind, SecretOwner, Vault};

const DUPLICATE_NAME: &str = "A server with this name already exists in this tenant.";

fn duplicate_or(e: StoreError) -> ServiceError {
    match e {
        // The only unique key a server write can hit is (tenant, slug).
        StoreError::Conflict { .. } => ServiceError::invalid(ServerField::NAME, DUPLICATE_NAME),
        other => other.into(),
    }
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    query: ListQuery<ServerSort>,
) -> ServiceResult<Page<ServerSummary>> {
    let query = query.normalized();
    let (rows, total) = state.store.list_servers(actor.tenant_id, &query).await?;
    Ok(Page {
        items: rows.iter().map(|r| view(r).summary()).collect(),
        total,
        page: query.page,
        per_page: query.per_page,
    })
}

pub async fn get(state: &AppState, actor: &Actor, id: i64) -> ServiceResult<ServerView> {
    Ok(view(&row(state, actor, id).await?))
}

/// The actor's tenant's server, or 404.
pub(super) async fn row(state: &AppState, actor: &Actor, id: i64) -> ServiceResult<ServerRecord> {
    state
        .store
        .server(actor.tenant_id, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The saga: the key goes to the vault first, the row holds only its reference,
/// and if the row cannot be written the secret is deleted again.
pub async fn register(
    state: &AppState,
    actor: &Actor,
    mut new: NewServer,
) -> ServiceResult<ServerView> {
    actor.require_admin()?;
    new.validate()?;
    let slug = slugify(&new.name);
    let target = format!("{} (new server)", new.name);
    let secret_ref = match (new.auth_type, new.api_key.take()) {
        (AuthType::Token, Some(key)) => {
            let owner = SecretOwner {
                tenant_id: actor.tenant_id,
                tenant_slug: &actor.tenant_slug,
                kind: SecretKind::ServerCredential,
                owner: &format!("mcp-server/{slug}"),
            };
            match state.vault.put(&owner, &SecretString::from(key)).await {
                Ok(secret_ref) => Some(secret_ref),
                Err(e) => {
                    let detail = format!("credential vault: {e}");
                    audit::record(
                        state,
                        actor,
                        AuditAction::ServerRegister,
                        &target,
                        Err(detail),
                    )
                    .await;
                    return Err(e.into());
                }
            }
        }
        _ => None,
    };
    let inserted = state
        .store
        .insert_server(&NewServerRecord {
            tenant_id: actor.tenant_id,
            name: new.name,
            slug,
            url: new.url,
            transport: new.transport,
            auth_type: new.auth_type,
            enabled: true,
            secret_ref: secret_ref.clone(),
            now: Utc::now(),
        })
        .await;
    match inserted {
        Ok(row) => {
            tracing::info!(tenant = %actor.tenant_slug, server = row.id, actor = %actor.username, "server registered");
            let target = server_target(row.id, &row.name);
            audit::record(state, actor, AuditAction::ServerRegister, &target, Ok(())).await;
            Ok(view(&row))
        }
        Err(e) => {
            if let Some(secret_ref) = secret_ref {
                discard_secret(state.vault.as_ref(), &secret_ref).await;
            }
            let e = duplicate_or(e);
            let detail = match &e {
                ServiceError::Invalid(_) => DUPLICATE_NAME.to_owned(),
                other => other.to_string(),
            };
            audit::record(
                state,
                actor,
                AuditAction::ServerRegister,
                &target,
                Err(detail),
            )
            .await;
            Err(e)
        }
    }
}

/// Best-effort compensation; a failure here leaves an orphan for the sweeper.
async fn discard_secret(vault: &dyn Vault, secret_ref: &str) {
    if let Err(e) = vault.delete(secret_ref).await {
        tracing::error!(secret_ref, error = %e, "could not delete an orphaned secret");
    }
}

pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    mut patch: ServerPatch,
) -> ServiceResult<ServerView> {
    actor.require_admin()?;
    patch.validate()?;
    let update = ServerUpdate {
        slug: patch.name.as_deref().map(slugify),
        name: patch.name,
        url: patch.url,
        transport: patch.transport,
        enabled: patch.enabled,
        now: Utc::now(),
    };
    let row = state
        .store
        .update_server(actor.tenant_id, id, &update)
        .await
        .map_err(duplicate_or)?
        .ok_or(ServiceError::NotFound)?;
    tracing::info!(tenant = %actor.tenant_slug, server = id, actor = %actor.username, "server updated");
    let target = server_target(row.id, &row.name);
    audit::record(state, actor, AuditAction::ServerUpdate, &target, Ok(())).await;
    Ok(view(&row))
}

pub async fn delete(state: &AppState, actor: &Actor, id: i64) -> ServiceResult<()> {
    actor.require_admin()?;
    let row = state
        .store
        .delete_server(actor.tenant_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if let Some(secret_ref) = &row.secret_ref {
        discard_secret(state.vault.as_ref(), secret_ref).await;
    }
    tracing::info!(tenant = %actor.tenant_slug, server = id, actor = %actor.username, "server deleted");
    let target = server_target(row.id, &row.name);
    audit::record(state, actor, AuditAction::ServerDelete, &target, Ok(())).await;
    Ok(())
}

/// Connects, lists the tools, and stores the outcome as the server's snapshot.
/// A vault failure is an error of its own and leaves the snapshot alone.
pub async fn test(state: &AppState, actor: &Actor, id: i64) -> ServiceResult<TestOutcome> {
    actor.require_admin()?;
    let row = row(state, actor, id).await?;
    let credential = match &row.secret_ref {
        Some(secret_ref) => {
            let target = server_target(row.id, &row.name);
            let read = state.vault.get(secret_ref).await;
            let outcome = match &read {
                Ok(_) => Ok(()),
                Err(e) => Err(format!("for a test connection: {e}")),
            };
            audit::record(state, actor, AuditAction::SecretRead, &target, outcome).await;
            Some(read?)
        }
        None => None,
    };
    let outcome = outcome_of(
        state
            .mcp
            .test(&TestTarget {
                url: &row.url,
                transport: row.transport,
                credential: credential.as_ref(),
            })
            .await,
    );
    // A concurrent delete makes this a no-op; the caller still sees the outcome.
    state
        .store
        .save_test_snapshot(actor.tenant_id, id, &snapshot_of(&outcome))
        .await?;
    tracing::info!(
        tenant = %actor.tenant_slug, server = id, ok = outcome.ok,
        class = outcome.error.as_ref().map(|e| e.class.as_str()), "test connection"
    );
    Ok(outcome)
}

pub(super) fn outcome_of(result: Result<Vec<ToolInfo>, TestError>) -> TestOutcome {
    let tested_at = Utc::now();
    match result {
        Ok(tools) => TestOutcome {
            ok: true,
            tools,
            error: None,
            tested_at,
        },
        Err(error) => TestOutcome {
            ok: false,
            tools: Vec::new(),
            error: Some(error),
            tested_at,
        },
    }
}

pub(super) fn snapshot_of(outcome: &TestOutcome) -> TestSnapshot {
    TestSnapshot {
        ok: outcome.ok,
        tools_json: outcome
            .ok
            .then(|| serde_json::to_string(&outcome.tools).unwrap_or_else(|_| "[]".into())),
        tool_count: outcome
            .ok
            .then(|| i64::try_from(outcome.tools.len()).unwrap_or(i64::MAX)),
        error_class: outcome.error.as_ref().map(|e| e.class),
        error_message: outcome.error.as_ref().map(|e| e.message.clone()),
        tested_at: outcome.tested_at,
    }
}

/// The client-facing view; the credential is represented only by a flag.
pub fn view(row: &ServerRecord) -> ServerView {
    let last_test = row.test.as_ref().map(|t| TestOutcome {
        ok: t.ok,
        tools: t
            .tools_json
            .as_deref()
            .and_then(|j| serde_json::from_str::<Vec<ToolInfo>>(j).ok())
            .unwrap_or_default(),
        error: match (t.error_class, &t.error_message) {
            (Some(class), Some(message)) => Some(TestError {
                class,
                message: message.clone(),
            }),
            _ => None,
        },
        tested_at: t.tested_at,
    });
    ServerView {
        id: row.id,
        name: row.name.clone(),
        slug: row.slug.clone(),
        url: row.url.clone(),
        transport: row.transport,
        auth_type: row.auth_type,
        enabled: row.enabled,
        has_credential: row.secret_ref.is_some(),
        tool_count: row
            .test
            .as_ref()
            .and_then(|t| t.tool_count)
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        last_test,
        credential_rotated_at: row.credential_rotated_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}
