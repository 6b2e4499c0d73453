//! OAuth: Switchboard's client registrations at authorization servers, the
//! flows between a redirect and its callback, and (in `grants`) users'
//! grants (`user_mcp_tokens`). No token, client secret or PKCE verifier is kept
//! here in the clear: tokens and secrets are vault references, and a
//! flow's verifier is sealed with a key only its `state` yields.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

mod grants;
mod records;

use super::StoreResult;
use super::db::{Db, on_pool};
use crate::domain::{OAuthClientId, TenantId};
pub use grants::GrantStore;
use records::ClientRow;
pub use records::{
    GrantRecord, NewGrant, NewOAuthClient, OAuthClientRecord, OAuthStateRecord, Registration,
};

// The columns of each table, in the order every query here uses (macros,
// as sqlx takes only static SQL text).
macro_rules! client_columns {
    () => {
        "id, tenant_id, issuer, redirect_uri, client_id, client_secret_ref, registered_via, \
         metadata, name, created_at"
    };
}
macro_rules! state_columns {
    () => {
        "state_hash, tenant_id, user_id, server_id, client_row_id, session_hash, \
         sealed_verifier, resource, scopes, created_at, expires_at"
    };
}

#[async_trait]
pub trait OAuthStore: Send + Sync {
    async fn insert_oauth_client(&self, new: &NewOAuthClient) -> StoreResult<OAuthClientRecord>;
    /// The newest registration of the tenant at `issuer` for `redirect_uri`.
    async fn latest_oauth_client(
        &self,
        tenant: TenantId,
        issuer: &str,
        redirect_uri: &str,
    ) -> StoreResult<Option<OAuthClientRecord>>;
    async fn oauth_client(
        &self,
        tenant: TenantId,
        id: OAuthClientId,
    ) -> StoreResult<Option<OAuthClientRecord>>;
    /// Removes a registration nothing uses yet (a write that failed after
    /// it); `false` if it was not there.
    async fn delete_oauth_client(&self, tenant: TenantId, id: OAuthClientId) -> StoreResult<bool>;

    /// Stores a flow, dropping every flow that expired before `now`.
    async fn insert_oauth_state(
        &self,
        state: &OAuthStateRecord,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The flow, removed as it is read: a second callback with the same
    /// `state` finds nothing, even when two arrive at once.
    async fn take_oauth_state(&self, state_hash: &str) -> StoreResult<Option<OAuthStateRecord>>;
}

#[async_trait]
impl OAuthStore for Db {
    async fn insert_oauth_client(&self, new: &NewOAuthClient) -> StoreResult<OAuthClientRecord> {
        let sql = concat!(
            "INSERT INTO oauth_clients (tenant_id, issuer, redirect_uri, client_id, \
             client_secret_ref, registered_via, metadata, name, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ",
            client_columns!()
        );
        let row: ClientRow = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(new.tenant_id)
            .bind(&new.issuer)
            .bind(&new.redirect_uri)
            .bind(&new.client_id)
            .bind(&new.client_secret_ref)
            .bind(new.registered_via.as_str())
            .bind(&new.metadata)
            .bind(&new.name)
            .bind(new.created_at)
            .fetch_one(pool)
            .await)?;
        row.try_into()
    }

    async fn latest_oauth_client(
        &self,
        tenant: TenantId,
        issuer: &str,
        redirect_uri: &str,
    ) -> StoreResult<Option<OAuthClientRecord>> {
        let sql = concat!(
            "SELECT ",
            client_columns!(),
            " FROM oauth_clients \
             WHERE tenant_id = $1 AND issuer = $2 AND redirect_uri = $3 ORDER BY id DESC LIMIT 1"
        );
        let row: Option<ClientRow> = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(tenant)
            .bind(issuer)
            .bind(redirect_uri)
            .fetch_optional(pool)
            .await)?;
        row.map(TryInto::try_into).transpose()
    }

    async fn oauth_client(
        &self,
        tenant: TenantId,
        id: OAuthClientId,
    ) -> StoreResult<Option<OAuthClientRecord>> {
        let sql = concat!(
            "SELECT ",
            client_columns!(),
            " FROM oauth_clients WHERE tenant_id = $1 AND id = $2"
        );
        let row: Option<ClientRow> = on_pool!(self, pool => sqlx::query_as(sql)
            .bind(tenant)
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        row.map(TryInto::try_into).transpose()
    }

    async fn delete_oauth_client(&self, tenant: TenantId, id: OAuthClientId) -> StoreResult<bool> {
        let done = on_pool!(self, pool => sqlx::query(
            "DELETE FROM oauth_clients WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .execute(pool)
            .await
            .map(|d| d.rows_affected()))?;
        Ok(done > 0)
    }

    async fn insert_oauth_state(
        &self,
        s: &OAuthStateRecord,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let sql = concat!(
            "INSERT INTO oauth_states (",
            state_columns!(),
            ") \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        );
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM oauth_states WHERE expires_at < $1")
                .bind(now)
                .execute(pool)
                .await?;
            sqlx::query(sql)
                .bind(&s.state_hash)
                .bind(s.tenant_id)
                .bind(s.user_id)
                .bind(s.server_id)
                .bind(s.client_row_id)
                .bind(&s.session_hash)
                .bind(&s.sealed_verifier)
                .bind(&s.resource)
                .bind(&s.scopes)
                .bind(s.created_at)
                .bind(s.expires_at)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    async fn take_oauth_state(&self, state_hash: &str) -> StoreResult<Option<OAuthStateRecord>> {
        let sql = concat!(
            "DELETE FROM oauth_states WHERE state_hash = $1 RETURNING ",
            state_columns!()
        );
        Ok(on_pool!(self, pool => sqlx::query_as(sql)
            .bind(state_hash)
            .fetch_optional(pool)
            .await)?)
    }
}
