//! Tenants and users as an operator creates and lists them (the admin CLI).

use crate::domain::session::EMAIL_MAX;
use crate::domain::validation::is_tenant_slug;
use crate::domain::{FieldError, Role};
use crate::server::auth::password;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::services::accounts::title_case;
use crate::server::store::{NewUserRecord, StoreError, TenantRecord, UserRecord};

pub const PASSWORD_MIN: usize = 12;
const USERNAME_MAX: usize = 64;

pub async fn create_tenant(
    ports: &Ports,
    slug: &str,
    name: Option<&str>,
) -> ServiceResult<TenantRecord> {
    let slug = slug.trim();
    if !is_tenant_slug(slug) {
        return Err(ServiceError::invalid(
            "slug",
            format!(
                "{slug:?} is not a tenant slug: use 1 to 63 lower-case letters, digits and \
                 dashes, not starting or ending with a dash."
            ),
        ));
    }
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| title_case(slug));
    ports
        .store
        .create_tenant(slug, &name)
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => {
                ServiceError::invalid("slug", format!("A tenant {slug:?} already exists."))
            }
            other => other.into(),
        })
}

/// Every tenant, by slug.
pub async fn list_tenants(ports: &Ports) -> ServiceResult<Vec<TenantRecord>> {
    Ok(ports.store.list_tenants().await?)
}

pub async fn tenant(ports: &Ports, slug: &str) -> ServiceResult<TenantRecord> {
    ports
        .store
        .tenant_by_slug(slug.trim())
        .await?
        .ok_or_else(|| ServiceError::invalid("tenant", format!("There is no tenant {slug:?}.")))
}

pub struct NewMember<'a> {
    pub tenant_slug: &'a str,
    pub username: &'a str,
    pub email: &'a str,
    pub role: Role,
    /// `None` generates one.
    pub password: Option<String>,
}

/// Creates a user with a role in one tenant. Returns the password when it
/// was generated, to be shown once.
pub async fn create_user(
    ports: &Ports,
    new: NewMember<'_>,
) -> ServiceResult<(UserRecord, Option<String>)> {
    let username = new.username.trim();
    let email = new.email.trim().to_lowercase();
    let mut errors = Vec::new();
    let username_ok = !username.is_empty()
        && username.chars().count() <= USERNAME_MAX
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+'));
    if !username_ok {
        errors.push(FieldError::new(
            "username",
            format!(
                "Username must be 1 to {USERNAME_MAX} letters, digits or . _ - @ + (it appears in URLs)."
            ),
        ));
    }
    let email_ok = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
    }) && !email.chars().any(char::is_whitespace);
    if email.chars().count() > EMAIL_MAX {
        // Said before the shape, and without echoing a possibly huge value.
        errors.push(FieldError::new(
            "email",
            format!("Email must be at most {EMAIL_MAX} characters."),
        ));
    } else if !email_ok {
        errors.push(FieldError::new(
            "email",
            format!("{email:?} is not an email address."),
        ));
    }
    if let Some(p) = &new.password
        && p.chars().count() < PASSWORD_MIN
    {
        errors.push(FieldError::new(
            "password",
            format!("Password must be at least {PASSWORD_MIN} characters."),
        ));
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let tenant = tenant(ports, new.tenant_slug).await?;
    let generated = new.password.is_none();
    let pass = new.password.unwrap_or_else(password::generate);
    let hash = tokio::task::spawn_blocking({
        let pass = pass.clone();
        move || password::hash(&pass)
    })
    .await
    .map_err(|e| StoreError::Corrupt(format!("hashing failed: {e}")))?
    .map_err(|e| StoreError::Corrupt(format!("hashing failed: {e}")))?;
    let new_user = NewUserRecord {
        username: username.to_owned(),
        email: email.clone(),
        password_hash: hash,
    };
    let user = ports
        .store
        .create_member(tenant.id, &new_user, new.role)
        .await
        .map_err(|e| match e {
            StoreError::Conflict { constraint } if constraint.contains("email") => {
                ServiceError::invalid(
                    "email",
                    format!("A user with email {email:?} already exists."),
                )
            }
            StoreError::Conflict { .. } => ServiceError::invalid(
                "username",
                format!("A user named {username:?} already exists."),
            ),
            other => other.into(),
        })?;
    Ok((user, generated.then_some(pass)))
}

/// A member of the tenant, by username.
pub async fn member(
    ports: &Ports,
    tenant: &TenantRecord,
    username: &str,
) -> ServiceResult<UserRecord> {
    let not_member = || {
        ServiceError::invalid(
            "user",
            format!("{username:?} is not a member of tenant {:?}.", tenant.slug),
        )
    };
    let user = ports
        .store
        .user_by_username(username.trim())
        .await?
        .ok_or_else(not_member)?;
    ports
        .store
        .membership(tenant.id, user.id)
        .await?
        .ok_or_else(not_member)?;
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::accounts;
    use crate::server::testing::{sqlite_url, test_config};

    fn member(email: &str) -> NewMember<'_> {
        NewMember {
            tenant_slug: "acme",
            username: "ann",
            email,
            role: Role::Admin,
            password: Some("a-long-enough-password".to_owned()),
        }
    }

    #[tokio::test]
    async fn emails_over_the_limit_are_refused_wherever_an_account_is_made() {
        let ports = Ports::open(&test_config(&sqlite_url()))
            .await
            .expect("ports");
        create_tenant(&ports, "acme", None).await.expect("tenant");
        let domain = "@acme.test";
        let too_long = format!("{}{domain}", "a".repeat(EMAIL_MAX + 1 - domain.len()));
        let err = create_user(&ports, member(&too_long))
            .await
            .expect_err("255 characters");
        assert!(
            matches!(&err, ServiceError::Invalid(e) if e.iter().any(|f| f.field == "email")),
            "{err:?}"
        );
        let err = accounts::bootstrap(&ports, "acme", Some(&too_long), None)
            .await
            .err()
            .expect("bootstrap refuses it");
        assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
        assert_eq!(ports.store.count_users().await.expect("count"), 0);

        let longest = format!("{}{domain}", "a".repeat(EMAIL_MAX - domain.len()));
        let (user, _) = create_user(&ports, member(&longest))
            .await
            .expect("254 characters");
        assert_eq!(user.email, longest);
    }
}
