//! Servers assigned to a template or to one agent: the same row in two
//! tables, so one set of methods serves both, and a template's sync writes
//! an agent's whole set in one transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use super::db::{Db, on_pool};
use super::{StoreError, StoreResult};
use crate::domain::template::Assignment;
use crate::domain::{AgentId, AgentUid, AuthType, ServerId, TemplateId, TenantId, Transport};

/// Whose assignments: a template's or one agent's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Template(TemplateId),
    Agent(AgentId),
}

impl Holder {
    /// The table and its holder column; from this closed enum only, which
    /// is what makes the `AssertSqlSafe` below true.
    fn table(self) -> (&'static str, &'static str, i64) {
        match self {
            Holder::Template(id) => ("template_servers", "template_id", id.get()),
            Holder::Agent(id) => ("agent_servers", "agent_id", id.get()),
        }
    }
}

/// An assignment with what the pages and the runtime need of its server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentRecord {
    pub assignment: Assignment,
    pub server_name: String,
    pub server_slug: String,
    pub server_url: String,
    pub server_transport: Transport,
    pub server_auth_type: AuthType,
    pub server_enabled: bool,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct AssignmentRow {
    server_id: ServerId,
    enabled: bool,
    tool_allowlist: Option<String>,
    updated_at: DateTime<Utc>,
    name: String,
    slug: String,
    url: String,
    transport: String,
    auth_type: String,
    server_enabled: bool,
}

impl TryFrom<AssignmentRow> for AssignmentRecord {
    type Error = StoreError;

    fn try_from(r: AssignmentRow) -> Result<Self, StoreError> {
        let corrupt =
            |what: &str| StoreError::Corrupt(format!("assignment of {}: {what}", r.server_id));
        let tool_allowlist = match r.tool_allowlist.as_deref() {
            None => None,
            Some(text) => Some(
                serde_json::from_str::<Vec<String>>(text).map_err(|_| corrupt("bad allow-list"))?,
            ),
        };
        Ok(AssignmentRecord {
            assignment: Assignment {
                server_id: r.server_id,
                enabled: r.enabled,
                tool_allowlist,
            },
            server_transport: Transport::parse(&r.transport).ok_or_else(|| corrupt("transport"))?,
            server_auth_type: AuthType::parse(&r.auth_type).ok_or_else(|| corrupt("auth type"))?,
            server_name: r.name,
            server_slug: r.slug,
            server_url: r.url,
            server_enabled: r.server_enabled,
            updated_at: r.updated_at,
        })
    }
}

fn allowlist_json(list: Option<&Vec<String>>) -> Option<String> {
    list.map(|l| serde_json::to_string(l).unwrap_or_else(|_| "[]".to_owned()))
}

/// An agent made from or synced to a template, with what its last sync
/// wrote (as a fingerprint).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SyncedAgent {
    pub id: AgentId,
    pub unique_id: AgentUid,
    pub name: String,
    pub synced_fingerprint: Option<String>,
    pub synced_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait AssignmentStore: Send + Sync {
    /// The holder's assignments, by server name. The holder must be the
    /// tenant's (the caller has checked); rows are filtered by tenant too.
    async fn assignments(
        &self,
        tenant: TenantId,
        holder: Holder,
    ) -> StoreResult<Vec<AssignmentRecord>>;
    /// Inserts or updates one assignment; `true` when it was new.
    async fn put_assignment(
        &self,
        tenant: TenantId,
        holder: Holder,
        assignment: &Assignment,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// `false` when the server was not assigned.
    async fn remove_assignment(
        &self,
        tenant: TenantId,
        holder: Holder,
        server: ServerId,
    ) -> StoreResult<bool>;
    /// Which agents call which of the tenant's servers: every enabled
    /// assignment to an agent, and every agent's own server, by agent name.
    async fn server_agents(&self, tenant: TenantId) -> StoreResult<Vec<(ServerId, String)>>;
    /// The agents made from or last synced to the template.
    async fn template_agents(
        &self,
        tenant: TenantId,
        template: TemplateId,
    ) -> StoreResult<Vec<SyncedAgent>>;
    /// One agent's sync, in one transaction: its assignments become exactly
    /// `result`, and it records the template and the fingerprint written.
    async fn sync_agent(
        &self,
        tenant: TenantId,
        agent: AgentId,
        template: TemplateId,
        result: &[Assignment],
        fingerprint: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}

#[async_trait]
impl AssignmentStore for Db {
    async fn assignments(
        &self,
        tenant: TenantId,
        holder: Holder,
    ) -> StoreResult<Vec<AssignmentRecord>> {
        let (table, column, id) = holder.table();
        let sql = format!(
            "SELECT x.server_id, x.enabled, x.tool_allowlist, x.updated_at, s.name, s.slug, \
               s.url, s.transport, s.auth_type, s.enabled AS server_enabled \
             FROM {table} x JOIN mcp_servers s ON s.id = x.server_id AND s.tenant_id = x.tenant_id \
             WHERE x.tenant_id = $1 AND x.{column} = $2 ORDER BY lower(s.name), s.id"
        );
        let rows: Vec<AssignmentRow> = on_pool!(self, pool => sqlx::query_as(AssertSqlSafe(sql.clone()))
            .bind(tenant)
            .bind(id)
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn server_agents(&self, tenant: TenantId) -> StoreResult<Vec<(ServerId, String)>> {
        const SQL: &str = "SELECT x.server_id, a.name FROM agent_servers x \
               JOIN agents a ON a.id = x.agent_id AND a.tenant_id = x.tenant_id \
             WHERE x.tenant_id = $1 AND x.enabled \
             UNION \
             SELECT s.id, a.name FROM mcp_servers s \
               JOIN agents a ON a.id = s.agent_id AND a.tenant_id = s.tenant_id \
             WHERE s.tenant_id = $1 \
             ORDER BY 2";
        Ok(on_pool!(self, pool => sqlx::query_as(SQL)
            .bind(tenant)
            .fetch_all(pool)
            .await)?)
    }

    async fn put_assignment(
        &self,
        tenant: TenantId,
        holder: Holder,
        a: &Assignment,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let (table, column, id) = holder.table();
        let list = allowlist_json(a.tool_allowlist.as_ref());
        let update = format!(
            "UPDATE {table} SET enabled = $4, tool_allowlist = $5, updated_at = $6 \
             WHERE tenant_id = $1 AND {column} = $2 AND server_id = $3"
        );
        let insert = format!(
            "INSERT INTO {table} (tenant_id, {column}, server_id, enabled, tool_allowlist, \
               created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)"
        );
        on_pool!(self, pool => {
            let updated = sqlx::query(AssertSqlSafe(update.clone()))
                .bind(tenant).bind(id).bind(a.server_id).bind(a.enabled).bind(&list).bind(now)
                .execute(pool)
                .await?
                .rows_affected();
            if updated > 0 {
                return Ok(false);
            }
            match sqlx::query(AssertSqlSafe(insert.clone()))
                .bind(tenant).bind(id).bind(a.server_id).bind(a.enabled).bind(&list).bind(now)
                .execute(pool)
                .await
                .map_err(StoreError::from)
            {
                Ok(_) => Ok(true),
                // Two assigns at once: the other inserted first; ours updates.
                Err(StoreError::Conflict { .. }) => {
                    sqlx::query(AssertSqlSafe(update.clone()))
                        .bind(tenant).bind(id).bind(a.server_id).bind(a.enabled).bind(&list).bind(now)
                        .execute(pool)
                        .await?;
                    Ok(false)
                }
                Err(e) => Err(e),
            }
        })
    }

    async fn remove_assignment(
        &self,
        tenant: TenantId,
        holder: Holder,
        server: ServerId,
    ) -> StoreResult<bool> {
        let (table, column, id) = holder.table();
        let sql = format!(
            "DELETE FROM {table} WHERE tenant_id = $1 AND {column} = $2 AND server_id = $3"
        );
        let done = on_pool!(self, pool => sqlx::query(AssertSqlSafe(sql.clone()))
            .bind(tenant)
            .bind(id)
            .bind(server)
            .execute(pool)
            .await
            .map(|d| d.rows_affected()))?;
        Ok(done > 0)
    }

    async fn template_agents(
        &self,
        tenant: TenantId,
        template: TemplateId,
    ) -> StoreResult<Vec<SyncedAgent>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT id, unique_id, name, synced_fingerprint, synced_at FROM agents \
             WHERE tenant_id = $1 AND template_id = $2 ORDER BY lower(name), id",
        )
        .bind(tenant)
        .bind(template)
        .fetch_all(pool)
        .await)?)
    }

    async fn sync_agent(
        &self,
        tenant: TenantId,
        agent: AgentId,
        template: TemplateId,
        result: &[Assignment],
        fingerprint: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let marked = sqlx::query(
                "UPDATE agents SET template_id = $3, synced_fingerprint = $4, synced_at = $5 \
                 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant)
            .bind(agent)
            .bind(template)
            .bind(fingerprint)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if marked == 0 {
                return Err(StoreError::Aborted("the agent was deleted".to_owned()));
            }
            sqlx::query("DELETE FROM agent_servers WHERE tenant_id = $1 AND agent_id = $2")
                .bind(tenant)
                .bind(agent)
                .execute(&mut *tx)
                .await?;
            for a in result {
                sqlx::query(
                    "INSERT INTO agent_servers (tenant_id, agent_id, server_id, enabled, \
                       tool_allowlist, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
                )
                .bind(tenant)
                .bind(agent)
                .bind(a.server_id)
                .bind(a.enabled)
                .bind(allowlist_json(a.tool_allowlist.as_ref()))
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }
}
