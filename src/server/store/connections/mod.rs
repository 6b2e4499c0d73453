//! Connections: credentials bound to a server at one scope. Every lookup
//! takes the tenant; the server a row names may be another tenant's (a
//! featured server of the global platform), which is why the row keeps its
//! own tenant.

use async_trait::async_trait;

mod records;

use super::StoreResult;
use super::clause::{Arg, Clause, fetch_page};
use super::db::{Db, on_pool};
use crate::domain::{AuthType, ConnectionId, Scope, ServerId, TenantId};
pub use records::{ConnectionFilter, ConnectionRecord, ConnectionUpdate, NewConnectionRecord};
use records::{ConnectionRow, names_json};

#[async_trait]
pub trait ConnectionStore: Send + Sync {
    async fn insert_connection(&self, new: &NewConnectionRecord) -> StoreResult<ConnectionRecord>;
    async fn connection(
        &self,
        tenant: TenantId,
        id: ConnectionId,
    ) -> StoreResult<Option<ConnectionRecord>>;
    /// A page of the tenant's connections matching `filter`, oldest first,
    /// and how many match in all.
    async fn list_connections(
        &self,
        tenant: TenantId,
        filter: &ConnectionFilter,
        limit: u32,
        offset: u64,
    ) -> StoreResult<(Vec<ConnectionRecord>, u64)>;
    /// `None` when the tenant has no such row, or its secret reference moved.
    async fn update_connection(
        &self,
        tenant: TenantId,
        id: ConnectionId,
        update: &ConnectionUpdate,
    ) -> StoreResult<Option<ConnectionRecord>>;
    async fn delete_connection(
        &self,
        tenant: TenantId,
        id: ConnectionId,
    ) -> StoreResult<Option<ConnectionRecord>>;
    /// The active connections to `server` held by any of `tenants` (the
    /// caller's and, for a featured server, the global platform's): what
    /// resolution chooses from.
    async fn active_connections_to(
        &self,
        tenants: &[TenantId],
        server: ServerId,
    ) -> StoreResult<Vec<ConnectionRecord>>;
}

macro_rules! connection_columns {
    () => {
        "id, tenant_id, server_id, scope, auth_type, user_id, agent_id, authorization_scheme, \
         extra_headers, secret_header_names, secret_ref, is_active, created_at, updated_at, grant_id, \
         (SELECT s.name FROM mcp_servers s WHERE s.id = connections.server_id) AS server_name, \
         (SELECT u.username FROM users u WHERE u.id = connections.user_id) AS username, \
         (SELECT a.unique_id FROM agents a WHERE a.id = connections.agent_id) AS agent_uid"
    };
}

fn where_clause(filter: &ConnectionFilter) -> Clause {
    let mut c = Clause::new(" WHERE tenant_id = $1");
    if let Some(a) = filter.auth_type {
        c.and(" AND auth_type = $n", Arg::Text(a.as_str().into()));
    }
    if let Some(a) = filter.active {
        c.and(" AND is_active = $n", Arg::Flag(a));
    }
    if let Some(agent) = &filter.agent {
        c.and(
            " AND agent_id = (SELECT a.id FROM agents a WHERE a.tenant_id = $1 AND a.unique_id = $n)",
            Arg::Text(agent.to_string()),
        );
    }
    if let Some(s) = filter.scope {
        c.and(" AND scope = $n", Arg::Text(s.as_str().into()));
    }
    if let Some(s) = filter.search.as_deref().filter(|s| !s.is_empty()) {
        c.and(
            " AND server_id IN (SELECT s.id FROM mcp_servers s \
             WHERE lower(s.name) LIKE $n ESCAPE '\\')",
            Arg::Text(crate::server::store::servers::contains_pattern(s)),
        );
    }
    if let Some(s) = filter.server {
        c.and(" AND server_id = $n", Arg::Int(s.get()));
    }
    if let Some(u) = &filter.user {
        c.and(
            " AND user_id = (SELECT u.id FROM users u WHERE u.username = $n)",
            Arg::Text(u.clone()),
        );
    }
    if let Some(owner) = filter.owned_by {
        c.and(
            " AND scope = 'user' AND user_id = $n",
            Arg::Int(owner.get()),
        );
    }
    c
}

#[async_trait]
impl ConnectionStore for Db {
    async fn insert_connection(&self, n: &NewConnectionRecord) -> StoreResult<ConnectionRecord> {
        let row: ConnectionRow = on_pool!(self, pool => sqlx::query_as(concat!(
            "INSERT INTO connections (tenant_id, server_id, scope, auth_type, user_id, agent_id, \
             authorization_scheme, extra_headers, secret_header_names, secret_ref, is_active, \
             created_at, updated_at, grant_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13) RETURNING ",
            connection_columns!()
        ))
        .bind(n.tenant_id)
        .bind(n.server_id)
        .bind(n.scope.as_str())
        .bind(n.auth_type.as_str())
        .bind(n.user_id)
        .bind(n.agent_id)
        .bind(&n.authorization_scheme)
        .bind(crate::server::store::servers::headers_json(&n.extra_headers))
        .bind(names_json(&n.secret_header_names))
        .bind(&n.secret_ref)
        .bind(n.active)
        .bind(n.now)
        .bind(n.grant_id)
        .fetch_one(pool)
        .await)?;
        row.try_into()
    }

    async fn connection(
        &self,
        tenant: TenantId,
        id: ConnectionId,
    ) -> StoreResult<Option<ConnectionRecord>> {
        let row: Option<ConnectionRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            connection_columns!(),
            " FROM connections WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        row.map(TryInto::try_into).transpose()
    }

    async fn list_connections(
        &self,
        tenant: TenantId,
        filter: &ConnectionFilter,
        limit: u32,
        offset: u64,
    ) -> StoreResult<(Vec<ConnectionRecord>, u64)> {
        let (rows, total) = fetch_page!(
            self,
            ConnectionRow,
            where_clause(filter),
            ("connections", connection_columns!(), "id"),
            tenant,
            limit,
            offset
        );
        let items = rows
            .into_iter()
            .map(TryInto::try_into)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((items, total))
    }

    async fn update_connection(
        &self,
        tenant: TenantId,
        id: ConnectionId,
        u: &ConnectionUpdate,
    ) -> StoreResult<Option<ConnectionRecord>> {
        let (ref_changes, ref_to, ref_from) = match &u.secret_ref {
            Some(change) => (true, change.to.clone(), change.from.clone()),
            None => (false, None, None),
        };
        let row: Option<ConnectionRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "UPDATE connections SET \
               server_id = COALESCE($3, server_id), scope = COALESCE($4, scope), \
               auth_type = COALESCE($5, auth_type), \
               user_id = CASE WHEN $6 THEN $7 ELSE user_id END, \
               agent_id = CASE WHEN $8 THEN $9 ELSE agent_id END, \
               authorization_scheme = COALESCE($10, authorization_scheme), \
               extra_headers = CASE WHEN $11 THEN $12 ELSE extra_headers END, \
               secret_header_names = CASE WHEN $13 THEN $14 ELSE secret_header_names END, \
               secret_ref = CASE WHEN $15 THEN $16 ELSE secret_ref END, \
               is_active = COALESCE($18, is_active), updated_at = $19, \
               grant_id = CASE WHEN $20 THEN $21 ELSE grant_id END \
             WHERE tenant_id = $1 AND id = $2 \
               AND (NOT $15 OR secret_ref IS NOT DISTINCT FROM $17) RETURNING ",
            connection_columns!()
        ))
        .bind(tenant)
        .bind(id)
        .bind(u.server_id)
        .bind(u.scope.map(Scope::as_str))
        .bind(u.auth_type.map(AuthType::as_str))
        .bind(u.user_id.is_some())
        .bind(u.user_id.flatten())
        .bind(u.agent_id.is_some())
        .bind(u.agent_id.flatten())
        .bind(&u.authorization_scheme)
        .bind(u.extra_headers.is_some())
        .bind(u.extra_headers.as_deref().and_then(crate::server::store::servers::headers_json))
        .bind(u.secret_header_names.is_some())
        .bind(u.secret_header_names.as_deref().and_then(names_json))
        .bind(ref_changes)
        .bind(&ref_to)
        .bind(&ref_from)
        .bind(u.active)
        .bind(u.now)
        .bind(u.grant_id.is_some())
        .bind(u.grant_id.flatten())
        .fetch_optional(pool)
        .await)?;
        row.map(TryInto::try_into).transpose()
    }

    async fn delete_connection(
        &self,
        tenant: TenantId,
        id: ConnectionId,
    ) -> StoreResult<Option<ConnectionRecord>> {
        let row: Option<ConnectionRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "DELETE FROM connections WHERE tenant_id = $1 AND id = $2 RETURNING ",
            connection_columns!()
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        row.map(TryInto::try_into).transpose()
    }

    async fn active_connections_to(
        &self,
        tenants: &[TenantId],
        server: ServerId,
    ) -> StoreResult<Vec<ConnectionRecord>> {
        // At most two tenants: the caller's and the global platform's.
        let first = tenants.first().copied().unwrap_or(TenantId::new(0));
        let second = tenants.get(1).copied().unwrap_or(first);
        let rows: Vec<ConnectionRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            connection_columns!(),
            " FROM connections WHERE tenant_id IN ($1, $2) AND server_id = $3 AND is_active"
        ))
        .bind(first)
        .bind(second)
        .bind(server)
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }
}
