//! Sign-in, sign-out, session lookup, and first-start bootstrap.

use crate::domain::session::EMAIL_MAX;
use crate::domain::{FieldError, Role, SessionInfo, TenantId, UserId};
use crate::server::auth::session::{
    SESSION_IDLE, SESSION_TOUCH_EVERY, expires_at, new_token, token_hash,
};
use crate::server::auth::{Actor, password, rate_limit};
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::store::{NewUserRecord, SessionRecord, StoreError};

/// The generic answer to any failed sign-in: it must not reveal which part was wrong.
pub const BAD_CREDENTIALS: &str = "Incorrect email or password.";

pub struct SignedIn {
    /// The cookie value; only its hash is stored.
    pub token: String,
    pub actor: Actor,
}

/// Checks the password and opens a session in the user's first tenant.
pub async fn sign_in(
    ports: &Ports,
    email: &str,
    password_attempt: &str,
    client_ip: &str,
) -> ServiceResult<SignedIn> {
    let result = check_and_open(ports, email, password_attempt, client_ip).await;
    crate::server::metrics::sign_in(match &result {
        Ok(_) => "ok",
        Err(ServiceError::Invalid(_)) => "bad_credentials",
        Err(ServiceError::RateLimited(_)) => "rate_limited",
        Err(ServiceError::Busy(_)) => "busy",
        Err(_) => "error",
    });
    result
}

async fn check_and_open(
    ports: &Ports,
    email: &str,
    password_attempt: &str,
    client_ip: &str,
) -> ServiceResult<SignedIn> {
    let email = email.trim();
    if email.is_empty() || password_attempt.is_empty() {
        let mut errors = Vec::new();
        if email.is_empty() {
            errors.push(FieldError::new("email", "Email is required."));
        }
        if password_attempt.is_empty() {
            errors.push(FieldError::new("password", "Password is required."));
        }
        return Err(ServiceError::Invalid(errors));
    }
    if email.chars().count() > EMAIL_MAX {
        // No account has such an address (creation refuses it), so this is a
        // wrong email and gets the same answer; but it is refused here, before
        // an attacker-sized string becomes a rate-limit row or a lookup.
        return Err(ServiceError::invalid("password", BAD_CREDENTIALS));
    }
    let store = ports.store.as_ref();
    let keys = [
        (
            rate_limit::email_client_key(email, client_ip),
            rate_limit::PER_EMAIL_CLIENT,
        ),
        (rate_limit::ip_key(client_ip), rate_limit::PER_IP),
    ];
    let recorded = match rate_limit::attempt(store, &keys, ports.clock.now()).await? {
        Ok(recorded) => recorded,
        Err(wait) => {
            tracing::warn!(client_ip, "sign-in rate limited");
            return Err(ServiceError::RateLimited(wait));
        }
    };
    // Many clients failing on one address slow it down for everyone, the
    // owner included, but never lock it.
    let hold = rate_limit::slowdown(store, email, ports.clock.now()).await?;
    if !hold.is_zero() {
        tracing::warn!(client_ip, delay = ?hold, "sign-in slowed: many failures on this address");
        tokio::time::sleep(hold).await;
    }
    let user = store.user_by_email(email).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let attempt = password_attempt.to_owned();
    let ok = match password::verify_limited(&ports.password_checks, attempt, hash).await {
        Ok(ok) => ok,
        Err(password::Busy) => {
            // Not checked, so not a failure either.
            recorded.forget(store).await?;
            tracing::warn!(
                client_ip,
                "sign-in refused: every core is checking a password"
            );
            return Err(ServiceError::Busy(1));
        }
    };
    let email_key = rate_limit::email_key(email);
    let Some(user) = user.filter(|_| ok) else {
        rate_limit::record(store, &email_key, ports.clock.now()).await?;
        return Err(ServiceError::invalid("password", BAD_CREDENTIALS));
    };
    let Some((tenant, role)) = store.memberships_of(user.id).await?.into_iter().next() else {
        // A user with no tenant cannot do anything here; same answer as a bad password.
        rate_limit::record(store, &email_key, ports.clock.now()).await?;
        return Err(ServiceError::invalid("password", BAD_CREDENTIALS));
    };
    // It was not a failure after all; and the pair's earlier failures no
    // longer stand between the owner and their account.
    recorded.forget(store).await?;
    store.clear_auth_failures(&keys[0].0).await?;
    let token = new_token();
    let now = ports.clock.now();
    store
        .create_session(&SessionRecord {
            token_hash: token_hash(&token),
            user_id: user.id,
            tenant_id: tenant.id,
            created_at: now,
            expires_at: expires_at(now),
            last_seen_at: Some(now),
        })
        .await?;
    tracing::info!(user = %user.username, tenant = %tenant.slug, "signed in");
    Ok(SignedIn {
        token,
        actor: Actor {
            user_id: user.id,
            username: user.username,
            email: user.email,
            tenant_id: tenant.id,
            tenant_slug: tenant.slug,
            tenant_name: tenant.name,
            role,
        },
    })
}

pub async fn sign_out(ports: &Ports, token: &str) -> ServiceResult<()> {
    ports.store.delete_session(&token_hash(token)).await?;
    Ok(())
}

/// Ends every session of the caller, in every browser and tenant, this one
/// included; answers how many there were.
pub async fn sign_out_everywhere(ports: &Ports, actor: &Actor) -> ServiceResult<u64> {
    let ended = ports.store.delete_sessions_of_user(actor.user_id).await?;
    tracing::info!(user = %actor.username, tenant = %actor.tenant_slug, sessions = ended, "signed out everywhere");
    Ok(ended)
}

/// The actor behind a session cookie; `Unauthorized` when absent or expired.
pub async fn actor_for_session(ports: &Ports, token: &str) -> ServiceResult<Actor> {
    let session = ports
        .store
        .session(&token_hash(token))
        .await?
        .ok_or(ServiceError::Unauthorized)?;
    let now = ports.clock.now();
    if session.expires_at <= now || now - session.last_seen() >= SESSION_IDLE {
        ports.store.delete_session(&session.token_hash).await?;
        return Err(ServiceError::Unauthorized);
    }
    if now - session.last_seen() >= SESSION_TOUCH_EVERY {
        ports
            .store
            .touch_session(&session.token_hash, now, now - SESSION_TOUCH_EVERY)
            .await?;
    }
    actor_of(ports, session.tenant_id, session.user_id).await
}

/// The actor for a user in a tenant, with the role read now so a demotion or
/// removal takes effect on the next request; `Unauthorized` if either is gone.
/// One query, as it runs on every request.
pub(super) async fn actor_of(
    ports: &Ports,
    tenant: TenantId,
    user: UserId,
) -> ServiceResult<Actor> {
    ports
        .store
        .actor(tenant, user)
        .await?
        .ok_or(ServiceError::Unauthorized)
}

impl Actor {
    pub fn session_info(&self) -> SessionInfo {
        SessionInfo {
            username: self.username.clone(),
            email: self.email.clone(),
            tenant_slug: self.tenant_slug.clone(),
            tenant_name: self.tenant_name.clone(),
            role: self.role,
        }
    }
}

/// What first start created, for the start-up banner.
pub struct Bootstrap {
    pub tenant_slug: String,
    pub admin_email: Option<String>,
    /// Set only when we generated the password: printed once, never stored.
    pub generated_password: Option<String>,
}

/// Creates the default tenant if missing, and its first admin if no user exists.
pub async fn bootstrap(
    ports: &Ports,
    tenant_slug: &str,
    admin_email: Option<&str>,
    admin_password: Option<&str>,
) -> ServiceResult<Bootstrap> {
    // Checked before anything is created, so a bad setting leaves no tenant behind.
    if admin_email.is_some_and(|e| e.trim().chars().count() > EMAIL_MAX) {
        return Err(ServiceError::invalid(
            "admin_email",
            format!("The admin email must be at most {EMAIL_MAX} characters."),
        ));
    }
    let store = ports.store.as_ref();
    let tenant = match store.tenant_by_slug(tenant_slug).await? {
        Some(t) => t,
        None => match store
            .create_tenant(tenant_slug, &title_case(tenant_slug))
            .await
        {
            Ok(t) => t,
            // Another replica created it first.
            Err(StoreError::Conflict { .. }) => store
                .tenant_by_slug(tenant_slug)
                .await?
                .ok_or(ServiceError::NotFound)?,
            Err(e) => return Err(e.into()),
        },
    };
    let mut result = Bootstrap {
        tenant_slug: tenant.slug.clone(),
        admin_email: None,
        generated_password: None,
    };
    if store.count_users().await? > 0 {
        return Ok(result);
    }
    let email = admin_email
        .unwrap_or("admin@example.com")
        .trim()
        .to_lowercase();
    let (pass, generated) = match admin_password {
        Some(p) if !p.is_empty() => (p.to_owned(), false),
        _ => (password::generate(), true),
    };
    let hash = password::hash(&pass)
        .map_err(|e| ServiceError::Store(StoreError::Corrupt(format!("hashing failed: {e}"))))?;
    let username = email.split('@').next().unwrap_or("admin").to_owned();
    let user = match store
        .create_user(&NewUserRecord {
            username,
            email: email.clone(),
            password_hash: hash,
        })
        .await
    {
        Ok(u) => u,
        Err(StoreError::Conflict { .. }) => return Ok(result),
        Err(e) => return Err(e.into()),
    };
    store
        .add_membership(tenant.id, user.id, Role::Admin)
        .await?;
    result.admin_email = Some(email);
    result.generated_password = generated.then_some(pass);
    Ok(result)
}

pub(crate) fn title_case(slug: &str) -> String {
    slug.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}
