//! Each server's tool definitions as a successful refresh last saw them
//! (the catalog the agent gateway lists from), each beside the definition
//! an admin approved (tool pinning), and when the list was last refreshed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use super::db::{Db, on_pool};
use crate::domain::{ServerId, TenantId, ToolApproval};

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
    /// `None` for a tool that appeared after the first pinning and has not
    /// been approved since.
    pub approved_definition: Option<String>,
    pub approved_hash: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub approved_by: Option<String>,
}

impl ServerToolRecord {
    /// The tool is defined now as it was approved.
    pub fn approved(&self) -> bool {
        self.approved_hash.as_deref() == Some(self.hash.as_str())
    }
}

/// What one refresh found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// The server's tools were pinned for the first time: all approved.
    pub first: bool,
    /// Tools whose definition changed with this refresh (or that are new),
    /// now waiting for an approval.
    pub changed: Vec<String>,
    /// Changes approved by the `accept` policy with this refresh.
    pub accepted: Vec<String>,
}

/// When a server's tools were last refreshed, and last checked at all.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ToolCheck {
    pub refreshed_at: Option<DateTime<Utc>>,
    pub checked_at: DateTime<Utc>,
}

#[async_trait]
pub trait ServerToolStore: Send + Sync {
    /// The server's tools become exactly `tools`, in one transaction, each
    /// keeping its approval; with `accept` (or when the server's tools were
    /// never pinned) every definition is approved as it is. `None` (and
    /// nothing written) when the tenant has no such server.
    async fn refresh_server_tools(
        &self,
        tenant: TenantId,
        server: ServerId,
        tools: &[NewServerTool],
        now: DateTime<Utc>,
        accept: bool,
    ) -> StoreResult<Option<Refreshed>>;
    /// The tools of the tenant's `servers`, by server then name.
    async fn server_tools(
        &self,
        tenant: TenantId,
        servers: &[ServerId],
    ) -> StoreResult<Vec<ServerToolRecord>>;
    /// Approves each named tool as it is defined now, all or none: `false`
    /// (and nothing approved) when one is gone or its hash is no longer
    /// the one given, i.e. it changed after the admin looked.
    async fn approve_server_tools(
        &self,
        tenant: TenantId,
        server: ServerId,
        approvals: &[ToolApproval],
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn tool_check(
        &self,
        tenant: TenantId,
        server: ServerId,
    ) -> StoreResult<Option<ToolCheck>>;
    /// Across tenants (for the scheduler): enabled servers whose tools were
    /// pinned and last checked before `before`, the longest waiting first.
    async fn due_tool_checks(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<(TenantId, ServerId)>>;
    /// Takes a due check for this replica: `true` if it was still due (and
    /// is now marked checked at `now`), `false` if another took it.
    async fn claim_tool_check(
        &self,
        tenant: TenantId,
        server: ServerId,
        before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
}

const TOOLS_OF_SERVER: &str = "SELECT server_id, name, definition, hash, seen_at, \
       approved_definition, approved_hash, approved_at, approved_by FROM server_tools \
     WHERE tenant_id = $1 AND server_id = $2 ORDER BY name";

#[async_trait]
impl ServerToolStore for Db {
    async fn refresh_server_tools(
        &self,
        tenant: TenantId,
        server: ServerId,
        tools: &[NewServerTool],
        now: DateTime<Utc>,
        accept: bool,
    ) -> StoreResult<Option<Refreshed>> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // Locks nothing on SQLite (one writer at a time anyway); on
            // PostgreSQL two refreshes of one server write one after the other.
            let owned = sqlx::query(
                "UPDATE mcp_servers SET updated_at = updated_at WHERE id = $1 AND tenant_id = $2",
            )
            .bind(server)
            .bind(tenant)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if owned == 0 {
                return Ok(None);
            }
            let pinned: Option<(Option<DateTime<Utc>>,)> = sqlx::query_as(
                "SELECT refreshed_at FROM server_tool_checks WHERE server_id = $1",
            )
            .bind(server)
            .fetch_optional(&mut *tx)
            .await?;
            let first = !matches!(pinned, Some((Some(_),)));
            let kept: Vec<(String, String, Option<String>)> = sqlx::query_as(
                "SELECT name, hash, approved_hash FROM server_tools \
                 WHERE tenant_id = $1 AND server_id = $2",
            )
            .bind(tenant)
            .bind(server)
            .fetch_all(&mut *tx)
            .await?;
            let mut report = Refreshed { first, ..Refreshed::default() };
            for tool in tools {
                let old = kept.iter().find(|(name, ..)| *name == tool.name);
                let was_approved =
                    old.is_some_and(|(_, _, approved)| approved.as_deref() == Some(&tool.hash));
                let approve_now = (first || accept) && !was_approved;
                match old {
                    Some(_) => {
                        sqlx::query(
                            "UPDATE server_tools SET definition = $3, hash = $4, seen_at = $5, \
                               approved_definition = CASE WHEN $6 THEN $3 ELSE approved_definition END, \
                               approved_hash = CASE WHEN $6 THEN $4 ELSE approved_hash END, \
                               approved_at = CASE WHEN $6 THEN $5 ELSE approved_at END, \
                               approved_by = CASE WHEN $6 THEN NULL ELSE approved_by END \
                             WHERE server_id = $1 AND name = $2 AND tenant_id = $7",
                        )
                        .bind(server)
                        .bind(&tool.name)
                        .bind(&tool.definition)
                        .bind(&tool.hash)
                        .bind(now)
                        .bind(approve_now)
                        .bind(tenant)
                        .execute(&mut *tx)
                        .await?;
                    }
                    None => {
                        let approved = approve_now.then_some(tool);
                        sqlx::query(
                            "INSERT INTO server_tools (tenant_id, server_id, name, definition, \
                               hash, seen_at, approved_definition, approved_hash, approved_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        )
                        .bind(tenant)
                        .bind(server)
                        .bind(&tool.name)
                        .bind(&tool.definition)
                        .bind(&tool.hash)
                        .bind(now)
                        .bind(approved.map(|t| t.definition.as_str()))
                        .bind(approved.map(|t| t.hash.as_str()))
                        .bind(approve_now.then_some(now))
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                let changed_now = old.is_none_or(|(_, hash, _)| *hash != tool.hash);
                if approve_now && !first {
                    report.accepted.push(tool.name.clone());
                } else if !approve_now && !was_approved && changed_now {
                    report.changed.push(tool.name.clone());
                }
            }
            for (name, ..) in &kept {
                if !tools.iter().any(|t| t.name == *name) {
                    sqlx::query(
                        "DELETE FROM server_tools WHERE tenant_id = $1 AND server_id = $2 \
                         AND name = $3",
                    )
                    .bind(tenant)
                    .bind(server)
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            sqlx::query(
                "INSERT INTO server_tool_checks (server_id, tenant_id, refreshed_at, checked_at) \
                 VALUES ($1, $2, $3, $3) ON CONFLICT (server_id) DO UPDATE \
                 SET refreshed_at = excluded.refreshed_at, checked_at = excluded.checked_at",
            )
            .bind(server)
            .bind(tenant)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some(report))
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
            let rows: Vec<ServerToolRecord> = on_pool!(self, pool => sqlx::query_as(TOOLS_OF_SERVER)
                .bind(tenant)
                .bind(*server)
                .fetch_all(pool)
                .await)?;
            all.extend(rows);
        }
        Ok(all)
    }

    async fn approve_server_tools(
        &self,
        tenant: TenantId,
        server: ServerId,
        approvals: &[ToolApproval],
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for approval in approvals {
                let done = sqlx::query(
                    "UPDATE server_tools SET approved_definition = definition, \
                       approved_hash = hash, approved_at = $5, approved_by = $6 \
                     WHERE tenant_id = $1 AND server_id = $2 AND name = $3 AND hash = $4",
                )
                .bind(tenant)
                .bind(server)
                .bind(&approval.name)
                .bind(&approval.hash)
                .bind(now)
                .bind(by)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if done == 0 {
                    // Dropping the transaction rolls the others back.
                    return Ok(false);
                }
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    async fn tool_check(
        &self,
        tenant: TenantId,
        server: ServerId,
    ) -> StoreResult<Option<ToolCheck>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT refreshed_at, checked_at FROM server_tool_checks \
             WHERE tenant_id = $1 AND server_id = $2",
        )
        .bind(tenant)
        .bind(server)
        .fetch_optional(pool)
        .await)?)
    }

    async fn due_tool_checks(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<(TenantId, ServerId)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT c.tenant_id, c.server_id FROM server_tool_checks c \
             JOIN mcp_servers s ON s.id = c.server_id AND s.tenant_id = c.tenant_id \
             WHERE c.checked_at < $1 AND s.enabled ORDER BY c.checked_at LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
    }

    async fn claim_tool_check(
        &self,
        tenant: TenantId,
        server: ServerId,
        before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let claimed = on_pool!(self, pool => sqlx::query(
            "UPDATE server_tool_checks SET checked_at = $4 \
             WHERE tenant_id = $1 AND server_id = $2 AND checked_at < $3",
        )
        .bind(tenant)
        .bind(server)
        .bind(before)
        .bind(now)
        .execute(pool)
        .await
        .map(|d| d.rows_affected()))?;
        Ok(claimed == 1)
    }
}
