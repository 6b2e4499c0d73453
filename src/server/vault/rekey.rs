//! Local master key rotation: every version of every local secret is
//! re-encrypted under a new key in one database transaction. If the old key
//! fails to open any of them, the transaction rolls back and nothing changes.

use chrono::{DateTime, Utc};

use super::VaultKey;
use super::local::Cipher;
use crate::server::store::{Sealed, SecretRecord, Store, StoreError};

/// Re-encrypts everything, stamping each secret `now`; returns how many
/// secrets were rewritten.
pub async fn rekey(
    store: &dyn Store,
    old: &VaultKey,
    new: &VaultKey,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let (old, new) = (Cipher::new(old), Cipher::new(new));
    let reseal = |r: &SecretRecord, sealed: &Sealed| -> Result<Sealed, String> {
        let plain = old.open(&r.secret_ref, r.tenant_id, sealed).map_err(|_| {
            format!(
                "secret {} does not decrypt with the current key (wrong SWITCHBOARD_VAULT_KEY or key file?)",
                r.secret_ref
            )
        })?;
        new.seal(&r.secret_ref, r.tenant_id, &plain)
            .map_err(|e| e.to_string())
    };
    let rewrite = |mut r: SecretRecord| -> Result<SecretRecord, String> {
        r.current = reseal(&r, &r.current)?;
        r.pending = r.pending.as_ref().map(|p| reseal(&r, p)).transpose()?;
        r.previous = r.previous.as_ref().map(|p| reseal(&r, p)).transpose()?;
        r.updated_at = now;
        Ok(r)
    };
    store.rewrite_secrets(&rewrite).await
}
