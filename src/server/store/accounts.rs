//! Local accounts and their memberships (a role in a tenant), and the one
//! query that says who a session or token stands for.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::db::{Db, on_pool};
use super::tenants::TenantRecord;
use super::{StoreError, StoreResult};
use crate::domain::{Role, TenantId, UserId};
use crate::server::auth::Actor;

#[derive(Debug, Clone)]
pub struct NewUserRecord {
    pub username: String,
    pub email: String,
    pub password_hash: String,
}

#[derive(Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: UserId,
    pub username: String,
    pub email: String,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

// The hash is not a secret in the vault sense, but it has no business in logs.
impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_user(&self, new: &NewUserRecord) -> StoreResult<UserRecord>;
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>>;
    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<UserRecord>>;
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>>;
    async fn count_users(&self) -> StoreResult<i64>;
    async fn add_membership(&self, tenant: TenantId, user: UserId, role: Role) -> StoreResult<()>;
    async fn membership(&self, tenant: TenantId, user: UserId) -> StoreResult<Option<Role>>;
    /// The tenants a user belongs to, oldest membership first.
    async fn memberships_of(&self, user: UserId) -> StoreResult<Vec<(TenantRecord, Role)>>;
    /// A new user and their membership, in one transaction: never a user
    /// that belongs to no tenant.
    async fn create_member(
        &self,
        tenant: TenantId,
        new: &NewUserRecord,
        role: Role,
    ) -> StoreResult<UserRecord>;
    /// The user as a member of the tenant, with the role as it is now;
    /// `None` if the user, the tenant or the membership is gone.
    async fn actor(&self, tenant: TenantId, user: UserId) -> StoreResult<Option<Actor>>;
}

/// The user row's columns (a macro so `concat!` can build static queries).
macro_rules! user_columns {
    () => {
        "id, username, email, password_hash, created_at"
    };
}

/// Binds: username, email (lower-cased by the caller), hash, created_at.
const INSERT_USER: &str = concat!(
    "INSERT INTO users (username, email, password_hash, created_at) \
     VALUES ($1, $2, $3, $4) RETURNING ",
    user_columns!()
);

/// Binds: user, tenant, role, created_at.
const INSERT_MEMBERSHIP: &str =
    "INSERT INTO memberships (user_id, tenant_id, role, created_at) VALUES ($1, $2, $3, $4)";

fn role(text: &str) -> StoreResult<Role> {
    Role::parse(text).ok_or_else(|| StoreError::Corrupt(format!("role {text:?}")))
}

#[async_trait]
impl AccountStore for Db {
    async fn create_user(&self, new: &NewUserRecord) -> StoreResult<UserRecord> {
        Ok(on_pool!(self, pool => sqlx::query_as(INSERT_USER)
            .bind(&new.username)
            .bind(new.email.to_lowercase())
            .bind(&new.password_hash)
            .bind(Utc::now())
            .fetch_one(pool)
            .await)?)
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE email = $1"
        ))
        .bind(email.to_lowercase())
        .fetch_optional(pool)
        .await)?)
    }

    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<UserRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(pool)
        .await)?)
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(pool)
        .await)?)
    }

    async fn count_users(&self) -> StoreResult<i64> {
        Ok(
            on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(pool)
            .await)?,
        )
    }

    async fn add_membership(&self, tenant: TenantId, user: UserId, role: Role) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(INSERT_MEMBERSHIP)
            .bind(user)
            .bind(tenant)
            .bind(role.as_str())
            .bind(Utc::now())
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }

    async fn membership(&self, tenant: TenantId, user: UserId) -> StoreResult<Option<Role>> {
        let found: Option<String> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT role FROM memberships WHERE user_id = $1 AND tenant_id = $2",
        )
        .bind(user)
        .bind(tenant)
        .fetch_optional(pool)
        .await)?;
        found.as_deref().map(role).transpose()
    }

    async fn memberships_of(&self, user: UserId) -> StoreResult<Vec<(TenantRecord, Role)>> {
        let rows: Vec<(TenantId, String, String, DateTime<Utc>, String)> = on_pool!(self, pool => sqlx::query_as(
                "SELECT t.id, t.slug, t.name, t.created_at, m.role \
                 FROM memberships m JOIN tenants t ON t.id = m.tenant_id \
                 WHERE m.user_id = $1 ORDER BY m.created_at, t.id",
            )
            .bind(user)
            .fetch_all(pool)
            .await)?;
        rows.into_iter()
            .map(|(id, slug, name, created_at, r)| {
                let tenant = TenantRecord {
                    id,
                    slug,
                    name,
                    created_at,
                };
                Ok((tenant, role(&r)?))
            })
            .collect()
    }

    async fn create_member(
        &self,
        tenant: TenantId,
        new: &NewUserRecord,
        role: Role,
    ) -> StoreResult<UserRecord> {
        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let user: UserRecord = sqlx::query_as(INSERT_USER)
                .bind(&new.username)
                .bind(new.email.to_lowercase())
                .bind(&new.password_hash)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(INSERT_MEMBERSHIP)
                .bind(user.id)
                .bind(tenant)
                .bind(role.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(user)
        })
    }

    async fn actor(&self, tenant: TenantId, user: UserId) -> StoreResult<Option<Actor>> {
        type Row = (UserId, String, String, TenantId, String, String, String);
        let row: Option<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT u.id, u.username, u.email, t.id, t.slug, t.name, m.role \
             FROM memberships m \
             JOIN users u ON u.id = m.user_id \
             JOIN tenants t ON t.id = m.tenant_id \
             WHERE m.tenant_id = $1 AND m.user_id = $2",
        )
        .bind(tenant)
        .bind(user)
        .fetch_optional(pool)
        .await)?;
        row.map(
            |(user_id, username, email, tenant_id, tenant_slug, tenant_name, r)| {
                Ok(Actor {
                    user_id,
                    username,
                    email,
                    tenant_id,
                    tenant_slug,
                    tenant_name,
                    role: role(&r)?,
                })
            },
        )
        .transpose()
    }
}
