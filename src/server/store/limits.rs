//! Failed attempts (sign-ins, API tokens) by key, counted in a window. In the
//! database, so every replica sees the same count.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use super::db::{Db, on_pool};

#[async_trait]
pub trait LimitStore: Send + Sync {
    /// Records one attempt under `key`; answers its id, to forget it again.
    async fn record_auth_failure(&self, key: &str, at: DateTime<Utc>) -> StoreResult<i64>;
    /// Forgets one recorded attempt (it turned out not to be a failure).
    async fn forget_auth_failure(&self, id: i64) -> StoreResult<()>;
    async fn count_auth_failures(&self, key: &str, since: DateTime<Utc>) -> StoreResult<i64>;
    async fn clear_auth_failures(&self, key: &str) -> StoreResult<()>;
    /// Drops failures older than `before`; they no longer count anywhere.
    async fn prune_auth_failures(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}

#[async_trait]
impl LimitStore for Db {
    async fn record_auth_failure(&self, key: &str, at: DateTime<Utc>) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "INSERT INTO auth_failures (key, at) VALUES ($1, $2) RETURNING id",
        )
        .bind(key)
        .bind(at)
        .fetch_one(pool)
        .await)?)
    }

    async fn forget_auth_failure(&self, id: i64) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query("DELETE FROM auth_failures WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }

    async fn count_auth_failures(&self, key: &str, since: DateTime<Utc>) -> StoreResult<i64> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM auth_failures WHERE key = $1 AND at > $2",
        )
        .bind(key)
        .bind(since)
        .fetch_one(pool)
        .await)?)
    }

    async fn clear_auth_failures(&self, key: &str) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query("DELETE FROM auth_failures WHERE key = $1")
            .bind(key)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }

    async fn prune_auth_failures(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let done = on_pool!(self, pool => sqlx::query("DELETE FROM auth_failures WHERE at < $1")
            .bind(before)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(done)
    }
}
