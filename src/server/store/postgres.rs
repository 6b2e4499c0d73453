//! PostgreSQL, for deployments with more than one replica.

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgPool, PgPoolOptions};
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

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        // sqlx's migrator takes a PostgreSQL advisory lock, so replicas that
        // start together apply each migration once.
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

impl_store!(PostgresStore, "postgres");
impl_secret_store!(PostgresStore, " FOR UPDATE");
impl_audit_store!(PostgresStore);
impl_token_store!(PostgresStore);
