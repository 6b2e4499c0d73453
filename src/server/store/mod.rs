//! Persistence port. One [`Store`] trait; a backend per engine, picked once
//! from `DATABASE_URL`. Both backends run the same SQL text (`sql.rs`), so
//! they cannot drift apart in behaviour; only connection setup and the
//! migrations folder differ.

mod audit;
mod impl_store;
mod postgres;
mod records;
mod secrets;
mod sql;
mod sqlite;
mod tokens;

#[cfg(test)]
mod contract_tests;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;

use crate::domain::{ListQuery, Role, ServerSort};

pub use audit::{AuditStore, NewAuditRecord};
pub use postgres::PostgresStore;
pub use records::*;
pub use secrets::{Rewrite, Sealed, SecretRecord, SecretStore};
pub use sqlite::SqliteStore;
pub use tokens::{NewTokenRecord, TokenRecord, TokenStore};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness constraint refused the write.
    #[error("duplicate value violates {constraint}")]
    Conflict { constraint: String },
    #[error("cannot open the database at {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A transaction was rolled back on purpose; nothing changed.
    #[error("{0}; nothing was changed")]
    Aborted(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("unsupported DATABASE_URL (expected sqlite:// or postgres://): {0}")]
    UnsupportedUrl(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything is looked up by tenant: a method that takes a `tenant_id`
/// never returns another tenant's row.
#[async_trait]
pub trait Store: SecretStore + AuditStore + TokenStore + Send + Sync + 'static {
    /// Which engine, for logs and `/readyz`.
    fn engine(&self) -> &'static str;
    async fn ping(&self) -> StoreResult<()>;

    // tenants
    async fn create_tenant(&self, slug: &str, name: &str) -> StoreResult<TenantRecord>;
    async fn tenant_by_slug(&self, slug: &str) -> StoreResult<Option<TenantRecord>>;
    async fn tenant_by_id(&self, id: i64) -> StoreResult<Option<TenantRecord>>;

    // users and memberships
    async fn create_user(&self, new: &NewUserRecord) -> StoreResult<UserRecord>;
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>>;
    async fn user_by_id(&self, id: i64) -> StoreResult<Option<UserRecord>>;
    async fn count_users(&self) -> StoreResult<i64>;
    async fn add_membership(&self, user_id: i64, tenant_id: i64, role: Role) -> StoreResult<()>;
    async fn membership(&self, user_id: i64, tenant_id: i64) -> StoreResult<Option<Role>>;
    /// The tenants a user belongs to, oldest membership first.
    async fn memberships_of(&self, user_id: i64) -> StoreResult<Vec<(TenantRecord, Role)>>;

    // sessions
    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> StoreResult<u64>;

    // rate limiting of failed sign-ins
    async fn record_auth_failure(&self, key: &str, at: DateTime<Utc>) -> StoreResult<()>;
    async fn count_auth_failures(&self, key: &str, since: DateTime<Utc>) -> StoreResult<i64>;
    async fn clear_auth_failures(&self, key: &str) -> StoreResult<()>;
    /// Drops failures older than `before`; they no longer count anywhere.
    async fn prune_auth_failures(&self, before: DateTime<Utc>) -> StoreResult<u64>;

    // MCP servers
    async fn insert_server(&self, new: &NewServerRecord) -> StoreResult<ServerRecord>;
    async fn server(&self, tenant_id: i64, id: i64) -> StoreResult<Option<ServerRecord>>;
    async fn list_servers(
        &self,
        tenant_id: i64,
        query: &ListQuery<ServerSort>,
    ) -> StoreResult<(Vec<ServerRecord>, u64)>;
    /// Applies the non-`None` fields; returns the updated row, `None` if absent.
    async fn update_server(
        &self,
        tenant_id: i64,
        id: i64,
        update: &ServerUpdate,
    ) -> StoreResult<Option<ServerRecord>>;
    async fn save_test_snapshot(
        &self,
        tenant_id: i64,
        id: i64,
        snapshot: &TestSnapshot,
    ) -> StoreResult<bool>;
    /// Deletes and returns the row, so the caller can clean up its secret.
    async fn delete_server(&self, tenant_id: i64, id: i64) -> StoreResult<Option<ServerRecord>>;
    /// Records that the server's key was rotated (or a rotation undone).
    async fn mark_credential_rotated(
        &self,
        tenant_id: i64,
        id: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
}

/// Connects to the engine named by the URL and applies its migrations.
pub async fn connect(database_url: &str) -> StoreResult<Arc<dyn Store>> {
    let with_context = |e: StoreError| match e {
        StoreError::Database(e) => StoreError::Connect {
            url: redact_url(database_url),
            reason: match e {
                sqlx::Error::PoolTimedOut => "no connection within 5 s (is it running?)".into(),
                other => other.to_string(),
            },
        },
        other => other,
    };
    if database_url.starts_with("sqlite:") {
        let store = SqliteStore::connect(database_url)
            .await
            .map_err(with_context)?;
        Ok(Arc::new(store))
    } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        let store = PostgresStore::connect(database_url)
            .await
            .map_err(with_context)?;
        Ok(Arc::new(store))
    } else {
        Err(StoreError::UnsupportedUrl(redact_url(database_url)))
    }
}

/// Drops a password from a connection URL before it is shown anywhere.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("****"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}
