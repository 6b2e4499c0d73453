//! Credential vault port. A server row holds only a `secret_ref`; the secret
//! itself lives here and never leaves the server process.
//!
//! Two backends: `local` (AES-256-GCM in the application database, the
//! default) and `aws` (AWS Secrets Manager). Both keep, per secret, a
//! current version, at most one pending version (staged by a rotation and
//! not yet tested) and at most one previous version (what undo restores).

mod aws;
mod key;
mod local;
mod metered;
pub mod rekey;
pub mod sweep;

#[cfg(test)]
mod contract_tests;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use std::sync::Arc;

use crate::domain::{SecretRef, TenantId};

pub use aws::{AwsVault, AwsVaultConfig};
pub use key::{VaultKey, write_key_file};
pub use local::LocalVault;
pub use metered::MeteredVault;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("credential vault unavailable: {0}")]
    Unavailable(String),
    #[error("secret {0} not found in the credential vault")]
    NotFound(String),
    /// A rotation step that needs a pending (or previous) version found none.
    #[error("secret {secret_ref} has no {version} version")]
    NoVersion {
        secret_ref: String,
        version: &'static str,
    },
    /// Wrong master key, or a ciphertext that was tampered with.
    #[error("secret {0} could not be decrypted (wrong vault key?)")]
    Decrypt(String),
    /// The pending version is no longer the one this change staged (another
    /// change staged over it), or the secret changed under a write: nothing
    /// was done, so nobody's untested key was promoted.
    #[error("secret {0} was changed by another change meanwhile; nothing was promoted")]
    Superseded(String),
    #[error("invalid vault key: {0}")]
    BadKey(String),
    #[error("vault configuration: {0}")]
    Config(String),
}

pub type VaultResult<T> = Result<T, VaultError>;

/// One staged version, by the id its backend gave it. Promoting or
/// discarding names it, so neither can act on a version another change
/// staged since: a compare-and-set, so two overlapping rotations never
/// promote each other's untested key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged(String);

impl Staged {
    pub(super) fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    pub fn id(&self) -> &str {
        &self.0
    }
}

impl VaultError {
    /// The backend failed. Its own words (an AWS error names the account,
    /// ARNs and request ids) go to the log under a short reference; the
    /// error, and so audit rows and API answers, carry only the reference.
    pub fn unavailable(source: &'static str, detail: impl std::fmt::Display) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let reference = id.get(..8).unwrap_or(&id);
        tracing::error!(reference, source, detail = %detail, "credential vault call failed");
        VaultError::Unavailable(format!(
            "{source} failed (reference {reference}; the details are in the server log)"
        ))
    }
}

/// What a secret is for; part of its name, for audits and sweeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A server's tenant API key.
    ServerCredential,
    /// A connection's credential and secret headers (a JSON document).
    ConnectionCredential,
    /// The secret path or query of a server's URL.
    ServerUrl,
    /// One user's OAuth token set for one server (a JSON document).
    OAuthTokens,
    /// The client secret an authorization server issued Switchboard.
    OAuthClient,
}

impl SecretKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::ServerCredential => "server-credential",
            SecretKind::ConnectionCredential => "connection-credential",
            SecretKind::ServerUrl => "server-url",
            SecretKind::OAuthTokens => "oauth-tokens",
            SecretKind::OAuthClient => "oauth-client",
        }
    }
}

/// Who a new secret belongs to: written into its name and tags, so an
/// operator (and the sweeper) can tell what it is for without our database.
#[derive(Debug, Clone, Copy)]
pub struct SecretOwner<'a> {
    pub tenant_id: TenantId,
    pub tenant_slug: &'a str,
    pub kind: SecretKind,
    /// The owning object, e.g. `mcp-server/github`.
    pub owner: &'a str,
}

/// A secret this deployment created, as listed for the sweeper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedSecret {
    pub secret_ref: SecretRef,
    pub owner: String,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait Vault: Send + Sync + 'static {
    fn backend(&self) -> &'static str;
    /// Stores a new secret and returns its reference.
    async fn put(&self, owner: &SecretOwner<'_>, secret: &SecretString) -> VaultResult<SecretRef>;
    /// The current version.
    async fn get(&self, secret_ref: &str) -> VaultResult<SecretString>;
    /// Deletes every version at once, without a recovery window. Deleting a
    /// secret that is already gone is not an error.
    async fn delete(&self, secret_ref: &str) -> VaultResult<()>;

    /// Stages `secret` as the pending version, replacing an earlier pending
    /// one. The current version is untouched.
    async fn stage(&self, secret_ref: &str, secret: &SecretString) -> VaultResult<Staged>;
    /// `staged` becomes current and current becomes previous, if `staged`
    /// is still the pending version: else `Superseded`, and nothing changes.
    async fn promote(&self, secret_ref: &str, staged: &Staged) -> VaultResult<()>;
    /// Drops `staged` if it is still the pending version (another change's
    /// pending version stays); current and previous stay.
    async fn discard_pending(&self, secret_ref: &str, staged: &Staged) -> VaultResult<()>;
    /// Previous becomes current and current becomes previous, so undoing
    /// twice is a redo.
    async fn restore_previous(&self, secret_ref: &str) -> VaultResult<()>;

    /// Every secret this deployment created (by name prefix or table).
    async fn list_managed(&self) -> VaultResult<Vec<ManagedSecret>>;
}

/// The configured backend.
pub async fn open(
    config: &crate::server::config::Config,
    store: Arc<dyn crate::server::store::Store>,
) -> anyhow::Result<Arc<dyn Vault>> {
    use crate::server::config::VaultBackend;
    Ok(match config.vault {
        VaultBackend::Local => {
            let key = match &config.vault_key {
                Some(hex) => VaultKey::from_hex(hex)?,
                None => VaultKey::load_or_create(&config.vault_key_path())?,
            };
            Arc::new(LocalVault::new(key, store))
        }
        VaultBackend::Aws => Arc::new(AwsVault::from_env(AwsVaultConfig::from(config)).await?),
    })
}

#[cfg(test)]
mod tests {
    use super::VaultError;

    #[test]
    fn a_backends_own_words_stay_in_the_log() {
        let aws = "ServiceError: AccessDeniedException: arn:aws:iam::123456789012:role/sb is not \
                   authorized (RequestId: 5f1c0b3e-aaaa-bbbb-cccc-0123456789ab)";
        let e = VaultError::unavailable("AWS Secrets Manager", aws);
        let shown = e.to_string();
        assert!(
            shown.contains("AWS Secrets Manager failed (reference "),
            "{shown}"
        );
        for private in ["arn:", "123456789012", "RequestId", "AccessDenied"] {
            assert!(!shown.contains(private), "{private} in {shown}");
        }
        let again = VaultError::unavailable("AWS Secrets Manager", aws).to_string();
        assert_ne!(shown, again, "each failure has its own reference");
    }
}
