//! Users' OAuth grants once made: what a user has connected, clearing a
//! grant (revoked at the authorization server when it offers RFC 7009),
//! and a fresh access token for a call, refreshed on the way when it is
//! within five minutes of expiry: once per grant however many replicas
//! ask at once (a lease in the database), the others waiting for it.

use chrono::Duration;
use secrecy::SecretString;

use std::collections::HashMap;

use crate::domain::{
    AuditAction, AuthStatus, AuthType, GrantStatus, GrantView, Integration, SecretRef, ServerId,
    ServerView, TenantId, UserId,
};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::oauth::discovery::AuthServerMetadata;
use crate::server::oauth::tokens::{self, ClientConfig};
use crate::server::oauth::{OAuthError, TokenSet};
use crate::server::ports::Ports;
use crate::server::services::audit;
use crate::server::store::{GrantRecord, OAuthClientRecord};
use crate::server::vault::{SecretKind, SecretOwner, VaultError};

/// A token this close to expiry is refreshed before it is used.
pub const REFRESH_MARGIN: Duration = Duration::minutes(5);
/// How long one replica may hold a grant's refresh before another may try.
const LEASE: Duration = Duration::seconds(30);
/// How long a caller waits for another replica's refresh.
const WAIT_FOR_REFRESH: std::time::Duration = std::time::Duration::from_secs(10);
const POLL: std::time::Duration = std::time::Duration::from_millis(100);

pub fn view(grant: &GrantRecord) -> GrantView {
    GrantView {
        // A revoked grant is as good as none, and is offered as none.
        id: (grant.status != GrantStatus::Revoked).then_some(grant.id),
        server_id: grant.server_id,
        status: AuthStatus::of(Some(grant.status)),
        expires_at: grant.expires_at,
        scopes: grant.scopes.split_whitespace().map(str::to_owned).collect(),
        reason: grant.status_reason.clone(),
        wanted_scopes: super::oauth_step_up::lacking(grant),
        connected_at: Some(grant.created_at),
    }
}

/// The caller's own grants.
pub async fn mine(ports: &Ports, actor: &Actor) -> ServiceResult<Vec<GrantRecord>> {
    Ok(ports
        .store
        .grants_of_user(actor.tenant_id, actor.user_id)
        .await?)
}

/// The tenant's enabled servers, each with the caller's grant when it is
/// an OAuth server the caller has connected: what a member can use, and
/// where they stand with it.
pub async fn standing(
    ports: &Ports,
    actor: &Actor,
) -> ServiceResult<Vec<(ServerView, Option<GrantRecord>)>> {
    let mut grants: HashMap<ServerId, GrantRecord> = mine(ports, actor)
        .await?
        .into_iter()
        .map(|g| (g.server_id, g))
        .collect();
    Ok(super::servers::list_all(ports, actor)
        .await?
        .into_iter()
        .filter(|s| s.enabled)
        .map(|s| {
            let grant = (s.auth_type == AuthType::Oauth2)
                .then(|| grants.remove(&s.id))
                .flatten();
            (s, grant)
        })
        .collect())
}

/// The Integrations page: the tenant's enabled OAuth servers (its agents'
/// own among them), by name, with the caller's standing at each and the
/// agents that call each.
pub async fn integrations(ports: &Ports, actor: &Actor) -> ServiceResult<Vec<Integration>> {
    let mut agents: HashMap<ServerId, Vec<String>> = HashMap::new();
    for (server, agent) in ports.store.server_agents(actor.tenant_id).await? {
        agents.entry(server).or_default().push(agent);
    }
    let mut list: Vec<Integration> = standing(ports, actor)
        .await?
        .into_iter()
        .filter(|(s, _)| s.auth_type == AuthType::Oauth2)
        .map(|(s, grant)| Integration {
            server_id: s.id,
            grant: grant
                .as_ref()
                .map(view)
                .unwrap_or_else(|| GrantView::not_connected(s.id)),
            agents: agents.remove(&s.id).unwrap_or_default(),
            name: s.name,
            description: s.description,
        })
        .collect();
    list.sort_by_cached_key(|i| i.name.to_lowercase());
    Ok(list)
}

/// The caller's grant for one of the tenant's servers (404 for a server
/// that is not the tenant's).
pub async fn mine_for(
    ports: &Ports,
    actor: &Actor,
    server: ServerId,
) -> ServiceResult<Option<GrantRecord>> {
    super::servers::row(ports, actor, server).await?;
    Ok(ports
        .store
        .grant(actor.tenant_id, actor.user_id, server)
        .await?)
}

/// Clears the caller's grant for `server`: `false` when there was none.
/// The tokens are revoked at the authorization server when it offers
/// revocation (best effort: the grant is cleared here either way).
pub async fn disconnect(ports: &Ports, actor: &Actor, server: ServerId) -> ServiceResult<bool> {
    let row = super::servers::row(ports, actor, server).await?;
    let Some(grant) = ports
        .store
        .delete_grant(actor.tenant_id, actor.user_id, server)
        .await?
    else {
        return Ok(false);
    };
    let revoked = revoke(ports, &grant).await;
    super::secrets::discard(ports, grant.secret_ref.as_str()).await;
    let detail = match revoked {
        Ok(true) => "revoked at the authorization server".to_owned(),
        Ok(false) => "the authorization server offers no revocation".to_owned(),
        Err(e) => format!("revocation failed: {e}"),
    };
    let target = audit::server_target(row.id, &row.name);
    audit::record_success(
        ports,
        actor,
        AuditAction::OAuthDisconnect,
        &target,
        Some(detail),
    )
    .await;
    Ok(true)
}

async fn revoke(ports: &Ports, grant: &GrantRecord) -> Result<bool, String> {
    let (client, metadata, secret) = client_of(ports, grant).await.map_err(|e| e.to_string())?;
    let tokens = ports
        .vault
        .get(&grant.secret_ref)
        .await
        .ok()
        .and_then(|s| TokenSet::from_secret(&s))
        .ok_or("the token set could not be read")?;
    tokens::revoke(
        &ports.outbound,
        &ClientConfig {
            metadata: &metadata,
            client_id: &client.client_id,
            client_secret: secret.as_ref(),
            redirect_uri: &client.redirect_uri,
        },
        &tokens,
    )
    .await
    .map_err(|e| e.to_string())
}

async fn client_of(
    ports: &Ports,
    grant: &GrantRecord,
) -> ServiceResult<(OAuthClientRecord, AuthServerMetadata, Option<SecretString>)> {
    let client = ports
        .store
        .oauth_client(grant.tenant_id, grant.client_row_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let metadata: AuthServerMetadata = serde_json::from_str(&client.metadata)
        .map_err(|e| OAuthError::Discovery(format!("the stored metadata: {e}")))?;
    let secret = match &client.client_secret_ref {
        Some(r) => Some(ports.vault.get(r).await?),
        None => None,
    };
    Ok((client, metadata, secret))
}

/// Whether a token set should be renewed before use: within
/// [`REFRESH_MARGIN`] of expiry, or, for a token that lives less than
/// twice that, within half its life (else every use of a short-lived
/// token would renew it, and every caller racing a renewal would renew
/// again).
pub fn due(tokens: &TokenSet, now: chrono::DateTime<chrono::Utc>) -> bool {
    let Some(expires_at) = tokens.expires_at else {
        return false;
    };
    let life = expires_at - tokens.obtained_at;
    let margin = REFRESH_MARGIN.min(life / 2);
    expires_at - margin <= now
}

/// What a call to an OAuth server may carry for a user.
#[derive(Debug)]
pub enum Fresh {
    Token(SecretString),
    /// No usable grant: the user must connect (again). Says why.
    NeedsConnection(String),
}

/// The user's access token for `server`, refreshed first if it is due.
pub async fn access_token(
    ports: &Ports,
    tenant: TenantId,
    user: UserId,
    server: ServerId,
) -> ServiceResult<Fresh> {
    let deadline = tokio::time::Instant::now() + WAIT_FOR_REFRESH;
    // The token set this caller saw while another refreshed: once the grant
    // names a newer one, that is the one to use (even if it, too, is due:
    // a token that lives less than the margin would otherwise be renewed
    // once per waiting caller).
    let mut waited_on: Option<SecretRef> = None;
    loop {
        let Some(grant) = ports.store.grant(tenant, user, server).await? else {
            return Ok(Fresh::NeedsConnection(
                "the user has not connected an account".into(),
            ));
        };
        if grant.status != GrantStatus::Active {
            return Ok(Fresh::NeedsConnection(
                grant
                    .status_reason
                    .clone()
                    .unwrap_or_else(|| format!("the connection is {}", grant.status.as_str())),
            ));
        }
        let secret = match ports.vault.get(&grant.secret_ref).await {
            Ok(secret) => secret,
            // Renewed between our read of the grant and of its secret (the
            // old set is deleted once the grant names the new one): read
            // the grant again.
            Err(VaultError::NotFound(_)) if tokio::time::Instant::now() < deadline => {
                waited_on.get_or_insert_with(|| grant.secret_ref.clone());
                tokio::time::sleep(POLL).await;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let tokens = TokenSet::from_secret(&secret).ok_or_else(|| {
            ServiceError::OAuth(OAuthError::RefreshFailed(
                "the stored token set could not be read".into(),
            ))
        })?;
        let now = ports.clock.now();
        let expired = tokens.expires_at.is_some_and(|at| at <= now);
        let renewed_meanwhile = waited_on.as_ref().is_some_and(|r| *r != grant.secret_ref);
        if !due(&tokens, now) || (renewed_meanwhile && !expired) {
            return Ok(Fresh::Token(SecretString::from(tokens.access_token)));
        }
        if tokens.refresh_token.is_none() {
            if !expired {
                return Ok(Fresh::Token(SecretString::from(tokens.access_token)));
            }
            let reason = "the access token expired and the server issued no refresh token; \
                          reconnect required";
            ports
                .store
                .mark_grant(grant.id, GrantStatus::Expired, Some(reason), now)
                .await?;
            return Ok(Fresh::NeedsConnection(reason.into()));
        }
        if ports
            .store
            .take_refresh_lease(grant.id, &grant.secret_ref, now, now + LEASE)
            .await?
        {
            return refresh(ports, &grant, &tokens, expired).await;
        }
        // Another caller (perhaps another replica) is refreshing: wait for
        // the grant to name its new token set, then read that.
        if tokio::time::Instant::now() >= deadline {
            return Err(ServiceError::OAuth(OAuthError::RefreshFailed(
                "another refresh of this grant is taking too long".into(),
            )));
        }
        waited_on.get_or_insert_with(|| grant.secret_ref.clone());
        tokio::time::sleep(POLL).await;
    }
}

/// This caller holds the lease: refresh, store, and hand the token back.
async fn refresh(
    ports: &Ports,
    grant: &GrantRecord,
    tokens: &TokenSet,
    expired: bool,
) -> ServiceResult<Fresh> {
    let release = |status, reason: Option<String>| async move {
        let now = ports.clock.now();
        if let Err(e) = ports
            .store
            .mark_grant(grant.id, status, reason.as_deref(), now)
            .await
        {
            tracing::error!(error = %e, "could not release a refresh lease");
        }
    };
    let (client, metadata, secret) = match client_of(ports, grant).await {
        Ok(found) => found,
        Err(e) => {
            release(GrantStatus::Active, None).await;
            return Err(e);
        }
    };
    let refreshed = tokens::refresh(
        &ports.outbound,
        &ClientConfig {
            metadata: &metadata,
            client_id: &client.client_id,
            client_secret: secret.as_ref(),
            redirect_uri: &client.redirect_uri,
        },
        tokens,
        &grant.resource,
        ports.clock.now(),
    )
    .await;
    let new = match refreshed {
        Ok(new) => new,
        Err(OAuthError::RefreshRefused(why)) => {
            let reason = format!("reconnect required: {why}");
            tracing::info!(grant = %grant.id, "oauth refresh refused; grant expired");
            release(GrantStatus::Expired, Some(reason.clone())).await;
            return Ok(Fresh::NeedsConnection(reason));
        }
        Err(e) => {
            release(GrantStatus::Active, None).await;
            // A token that still works is better than none.
            if !expired {
                return Ok(Fresh::Token(SecretString::from(
                    tokens.access_token.clone(),
                )));
            }
            return Err(e.into());
        }
    };
    let slug = match ports.store.tenant_by_id(grant.tenant_id).await {
        Ok(tenant) => tenant.map(|t| t.slug).unwrap_or_default(),
        Err(e) => {
            release(GrantStatus::Active, None).await;
            return Err(e.into());
        }
    };
    let new_ref = ports
        .vault
        .put(
            &SecretOwner {
                tenant_id: grant.tenant_id,
                tenant_slug: &slug,
                kind: SecretKind::OAuthTokens,
                owner: &format!("user/{}/mcp-server/{}", grant.user_id, grant.server_id),
            },
            &new.to_secret(),
        )
        .await;
    let new_ref = match new_ref {
        Ok(r) => r,
        Err(e) => {
            release(GrantStatus::Active, None).await;
            return Err(e.into());
        }
    };
    let now = ports.clock.now();
    let swapped = ports
        .store
        .finish_refresh(grant.id, &grant.secret_ref, &new_ref, new.expires_at, now)
        .await;
    let stale = match swapped {
        Ok(true) => &grant.secret_ref,
        // The grant changed under us (reconnected, cleared): ours is unused.
        Ok(false) => &new_ref,
        Err(e) => {
            super::secrets::discard(ports, new_ref.as_str()).await;
            release(GrantStatus::Active, None).await;
            return Err(e.into());
        }
    };
    super::secrets::discard(ports, stale.as_str()).await;
    tracing::info!(grant = %grant.id, "oauth token refreshed");
    Ok(Fresh::Token(SecretString::from(new.access_token)))
}
