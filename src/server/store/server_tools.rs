//! Each server's tool definitions as a successful test last saw them: the
//! catalog the agent gateway lists from.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use super::db::{Db, on_pool};
use crate::domain::{ServerId, TenantId};

/// One tool as written: its name, the definition as JSON, and that JSON's
/// SHA-256 (hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewServerTool {
    pub name: String,
    pub definition: String,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ServerToolRecord {
    pub server_id: ServerId,
    pub name: String,
    pub definition: String,
    pub hash: String,
    pub seen_at: DateTime<Utc>,
}

#[async_trait]
pub trait ServerToolStore: Send + Sync {
    /// The server's tools become exactly `tools`, in one transaction;
    /// `false` (and nothing written) when the tenant has no such server.
    async fn replace_server_tools(
        &self,
        tenant: TenantId,
        server: ServerId,
        tools: &[NewServerTool],
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// The tools of the tenant's `servers`, by server then name.
    async fn server_tools(
        &self,
        tenant: TenantId,
        servers: &[ServerId],
    ) -> StoreResult<Vec<ServerToolRecord>>;
}

#[async_trait]
impl ServerToolStore for Db {
    async fn replace_server_tools(
        &self,
        tenant: TenantId,
        server: ServerId,
        tools: &[NewServerTool],
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Locks nothing on SQLite (one writer at a time anyway); on
            // PostgreSQL two tests of one server write one after the other.
            let owned = sqlx::query(
                "UPDATE mcp_servers SET updated_at = updated_at WHERE id = $1 AND tenant_id = $2",
            )
            .bind(server)
            .bind(tenant)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if owned == 0 {
                return Ok(false);
            }
            sqlx::query("DELETE FROM server_tools WHERE tenant_id = $1 AND server_id = $2")
                .bind(tenant)
                .bind(server)
                .execute(&mut *tx)
                .await?;
            for tool in tools {
                sqlx::query(
                    "INSERT INTO server_tools (tenant_id, server_id, name, definition, hash, \
                       seen_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(tenant)
                .bind(server)
                .bind(&tool.name)
                .bind(&tool.definition)
                .bind(&tool.hash)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    async fn server_tools(
        &self,
        tenant: TenantId,
        servers: &[ServerId],
    ) -> StoreResult<Vec<ServerToolRecord>> {
        let mut all = Vec::new();
        // An agent has a handful of servers: one indexed query each.
        for server in servers {
            let rows: Vec<ServerToolRecord> = on_pool!(self, pool => sqlx::query_as(
                "SELECT server_id, name, definition, hash, seen_at FROM server_tools \
                 WHERE tenant_id = $1 AND server_id = $2 ORDER BY name",
            )
            .bind(tenant)
            .bind(*server)
            .fetch_all(pool)
            .await)?;
            all.extend(rows);
        }
        Ok(all)
    }
}
