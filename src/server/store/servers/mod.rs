//! Registered MCP servers: one row each, with the last test's snapshot and a
//! reference to the vault secret holding the server's key.

mod records;
mod search;
mod sql;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use super::clause::fetch_page;
use super::db::{Db, on_pool};
use crate::domain::{ListQuery, ServerId, ServerSort, TenantId};
use records::ServerRow;
pub use records::{NewServerRecord, SecretRefChange, ServerRecord, ServerUpdate, TestSnapshot};
pub(super) use records::{headers_from_json, headers_json};
pub use search::ServerFilter;
use search::where_clause;
pub(super) use sql::contains_pattern;
use sql::{count_servers_sql, list_servers_sql, server_columns};

#[async_trait]
pub trait ServerStore: Send + Sync {
    async fn insert_server(&self, new: &NewServerRecord) -> StoreResult<ServerRecord>;
    async fn server(&self, tenant: TenantId, id: ServerId) -> StoreResult<Option<ServerRecord>>;
    /// The tenant's server with this slug (slugs are unique per tenant).
    async fn server_by_slug(
        &self,
        tenant: TenantId,
        slug: &str,
    ) -> StoreResult<Option<ServerRecord>>;
    async fn list_servers(
        &self,
        tenant: TenantId,
        query: &ListQuery<ServerSort>,
    ) -> StoreResult<(Vec<ServerRecord>, u64)>;
    /// Seed 000's list: the servers matching `filter`, oldest first, and
    /// how many match in all.
    async fn search_servers(
        &self,
        tenant: TenantId,
        filter: &ServerFilter,
        limit: u32,
        offset: u64,
    ) -> StoreResult<(Vec<ServerRecord>, u64)>;
    /// Applies the non-`None` fields; returns the updated row, `None` if absent.
    async fn update_server(
        &self,
        tenant: TenantId,
        id: ServerId,
        update: &ServerUpdate,
    ) -> StoreResult<Option<ServerRecord>>;
    async fn save_test_snapshot(
        &self,
        tenant: TenantId,
        id: ServerId,
        snapshot: &TestSnapshot,
    ) -> StoreResult<bool>;
    /// Deletes and returns the row, so the caller can clean up its secret.
    async fn delete_server(
        &self,
        tenant: TenantId,
        id: ServerId,
    ) -> StoreResult<Option<ServerRecord>>;
    /// Records that the server's key was rotated (or a rotation undone).
    async fn mark_credential_rotated(
        &self,
        tenant: TenantId,
        id: ServerId,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
}

#[async_trait]
impl ServerStore for Db {
    async fn insert_server(&self, new: &NewServerRecord) -> StoreResult<ServerRecord> {
        let row: ServerRow = on_pool!(self, pool => sqlx::query_as(concat!(
            "INSERT INTO mcp_servers (tenant_id, name, slug, description, url, transport, \
             auth_type, enabled, is_featured, secret_ref, created_at, updated_at, owner, \
             auth_scope, agent_id, extra_headers, url_secret, url_secret_ref, oauth_service_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15, \
             $16, $17, $18) \
             RETURNING ",
            server_columns!()
        ))
        .bind(new.tenant_id)
        .bind(&new.name)
        .bind(&new.slug)
        .bind(&new.description)
        .bind(&new.url)
        .bind(new.transport.as_str())
        .bind(new.auth_type.as_str())
        .bind(new.enabled)
        .bind(new.featured)
        .bind(&new.secret_ref)
        .bind(new.now)
        .bind(&new.owner)
        .bind(new.auth_scope.as_str())
        .bind(new.agent_id)
        .bind(headers_json(&new.extra_headers))
        .bind(new.url_secret.as_str())
        .bind(&new.url_secret_ref)
        .bind(new.oauth_service_id)
        .fetch_one(pool)
        .await)?;
        row.try_into()
    }

    async fn server(&self, tenant: TenantId, id: ServerId) -> StoreResult<Option<ServerRecord>> {
        let row: Option<ServerRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            server_columns!(),
            " FROM mcp_servers WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        row.map(TryInto::try_into).transpose()
    }

    async fn server_by_slug(
        &self,
        tenant: TenantId,
        slug: &str,
    ) -> StoreResult<Option<ServerRecord>> {
        let row: Option<ServerRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            server_columns!(),
            " FROM mcp_servers WHERE tenant_id = $1 AND slug = $2"
        ))
        .bind(tenant)
        .bind(slug)
        .fetch_optional(pool)
        .await)?;
        row.map(TryInto::try_into).transpose()
    }

    async fn list_servers(
        &self,
        tenant: TenantId,
        query: &ListQuery<ServerSort>,
    ) -> StoreResult<(Vec<ServerRecord>, u64)> {
        let filtered = !query.filter.is_empty();
        let pattern = contains_pattern(&query.filter);
        let limit = i64::from(query.per_page);
        let offset = i64::try_from(query.offset()).unwrap_or(i64::MAX);
        let (rows, total): (Vec<ServerRow>, i64) = on_pool!(self, pool => {
            let mut count = sqlx::query_scalar(count_servers_sql(query)).bind(tenant);
            if filtered {
                count = count.bind(&pattern);
            }
            let total = count.fetch_one(pool).await?;
            let mut page = sqlx::query_as(list_servers_sql(query))
                .bind(tenant)
                .bind(limit)
                .bind(offset);
            if filtered {
                page = page.bind(&pattern);
            }
            (page.fetch_all(pool).await?, total)
        });
        let items = rows
            .into_iter()
            .map(TryInto::try_into)
            .collect::<StoreResult<Vec<ServerRecord>>>()?;
        Ok((items, u64::try_from(total).unwrap_or_default()))
    }

    async fn search_servers(
        &self,
        tenant: TenantId,
        filter: &ServerFilter,
        limit: u32,
        offset: u64,
    ) -> StoreResult<(Vec<ServerRecord>, u64)> {
        let (rows, total) = fetch_page!(
            self,
            ServerRow,
            where_clause(filter),
            ("mcp_servers", server_columns!(), "id"),
            tenant,
            limit,
            offset
        );
        let items = rows
            .into_iter()
            .map(TryInto::try_into)
            .collect::<StoreResult<Vec<ServerRecord>>>()?;
        Ok((items, total))
    }

    async fn update_server(
        &self,
        tenant: TenantId,
        id: ServerId,
        u: &ServerUpdate,
    ) -> StoreResult<Option<ServerRecord>> {
        let (ref_changes, ref_to, ref_from) = match &u.secret_ref {
            Some(change) => (true, change.to.clone(), change.from.clone()),
            None => (false, None, None),
        };
        let row: Option<ServerRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "UPDATE mcp_servers SET \
               name = COALESCE($3, name), slug = COALESCE($4, slug), \
               url = COALESCE($5, url), transport = COALESCE($6, transport), \
               enabled = COALESCE($7, enabled), updated_at = $8, \
               description = COALESCE($9, description), \
               auth_type = COALESCE($10, auth_type), \
               is_featured = COALESCE($11, is_featured), \
               secret_ref = CASE WHEN $12 THEN $13 ELSE secret_ref END, \
               auth_scope = COALESCE($15, auth_scope), \
               agent_id = CASE WHEN $16 THEN $17 ELSE agent_id END, \
               extra_headers = CASE WHEN $18 THEN $19 ELSE extra_headers END, \
               url_secret = COALESCE($20, url_secret), \
               url_secret_ref = CASE WHEN $21 THEN $22 ELSE url_secret_ref END, \
               oauth_service_id = CASE WHEN $23 THEN $24 ELSE oauth_service_id END \
             WHERE tenant_id = $1 AND id = $2 \
               AND (NOT $12 OR secret_ref IS NOT DISTINCT FROM $14) RETURNING ",
            server_columns!()
        ))
        .bind(tenant)
        .bind(id)
        .bind(&u.name)
        .bind(&u.slug)
        .bind(&u.url)
        .bind(u.transport.map(|t| t.as_str()))
        .bind(u.enabled)
        .bind(u.now)
        .bind(&u.description)
        .bind(u.auth_type.map(|a| a.as_str()))
        .bind(u.featured)
        .bind(ref_changes)
        .bind(&ref_to)
        .bind(&ref_from)
        .bind(u.auth_scope.map(|a| a.as_str()))
        .bind(u.agent_id.is_some())
        .bind(u.agent_id.flatten())
        .bind(u.extra_headers.is_some())
        .bind(u.extra_headers.as_deref().and_then(headers_json))
        .bind(u.url_secret.map(|w| w.as_str()))
        .bind(u.url_secret_ref.is_some())
        .bind(u.url_secret_ref.clone().flatten())
        .bind(u.oauth_service_id.is_some())
        .bind(u.oauth_service_id.flatten())
        .fetch_optional(pool)
        .await)?;
        row.map(TryInto::try_into).transpose()
    }

    async fn save_test_snapshot(
        &self,
        tenant: TenantId,
        id: ServerId,
        s: &TestSnapshot,
    ) -> StoreResult<bool> {
        let done = on_pool!(self, pool => sqlx::query(
            "UPDATE mcp_servers SET test_ok = $3, test_tools = $4, test_tool_count = $5, \
               test_error_class = $6, test_error_message = $7, tested_at = $8 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(id)
        .bind(s.ok)
        .bind(&s.tools_json)
        .bind(s.tool_count)
        .bind(s.error_class.map(|c| c.as_str()))
        .bind(&s.error_message)
        .bind(s.tested_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done > 0)
    }

    async fn delete_server(
        &self,
        tenant: TenantId,
        id: ServerId,
    ) -> StoreResult<Option<ServerRecord>> {
        let row: Option<ServerRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "DELETE FROM mcp_servers WHERE tenant_id = $1 AND id = $2 RETURNING ",
            server_columns!()
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        row.map(TryInto::try_into).transpose()
    }

    async fn mark_credential_rotated(
        &self,
        tenant: TenantId,
        id: ServerId,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = on_pool!(self, pool => sqlx::query(
            "UPDATE mcp_servers SET credential_rotated_at = $3, updated_at = $3 \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(id)
        .bind(at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done > 0)
    }
}
