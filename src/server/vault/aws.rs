//! The `aws` vault: AWS Secrets Manager.
//!
//! Secret names are `<prefix>/<tenant>/<kind>/<uuid>`, tagged with the
//! tenant and owner. Versions map onto Secrets Manager's staging labels:
//! current = AWSCURRENT, pending = AWSPENDING, previous = AWSPREVIOUS.
//! Retries (throttling, 5xx, I/O) with exponential backoff and jitter, and
//! the per-call deadline, are the SDK's standard retry and timeout configs.

use async_trait::async_trait;
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::config::retry::RetryConfig;
use aws_sdk_secretsmanager::config::timeout::TimeoutConfig;
use aws_sdk_secretsmanager::config::{Credentials, Region};
use aws_sdk_secretsmanager::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_secretsmanager::types::{Filter, FilterNameStringType, Tag};
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

use super::{ManagedSecret, SecretOwner, Staged, Vault, VaultError, VaultResult};
use crate::domain::SecretRef;

const CURRENT: &str = "AWSCURRENT";
const PENDING: &str = "AWSPENDING";
const PREVIOUS: &str = "AWSPREVIOUS";
const TAG_MANAGED: &str = "switchboard:managed";
const TAG_TENANT: &str = "switchboard:tenant";
const TAG_TENANT_ID: &str = "switchboard:tenant-id";
const TAG_KIND: &str = "switchboard:kind";
const TAG_OWNER: &str = "switchboard:owner";

#[derive(Debug, Clone)]
pub struct AwsVaultConfig {
    /// The first segment of every secret name; one per deployment.
    pub prefix: String,
    pub kms_key_id: Option<String>,
    /// The deadline of one vault call, retries included.
    pub timeout: Duration,
    /// Overrides for tests; in production the standard AWS chain decides
    /// (`AWS_REGION`, `AWS_ENDPOINT_URL[_SECRETS_MANAGER]`, credentials).
    pub endpoint_url: Option<String>,
    pub region: Option<String>,
    pub static_credentials: Option<(String, String)>,
}

impl From<&crate::server::config::Config> for AwsVaultConfig {
    fn from(c: &crate::server::config::Config) -> Self {
        Self {
            prefix: c.vault_prefix.clone(),
            kms_key_id: c.vault_kms_key_id.clone(),
            timeout: c.vault_timeout,
            endpoint_url: None,
            region: None,
            static_credentials: None,
        }
    }
}

pub struct AwsVault {
    client: Client,
    prefix: String,
    kms_key_id: Option<String>,
}

impl AwsVault {
    pub async fn from_env(config: AwsVaultConfig) -> VaultResult<Self> {
        let prefix = config.prefix.trim_matches('/').to_owned();
        let prefix_ok = !prefix.is_empty()
            && prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c));
        if !prefix_ok {
            return Err(VaultError::Config(format!(
                "SWITCHBOARD_VAULT_PREFIX {prefix:?} must be letters, digits and /_+=.@-"
            )));
        }
        let attempt = (config.timeout / 2).max(Duration::from_millis(500));
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(4)
                    .with_initial_backoff(Duration::from_millis(100))
                    .with_max_backoff(Duration::from_secs(2)),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(attempt.min(Duration::from_secs(3)))
                    .operation_attempt_timeout(attempt)
                    .operation_timeout(config.timeout)
                    .build(),
            );
        if let Some(url) = &config.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(region) = &config.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some((id, secret)) = &config.static_credentials {
            loader = loader.credentials_provider(Credentials::new(
                id.clone(),
                secret.clone(),
                None,
                None,
                "switchboard-static",
            ));
        }
        let shared = loader.load().await;
        if shared.region().is_none() {
            return Err(VaultError::Config(
                "SWITCHBOARD_VAULT=aws needs a region: set AWS_REGION (or a profile with one)"
                    .into(),
            ));
        }
        Ok(Self {
            client: Client::new(&shared),
            prefix,
            kms_key_id: config.kms_key_id,
        })
    }

    /// The stage-to-version map of a secret.
    async fn versions(&self, secret_ref: &str) -> VaultResult<Vec<(String, Vec<String>)>> {
        let described = self
            .client
            .describe_secret()
            .secret_id(secret_ref)
            .send()
            .await
            .map_err(|e| classify(secret_ref, e))?;
        Ok(described
            .version_ids_to_stages()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default())
    }

    /// The version holding `stage`, from one `versions` answer.
    fn holding(
        versions: &[(String, Vec<String>)],
        secret_ref: &str,
        stage: &'static str,
    ) -> VaultResult<String> {
        versions
            .iter()
            .find(|(_, stages)| stages.iter().any(|s| s == stage))
            .map(|(id, _)| id.clone())
            .ok_or_else(|| VaultError::NoVersion {
                secret_ref: secret_ref.to_owned(),
                version: match stage {
                    PENDING => "pending",
                    PREVIOUS => "previous",
                    _ => "current",
                },
            })
    }

    async fn version_with(&self, secret_ref: &str, stage: &'static str) -> VaultResult<String> {
        Self::holding(&self.versions(secret_ref).await?, secret_ref, stage)
    }

    /// Moves `stage` onto `to` (from `from`, when it was somewhere).
    async fn move_stage(
        &self,
        secret_ref: &str,
        stage: &str,
        to: Option<&str>,
        from: Option<&str>,
    ) -> VaultResult<()> {
        self.client
            .update_secret_version_stage()
            .secret_id(secret_ref)
            .version_stage(stage)
            .set_move_to_version_id(to.map(str::to_owned))
            .set_remove_from_version_id(from.map(str::to_owned))
            .send()
            .await
            .map_err(|e| classify(secret_ref, e))?;
        Ok(())
    }
}

/// Not-found is its own error; everything else means the vault could not
/// do it (network, throttled past the retries, access denied, …).
fn classify<E, R>(secret_ref: &str, e: SdkError<E, R>) -> VaultError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match e.code() {
        Some("ResourceNotFoundException") => VaultError::NotFound(secret_ref.to_owned()),
        _ => VaultError::unavailable("AWS Secrets Manager", DisplayErrorContext(&e)),
    }
}

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build()
}

fn to_chrono(t: Option<&aws_sdk_secretsmanager::primitives::DateTime>) -> DateTime<Utc> {
    t.and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
        .unwrap_or_else(Utc::now)
}

#[async_trait]
impl Vault for AwsVault {
    fn backend(&self) -> &'static str {
        "aws"
    }

    async fn put(&self, owner: &SecretOwner<'_>, secret: &SecretString) -> VaultResult<SecretRef> {
        // One token per logical create: the name and the version id both come
        // from it, and the SDK's retries resend it, so a retry cannot make a
        // second secret.
        let token = uuid::Uuid::new_v4().to_string();
        let name = format!(
            "{}/{}/{}/{token}",
            self.prefix,
            owner.tenant_slug,
            owner.kind.as_str()
        );
        let created = self
            .client
            .create_secret()
            .name(&name)
            .client_request_token(&token)
            .secret_string(secret.expose_secret())
            .set_kms_key_id(self.kms_key_id.clone())
            .description(format!(
                "Switchboard {} for {}",
                owner.kind.as_str(),
                owner.owner
            ))
            .tags(tag(TAG_MANAGED, "true"))
            .tags(tag(TAG_TENANT, owner.tenant_slug))
            .tags(tag(TAG_TENANT_ID, &owner.tenant_id.to_string()))
            .tags(tag(TAG_KIND, owner.kind.as_str()))
            .tags(tag(TAG_OWNER, owner.owner))
            .send()
            .await;
        match created {
            Ok(_) => Ok(SecretRef::new(name)),
            // A retried create whose first attempt landed: the name is ours alone.
            Err(e) if e.code() == Some("ResourceExistsException") => {
                match self.version_with(&name, CURRENT).await {
                    Ok(version) if version == token => Ok(SecretRef::new(name)),
                    _ => Err(classify(&name, e)),
                }
            }
            Err(e) => Err(classify(&name, e)),
        }
    }

    async fn get(&self, secret_ref: &str) -> VaultResult<SecretString> {
        let value = self
            .client
            .get_secret_value()
            .secret_id(secret_ref)
            // Always name the stage: moto's stage-less read ignores label moves.
            .version_stage(CURRENT)
            .send()
            .await
            .map_err(|e| classify(secret_ref, e))?;
        value
            .secret_string()
            .map(|s| SecretString::from(s.to_owned()))
            .ok_or_else(|| VaultError::Decrypt(secret_ref.to_owned()))
    }

    async fn delete(&self, secret_ref: &str) -> VaultResult<()> {
        match self
            .client
            .delete_secret()
            .secret_id(secret_ref)
            .force_delete_without_recovery(true)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(()),
            Err(e) => Err(classify(secret_ref, e)),
        }
    }

    async fn stage(&self, secret_ref: &str, secret: &SecretString) -> VaultResult<Staged> {
        // Any earlier pending version loses its label when this one takes it.
        let put = self
            .client
            .put_secret_value()
            .secret_id(secret_ref)
            .client_request_token(uuid::Uuid::new_v4().to_string())
            .secret_string(secret.expose_secret())
            .version_stages(PENDING)
            .send()
            .await
            .map_err(|e| classify(secret_ref, e))?;
        put.version_id().map(Staged::new).ok_or_else(|| {
            VaultError::unavailable(
                "AWS Secrets Manager",
                "PutSecretValue returned no version id",
            )
        })
    }

    async fn promote(&self, secret_ref: &str, staged: &Staged) -> VaultResult<()> {
        // One DescribeSecret for both labels.
        let versions = self.versions(secret_ref).await?;
        let pending = Self::holding(&versions, secret_ref, PENDING)?;
        if pending != staged.id() {
            return Err(VaultError::Superseded(secret_ref.to_owned()));
        }
        let current = Self::holding(&versions, secret_ref, CURRENT)?;
        // The version moved to is the one this change staged and tested,
        // named by id: even if another change stages in between, its
        // untested version is not the one that becomes current.
        // Secrets Manager moves AWSPREVIOUS onto the version losing AWSCURRENT.
        self.move_stage(secret_ref, CURRENT, Some(staged.id()), Some(&current))
            .await?;
        match self.version_with(secret_ref, PENDING).await {
            Ok(still) if still == staged.id() => {
                self.move_stage(secret_ref, PENDING, None, Some(staged.id()))
                    .await
            }
            Ok(_) | Err(VaultError::NoVersion { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn discard_pending(&self, secret_ref: &str, staged: &Staged) -> VaultResult<()> {
        match self.version_with(secret_ref, PENDING).await {
            Ok(pending) if pending == staged.id() => {
                self.move_stage(secret_ref, PENDING, None, Some(&pending))
                    .await
            }
            // Gone already, or another change's: leave it.
            Ok(_) | Err(VaultError::NoVersion { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn restore_previous(&self, secret_ref: &str) -> VaultResult<()> {
        let versions = self.versions(secret_ref).await?;
        let previous = Self::holding(&versions, secret_ref, PREVIOUS)?;
        let current = Self::holding(&versions, secret_ref, CURRENT)?;
        self.move_stage(secret_ref, CURRENT, Some(&previous), Some(&current))
            .await
    }

    async fn list_managed(&self) -> VaultResult<Vec<ManagedSecret>> {
        let mut found = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let page = self
                .client
                .list_secrets()
                .filters(
                    Filter::builder()
                        .key(FilterNameStringType::Name)
                        .values(format!("{}/", self.prefix))
                        .build(),
                )
                .max_results(100)
                .set_next_token(next.take())
                .send()
                .await
                .map_err(|e| classify(&self.prefix, e))?;
            for entry in page.secret_list() {
                let tags = entry.tags();
                let tag_value = |key: &str| {
                    tags.iter()
                        .find(|t| t.key() == Some(key))
                        .and_then(|t| t.value())
                };
                // The name filter is a prefix match; the tag says it is ours.
                let (Some(name), Some("true")) = (entry.name(), tag_value(TAG_MANAGED)) else {
                    continue;
                };
                found.push(ManagedSecret {
                    secret_ref: SecretRef::new(name),
                    owner: tag_value(TAG_OWNER).unwrap_or_default().to_owned(),
                    created_at: to_chrono(entry.created_date()),
                });
            }
            match page.next_token() {
                Some(token) if !token.is_empty() => next = Some(token.to_owned()),
                _ => break,
            }
        }
        Ok(found)
    }
}
