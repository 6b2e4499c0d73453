//! Tenants: created by first start or the CLI, found by slug or id.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use super::db::{Db, on_pool};
use crate::domain::{TenantId, ToolChangePolicy};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TenantRecord {
    pub id: TenantId,
    pub slug: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait TenantStore: Send + Sync {
    async fn create_tenant(&self, slug: &str, name: &str) -> StoreResult<TenantRecord>;
    async fn tenant_by_slug(&self, slug: &str) -> StoreResult<Option<TenantRecord>>;
    async fn tenant_by_id(&self, id: TenantId) -> StoreResult<Option<TenantRecord>>;
    /// Every tenant, by slug (the CLI's `tenants list`).
    async fn list_tenants(&self) -> StoreResult<Vec<TenantRecord>>;
    /// What the agent gateway does with a tool that changed since approval.
    async fn tool_change_policy(&self, id: TenantId) -> StoreResult<ToolChangePolicy>;
    async fn set_tool_change_policy(
        &self,
        id: TenantId,
        policy: ToolChangePolicy,
    ) -> StoreResult<()>;
}

#[async_trait]
impl TenantStore for Db {
    async fn create_tenant(&self, slug: &str, name: &str) -> StoreResult<TenantRecord> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "INSERT INTO tenants (slug, name, created_at) VALUES ($1, $2, $3) \
             RETURNING id, slug, name, created_at",
        )
        .bind(slug)
        .bind(name)
        .bind(Utc::now())
        .fetch_one(pool)
        .await)?)
    }

    async fn tenant_by_slug(&self, slug: &str) -> StoreResult<Option<TenantRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT id, slug, name, created_at FROM tenants WHERE slug = $1",
        )
        .bind(slug)
        .fetch_optional(pool)
        .await)?)
    }

    async fn tenant_by_id(&self, id: TenantId) -> StoreResult<Option<TenantRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT id, slug, name, created_at FROM tenants WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?)
    }

    async fn list_tenants(&self) -> StoreResult<Vec<TenantRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT id, slug, name, created_at FROM tenants ORDER BY slug",
        )
        .fetch_all(pool)
        .await)?)
    }

    async fn tool_change_policy(&self, id: TenantId) -> StoreResult<ToolChangePolicy> {
        let stored: Option<(String,)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT tool_change_policy FROM tenants WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        // A tenant gone mid-request holds nothing: the default is harmless.
        Ok(stored
            .map(|(p,)| {
                ToolChangePolicy::parse(&p)
                    .map_err(|_| super::StoreError::Corrupt(format!("tool change policy {p:?}")))
            })
            .transpose()?
            .unwrap_or_default())
    }

    async fn set_tool_change_policy(
        &self,
        id: TenantId,
        policy: ToolChangePolicy,
    ) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query("UPDATE tenants SET tool_change_policy = $2 WHERE id = $1")
            .bind(id)
            .bind(policy.as_str())
            .execute(pool)
            .await
            .map(|d| d.rows_affected()))?;
        Ok(())
    }
}
