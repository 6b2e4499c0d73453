//! API tokens, stored as SHA-256 hashes: the token itself is never kept.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::db::{Db, on_pool};
use super::{StoreError, StoreResult};
use crate::domain::{TenantId, TokenId, TokenKind, UserId};

#[derive(Debug, Clone)]
pub struct NewTokenRecord {
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub name: String,
    pub prefix: String,
    pub token_hash: String,
    pub kind: TokenKind,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: TokenId,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub name: String,
    pub prefix: String,
    pub kind: TokenKind,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The row as stored; the kind is checked on the way out.
#[derive(sqlx::FromRow)]
struct TokenRow {
    id: TokenId,
    tenant_id: TenantId,
    user_id: UserId,
    name: String,
    prefix: String,
    kind: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
}

impl TryFrom<TokenRow> for TokenRecord {
    type Error = StoreError;

    fn try_from(r: TokenRow) -> Result<Self, StoreError> {
        let kind = TokenKind::parse(&r.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("token {}: kind {:?}", r.id, r.kind)))?;
        Ok(TokenRecord {
            id: r.id,
            tenant_id: r.tenant_id,
            user_id: r.user_id,
            name: r.name,
            prefix: r.prefix,
            kind,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
            expires_at: r.expires_at,
        })
    }
}

fn record(row: Option<TokenRow>) -> StoreResult<Option<TokenRecord>> {
    row.map(TokenRecord::try_from).transpose()
}

#[async_trait]
pub trait TokenStore: Send + Sync {
    async fn create_token(&self, new: &NewTokenRecord) -> StoreResult<TokenRecord>;
    /// Revoked tokens are returned too, so the caller can tell why it failed.
    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenRecord>>;
    /// A user's live tokens in one tenant, newest first.
    async fn list_tokens(&self, tenant: TenantId, user: UserId) -> StoreResult<Vec<TokenRecord>>;
    /// Revokes one of the user's live tokens; `None` when there is no such token.
    async fn revoke_token(
        &self,
        tenant: TenantId,
        user: UserId,
        id: TokenId,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<TokenRecord>>;
    /// Records a use, at most once per `every`: a busy script should not turn
    /// every read into a write.
    async fn touch_token(
        &self,
        id: TokenId,
        at: DateTime<Utc>,
        every: chrono::Duration,
    ) -> StoreResult<()>;
}

/// The token row's columns (a macro so `concat!` can build static queries).
macro_rules! token_columns {
    () => {
        "id, tenant_id, user_id, name, prefix, kind, created_at, last_used_at, revoked_at, \
         expires_at"
    };
}

#[async_trait]
impl TokenStore for Db {
    async fn create_token(&self, t: &NewTokenRecord) -> StoreResult<TokenRecord> {
        let row: TokenRow = on_pool!(self, pool => sqlx::query_as(concat!(
            "INSERT INTO api_tokens (tenant_id, user_id, name, prefix, token_hash, kind, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ",
            token_columns!()
        ))
        .bind(t.tenant_id)
        .bind(t.user_id)
        .bind(&t.name)
        .bind(&t.prefix)
        .bind(&t.token_hash)
        .bind(t.kind.as_str())
        .bind(t.created_at)
        .bind(t.expires_at)
        .fetch_one(pool)
        .await)?;
        row.try_into()
    }

    async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenRecord>> {
        record(on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(pool)
        .await)?)
    }

    async fn list_tokens(&self, tenant: TenantId, user: UserId) -> StoreResult<Vec<TokenRecord>> {
        let rows: Vec<TokenRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            token_columns!(),
            " FROM api_tokens WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL \
              ORDER BY id DESC"
        ))
        .bind(tenant)
        .bind(user)
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(TokenRecord::try_from).collect()
    }

    async fn revoke_token(
        &self,
        tenant: TenantId,
        user: UserId,
        id: TokenId,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<TokenRecord>> {
        record(on_pool!(self, pool => sqlx::query_as(concat!(
            "UPDATE api_tokens SET revoked_at = $4 \
             WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND revoked_at IS NULL RETURNING ",
            token_columns!()
        ))
        .bind(tenant)
        .bind(user)
        .bind(id)
        .bind(at)
        .fetch_optional(pool)
        .await)?)
    }

    async fn touch_token(
        &self,
        id: TokenId,
        at: DateTime<Utc>,
        every: chrono::Duration,
    ) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE api_tokens SET last_used_at = $2 \
             WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(id)
        .bind(at)
        .bind(at - every)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }
}
