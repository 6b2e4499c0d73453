//! Persistence port. The [`Store`] trait is the sum of one trait per
//! aggregate (tenants, accounts, agents, templates and assignments, connections, sessions, sign-in limits, OAuth and its services, servers, tokens,
//! audit, secrets), each in its own file with its records and its SQL; a new
//! aggregate is a new file. [`Db`] implements them all over either engine,
//! picked once from `DATABASE_URL`, running the same SQL text on both.

mod accounts;
mod agents;
mod assignments;
mod audit;
mod clause;
mod connections;
mod db;
mod images;
mod leases;
mod limits;
mod oauth;
mod oauth_services;
mod secrets;
mod server_tools;
mod servers;
mod sessions;
mod templates;
mod tenants;
mod tokens;

#[cfg(test)]
mod contract_tests;

use async_trait::async_trait;
use std::sync::Arc;

pub use accounts::{AccountStore, NewUserRecord, UserRecord};
pub use agents::{AgentRecord, AgentStore, NewAgentRecord};
pub use assignments::{AssignmentRecord, AssignmentStore, Holder, SyncedAgent};
pub use audit::{AuditStore, NewAuditRecord};
pub use connections::{
    ConnectionFilter, ConnectionRecord, ConnectionStore, ConnectionUpdate, NewConnectionRecord,
};
pub use db::Db;
pub use images::{ImageStore, NewImage, StoredImage};
pub use leases::LeaseStore;
pub use limits::LimitStore;
pub use oauth::{
    GrantRecord, GrantStore, NewGrant, NewOAuthClient, OAuthClientRecord, OAuthStateRecord,
    OAuthStore, Registration,
};
pub use oauth_services::{NewOAuthService, OAuthServiceRecord, OAuthServiceStore};
pub use secrets::{Rewrite, Sealed, SecretRecord, SecretStore};
pub use server_tools::{NewServerTool, Refreshed, ServerToolRecord, ServerToolStore, ToolCheck};
pub use servers::{
    NewServerRecord, SecretRefChange, ServerFilter, ServerRecord, ServerStore, ServerUpdate,
    TestSnapshot,
};
pub use sessions::{SessionRecord, SessionStore};
pub use templates::{TemplateRecord, TemplateStore};
pub use tenants::{TenantRecord, TenantStore};
pub use tokens::{NewTokenRecord, TokenRecord, TokenStore};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness constraint refused the write.
    #[error("duplicate value violates {constraint}")]
    Conflict { constraint: String },
    /// A foreign key refused the write: the row is still referenced (a
    /// delete), or names a row that does not exist (an insert).
    #[error("the row is referenced, or references nothing: {0}")]
    InUse(String),
    #[error("cannot open the database at {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("database error: {0}")]
    Database(sqlx::Error),
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

/// Driver errors, with unique violations turned into [`StoreError::Conflict`]
/// so services can answer "already taken" without knowing the engine.
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            // PostgreSQL names the constraint; SQLite only says which columns.
            let constraint = db
                .constraint()
                .map(str::to_owned)
                .unwrap_or_else(|| db.message().to_owned());
            return StoreError::Conflict { constraint };
        }
        if let sqlx::Error::Database(db) = &e
            && db.is_foreign_key_violation()
        {
            return StoreError::InUse(db.message().to_owned());
        }
        StoreError::Database(e)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The whole persistence port. Everything tenant-owned is looked up by
/// tenant: a method that takes a `TenantId` never returns another tenant's row.
#[async_trait]
pub trait Store:
    TenantStore
    + AccountStore
    + AgentStore
    + AssignmentStore
    + TemplateStore
    + ConnectionStore
    + ImageStore
    + LeaseStore
    + SessionStore
    + LimitStore
    + OAuthStore
    + GrantStore
    + OAuthServiceStore
    + ServerStore
    + ServerToolStore
    + TokenStore
    + AuditStore
    + SecretStore
    + Send
    + Sync
    + 'static
{
    /// Which engine, for logs and `/readyz`.
    fn engine(&self) -> &'static str;
    async fn ping(&self) -> StoreResult<()>;
    /// Waits for the connections in use to come back, then closes them all
    /// (SQLite checkpoints its WAL as the last one closes).
    async fn close(&self);
    /// The pool's open connections and, of those, the idle ones.
    fn pool_connections(&self) -> (u32, u32);
}

#[async_trait]
impl Store for Db {
    fn engine(&self) -> &'static str {
        Db::engine(self)
    }

    async fn ping(&self) -> StoreResult<()> {
        db::on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|done| done.rows_affected()))?;
        Ok(())
    }

    async fn close(&self) {
        db::on_pool!(self, pool => pool.close().await);
    }

    fn pool_connections(&self) -> (u32, u32) {
        db::on_pool!(self, pool => (pool.size(), u32::try_from(pool.num_idle()).unwrap_or(u32::MAX)))
    }
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
    let db = if database_url.starts_with("sqlite:") {
        Db::sqlite(database_url).await
    } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        Db::postgres(database_url).await
    } else {
        return Err(StoreError::UnsupportedUrl(redact_url(database_url)));
    };
    Ok(Arc::new(db.map_err(with_context)?))
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
