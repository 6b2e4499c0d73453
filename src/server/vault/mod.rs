//! Credential vault port. A server row holds only a `secret_ref`; the secret
//! itself lives here and never leaves the server process.

mod local;

use async_trait::async_trait;
use secrecy::SecretString;

pub use local::{LocalVault, VaultKey};

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("credential vault unavailable: {0}")]
    Unavailable(String),
    #[error("secret {0} not found in the credential vault")]
    NotFound(String),
    /// Wrong master key, or a ciphertext that was tampered with.
    #[error("secret {0} could not be decrypted (wrong vault key?)")]
    Decrypt(String),
    #[error("invalid vault key: {0}")]
    BadKey(String),
}

pub type VaultResult<T> = Result<T, VaultError>;

/// What a secret is for; part of its name, for audits and sweeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A server's tenant API key.
    ServerCredential,
}

impl SecretKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::ServerCredential => "server-credential",
        }
    }
}

#[async_trait]
pub trait Vault: Send + Sync + 'static {
    fn backend(&self) -> &'static str;
    /// Stores a new secret and returns its reference.
    async fn put(
        &self,
        tenant_id: i64,
        kind: SecretKind,
        secret: &SecretString,
    ) -> VaultResult<String>;
    async fn get(&self, secret_ref: &str) -> VaultResult<SecretString>;
    /// Deleting a secret that is already gone is not an error.
    async fn delete(&self, secret_ref: &str) -> VaultResult<()>;
}
