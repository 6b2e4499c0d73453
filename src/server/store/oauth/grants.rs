//! Users' grants (`user_mcp_tokens`): one per (user, server), its token
//! set a vault reference, renewed under a lease any replica can take.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::records::{GrantRecord, GrantRow, NewGrant};
use crate::domain::overview::GrantDue;
use crate::domain::{GrantId, GrantStatus, SecretRef, ServerId, TenantId, UserId};
use crate::server::store::db::{Db, on_pool};
use crate::server::store::{StoreError, StoreResult};

// The columns, in the order every query here uses (a macro, as sqlx takes
// only static SQL text).
macro_rules! grant_columns {
    () => {
        "id, tenant_id, user_id, mcp_server_id, client_row_id, secret_ref, resource, scopes, \
         expires_at, status, status_reason, refresh_lease_until, wanted_scopes, created_at, \
         updated_at"
    };
}

#[derive(sqlx::FromRow)]
struct GrantDueRow {
    server_id: ServerId,
    server_name: String,
    username: String,
    status: String,
    expires_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait GrantStore: Send + Sync {
    /// Creates or replaces the user's grant for the server; answers the
    /// grant and the vault reference it replaced, if any.
    async fn upsert_grant(&self, new: &NewGrant) -> StoreResult<(GrantRecord, Option<SecretRef>)>;
    async fn grant(
        &self,
        tenant: TenantId,
        user: UserId,
        server: ServerId,
    ) -> StoreResult<Option<GrantRecord>>;
    async fn grants_of_user(&self, tenant: TenantId, user: UserId)
    -> StoreResult<Vec<GrantRecord>>;
    /// A grant by its id (seed 000's connected service).
    async fn grant_by_id(&self, tenant: TenantId, id: GrantId) -> StoreResult<Option<GrantRecord>>;
    /// The tenant's grants (one user's, given one) that have expired, or
    /// that cannot renew themselves (no refresh token) and run out before
    /// `until`: ended first, then soonest; at most `limit`.
    async fn grants_due(
        &self,
        tenant: TenantId,
        user: Option<UserId>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<GrantDue>>;
    /// Removes the grant and answers it (its vault secret is the caller's
    /// to delete).
    async fn delete_grant(
        &self,
        tenant: TenantId,
        user: UserId,
        server: ServerId,
    ) -> StoreResult<Option<GrantRecord>>;
    /// Takes the grant's refresh lease until `until`, if nobody holds a
    /// live one and the grant still holds `secret_ref`: `true` when this
    /// caller is now the one to refresh.
    async fn take_refresh_lease(
        &self,
        grant: GrantId,
        secret_ref: &SecretRef,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// A refresh that worked: the new token set's reference and expiry,
    /// the lease dropped. `false` if the grant no longer holds `old_ref`.
    async fn finish_refresh(
        &self,
        grant: GrantId,
        old_ref: &SecretRef,
        new_ref: &SecretRef,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Records the scopes the grant's server asked for beyond the grant's
    /// own (step-up authorization); `false` if the grant is gone.
    async fn want_scopes(
        &self,
        tenant: TenantId,
        grant: GrantId,
        scopes: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Sets the grant's status (and why), dropping any lease.
    async fn mark_grant(
        &self,
        grant: GrantId,
        status: GrantStatus,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
}

#[async_trait]
impl GrantStore for Db {
    async fn upsert_grant(&self, g: &NewGrant) -> StoreResult<(GrantRecord, Option<SecretRef>)> {
        let previous = self
            .grant(g.tenant_id, g.user_id, g.server_id)
            .await?
            .map(|old| old.secret_ref)
            .filter(|old| *old != g.secret_ref);
        let sql = concat!(
            "INSERT INTO user_mcp_tokens (tenant_id, user_id, mcp_server_id, client_row_id, \
             secret_ref, resource, scopes, expires_at, status, created_at, updated_at, \
             refreshable) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $9, $10) \
             ON CONFLICT (user_id, mcp_server_id) DO UPDATE SET \
               client_row_id = excluded.client_row_id, secret_ref = excluded.secret_ref, \
               resource = excluded.resource, scopes = excluded.scopes, \
               expires_at = excluded.expires_at, refreshable = excluded.refreshable, \
               status = 'active', status_reason = NULL, \
               refresh_lease_until = NULL, wanted_scopes = NULL, \
               updated_at = excluded.updated_at \
             RETURNING ",
            grant_columns!()
        );
        let row: GrantRow = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(g.tenant_id)
            .bind(g.user_id)
            .bind(g.server_id)
            .bind(g.client_row_id)
            .bind(&g.secret_ref)
            .bind(&g.resource)
            .bind(&g.scopes)
            .bind(g.expires_at)
            .bind(g.at)
            .bind(g.refreshable)
            .fetch_one(pool)
            .await)?;
        Ok((row.try_into()?, previous))
    }

    async fn grant(
        &self,
        tenant: TenantId,
        user: UserId,
        server: ServerId,
    ) -> StoreResult<Option<GrantRecord>> {
        let sql = concat!(
            "SELECT ",
            grant_columns!(),
            " FROM user_mcp_tokens \
             WHERE tenant_id = $1 AND user_id = $2 AND mcp_server_id = $3"
        );
        let row: Option<GrantRow> = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(tenant)
            .bind(user)
            .bind(server)
            .fetch_optional(pool)
            .await)?;
        row.map(TryInto::try_into).transpose()
    }

    async fn grants_of_user(
        &self,
        tenant: TenantId,
        user: UserId,
    ) -> StoreResult<Vec<GrantRecord>> {
        let sql = concat!(
            "SELECT ",
            grant_columns!(),
            " FROM user_mcp_tokens \
             WHERE tenant_id = $1 AND user_id = $2 ORDER BY id"
        );
        let rows: Vec<GrantRow> = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(tenant)
            .bind(user)
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn grants_due(
        &self,
        tenant: TenantId,
        user: Option<UserId>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<GrantDue>> {
        const SQL: &str = "SELECT g.mcp_server_id AS server_id, s.name AS server_name, \
               u.username, g.status, g.expires_at \
             FROM user_mcp_tokens g \
               JOIN mcp_servers s ON s.id = g.mcp_server_id AND s.tenant_id = g.tenant_id \
               JOIN users u ON u.id = g.user_id \
             WHERE g.tenant_id = $1 AND ($2 IS NULL OR g.user_id = $2) \
               AND (g.status = 'expired' \
                 OR (g.status = 'active' AND NOT g.refreshable \
                   AND g.expires_at IS NOT NULL AND g.expires_at < $3)) \
             ORDER BY CASE g.status WHEN 'expired' THEN 0 ELSE 1 END, g.expires_at, g.id \
             LIMIT $4";
        let rows: Vec<GrantDueRow> = on_pool!(self, pool => sqlx::query_as(SQL)
            .bind(tenant)
            .bind(user)
            .bind(until)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)?;
        rows.into_iter()
            .map(|r| {
                let status = GrantStatus::parse(&r.status).ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "a grant of {}: status {:?}",
                        r.server_id, r.status
                    ))
                })?;
                Ok(GrantDue {
                    server_id: r.server_id,
                    server_name: r.server_name,
                    username: r.username,
                    status,
                    expires_at: r.expires_at,
                })
            })
            .collect()
    }

    async fn grant_by_id(&self, tenant: TenantId, id: GrantId) -> StoreResult<Option<GrantRecord>> {
        let sql = concat!(
            "SELECT ",
            grant_columns!(),
            " FROM user_mcp_tokens WHERE tenant_id = $1 AND id = $2"
        );
        let row: Option<GrantRow> = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(tenant)
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        row.map(TryInto::try_into).transpose()
    }

    async fn delete_grant(
        &self,
        tenant: TenantId,
        user: UserId,
        server: ServerId,
    ) -> StoreResult<Option<GrantRecord>> {
        let sql = concat!(
            "DELETE FROM user_mcp_tokens \
             WHERE tenant_id = $1 AND user_id = $2 AND mcp_server_id = $3 RETURNING ",
            grant_columns!()
        );
        let row: Option<GrantRow> = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(tenant)
            .bind(user)
            .bind(server)
            .fetch_optional(pool)
            .await)?;
        row.map(TryInto::try_into).transpose()
    }

    async fn take_refresh_lease(
        &self,
        grant: GrantId,
        secret_ref: &SecretRef,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let taken = on_pool!(self, pool => sqlx::query(
            "UPDATE user_mcp_tokens SET refresh_lease_until = $1 \
             WHERE id = $2 AND secret_ref = $3 AND status = 'active' \
               AND (refresh_lease_until IS NULL OR refresh_lease_until < $4)",
        )
        .bind(until)
        .bind(grant)
        .bind(secret_ref)
        .bind(now)
        .execute(pool)
        .await
        .map(|d| d.rows_affected()))?;
        Ok(taken == 1)
    }

    async fn finish_refresh(
        &self,
        grant: GrantId,
        old_ref: &SecretRef,
        new_ref: &SecretRef,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = on_pool!(self, pool => sqlx::query(
            "UPDATE user_mcp_tokens SET secret_ref = $1, expires_at = $2, \
               refresh_lease_until = NULL, updated_at = $3 \
             WHERE id = $4 AND secret_ref = $5",
        )
        .bind(new_ref)
        .bind(expires_at)
        .bind(now)
        .bind(grant)
        .bind(old_ref)
        .execute(pool)
        .await
        .map(|d| d.rows_affected()))?;
        Ok(done == 1)
    }

    async fn want_scopes(
        &self,
        tenant: TenantId,
        grant: GrantId,
        scopes: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = on_pool!(self, pool => sqlx::query(
            "UPDATE user_mcp_tokens SET wanted_scopes = $1, updated_at = $2 \
             WHERE tenant_id = $3 AND id = $4",
        )
        .bind(scopes)
        .bind(now)
        .bind(tenant)
        .bind(grant)
        .execute(pool)
        .await
        .map(|d| d.rows_affected()))?;
        Ok(done == 1)
    }

    async fn mark_grant(
        &self,
        grant: GrantId,
        status: GrantStatus,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "UPDATE user_mcp_tokens SET status = $1, status_reason = $2, \
               refresh_lease_until = NULL, updated_at = $3 WHERE id = $4",
        )
        .bind(status.as_str())
        .bind(reason)
        .bind(now)
        .bind(grant)
        .execute(pool)
        .await
        .map(|d| d.rows_affected()))?;
        Ok(())
    }
}
