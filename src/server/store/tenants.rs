//! Tenants: created by first start or the CLI, found by slug or id.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use super::db::{Db, on_pool};
use crate::domain::TenantId;

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
}
