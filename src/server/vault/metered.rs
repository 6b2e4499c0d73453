//! A vault that counts and times every call of the one it wraps (see
//! `server::metrics`); it changes nothing else.

use async_trait::async_trait;
use secrecy::SecretString;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use super::{ManagedSecret, SecretOwner, Staged, Vault, VaultResult};
use crate::domain::SecretRef;
use crate::server::metrics;

pub struct MeteredVault {
    inner: Arc<dyn Vault>,
}

impl MeteredVault {
    pub fn wrap(inner: Arc<dyn Vault>) -> Arc<dyn Vault> {
        Arc::new(Self { inner })
    }
}

async fn timed<T>(
    operation: &'static str,
    call: impl Future<Output = VaultResult<T>>,
) -> VaultResult<T> {
    let started = Instant::now();
    let result = call.await;
    metrics::vault_call(operation, result.is_ok(), started);
    result
}

#[async_trait]
impl Vault for MeteredVault {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    async fn put(&self, owner: &SecretOwner<'_>, secret: &SecretString) -> VaultResult<SecretRef> {
        timed("put", self.inner.put(owner, secret)).await
    }

    async fn get(&self, secret_ref: &str) -> VaultResult<SecretString> {
        timed("get", self.inner.get(secret_ref)).await
    }

    async fn delete(&self, secret_ref: &str) -> VaultResult<()> {
        timed("delete", self.inner.delete(secret_ref)).await
    }

    async fn stage(&self, secret_ref: &str, secret: &SecretString) -> VaultResult<Staged> {
        timed("stage", self.inner.stage(secret_ref, secret)).await
    }

    async fn promote(&self, secret_ref: &str, staged: &Staged) -> VaultResult<()> {
        timed("promote", self.inner.promote(secret_ref, staged)).await
    }

    async fn discard_pending(&self, secret_ref: &str, staged: &Staged) -> VaultResult<()> {
        timed(
            "discard_pending",
            self.inner.discard_pending(secret_ref, staged),
        )
        .await
    }

    async fn restore_previous(&self, secret_ref: &str) -> VaultResult<()> {
        timed("restore_previous", self.inner.restore_previous(secret_ref)).await
    }

    async fn list_managed(&self) -> VaultResult<Vec<ManagedSecret>> {
        timed("list_managed", self.inner.list_managed()).await
    }
}
