//! The local vault's table: sealed (encrypted) secret versions. The store
//! never sees a plaintext; `LocalVault` seals and opens.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::db::{Db, Pool, on_pool};
use super::{StoreError, StoreResult};
use crate::domain::{SecretRef, TenantId};

/// One AES-GCM ciphertext and its nonce.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sealed({} B)", self.ciphertext.len())
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct SecretRecord {
    pub secret_ref: SecretRef,
    pub tenant_id: TenantId,
    pub kind: String,
    pub owner: String,
    pub current: Sealed,
    pub pending: Option<Sealed>,
    pub previous: Option<Sealed>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for SecretRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretRecord")
            .field("secret_ref", &self.secret_ref)
            .field("tenant_id", &self.tenant_id)
            .field("kind", &self.kind)
            .field("owner", &self.owner)
            .field("pending", &self.pending.is_some())
            .field("previous", &self.previous.is_some())
            .finish_non_exhaustive()
    }
}

/// The row as stored: the three versions flattened into column pairs.
#[derive(sqlx::FromRow)]
pub(super) struct SecretRow {
    secret_ref: SecretRef,
    tenant_id: TenantId,
    kind: String,
    owner: String,
    nonce: Vec<u8>,
    ciphertext: Vec<u8>,
    pending_nonce: Option<Vec<u8>>,
    pending_ciphertext: Option<Vec<u8>>,
    previous_nonce: Option<Vec<u8>>,
    previous_ciphertext: Option<Vec<u8>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn sealed(nonce: Option<Vec<u8>>, ciphertext: Option<Vec<u8>>) -> Option<Sealed> {
    Some(Sealed {
        nonce: nonce?,
        ciphertext: ciphertext?,
    })
}

impl From<SecretRow> for SecretRecord {
    fn from(r: SecretRow) -> Self {
        SecretRecord {
            secret_ref: r.secret_ref,
            tenant_id: r.tenant_id,
            kind: r.kind,
            owner: r.owner,
            current: Sealed {
                nonce: r.nonce,
                ciphertext: r.ciphertext,
            },
            pending: sealed(r.pending_nonce, r.pending_ciphertext),
            previous: sealed(r.previous_nonce, r.previous_ciphertext),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A fallible re-encryption step for [`SecretStore::rewrite_secrets`].
pub type Rewrite<'a> = &'a (dyn Fn(SecretRecord) -> Result<SecretRecord, String> + Send + Sync);

#[async_trait]
pub trait SecretStore: Send + Sync {
    /// Inserts, or replaces every version of, the secret.
    async fn put_secret(&self, secret: &SecretRecord) -> StoreResult<()>;
    /// Replaces the versions of an existing secret if it is still as read
    /// (its `updated_at` unchanged); `false` if another write came first.
    async fn replace_secret_if_unchanged(
        &self,
        secret: &SecretRecord,
        read_at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn secret(&self, secret_ref: &str) -> StoreResult<Option<SecretRecord>>;
    async fn delete_secret(&self, secret_ref: &str) -> StoreResult<bool>;
    /// Every secret, oldest first.
    async fn secrets(&self) -> StoreResult<Vec<SecretRecord>>;
    /// Passes every secret through `rewrite` and stores the results, all in
    /// one transaction: if `rewrite` fails for any, nothing changes.
    async fn rewrite_secrets(&self, rewrite: Rewrite<'_>) -> StoreResult<u64>;
    /// Whether any row of any owner table still refers to the secret (the
    /// sweeper's question).
    async fn secret_in_use(&self, secret_ref: &str) -> StoreResult<bool>;
}

/// `SELECT 1 … WHERE … UNION ALL SELECT 1 …` over the given owner tables,
/// `$1` the reference (each branch can use its table's index); the 1 is a
/// BIGINT on both engines so one type decodes it.
macro_rules! referenced_sql {
    ($first_table:literal . $first_column:literal $(, $table:literal . $column:literal)*) => {
        concat!(
            "SELECT CAST(1 AS BIGINT) FROM ", $first_table, " WHERE ", $first_column, " = $1",
            $(" UNION ALL SELECT CAST(1 AS BIGINT) FROM ", $table, " WHERE ", $column, " = $1",)*
            " LIMIT 1"
        )
    };
}

/// The sweeper's question, "does any row still refer to this secret?",
/// asked of every table whose rows own vault secrets at once. A new kind
/// of owner (a connection's credential, an OAuth grant) is one more line
/// here, so the sweeper can never delete a secret it did not know was used.
const SECRET_REFERENCED: &str = referenced_sql!(
    "mcp_servers"."secret_ref",
    "mcp_servers"."url_secret_ref",
    "connections"."secret_ref",
    "user_mcp_tokens"."secret_ref",
    "oauth_clients"."client_secret_ref"
);

/// The columns of `vault_secrets`, in the order every query here uses.
macro_rules! secret_columns {
    () => {
        "secret_ref, tenant_id, kind, owner, nonce, ciphertext, pending_nonce, \
         pending_ciphertext, previous_nonce, previous_ciphertext, created_at, updated_at"
    };
}

#[async_trait]
impl SecretStore for Db {
    async fn put_secret(&self, s: &SecretRecord) -> StoreResult<()> {
        let pending = s.pending.as_ref();
        let previous = s.previous.as_ref();
        on_pool!(self, pool => sqlx::query(concat!(
            "INSERT INTO vault_secrets (",
            secret_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (secret_ref) DO UPDATE SET \
               nonce = excluded.nonce, ciphertext = excluded.ciphertext, \
               pending_nonce = excluded.pending_nonce, \
               pending_ciphertext = excluded.pending_ciphertext, \
               previous_nonce = excluded.previous_nonce, \
               previous_ciphertext = excluded.previous_ciphertext, \
               updated_at = excluded.updated_at"
        ))
        .bind(&s.secret_ref)
        .bind(s.tenant_id)
        .bind(&s.kind)
        .bind(&s.owner)
        .bind(&s.current.nonce)
        .bind(&s.current.ciphertext)
        .bind(pending.map(|p| &p.nonce))
        .bind(pending.map(|p| &p.ciphertext))
        .bind(previous.map(|p| &p.nonce))
        .bind(previous.map(|p| &p.ciphertext))
        .bind(s.created_at)
        .bind(s.updated_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    async fn replace_secret_if_unchanged(
        &self,
        s: &SecretRecord,
        read_at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let pending = s.pending.as_ref();
        let previous = s.previous.as_ref();
        let done = on_pool!(self, pool => sqlx::query(
            "UPDATE vault_secrets SET nonce = $2, ciphertext = $3, pending_nonce = $4, \
               pending_ciphertext = $5, previous_nonce = $6, previous_ciphertext = $7, \
               updated_at = $8 \
             WHERE secret_ref = $1 AND updated_at = $9",
        )
        .bind(&s.secret_ref)
        .bind(&s.current.nonce)
        .bind(&s.current.ciphertext)
        .bind(pending.map(|p| &p.nonce))
        .bind(pending.map(|p| &p.ciphertext))
        .bind(previous.map(|p| &p.nonce))
        .bind(previous.map(|p| &p.ciphertext))
        .bind(s.updated_at)
        .bind(read_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    async fn secret(&self, secret_ref: &str) -> StoreResult<Option<SecretRecord>> {
        let row: Option<SecretRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            secret_columns!(),
            " FROM vault_secrets WHERE secret_ref = $1"
        ))
        .bind(secret_ref)
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(Into::into))
    }

    async fn delete_secret(&self, secret_ref: &str) -> StoreResult<bool> {
        let done = on_pool!(self, pool => sqlx::query("DELETE FROM vault_secrets WHERE secret_ref = $1")
            .bind(secret_ref)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(done > 0)
    }

    async fn secrets(&self) -> StoreResult<Vec<SecretRecord>> {
        let rows: Vec<SecretRow> = on_pool!(self, pool => sqlx::query_as(concat!(
            "SELECT ",
            secret_columns!(),
            " FROM vault_secrets ORDER BY created_at, secret_ref"
        ))
        .fetch_all(pool)
        .await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn rewrite_secrets(&self, rewrite: Rewrite<'_>) -> StoreResult<u64> {
        // PostgreSQL locks the rows read; on SQLite a concurrent writer makes
        // our first write fail (WAL snapshot), which rolls everything back:
        // still safe.
        let select = match self.pool {
            Pool::Sqlite(_) => concat!(
                "SELECT ",
                secret_columns!(),
                " FROM vault_secrets ORDER BY secret_ref"
            ),
            Pool::Postgres(_) => concat!(
                "SELECT ",
                secret_columns!(),
                " FROM vault_secrets ORDER BY secret_ref FOR UPDATE"
            ),
        };
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let rows: Vec<SecretRow> = sqlx::query_as(select).fetch_all(&mut *tx).await?;
            let mut count = 0;
            for row in rows {
                let new = rewrite(row.into()).map_err(StoreError::Aborted)?;
                let pending = new.pending.as_ref();
                let previous = new.previous.as_ref();
                count += sqlx::query(
                    "UPDATE vault_secrets SET nonce = $2, ciphertext = $3, \
                       pending_nonce = $4, pending_ciphertext = $5, \
                       previous_nonce = $6, previous_ciphertext = $7, updated_at = $8 \
                     WHERE secret_ref = $1",
                )
                .bind(&new.secret_ref)
                .bind(&new.current.nonce)
                .bind(&new.current.ciphertext)
                .bind(pending.map(|p| &p.nonce))
                .bind(pending.map(|p| &p.ciphertext))
                .bind(previous.map(|p| &p.nonce))
                .bind(previous.map(|p| &p.ciphertext))
                .bind(new.updated_at)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await?;
            Ok(count)
        })
    }

    async fn secret_in_use(&self, secret_ref: &str) -> StoreResult<bool> {
        let found: Option<i64> = on_pool!(self, pool => sqlx::query_scalar(SECRET_REFERENCED)
        .bind(secret_ref)
        .fetch_optional(pool)
        .await)?;
        Ok(found.is_some())
    }
}
