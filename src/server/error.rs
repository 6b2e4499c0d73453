//! The service layer's error, and how it maps onto what a client may see.

use crate::domain::{AppError, FieldError};
use crate::server::store::StoreError;
use crate::server::vault::VaultError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not signed in")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("rate limited for {0}s")]
    RateLimited(u64),
    /// Past a concurrency limit; retry after this many seconds.
    #[error("busy; retry in {0}s")]
    Busy(u64),
    /// Every test-connection slot (the tenant's or all) is taken.
    #[error("too many test connections; retry in {0}s")]
    TooManyTests(u64),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The OAuth client failed: discovery, registration, or a token call.
    #[error(transparent)]
    OAuth(#[from] crate::server::oauth::OAuthError),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ServiceError::Invalid(vec![FieldError::new(field, message)])
    }
}

impl From<AppError> for ServiceError {
    /// Domain validation returns `AppError::Invalid`; keep its field errors.
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(fields) => ServiceError::Invalid(fields),
            AppError::Unauthorized => ServiceError::Unauthorized,
            AppError::Forbidden => ServiceError::Forbidden,
            AppError::NotFound => ServiceError::NotFound,
            AppError::RateLimited { retry_after_secs } => {
                ServiceError::RateLimited(retry_after_secs)
            }
            AppError::Busy { retry_after_secs } => ServiceError::Busy(retry_after_secs),
            AppError::TooManyTests { retry_after_secs } => {
                ServiceError::TooManyTests(retry_after_secs)
            }
            other => ServiceError::Store(StoreError::Corrupt(other.to_string())),
        }
    }
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Unauthorized => AppError::Unauthorized,
            ServiceError::Forbidden => AppError::Forbidden,
            ServiceError::NotFound => AppError::NotFound,
            ServiceError::Invalid(fields) => AppError::Invalid(fields),
            ServiceError::RateLimited(secs) => AppError::RateLimited {
                retry_after_secs: secs,
            },
            ServiceError::Busy(secs) => AppError::Busy {
                retry_after_secs: secs,
            },
            ServiceError::TooManyTests(secs) => AppError::TooManyTests {
                retry_after_secs: secs,
            },
            ServiceError::Vault(VaultError::Unavailable(reason)) => {
                // The reason holds a reference to the logged details, and
                // nothing of the backend's own words.
                AppError::Unavailable(format!(
                    "The credential vault is unavailable: {reason}. Nothing was saved; please try again."
                ))
            }
            ServiceError::Vault(e) => {
                tracing::error!(error = %e, "credential vault error");
                AppError::Unavailable(format!("Credential vault error: {e}"))
            }
            ServiceError::Store(e) => {
                tracing::error!(error = %e, "store error");
                AppError::Internal
            }
            ServiceError::OAuth(e) => AppError::Upstream(format!("OAuth: {e}")),
        }
    }
}
