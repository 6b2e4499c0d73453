//! The default vault: AES-256-GCM ciphertexts in the application database.

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use async_trait::async_trait;
use chrono::Utc;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

use super::{ManagedSecret, SecretOwner, Staged, Vault, VaultError, VaultKey, VaultResult};
use crate::domain::{SecretRef, TenantId};
use crate::server::store::{Sealed, SecretRecord, Store};

pub struct LocalVault {
    cipher: Cipher,
    store: Arc<dyn Store>,
}

/// Seals and opens one secret version under the master key.
pub(super) struct Cipher(Aes256Gcm);

impl Cipher {
    pub(super) fn new(key: &VaultKey) -> Self {
        Self(Aes256Gcm::new(&key.0))
    }

    /// The associated data binds a ciphertext to its reference and tenant, so
    /// a row copied under another reference fails to decrypt.
    fn aad(secret_ref: &str, tenant_id: TenantId) -> Vec<u8> {
        format!("switchboard/v1/{tenant_id}/{secret_ref}").into_bytes()
    }

    pub(super) fn seal(
        &self,
        secret_ref: &str,
        tenant_id: TenantId,
        plain: &[u8],
    ) -> VaultResult<Sealed> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = Self::aad(secret_ref, tenant_id);
        let ciphertext = self
            .0
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .map_err(|_| VaultError::Unavailable("encryption failed".into()))?;
        Ok(Sealed {
            nonce: nonce.to_vec(),
            ciphertext,
        })
    }

    /// The plaintext bytes; the caller wraps them in a secret type at once.
    pub(super) fn open(
        &self,
        secret_ref: &str,
        tenant_id: TenantId,
        sealed: &Sealed,
    ) -> VaultResult<Vec<u8>> {
        let nonce: [u8; 12] = sealed
            .nonce
            .as_slice()
            .try_into()
            .map_err(|_| VaultError::Decrypt(secret_ref.to_owned()))?;
        let aad = Self::aad(secret_ref, tenant_id);
        self.0
            .decrypt(
                &nonce.into(),
                Payload {
                    msg: &sealed.ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| VaultError::Decrypt(secret_ref.to_owned()))
    }
}

impl LocalVault {
    pub fn new(key: VaultKey, store: Arc<dyn Store>) -> Self {
        Self {
            cipher: Cipher::new(&key),
            store,
        }
    }

    async fn record(&self, secret_ref: &str) -> VaultResult<SecretRecord> {
        self.store
            .secret(secret_ref)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| VaultError::NotFound(secret_ref.to_owned()))
    }

    /// Writes `record` back if nobody wrote the secret since it was read:
    /// each change here is read, modify, write, and two at once must not
    /// silently undo each other.
    async fn save(&self, mut record: SecretRecord) -> VaultResult<()> {
        let read_at = record.updated_at;
        // Later than the read, even within one microsecond (PostgreSQL's
        // precision), so the next compare-and-set can tell the writes apart.
        record.updated_at = Utc::now().max(read_at + chrono::Duration::microseconds(1));
        let written = self
            .store
            .replace_secret_if_unchanged(&record, read_at)
            .await
            .map_err(unavailable)?;
        if written {
            Ok(())
        } else {
            Err(VaultError::Superseded(record.secret_ref.to_string()))
        }
    }
}

fn staged_id(sealed: &Sealed) -> Staged {
    Staged::new(hex::encode(&sealed.nonce))
}

fn unavailable(e: impl std::fmt::Display) -> VaultError {
    VaultError::unavailable("the local vault's database", e)
}

fn no_version(secret_ref: &str, version: &'static str) -> VaultError {
    VaultError::NoVersion {
        secret_ref: secret_ref.to_owned(),
        version,
    }
}

#[async_trait]
impl Vault for LocalVault {
    fn backend(&self) -> &'static str {
        "local"
    }

    async fn put(&self, owner: &SecretOwner<'_>, secret: &SecretString) -> VaultResult<SecretRef> {
        let mut id = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut id);
        let secret_ref = format!(
            "local:{}/{}/{}",
            owner.tenant_id,
            owner.kind.as_str(),
            hex::encode(id)
        );
        let current = self.cipher.seal(
            &secret_ref,
            owner.tenant_id,
            secret.expose_secret().as_bytes(),
        )?;
        let now = Utc::now();
        self.store
            .put_secret(&SecretRecord {
                secret_ref: SecretRef::new(secret_ref.clone()),
                tenant_id: owner.tenant_id,
                kind: owner.kind.as_str().to_owned(),
                owner: owner.owner.to_owned(),
                current,
                pending: None,
                previous: None,
                created_at: now,
                updated_at: now,
            })
            .await
            .map_err(unavailable)?;
        Ok(SecretRef::new(secret_ref))
    }

    async fn get(&self, secret_ref: &str) -> VaultResult<SecretString> {
        let record = self.record(secret_ref).await?;
        let plain = self
            .cipher
            .open(secret_ref, record.tenant_id, &record.current)?;
        let text =
            String::from_utf8(plain).map_err(|_| VaultError::Decrypt(secret_ref.to_owned()))?;
        Ok(SecretString::from(text))
    }

    async fn delete(&self, secret_ref: &str) -> VaultResult<()> {
        self.store
            .delete_secret(secret_ref)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn stage(&self, secret_ref: &str, secret: &SecretString) -> VaultResult<Staged> {
        let mut record = self.record(secret_ref).await?;
        let sealed = self.cipher.seal(
            secret_ref,
            record.tenant_id,
            secret.expose_secret().as_bytes(),
        )?;
        // The nonce is random per sealing: it names this version.
        let staged = staged_id(&sealed);
        record.pending = Some(sealed);
        self.save(record).await?;
        Ok(staged)
    }

    async fn promote(&self, secret_ref: &str, staged: &Staged) -> VaultResult<()> {
        let mut record = self.record(secret_ref).await?;
        let pending = record
            .pending
            .take()
            .ok_or_else(|| no_version(secret_ref, "pending"))?;
        if staged_id(&pending) != *staged {
            return Err(VaultError::Superseded(secret_ref.to_owned()));
        }
        record.previous = Some(std::mem::replace(&mut record.current, pending));
        self.save(record).await
    }

    async fn discard_pending(&self, secret_ref: &str, staged: &Staged) -> VaultResult<()> {
        let mut record = self.record(secret_ref).await?;
        match record.pending.take() {
            Some(pending) if staged_id(&pending) == *staged => self.save(record).await,
            // Gone already, or another change's: leave it.
            _ => Ok(()),
        }
    }

    async fn restore_previous(&self, secret_ref: &str) -> VaultResult<()> {
        let mut record = self.record(secret_ref).await?;
        let previous = record
            .previous
            .take()
            .ok_or_else(|| no_version(secret_ref, "previous"))?;
        record.previous = Some(std::mem::replace(&mut record.current, previous));
        self.save(record).await
    }

    async fn list_managed(&self) -> VaultResult<Vec<ManagedSecret>> {
        let records = self.store.secrets().await.map_err(unavailable)?;
        Ok(records
            .into_iter()
            .map(|r| ManagedSecret {
                secret_ref: r.secret_ref,
                owner: r.owner,
                created_at: r.created_at,
            })
            .collect())
    }
}
