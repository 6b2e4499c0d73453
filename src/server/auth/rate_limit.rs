//! Failed sign-ins, counted in the database so every replica sees the same numbers.

use chrono::{DateTime, Duration, Utc};

use crate::server::store::{Store, StoreResult};

pub const WINDOW: Duration = Duration::minutes(15);
/// Failures per email address in the window before it is locked.
pub const PER_EMAIL: i64 = 5;
/// Failures per client address in the window (several users may share one).
pub const PER_IP: i64 = 20;

pub fn email_key(email: &str) -> String {
    format!("email:{}", email.trim().to_lowercase())
}

pub fn ip_key(ip: &str) -> String {
    format!("ip:{ip}")
}

/// `Some(seconds to wait)` when any key is over its limit at `now`.
pub async fn check(
    store: &dyn Store,
    keys: &[(String, i64)],
    now: DateTime<Utc>,
) -> StoreResult<Option<u64>> {
    let since = now - WINDOW;
    for (key, limit) in keys {
        if store.count_auth_failures(key, since).await? >= *limit {
            return Ok(Some(u64::try_from(WINDOW.num_seconds()).unwrap_or(900)));
        }
    }
    Ok(None)
}

/// One failure per key, at `now`.
pub async fn record(
    store: &dyn Store,
    keys: &[(String, i64)],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for (key, _) in keys {
        store.record_auth_failure(key, now).await?;
    }
    Ok(())
}
