//! Agent templates, by tenant: their rows, with how many servers and agents
//! each has. Their server assignments are in `assignments.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use super::db::{Db, on_pool};
use crate::domain::{TemplateId, TenantId};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TemplateRecord {
    pub id: TemplateId,
    pub tenant_id: TenantId,
    pub name: String,
    pub description: String,
    pub server_count: i64,
    pub agent_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[async_trait]
pub trait TemplateStore: Send + Sync {
    /// A name the tenant already uses is a `Conflict`.
    async fn create_template(
        &self,
        tenant: TenantId,
        name: &str,
        description: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<TemplateRecord>;
    /// By name (case-insensitively), then age.
    async fn list_templates(&self, tenant: TenantId) -> StoreResult<Vec<TemplateRecord>>;
    async fn template(
        &self,
        tenant: TenantId,
        id: TemplateId,
    ) -> StoreResult<Option<TemplateRecord>>;
    /// Applies the `Some` fields; `None` when the tenant has no such template.
    async fn update_template(
        &self,
        tenant: TenantId,
        id: TemplateId,
        name: Option<&str>,
        description: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<TemplateRecord>>;
    /// Its assignments go with it; its agents keep their servers.
    async fn delete_template(&self, tenant: TenantId, id: TemplateId) -> StoreResult<bool>;
}

macro_rules! template_columns {
    () => {
        "t.id, t.tenant_id, t.name, t.description, t.created_at, t.updated_at, \
         (SELECT COUNT(*) FROM template_servers s WHERE s.template_id = t.id) AS server_count, \
         (SELECT COUNT(*) FROM agents a WHERE a.template_id = t.id) AS agent_count"
    };
}

#[async_trait]
impl TemplateStore for Db {
    async fn create_template(
        &self,
        tenant: TenantId,
        name: &str,
        description: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<TemplateRecord> {
        let id: TemplateId = on_pool!(self, pool => sqlx::query_scalar(
            "INSERT INTO agent_templates (tenant_id, name, description, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(tenant)
        .bind(name)
        .bind(description)
        .bind(now)
        .fetch_one(pool)
        .await)?;
        self.template(tenant, id)
            .await?
            .ok_or_else(|| super::StoreError::Corrupt(format!("template {id} vanished")))
    }

    async fn list_templates(&self, tenant: TenantId) -> StoreResult<Vec<TemplateRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            template_columns!(),
            " FROM agent_templates t WHERE t.tenant_id = $1 ORDER BY lower(t.name), t.id"
        ))
        .bind(tenant)
        .fetch_all(pool)
        .await)?)
    }

    async fn template(
        &self,
        tenant: TenantId,
        id: TemplateId,
    ) -> StoreResult<Option<TemplateRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            template_columns!(),
            " FROM agent_templates t WHERE t.tenant_id = $1 AND t.id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(pool)
        .await)?)
    }

    async fn update_template(
        &self,
        tenant: TenantId,
        id: TemplateId,
        name: Option<&str>,
        description: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<TemplateRecord>> {
        let done = on_pool!(self, pool => sqlx::query(
            "UPDATE agent_templates SET name = COALESCE($3, name), \
               description = COALESCE($4, description), updated_at = $5 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(id)
        .bind(name)
        .bind(description)
        .bind(now)
        .execute(pool)
        .await
        .map(|d| d.rows_affected()))?;
        if done == 0 {
            return Ok(None);
        }
        self.template(tenant, id).await
    }

    async fn delete_template(&self, tenant: TenantId, id: TemplateId) -> StoreResult<bool> {
        let done = on_pool!(self, pool => sqlx::query(
            "DELETE FROM agent_templates WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(id)
        .execute(pool)
        .await
        .map(|d| d.rows_affected()))?;
        Ok(done > 0)
    }
}
