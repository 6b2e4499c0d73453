//! Browser sessions, kept in the database so any replica serves any request.
//! Only the SHA-256 of the cookie's token is stored.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use super::db::{Db, on_pool};
use crate::domain::{TenantId, UserId};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: UserId,
    pub tenant_id: TenantId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// When it last authenticated a request (`None` only for rows older than
    /// the column: they count from `created_at`).
    pub last_seen_at: Option<DateTime<Utc>>,
}

impl SessionRecord {
    pub fn last_seen(&self) -> DateTime<Utc> {
        self.last_seen_at.unwrap_or(self.created_at)
    }
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends every session of `user`, in every tenant; answers how many.
    async fn delete_sessions_of_user(&self, user: UserId) -> StoreResult<u64>;
    /// Records a use at `now`, unless one was recorded after `unless_after`
    /// (so a busy session writes at most once a minute).
    async fn touch_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        unless_after: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Deletes sessions past their lifetime at `now`, or not seen since
    /// `idle_before`.
    async fn delete_expired_sessions(
        &self,
        now: DateTime<Utc>,
        idle_before: DateTime<Utc>,
    ) -> StoreResult<u64>;
}

#[async_trait]
impl SessionStore for Db {
    async fn create_session(&self, s: &SessionRecord) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, tenant_id, created_at, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&s.token_hash)
        .bind(s.user_id)
        .bind(s.tenant_id)
        .bind(s.created_at)
        .bind(s.expires_at)
        .bind(s.last_seen_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT token_hash, user_id, tenant_id, created_at, expires_at, last_seen_at \
             FROM sessions WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await)?)
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }

    async fn delete_sessions_of_user(&self, user: UserId) -> StoreResult<u64> {
        Ok(
            on_pool!(self, pool => sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?,
        )
    }

    async fn touch_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        unless_after: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE sessions SET last_seen_at = $2 \
             WHERE token_hash = $1 AND COALESCE(last_seen_at, created_at) <= $3",
        )
        .bind(token_hash)
        .bind(now)
        .bind(unless_after)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    async fn delete_expired_sessions(
        &self,
        now: DateTime<Utc>,
        idle_before: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let done = on_pool!(self, pool => sqlx::query(
            "DELETE FROM sessions WHERE expires_at <= $1 OR COALESCE(last_seen_at, created_at) <= $2",
        )
        .bind(now)
        .bind(idle_before)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done)
    }
}
