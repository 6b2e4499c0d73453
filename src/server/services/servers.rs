//! MCP server registrations: register (vault, then row), list, change,
//! delete, and test. Every call is scoped to the actor's tenant.

use crate::domain::listing::MAX_PER_PAGE;
use crate::domain::server::slugify;
use crate::domain::{
    AgentId, AgentUid, AuditAction, AuthType, KeyRule, ListQuery, NewServer, Page, ServerField,
    ServerId, ServerSort, ServerSummary, ServerView, SortDir,
};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::services::audit::{self, server_target};
pub use crate::server::services::server_test::test;
pub(super) use crate::server::services::server_test::test_slot;
pub use crate::server::services::server_update::{update, update_with};
pub use crate::server::services::server_view::view;
pub(super) use crate::server::services::server_view::{outcome_of, snapshot_of};
use crate::server::services::{credentials, secrets, server_url};
use crate::server::store::{NewServerRecord, ServerFilter, ServerRecord, StoreError};

const DUPLICATE_NAME: &str = "A server with this name already exists in this tenant.";
pub(super) const KEY_RACE: &str =
    "Someone else changed this server's key while you were saving. Reload it and try again.";
/// Public: both REST contracts' tests and clients see this text.
pub const KEY_MUST_FOLLOW: &str = "This server's stored API key was given for its current address \
     and transport. To change the scheme, host, port or transport, send the API key again \
     with the change.";

pub(super) fn duplicate_or(e: StoreError) -> ServiceError {
    match e {
        // The only unique key a server write can hit is (tenant, slug).
        StoreError::Conflict { .. } => ServiceError::invalid(ServerField::NAME, DUPLICATE_NAME),
        other => other.into(),
    }
}

pub async fn list(
    ports: &Ports,
    actor: &Actor,
    query: ListQuery<ServerSort>,
) -> ServiceResult<Page<ServerSummary>> {
    let query = query.normalized();
    let (rows, total) = ports.store.list_servers(actor.tenant_id, &query).await?;
    Ok(Page {
        items: rows.iter().map(|r| view(r).summary()).collect(),
        total,
        page: query.page,
        per_page: query.per_page,
    })
}

/// Every server of the tenant, oldest first, for the REST lists (which are
/// not paged); read a page at a time so no one query is unbounded.
pub async fn list_all(ports: &Ports, actor: &Actor) -> ServiceResult<Vec<ServerView>> {
    let mut query = ListQuery {
        page: 1,
        per_page: MAX_PER_PAGE,
        sort: ServerSort::CreatedAt,
        dir: SortDir::Asc,
        filter: String::new(),
    };
    let mut all = Vec::new();
    loop {
        let (rows, total) = ports.store.list_servers(actor.tenant_id, &query).await?;
        let done = rows.is_empty();
        all.extend(rows.iter().map(view));
        if done || all.len() as u64 >= total {
            return Ok(all);
        }
        query.page += 1;
    }
}

/// Seed 000's list: one page (1-based) of the servers matching `filter`,
/// oldest first, and how many match in all.
pub async fn search(
    ports: &Ports,
    actor: &Actor,
    filter: &ServerFilter,
    page: u32,
    page_size: u32,
) -> ServiceResult<(Vec<ServerView>, u64)> {
    let offset = u64::from(page.saturating_sub(1)) * u64::from(page_size);
    let (rows, total) = ports
        .store
        .search_servers(actor.tenant_id, filter, page_size, offset)
        .await?;
    Ok((
        rows.iter().map(|r| for_reader(actor, view(r))).collect(),
        total,
    ))
}

pub async fn get(ports: &Ports, actor: &Actor, id: ServerId) -> ServiceResult<ServerView> {
    Ok(for_reader(actor, view(&row(ports, actor, id).await?)))
}

/// The last test's error text is what an admin-supplied server (or the
/// network on the way to it) chose to say: host names, internal paths,
/// stack traces. Admins, who can test and fix the server, read it; members
/// see the class of failure only.
fn for_reader(actor: &Actor, mut view: ServerView) -> ServerView {
    if actor.require_admin().is_err()
        && let Some(error) = view.last_test.as_mut().and_then(|t| t.error.as_mut())
    {
        error.message = format!(
            "The last test failed ({} error). An admin can see the details.",
            error.class.as_str()
        );
    }
    view
}

/// A featured server is offered to every tenant, so only the global
/// platform's admins may feature one.
pub(super) fn may_feature(ports: &Ports, actor: &Actor, featured: bool) -> ServiceResult<()> {
    if featured && actor.tenant_slug != ports.global_tenant {
        return Err(ServiceError::invalid(
            "featured",
            "Only the global platform's admins may feature a server.",
        ));
    }
    Ok(())
}

/// The row id of one of the actor's tenant's agents; another tenant's (or
/// no) agent is a field error, not a 404 of the server being written.
pub(super) async fn agent_of(
    ports: &Ports,
    actor: &Actor,
    uid: &AgentUid,
) -> ServiceResult<AgentId> {
    ports
        .store
        .agent_by_uid(actor.tenant_id, uid)
        .await?
        .map(|a| a.id)
        .ok_or_else(|| ServiceError::invalid(ServerField::AGENT, "No agent has this id here."))
}

/// The actor's tenant's server, or 404.
pub(super) async fn row(ports: &Ports, actor: &Actor, id: ServerId) -> ServiceResult<ServerRecord> {
    ports
        .store
        .server(actor.tenant_id, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// A vault failure while writing a server is audited (a field error is
/// the caller's to fix, not a failure to record); the error is handed back.
pub(super) async fn vault_failure(
    ports: &Ports,
    actor: &Actor,
    action: AuditAction,
    target: &str,
    e: ServiceError,
) -> ServiceError {
    if !matches!(e, ServiceError::Invalid(_)) {
        let detail = format!("credential vault: {e}");
        audit::record(ports, actor, action, target, Err(detail)).await;
    }
    e
}

/// Registers a server from the admin page or seed 002: a Tenant API Key
/// server must come with its key.
pub async fn register(ports: &Ports, actor: &Actor, new: NewServer) -> ServiceResult<ServerView> {
    register_with(ports, actor, new, KeyRule::Required).await
}

/// The saga: the key goes to the vault first, the row holds only its reference,
/// and if the row cannot be written the secret is deleted again.
pub async fn register_with(
    ports: &Ports,
    actor: &Actor,
    mut new: NewServer,
    key_rule: KeyRule,
) -> ServiceResult<ServerView> {
    actor.require_admin()?;
    new.validate_with(key_rule)?;
    may_feature(ports, actor, new.featured)?;
    let agent_id = match &new.agent {
        Some(uid) => Some(agent_of(ports, actor, uid).await?),
        None => None,
    };
    let oauth_service_id = match new.oauth_service {
        Some(id) => Some(super::oauth_services::linkable(ports, actor, id).await?),
        None => None,
    };
    let slug = slugify(&new.name);
    let target = format!("{} (new server)", new.name);
    let (public_url, url_secret_ref) =
        match server_url::create(ports, actor, &slug, &new.url, new.url_secret).await {
            Ok(parts) => parts,
            Err(e) => {
                return Err(
                    vault_failure(ports, actor, AuditAction::ServerRegister, &target, e).await,
                );
            }
        };
    let secret_ref = match (new.auth_type, new.api_key.take()) {
        (AuthType::Token, Some(key)) => {
            match secrets::create(ports, &credentials::owner(actor, &slug), key).await {
                Ok(secret_ref) => Some(secret_ref),
                Err(e) => {
                    if let Some(r) = &url_secret_ref {
                        secrets::discard(ports, r).await;
                    }
                    let detail = format!("credential vault: {e}");
                    audit::record(
                        ports,
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
    let inserted = ports
        .store
        .insert_server(&NewServerRecord {
            tenant_id: actor.tenant_id,
            name: new.name,
            slug,
            description: new.description,
            url: public_url,
            url_secret: new.url_secret,
            url_secret_ref: url_secret_ref.clone(),
            transport: new.transport,
            auth_type: new.auth_type,
            enabled: new.enabled.unwrap_or(true),
            featured: new.featured,
            secret_ref: secret_ref.clone(),
            owner: Some(actor.username.clone()),
            auth_scope: new.auth_scope,
            agent_id,
            extra_headers: new.extra_headers,
            oauth_service_id,
            now: ports.clock.now(),
        })
        .await;
    match inserted {
        Ok(row) => {
            ports.resolution_cache.forget_tenant(actor.tenant_id);
            tracing::info!(tenant = %actor.tenant_slug, server = %row.id, actor = %actor.username, "server registered");
            let target = server_target(row.id, &row.name);
            audit::record(ports, actor, AuditAction::ServerRegister, &target, Ok(())).await;
            Ok(view(&row))
        }
        Err(e) => {
            for secret_ref in [secret_ref, url_secret_ref].into_iter().flatten() {
                secrets::discard(ports, &secret_ref).await;
            }
            let e = duplicate_or(e);
            let detail = match &e {
                ServiceError::Invalid(_) => DUPLICATE_NAME.to_owned(),
                other => other.to_string(),
            };
            audit::record(
                ports,
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

pub async fn delete(ports: &Ports, actor: &Actor, id: ServerId) -> ServiceResult<()> {
    actor.require_admin()?;
    let row = ports
        .store
        .delete_server(actor.tenant_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    ports.resolution_cache.forget_tenant(actor.tenant_id);
    for secret_ref in [&row.secret_ref, &row.url_secret_ref].into_iter().flatten() {
        secrets::discard(ports, secret_ref).await;
    }
    tracing::info!(tenant = %actor.tenant_slug, server = %id, actor = %actor.username, "server deleted");
    let target = server_target(row.id, &row.name);
    audit::record(ports, actor, AuditAction::ServerDelete, &target, Ok(())).await;
    Ok(())
}
