//! API tokens (stored as SHA-256 hashes) and the directory lookups the admin
//! CLI needs: every tenant, a user by username.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{NewUserRecord, StoreResult, TenantRecord, UserRecord};
use crate::domain::Role;

#[derive(Debug, Clone)]
pub struct NewTokenRecord {
    pub tenant_id: i64,
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenRecord {
    pub id: i64,
    pub tenant_id: i64,
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait TokenStore: Send + Sync {
    async fn create_token(&self, new: &NewTokenRecord) -> StoreResult<TokenRecord>;
    /// Revoked tokens are returned too, so the caller can tell why it failed.
    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenRecord>>;
    /// A user's live tokens in one tenant, newest first.
    async fn list_tokens(&self, tenant_id: i64, user_id: i64) -> StoreResult<Vec<TokenRecord>>;
    /// Revokes one of the user's live tokens; `None` when there is no such token.
    async fn revoke_token(
        &self,
        tenant_id: i64,
        user_id: i64,
        id: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<TokenRecord>>;
    /// Records a use, at most once per `every`: a busy script should not turn
    /// every read into a write.
    async fn touch_token(
        &self,
        id: i64,
        at: DateTime<Utc>,
        every: chrono::Duration,
    ) -> StoreResult<()>;

    async fn list_tenants(&self) -> StoreResult<Vec<TenantRecord>>;
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>>;
    /// A new user and their membership, in one transaction: never a user
    /// that belongs to no tenant.
    async fn create_member(
        &self,
        new: &NewUserRecord,
        tenant_id: i64,
        role: Role,
    ) -> StoreResult<UserRecord>;
}

macro_rules! token_columns {
    () => {
        "id, tenant_id, user_id, name, prefix, created_at, last_used_at, revoked_at"
    };
}
pub(super) use token_columns;

macro_rules! impl_token_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::server::store::TokenStore for $store {
            async fn create_token(&self, t: &NewTokenRecord) -> StoreResult<TokenRecord> {
                sqlx::query_as(concat!(
                    "INSERT INTO api_tokens \
                       (tenant_id, user_id, name, prefix, token_hash, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ",
                    token_columns!()
                ))
                .bind(t.tenant_id)
                .bind(t.user_id)
                .bind(&t.name)
                .bind(&t.prefix)
                .bind(&t.token_hash)
                .bind(t.created_at)
                .fetch_one(&self.pool)
                .await
                .map_err(map_err)
            }

            async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenRecord>> {
                sqlx::query_as(concat!(
                    "SELECT ",
                    token_columns!(),
                    " FROM api_tokens WHERE token_hash = $1"
                ))
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)
            }

            async fn list_tokens(
                &self,
                tenant_id: i64,
                user_id: i64,
            ) -> StoreResult<Vec<TokenRecord>> {
                sqlx::query_as(concat!(
                    "SELECT ",
                    token_columns!(),
                    " FROM api_tokens WHERE tenant_id = $1 AND user_id = $2 \
                      AND revoked_at IS NULL ORDER BY id DESC"
                ))
                .bind(tenant_id)
                .bind(user_id)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)
            }

            async fn revoke_token(
                &self,
                tenant_id: i64,
                user_id: i64,
                id: i64,
                at: DateTime<Utc>,
            ) -> StoreResult<Option<TokenRecord>> {
                sqlx::query_as(concat!(
                    "UPDATE api_tokens SET revoked_at = $4 \
                     WHERE tenant_id = $1 AND user_id = $2 AND id = $3 \
                       AND revoked_at IS NULL RETURNING ",
                    token_columns!()
                ))
                .bind(tenant_id)
                .bind(user_id)
                .bind(id)
                .bind(at)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)
            }

            async fn touch_token(
                &self,
                id: i64,
                at: DateTime<Utc>,
                every: chrono::Duration,
            ) -> StoreResult<()> {
                execute!(
                    &self.pool,
                    "UPDATE api_tokens SET last_used_at = $2 \
                     WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
                    id,
                    at,
                    at - every,
                );
                Ok(())
            }

            async fn list_tenants(&self) -> StoreResult<Vec<TenantRecord>> {
                sqlx::query_as("SELECT id, slug, name, created_at FROM tenants ORDER BY slug")
                    .fetch_all(&self.pool)
                    .await
                    .map_err(map_err)
            }

            async fn user_by_username(&self, username: &str) -> StoreResult<Option<UserRecord>> {
                sqlx::query_as(concat!(
                    "SELECT ",
                    user_columns!(),
                    " FROM users WHERE username = $1"
                ))
                .bind(username)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)
            }

            async fn create_member(
                &self,
                new: &NewUserRecord,
                tenant_id: i64,
                role: $crate::domain::Role,
            ) -> StoreResult<UserRecord> {
                let mut tx = self.pool.begin().await.map_err(map_err)?;
                let now = Utc::now();
                let user: UserRecord = sqlx::query_as(INSERT_USER)
                    .bind(&new.username)
                    .bind(new.email.to_lowercase())
                    .bind(&new.password_hash)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?;
                sqlx::query(INSERT_MEMBERSHIP)
                    .bind(user.id)
                    .bind(tenant_id)
                    .bind(role.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                tx.commit().await.map_err(map_err)?;
                Ok(user)
            }
        }
    };
}
pub(super) use impl_token_store;
