//! API tokens: create (shown once), list, revoke, and who a presented token is.
//!
//! A token is `sbt_` and 48 hex digits (192 random bits). Only its SHA-256 is
//! stored: with that much entropy a slow hash buys nothing, and the lookup
//! must be one indexed read per request.

use chrono::Duration;
use rand::RngCore;

use crate::domain::{
    ApiTokenView, AuditAction, CreatedToken, NewApiToken, Role, TenantId, TokenId, TokenKind,
    UserId,
};
use crate::server::auth::session::token_hash;
use crate::server::auth::{Actor, Runtime, rate_limit};
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::services::accounts::actor_of;
use crate::server::services::audit;
use crate::server::store::{NewTokenRecord, StoreError, TokenRecord};

pub const TOKEN_PREFIX: &str = "sbt_";
const SECRET_HEX_LEN: usize = 48;
/// Characters of the token kept in the clear, to tell tokens apart.
const SHOWN_PREFIX_LEN: usize = TOKEN_PREFIX.len() + 8;
/// `last_used_at` is written at most this often per token.
const TOUCH_EVERY: Duration = Duration::seconds(60);
const DUPLICATE_NAME: &str = "You already have a token with this name.";

fn generate() -> String {
    let mut bytes = [0u8; SECRET_HEX_LEN / 2];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// Whether the text could be one of our tokens at all; anything else is
/// refused without a database read.
fn well_formed(token: &str) -> bool {
    token.strip_prefix(TOKEN_PREFIX).is_some_and(|hex| {
        hex.len() == SECRET_HEX_LEN && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// `now` decides `expired`.
pub fn view(r: &TokenRecord, now: chrono::DateTime<chrono::Utc>) -> ApiTokenView {
    ApiTokenView {
        id: r.id,
        name: r.name.clone(),
        prefix: r.prefix.clone(),
        kind: r.kind,
        created_at: r.created_at,
        last_used_at: r.last_used_at,
        expires_at: r.expires_at,
        expired: r.expires_at.is_some_and(|at| at <= now),
    }
}

/// Creates a token for a user in a tenant. Shared by the Settings page and
/// the `tokens create` command; callers check who may do it (see
/// [`may_hold`]).
pub async fn issue(
    ports: &Ports,
    tenant_id: TenantId,
    user_id: UserId,
    mut new: NewApiToken,
) -> ServiceResult<CreatedToken> {
    new.validate()?;
    let secret = generate();
    let now = ports.clock.now();
    // Bounded by `validate`, so the conversion cannot fail.
    let expires_at = new
        .expires_in_secs
        .and_then(|secs| i64::try_from(secs).ok())
        .map(|secs| now + Duration::seconds(secs));
    let record = ports
        .store
        .create_token(&NewTokenRecord {
            tenant_id,
            user_id,
            name: new.name,
            prefix: secret[..SHOWN_PREFIX_LEN].to_owned(),
            token_hash: token_hash(&secret),
            kind: new.kind,
            created_at: now,
            expires_at,
        })
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::invalid(NewApiToken::NAME, DUPLICATE_NAME),
            other => other.into(),
        })?;
    Ok(CreatedToken {
        token: view(&record, now),
        secret,
    })
}

/// Any member may hold user tokens; only admins make runtime tokens, since
/// those read credentials out of the vault.
pub fn may_hold(role: Role, kind: TokenKind) -> bool {
    kind == TokenKind::User || role == Role::Admin
}

/// A token acts with its owner's current role.
pub async fn create(ports: &Ports, actor: &Actor, new: NewApiToken) -> ServiceResult<CreatedToken> {
    if !may_hold(actor.role, new.kind) {
        return Err(ServiceError::Forbidden);
    }
    let created = issue(ports, actor.tenant_id, actor.user_id, new).await?;
    let target = format!("{} ({})", created.token.name, created.token.prefix);
    audit::record(ports, actor, AuditAction::TokenCreate, &target, Ok(())).await;
    tracing::info!(tenant = %actor.tenant_slug, user = %actor.username, token = %created.token.id, "api token created");
    Ok(created)
}

pub async fn list(ports: &Ports, actor: &Actor) -> ServiceResult<Vec<ApiTokenView>> {
    let rows = ports
        .store
        .list_tokens(actor.tenant_id, actor.user_id)
        .await?;
    let now = ports.clock.now();
    Ok(rows.iter().map(|r| view(r, now)).collect())
}

/// Revokes one of the caller's own tokens; anyone else's answers 404.
pub async fn revoke(ports: &Ports, actor: &Actor, id: TokenId) -> ServiceResult<()> {
    let row = ports
        .store
        .revoke_token(actor.tenant_id, actor.user_id, id, ports.clock.now())
        .await?
        .ok_or(ServiceError::NotFound)?;
    ports.resolution_cache.forget_token(id);
    let target = format!("{} ({})", row.name, row.prefix);
    audit::record(ports, actor, AuditAction::TokenRevoke, &target, Ok(())).await;
    tracing::info!(tenant = %actor.tenant_slug, user = %actor.username, token = %id, "api token revoked");
    Ok(())
}

/// The actor a presented token stands for. Malformed, unknown and revoked
/// tokens all answer `Unauthorized` and count against the client address;
/// past `limit` failures in the window, failing attempts answer
/// `RateLimited`. A valid token is never refused for its neighbours'
/// failures: behind a proxy many clients share one address, and guessing a
/// 192-bit token is hopeless anyway, so the limit only caps the cost of
/// failed attempts (and slows anyone probing with stolen prefixes).
pub async fn actor_for_token(
    ports: &Ports,
    token: &str,
    client_ip: &str,
    limit: i64,
) -> ServiceResult<Actor> {
    let (record, actor) = live_token(ports, token, client_ip, limit).await?;
    match record.kind {
        TokenKind::User => Ok(actor),
        // Valid, but not for this: a runtime token only resolves.
        TokenKind::Runtime => Err(ServiceError::Forbidden),
    }
}

/// The agent runtime a presented runtime token stands for; a user's token
/// is refused with `Forbidden`, and so is a runtime token whose maker is no
/// longer an admin of the tenant (it acts with its maker's current role).
pub async fn runtime_for_token(
    ports: &Ports,
    token: &str,
    client_ip: &str,
    limit: i64,
) -> ServiceResult<Runtime> {
    // Runtimes call on every tool call: a token seen in the last few
    // seconds is not read again (see `resolution_cache`).
    let hash = well_formed(token).then(|| token_hash(token));
    if let Some(hash) = &hash
        && let Some(runtime) = ports.resolution_cache.runtime(hash)
    {
        return Ok(runtime.as_ref().clone());
    }
    let (record, actor) = live_token(ports, token, client_ip, limit).await?;
    if record.kind != TokenKind::Runtime || actor.role != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    let runtime = Runtime {
        tenant_id: actor.tenant_id,
        tenant_slug: actor.tenant_slug,
        token_id: record.id,
        maker: actor.user_id,
        label: format!("runtime token {} ({})", record.name, record.prefix),
    };
    if let Some(hash) = &hash {
        ports
            .resolution_cache
            .keep_runtime(hash, std::sync::Arc::new(runtime.clone()));
    }
    Ok(runtime)
}

/// A live token and its owner's actor, whatever its kind; failures are
/// counted as [`actor_for_token`] describes.
async fn live_token(
    ports: &Ports,
    token: &str,
    client_ip: &str,
    limit: i64,
) -> ServiceResult<(TokenRecord, Actor)> {
    let store = ports.store.as_ref();
    let record = if well_formed(token) {
        store.token_by_hash(&token_hash(token)).await?
    } else {
        None
    };
    let now = ports.clock.now();
    let live = record.filter(|r| r.revoked_at.is_none() && r.expires_at.is_none_or(|at| at > now));
    let actor = match live {
        Some(r) => match actor_of(ports, r.tenant_id, r.user_id).await {
            Ok(actor) => Some((actor, r)),
            // The owner left the tenant: the token is dead, count it like one.
            Err(ServiceError::Unauthorized) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let Some((actor, record)) = actor else {
        let keys = [(rate_limit::token_ip_key(client_ip), limit)];
        if let Err(wait) = rate_limit::attempt(store, &keys, ports.clock.now()).await? {
            tracing::warn!(client_ip, "api token attempts rate limited");
            return Err(ServiceError::RateLimited(wait));
        }
        tracing::info!(client_ip, "api token refused");
        return Err(ServiceError::Unauthorized);
    };
    // The row in hand says whether a write is due; most requests need none
    // (the store's own guard settles races between replicas).
    if record.last_used_at.is_none_or(|at| now - at >= TOUCH_EVERY)
        && let Err(e) = store.touch_token(record.id, now, TOUCH_EVERY).await
    {
        // Bookkeeping only; the request itself is fine.
        tracing::warn!(error = %e, token = %record.id, "could not record token use");
    }
    Ok((record, actor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_well_formed_and_distinct() {
        let a = generate();
        let b = generate();
        assert!(well_formed(&a), "{a}");
        assert_ne!(a, b);
        assert_eq!(a.len(), TOKEN_PREFIX.len() + SECRET_HEX_LEN);
    }

    #[test]
    fn malformed_tokens_are_recognised() {
        for bad in [
            "",
            "sbt_",
            "Bearer sbt_00",
            "sbt_zz3456789012345678901234567890123456789012345678",
            &format!("sbx_{}", "0".repeat(SECRET_HEX_LEN)),
            &format!("sbt_{}", "0".repeat(SECRET_HEX_LEN + 1)),
        ] {
            assert!(!well_formed(bad), "{bad:?}");
        }
    }
}
