//! Which app processes are serving on this database: each one refreshes its
//! lease while it runs and drops it when it stops, so a maintenance command
//! can tell whether it would run under a live app.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use super::db::{Db, on_pool};

#[async_trait]
pub trait LeaseStore: Send + Sync {
    /// Takes or refreshes this process's lease.
    async fn renew_lease(&self, instance: &str, now: DateTime<Utc>) -> StoreResult<()>;
    async fn drop_lease(&self, instance: &str) -> StoreResult<()>;
    /// Leases renewed since `since`: the processes that are up.
    async fn live_leases(&self, since: DateTime<Utc>) -> StoreResult<Vec<(String, DateTime<Utc>)>>;
}

#[async_trait]
impl LeaseStore for Db {
    async fn renew_lease(&self, instance: &str, now: DateTime<Utc>) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO app_leases (instance, started_at, seen_at) VALUES ($1, $2, $2) \
             ON CONFLICT (instance) DO UPDATE SET seen_at = excluded.seen_at",
        )
        .bind(instance)
        .bind(now)
        .execute(pool)
        .await
        .map(|d| d.rows_affected()))?;
        Ok(())
    }

    async fn drop_lease(&self, instance: &str) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query("DELETE FROM app_leases WHERE instance = $1")
            .bind(instance)
            .execute(pool)
            .await
            .map(|d| d.rows_affected()))?;
        Ok(())
    }

    async fn live_leases(&self, since: DateTime<Utc>) -> StoreResult<Vec<(String, DateTime<Utc>)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT instance, seen_at FROM app_leases WHERE seen_at >= $1 ORDER BY seen_at DESC",
        )
        .bind(since)
        .fetch_all(pool)
        .await)?)
    }
}
