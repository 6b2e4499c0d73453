//! Changing a registered server: a partial update whose new key, or new
//! secret URL part, goes to the vault before the row, and a key that never
//! follows the server to a new origin or transport unless sent again.

use crate::domain::origin::same_origin;
use crate::domain::server::slugify;
use crate::domain::validation::validate_url;
use crate::domain::{
    AuditAction, AuthType, KeyRule, ServerField, ServerId, ServerPatch, ServerView,
};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::services::audit::{self, server_target};
use crate::server::services::servers::{
    KEY_MUST_FOLLOW, KEY_RACE, agent_of, duplicate_or, get, may_feature, row, vault_failure, view,
};
use crate::server::services::{credentials, oauth_services, server_url};
use crate::server::store::ServerUpdate;

/// Applies a partial update from the admin page or seed 002: a server that
/// ends up with Tenant API Key auth must have a key.
pub async fn update(
    ports: &Ports,
    actor: &Actor,
    id: ServerId,
    patch: ServerPatch,
) -> ServiceResult<ServerView> {
    update_with(ports, actor, id, patch, KeyRule::Required).await
}

/// Applies a partial update. A new key (or a change of auth type) goes to
/// the vault first; if the row then cannot be written, the vault is put back.
pub async fn update_with(
    ports: &Ports,
    actor: &Actor,
    id: ServerId,
    mut patch: ServerPatch,
    key_rule: KeyRule,
) -> ServiceResult<ServerView> {
    actor.require_admin()?;
    patch.validate()?;
    may_feature(ports, actor, patch.featured == Some(true))?;
    let current = row(ports, actor, id).await?;
    let agent_id = match &patch.agent {
        Some(Some(uid)) => Some(Some(agent_of(ports, actor, uid).await?)),
        Some(None) => Some(None),
        None => None,
    };
    let oauth_service_id = match patch.oauth_service {
        Some(Some(id)) => Some(Some(oauth_services::linkable(ports, actor, id).await?)),
        other => other,
    };
    let transport = patch.transport.unwrap_or(current.transport);
    let target = server_target(current.id, &current.name);
    let url_change = match server_url::change(
        ports,
        actor,
        &current,
        patch.url.as_deref(),
        patch.url_secret,
    )
    .await
    {
        Ok(change) => change,
        Err(e) => {
            return Err(vault_failure(ports, actor, AuditAction::ServerUpdate, &target, e).await);
        }
    };
    let url = url_change.full.as_str();
    if let Err(e) = validate_url(url, transport) {
        url_change.secret.revert(ports).await;
        return Err(ServiceError::Invalid(vec![e]));
    }
    let auth_type = patch.auth_type.unwrap_or(current.auth_type);
    let refusal = if patch.api_key.is_some() && auth_type != AuthType::Token {
        Some("An API key only applies to Tenant API Key authentication.")
    } else if key_rule == KeyRule::Required
        && auth_type == AuthType::Token
        && patch.api_key.is_none()
        && current.secret_ref.is_none()
    {
        Some("An API key is required for Tenant API Key authentication.")
    } else {
        None
    };
    // A stored key is bound to the origin and transport it was given for:
    // moving the server elsewhere (say, to a URL an attacker controls) must
    // not take the key along, so the key has to come again.
    let moves = !same_origin(url, &current.url) || transport != current.transport;
    let keeps_key = auth_type == AuthType::Token && current.secret_ref.is_some();
    let refusal =
        refusal.or((moves && keeps_key && patch.api_key.is_none()).then_some(KEY_MUST_FOLLOW));
    if let Some(refusal) = refusal {
        url_change.secret.revert(ports).await;
        return Err(ServiceError::invalid(ServerField::API_KEY, refusal));
    }
    let key = patch.api_key.take();
    let change = match credentials::apply(ports, actor, &current, auth_type, key, moves).await {
        Ok(change) => change,
        Err(e) => {
            url_change.secret.revert(ports).await;
            let detail = format!("credential vault: {e}");
            audit::record(
                ports,
                actor,
                AuditAction::ServerUpdate,
                &target,
                Err(detail),
            )
            .await;
            return Err(e);
        }
    };
    let update = ServerUpdate {
        slug: patch.name.as_deref().map(slugify),
        name: patch.name,
        description: patch.description,
        url_secret_ref: url_change.secret_ref(&current),
        url_secret: url_change.columns.as_ref().map(|(_, which)| *which),
        url: url_change
            .columns
            .as_ref()
            .map(|(public, _)| public.clone()),
        transport: patch.transport,
        auth_type: patch.auth_type,
        enabled: patch.enabled,
        featured: patch.featured,
        secret_ref: change.ref_change(current.secret_ref.as_ref()),
        auth_scope: patch.auth_scope,
        agent_id,
        extra_headers: patch.extra_headers,
        oauth_service_id,
        now: ports.clock.now(),
    };
    let written = ports
        .store
        .update_server(actor.tenant_id, id, &update)
        .await;
    let row = match written {
        Ok(Some(row)) => row,
        Ok(None) => {
            change.revert(ports).await;
            url_change.secret.revert(ports).await;
            // Deleted meanwhile, or another update changed the key first.
            return Err(match ports.store.server(actor.tenant_id, id).await? {
                Some(_) => ServiceError::invalid(ServerField::API_KEY, KEY_RACE),
                None => ServiceError::NotFound,
            });
        }
        Err(e) => {
            change.revert(ports).await;
            url_change.secret.revert(ports).await;
            let e = duplicate_or(e);
            audit::record(
                ports,
                actor,
                AuditAction::ServerUpdate,
                &target,
                Err(e.to_string()),
            )
            .await;
            return Err(e);
        }
    };
    tracing::info!(tenant = %actor.tenant_slug, server = %id, actor = %actor.username, "server updated");
    let target = server_target(row.id, &row.name);
    audit::record_success(
        ports,
        actor,
        AuditAction::ServerUpdate,
        &target,
        url_change.audit.clone(),
    )
    .await;
    // The old secret part goes once the row no longer names it (a failure
    // to delete it is logged and left to the sweeper).
    let _ = url_change.secret.finish(ports).await;
    let replaced = credentials::commit(ports, actor, id, &change).await;
    // After the key is promoted too: a resolution that read the old key
    // in between must not be kept.
    ports.resolution_cache.forget_tenant(actor.tenant_id);
    if replaced? {
        // A replaced key marked the row rotated; answer with that.
        return get(ports, actor, id).await;
    }
    Ok(view(&row))
}
