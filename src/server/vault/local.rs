//! The default vault: AES-256-GCM ciphertexts in the application database.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use async_trait::async_trait;
use chrono::Utc;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use std::path::Path;
use std::sync::Arc;

use super::{SecretKind, Vault, VaultError, VaultResult};
use crate::server::store::{SecretRecord, Store};

/// The 256-bit master key. Not `Debug`, not `Clone`: it stays where it is made.
pub struct VaultKey(Key<Aes256Gcm>);

impl VaultKey {
    /// From 64 hexadecimal characters.
    pub fn from_hex(hex_key: &str) -> VaultResult<Self> {
        let bytes = hex::decode(hex_key.trim())
            .map_err(|_| VaultError::BadKey("expected 64 hexadecimal characters".into()))?;
        if bytes.len() != 32 {
            return Err(VaultError::BadKey(format!(
                "expected 32 bytes (64 hex characters), got {}",
                bytes.len()
            )));
        }
        Ok(Self(*Key::<Aes256Gcm>::from_slice(&bytes)))
    }

    pub fn generate() -> Self {
        Self(Aes256Gcm::generate_key(OsRng))
    }

    fn to_hex(&self) -> String {
        hex::encode(self.0.as_slice())
    }

    /// Reads the key file, or creates it (mode 0600) with a fresh key.
    pub fn load_or_create(path: &Path) -> VaultResult<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate();
                write_private_file(path, &key.to_hex()).map_err(|e| {
                    VaultError::BadKey(format!("cannot write {}: {e}", path.display()))
                })?;
                Ok(key)
            }
            Err(e) => Err(VaultError::BadKey(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }
}

fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

pub struct LocalVault {
    cipher: Aes256Gcm,
    store: Arc<dyn Store>,
}

impl LocalVault {
    pub fn new(key: VaultKey, store: Arc<dyn Store>) -> Self {
        Self {
            cipher: Aes256Gcm::new(&key.0),
            store,
        }
    }

    /// The associated data binds a ciphertext to its reference and tenant, so
    /// a row copied under another reference fails to decrypt.
    fn aad(secret_ref: &str, tenant_id: i64) -> Vec<u8> {
        format!("switchboard/v1/{tenant_id}/{secret_ref}").into_bytes()
    }
}

fn unavailable(e: impl std::fmt::Display) -> VaultError {
    VaultError::Unavailable(e.to_string())
}

#[async_trait]
impl Vault for LocalVault {
    fn backend(&self) -> &'static str {
        "local"
    }

    async fn put(
        &self,
        tenant_id: i64,
        kind: SecretKind,
        secret: &SecretString,
    ) -> VaultResult<String> {
        let mut id = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut id);
        let secret_ref = format!("local:{tenant_id}/{}/{}", kind.as_str(), hex::encode(id));
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = Self::aad(&secret_ref, tenant_id);
        let ciphertext = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: secret.expose_secret().as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| VaultError::Unavailable("encryption failed".into()))?;
        let now = Utc::now();
        self.store
            .put_secret(&SecretRecord {
                secret_ref: secret_ref.clone(),
                tenant_id,
                kind: kind.as_str().to_owned(),
                nonce: nonce.to_vec(),
                ciphertext,
                created_at: now,
                updated_at: now,
            })
            .await
            .map_err(unavailable)?;
        Ok(secret_ref)
    }

    async fn get(&self, secret_ref: &str) -> VaultResult<SecretString> {
        let record = self
            .store
            .secret(secret_ref)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| VaultError::NotFound(secret_ref.to_owned()))?;
        if record.nonce.len() != 12 {
            return Err(VaultError::Decrypt(secret_ref.to_owned()));
        }
        let aad = Self::aad(secret_ref, record.tenant_id);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(&record.nonce),
                Payload {
                    msg: &record.ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| VaultError::Decrypt(secret_ref.to_owned()))?;
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
}
