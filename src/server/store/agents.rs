//! Agents, by tenant. The wire names an agent by its `unique_id`; every
//! lookup still takes the tenant, so another tenant's UUID finds nothing.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use super::db::{Db, on_pool};
use crate::domain::{AgentId, AgentUid, TenantId};

#[derive(Debug, Clone)]
pub struct NewAgentRecord {
    pub tenant_id: TenantId,
    pub unique_id: AgentUid,
    pub name: String,
    pub slug: String,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AgentRecord {
    pub id: AgentId,
    pub tenant_id: TenantId,
    pub unique_id: AgentUid,
    pub name: String,
    pub slug: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[async_trait]
pub trait AgentStore: Send + Sync {
    /// A taken slug (per tenant) or UUID is a `Conflict`.
    async fn create_agent(&self, new: &NewAgentRecord) -> StoreResult<AgentRecord>;
    /// The tenant's agents by name (case-insensitively), then age.
    async fn list_agents(&self, tenant: TenantId) -> StoreResult<Vec<AgentRecord>>;
    async fn agent_by_uid(
        &self,
        tenant: TenantId,
        uid: &AgentUid,
    ) -> StoreResult<Option<AgentRecord>>;
    /// `None` when the tenant has no such agent.
    async fn rename_agent(
        &self,
        tenant: TenantId,
        uid: &AgentUid,
        name: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<AgentRecord>>;
    /// The deleted row, or `None` when the tenant has no such agent.
    async fn delete_agent(
        &self,
        tenant: TenantId,
        uid: &AgentUid,
    ) -> StoreResult<Option<AgentRecord>>;
}

macro_rules! agent_columns {
    () => {
        "id, tenant_id, unique_id, name, slug, created_at, updated_at"
    };
}

#[async_trait]
impl AgentStore for Db {
    async fn create_agent(&self, a: &NewAgentRecord) -> StoreResult<AgentRecord> {
        Ok(on_pool!(self, pool => sqlx::query_as(concat!(
            "INSERT INTO agents (tenant_id, unique_id, name, slug, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING ",
            agent_columns!()
        ))
        .bind(a.tenant_id)
        .bind(&a.unique_id)
        .bind(&a.name)
        .bind(&a.slug)
        .bind(a.now)
        .fetch_one(pool)
        .await)?)
    }

    async fn list_agents(&self, tenant: TenantId) -> StoreResult<Vec<AgentRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            agent_columns!(),
            " FROM agents WHERE tenant_id = $1 ORDER BY lower(name), id"
        ))
        .bind(tenant)
        .fetch_all(pool)
        .await)?)
    }

    async fn agent_by_uid(
        &self,
        tenant: TenantId,
        uid: &AgentUid,
    ) -> StoreResult<Option<AgentRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            agent_columns!(),
            " FROM agents WHERE tenant_id = $1 AND unique_id = $2"
        ))
        .bind(tenant)
        .bind(uid)
        .fetch_optional(pool)
        .await)?)
    }

    async fn rename_agent(
        &self,
        tenant: TenantId,
        uid: &AgentUid,
        name: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<Option<AgentRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as(concat!(
            "UPDATE agents SET name = $3, updated_at = $4 \
             WHERE tenant_id = $1 AND unique_id = $2 RETURNING ",
            agent_columns!()
        ))
        .bind(tenant)
        .bind(uid)
        .bind(name)
        .bind(at)
        .fetch_optional(pool)
        .await)?)
    }

    async fn delete_agent(
        &self,
        tenant: TenantId,
        uid: &AgentUid,
    ) -> StoreResult<Option<AgentRecord>> {
        Ok(on_pool!(self, pool => sqlx::query_as(concat!(
            "DELETE FROM agents WHERE tenant_id = $1 AND unique_id = $2 RETURNING ",
            agent_columns!()
        ))
        .bind(tenant)
        .bind(uid)
        .fetch_optional(pool)
        .await)?)
    }
}
