//! The embedded default: one SQLite file, WAL mode.

use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::str::FromStr;
use std::time::Duration;

use super::audit::{AuditRow, impl_audit_store};
use super::impl_store::impl_store;
use super::records::ServerRow;
use super::secrets::{SecretRow, impl_secret_store, secret_columns};
use super::sql::{
    INSERT_MEMBERSHIP, INSERT_USER, contains_pattern, count_servers_sql, execute, list_servers_sql,
    map_err, server_columns, user_columns,
};
use super::tokens::{impl_token_store, token_columns};
use super::*;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            // Writers wait for each other instead of failing with SQLITE_BUSY.
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }
}

impl_store!(SqliteStore, "sqlite");
impl_secret_store!(SqliteStore, "");
impl_audit_store!(SqliteStore);
impl_token_store!(SqliteStore);
