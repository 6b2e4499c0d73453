//! The one concrete store: a pool of either engine. Both engines run the same
//! SQL text (`$N` placeholders and the column names agree), so each aggregate
//! is written once, as ordinary methods, and [`on_pool!`] picks the pool.

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

use super::StoreResult;

/// The application database.
pub struct Db {
    pub(super) pool: Pool,
}

pub(super) enum Pool {
    /// The embedded default: one file, WAL mode.
    Sqlite(SqlitePool),
    /// For deployments with more than one replica.
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to whichever engine's pool the store
/// holds. The body is compiled once per engine, which is what lets one
/// query text bind and decode the same Rust types on both.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match &$db.pool {
            $crate::server::store::db::Pool::Sqlite($pool) => $body,
            $crate::server::store::db::Pool::Postgres($pool) => $body,
        }
    };
}
pub(super) use on_pool;

impl Db {
    pub async fn sqlite(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // In WAL mode NORMAL syncs at checkpoints, not at every commit:
            // a crash of the process loses nothing, a power cut may lose the
            // last commits but never corrupts (SQLite's documented pairing).
            // FULL, the default, cost a write per gateway call ~1 ms.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Writers wait for each other instead of failing with SQLITE_BUSY.
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(Self {
            pool: Pool::Sqlite(pool),
        })
    }

    pub async fn postgres(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        // sqlx's migrator takes a PostgreSQL advisory lock, so replicas that
        // start together apply each migration once.
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Self {
            pool: Pool::Postgres(pool),
        })
    }

    /// Which engine, for logs and `/readyz`.
    pub fn engine(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }
}
